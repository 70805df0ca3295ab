package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BlockingExampleTest {

    @Test
    void heavyWorkRunsOnTheBlockingPool() {
        BlockingExample.Outcome o = BlockingExample.run();
        assertEquals(SpawnExample.heavySyncComputation(5_000_000), o.primeSum());
        assertFalse(o.blockingThreadIsVirtual());
        assertTrue(o.blockingThread().startsWith("weft-blocking-"), o.blockingThread());
    }

    @Test
    void awaitInsideAPollOnAWorkerIsRefusedWithAClearError() {
        Throwable refusal = BlockingExample.run().refusal();
        assertInstanceOf(IllegalStateException.class, refusal);
        assertTrue(refusal.getMessage().contains("await() called on scheduler worker"), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("compose instead"), refusal.getMessage());
    }

    @Test
    void composedFutureGivesTheValueWithoutBlocking() {
        assertEquals(42, BlockingExample.run().composed());
    }
}
