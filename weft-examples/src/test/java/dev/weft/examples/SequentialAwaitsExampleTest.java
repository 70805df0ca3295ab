package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.task.Task;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SequentialAwaitsExampleTest {

    @Test
    void sequentialAwaitsNeverOverlapWhileAJoinRunsAllThreeAtOnce() {
        JoinExample.Network yielding = call -> Task.yieldNow().await();   // a round trip that lets others run
        CyclicBarrier barrier = new CyclicBarrier(3);
        JoinExample.Network allThreeAtOnce = call -> barrier.await(10, TimeUnit.SECONDS);

        SequentialAwaitsExample.Outcome o = SequentialAwaitsExample.run(yielding, allThreeAtOnce);

        assertEquals(1, o.sequential().peakInFlight(), "the second fetch starts only after the first is done");
        assertEquals(3, o.joined().peakInFlight(), "the join has all three in flight together");
        assertEquals(o.sequential().dashboard(), o.joined().dashboard());
    }
}
