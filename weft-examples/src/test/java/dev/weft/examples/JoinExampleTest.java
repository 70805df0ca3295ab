package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JoinExampleTest {

    /** Each call waits until all three calls are in flight: only a concurrent fetch gets through. */
    private static JoinExample.Network allThreeAtOnce() {
        CyclicBarrier barrier = new CyclicBarrier(3);
        return call -> barrier.await(10, TimeUnit.SECONDS);
    }

    @Test
    void fetchAllRunsTheThreeFetchesConcurrently() {
        JoinExample.Outcome o = JoinExample.run(allThreeAtOnce());
        assertEquals(new JoinExample.Dashboard(List.of("ada", "grace", "linus"), List.of("order-1", "order-2"),
                Map.of("spoons", 12, "forks", 7)), o.dashboard());
        assertEquals(3, o.peakInFlight());
    }

    @Test
    void aFailedFetchIsThrownByTheJoinOnceAllAreDone() {
        JoinExample backend = new JoinExample(call -> {
            if (call.equals("orders")) {
                throw new IOException("orders service down");
            }
        });
        IOException e = assertThrows(IOException.class, () -> Runtime.main(backend::fetchAll));
        assertEquals("orders service down", e.getMessage());
    }
}
