package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FutureTaskExampleTest {

    @Test
    void mapAndAndThenComposeTheQuote() {
        assertEquals(3 * 250 + 3 * 250 / 5, FutureTaskExample.run().quote());
    }

    @Test
    void loopSumsTheSquares() {
        assertEquals(338_350L, FutureTaskExample.run().sumOfSquares());
    }

    @Test
    void everyStepRanOnASchedulerWorkerNotOnAThreadOfItsOwn() {
        var threads = FutureTaskExample.run().stepThreads();
        assertFalse(threads.isEmpty());
        assertTrue(threads.stream().allMatch(t -> t.startsWith("example-worker-")), threads.toString());
    }
}
