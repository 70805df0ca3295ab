package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CancelSafetyExampleTest {
    private static final int ITEMS = 1_000;
    private static final int BEATS = 3;
    private static final long SUM = (long) ITEMS * (ITEMS - 1) / 2;

    @Test
    void futureMadeInsideTheLoopLosesItsProgressAtEveryHeartbeat() {
        CancelSafetyExample.Run wrong = CancelSafetyExample.run(ITEMS, BEATS).wrong();
        assertEquals(SUM, wrong.sum());
        assertEquals(BEATS, wrong.beats());
        assertEquals(ITEMS + BEATS, wrong.itemsProcessed(), "one item of work thrown away per heartbeat");
    }

    @Test
    void aBorrowedFutureKeepsItsProgressAcrossHeartbeats() {
        CancelSafetyExample.Run borrowed = CancelSafetyExample.run(ITEMS, BEATS).borrowed();
        assertEquals(SUM, borrowed.sum());
        assertEquals(BEATS, borrowed.beats());
        assertEquals(ITEMS, borrowed.itemsProcessed(), "no item processed twice");
    }

    @Test
    void handleKeptOutsideTheLoopIsCancelSafeAndTheWorkRunsOnce() {
        CancelSafetyExample.Run right = CancelSafetyExample.run(ITEMS, BEATS).right();
        assertEquals(SUM, right.sum());
        assertEquals(ITEMS, right.itemsProcessed(), "no item processed twice");
        assertTrue(right.beats() <= BEATS, "beats: " + right.beats());
    }
}
