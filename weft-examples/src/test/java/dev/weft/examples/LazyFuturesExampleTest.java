package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LazyFuturesExampleTest {

    @Test
    void createdFuturesDoNothingUntilAwaited() {
        LazyFuturesExample.Outcome o = LazyFuturesExample.run();
        assertEquals(List.of(), o.sentBeforeAnyAwait());
        assertEquals(0, o.pollsOfAnUnawaitedFuture());
    }

    @Test
    void theFutureNeverAwaitedNeverRunsAndTheAwaitedOneDoes() {
        LazyFuturesExample.Outcome o = LazyFuturesExample.run();
        assertEquals(List.of("grace", "linus"), o.sent());
    }

    @Test
    void spawnedTaskRunsWithoutAnAwait() {
        assertTrue(LazyFuturesExample.run().spawnedRanWithoutAwait());
    }
}
