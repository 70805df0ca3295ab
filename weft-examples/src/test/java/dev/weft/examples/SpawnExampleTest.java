package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpawnExampleTest {

    @Test
    void spawnedTaskGivesItsValueThroughItsHandle() {
        SpawnExample.Outcome o = SpawnExample.run();
        assertEquals(42L, o.result());
        assertTrue(o.spawnedOnVirtualThread(), "a thread task runs on a virtual thread");
    }

    @Test
    void spawnBlockingRunsOnAPlatformThreadOfTheBlockingPool() {
        SpawnExample.Outcome o = SpawnExample.run();
        assertEquals(SpawnExample.heavySyncComputation(2_000_000), o.blocked());
        assertFalse(o.blockingOnVirtualThread());
        assertTrue(o.blockingThread().startsWith("weft-blocking-"), o.blockingThread());
    }

    @Test
    void failedTaskCompletesItsHandleWithAJoinErrorCarryingTheCause() {
        SpawnExample.Outcome o = SpawnExample.run();
        assertTrue(o.panicked());
        assertEquals("the computation went wrong", o.panicCause());
    }

    @Test
    void primeSumIsRight() {
        assertEquals(2L + 3 + 5 + 7, SpawnExample.heavySyncComputation(10));
    }
}
