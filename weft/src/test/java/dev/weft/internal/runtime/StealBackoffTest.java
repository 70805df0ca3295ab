package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.internal.runtime.StealBackoff.Allowed;
import org.junit.jupiter.api.Test;

/** The steal backoff's rule, on made-up times: no clock, no threads. */
class StealBackoffTest {
    private static final long SHORT = StealBackoff.SHORT_NANOS;

    /** One steal of two tasks at {@code now}, the worker dry again {@code busy} ns later; answers the time it ran dry. */
    private static long stealAndRunDry(StealBackoff b, long now, long busy) {
        b.stole(now, 2);
        b.ranDry(now + busy);
        return now + busy;
    }

    /** Short steals one after the other until the backoff is at its longest; answers when the worker last ran dry. */
    private static long shortStealsToTheLongestBackoff(StealBackoff b) {
        long dry = 1_000_000_000;
        for (int i = 0; i < 10; i++) {
            dry = stealAndRunDry(b, dry + 5_000_000, 500);
        }
        assertEquals(StealBackoff.MAX_NANOS, b.backoffNanos());
        return dry;
    }

    @Test
    void aWorkerThatNeverStoleStealsAtOnceAndNeedsNoClock() {
        StealBackoff b = new StealBackoff();
        assertFalse(b.needsClock());
        assertEquals(0, b.backoffNanos());
        assertEquals(Allowed.ANY, b.allowed(123));
    }

    @Test
    void aStealThatKeptTheWorkerBusyLeavesNoBackoff() {
        StealBackoff b = new StealBackoff();
        long dry = stealAndRunDry(b, 1_000_000, SHORT);
        assertEquals(0, b.backoffNanos());
        assertEquals(Allowed.ANY, b.allowed(dry));
        assertFalse(b.needsClock());
    }

    @Test
    void aShortStealBacksOffForTheFirstStepCountedFromWhenTheWorkerRanDry() {
        StealBackoff b = new StealBackoff();
        long dry = stealAndRunDry(b, 1_000_000, SHORT - 1);
        assertEquals(StealBackoff.FIRST_NANOS, b.backoffNanos());
        assertFalse(b.needsClock(), "judged: nothing left to time until the next steal");
        assertTrue(b.mayHoldBack());
        assertEquals(Allowed.BACKLOGS, b.allowed(dry));
        assertEquals(Allowed.NONE, b.allowed(dry + StealBackoff.FIRST_NANOS - 1));
        assertEquals(Allowed.ANY, b.allowed(dry + StealBackoff.FIRST_NANOS));
        assertFalse(b.mayHoldBack(), "once over, no clock reads until the next short steal");
    }

    @Test
    void eachFurtherShortStealDoublesTheBackoffUpToTheMaximum() {
        StealBackoff b = new StealBackoff();
        long now = 0;
        long expected = StealBackoff.FIRST_NANOS;
        for (int i = 0; i < 20; i++) {
            now = stealAndRunDry(b, now + 5_000_000, 500);
            assertEquals(expected, b.backoffNanos(), "after short steal " + (i + 1));
            expected = Math.min(2 * expected, StealBackoff.MAX_NANOS);
        }
        assertEquals(StealBackoff.MAX_NANOS, b.backoffNanos());
        assertEquals(Allowed.ANY, b.allowed(now + StealBackoff.MAX_NANOS));
    }

    @Test
    void whileBackingOffTheWorkerLooksForABacklogOnlyNowAndThen() {
        StealBackoff b = new StealBackoff();
        long now = shortStealsToTheLongestBackoff(b);
        long max = StealBackoff.MAX_NANOS;
        long every = StealBackoff.BACKLOG_LOOK_NANOS;
        assertTrue(every < max, "the backlog looks must come inside the backoff");
        long dry = now;
        int backlogLooks = 0;
        for (long t = dry; t < dry + max; t += 100) {
            Allowed a = b.allowed(t);
            assertTrue(a != Allowed.ANY, "any queue allowed " + (t - dry) + " ns into a backoff of " + max);
            if (a == Allowed.BACKLOGS) {
                assertEquals(0, (t - dry) % every, "a backlog look " + (t - dry) + " ns after running dry");
                backlogLooks++;
            }
        }
        assertEquals((max + every - 1) / every, backlogLooks);
        assertEquals(Allowed.ANY, b.allowed(dry + max));
    }

    @Test
    void oneLongStealClearsABackoffAtItsMaximum() {
        StealBackoff b = new StealBackoff();
        long now = shortStealsToTheLongestBackoff(b);
        assertEquals(StealBackoff.MAX_NANOS, b.backoffNanos());
        now = stealAndRunDry(b, now + 5_000_000, 10 * SHORT);
        assertEquals(0, b.backoffNanos());
        assertEquals(Allowed.ANY, b.allowed(now));
    }

    @Test
    void aLargeStealLeavesNoBackoffHoweverSoonItsTasksEnded() {
        // A steal takes half of the queue it steals from: half a backlog or more.
        assertEquals(StealBackoff.BACKLOG / 2, StealBackoff.LARGE_STEAL);
        StealBackoff b = new StealBackoff();
        b.stole(1_000_000, StealBackoff.LARGE_STEAL - 1);
        b.ranDry(1_000_500);
        assertEquals(StealBackoff.FIRST_NANOS, b.backoffNanos(), "a few tiny tasks: back off");
        b.stole(2_000_000, StealBackoff.LARGE_STEAL);
        b.ranDry(2_000_500);
        assertEquals(0, b.backoffNanos(), "half a backlog of tiny tasks was worth taking");
        assertFalse(b.mayHoldBack());
    }

    @Test
    void drySpellsWithoutAStealDoNotPutTheNextStealOff() {
        // A worker at the longest backoff that keeps running dry (it took work from the
        // global queue, or a task it woke, and ran out again) every 100 us: the window
        // still ends MAX_NANOS after the steal was judged.
        StealBackoff b = new StealBackoff();
        long dry = shortStealsToTheLongestBackoff(b);
        assertEquals(StealBackoff.MAX_NANOS, b.backoffNanos());
        long judged = dry;
        for (long t = judged + 100_000; t < judged + 1_000_000; t += 100_000) {
            assertFalse(b.needsClock());
            b.ranDry(t);
        }
        assertEquals(Allowed.ANY, b.allowed(judged + StealBackoff.MAX_NANOS));
        assertEquals(0, b.backoffLeft(judged + StealBackoff.MAX_NANOS));
    }

    @Test
    void theWorkerWaitsOutItsBackoffOnlyWhileAnotherWorkerHadTasksQueued() {
        StealBackoff b = new StealBackoff();
        long dry = shortStealsToTheLongestBackoff(b);
        long backoff = b.backoffNanos();
        assertEquals(StealBackoff.MAX_NANOS, backoff);
        assertTrue(StealBackoff.BACKLOG_LOOK_NANOS < backoff);
        assertEquals(backoff, b.backoffLeft(dry));
        assertEquals(backoff / 2, b.backoffLeft(dry + backoff / 2));
        assertEquals(0, b.backoffLeft(dry + 2 * backoff));

        // The look at the moment it ran dry found every other queue empty: park.
        assertEquals(Allowed.BACKLOGS, b.allowed(dry));
        assertFalse(b.worthWaiting(dry + 1));
        // A wake-up (or a later look) that found tasks queued elsewhere: nap.
        b.sawQueuedWork();
        assertTrue(b.worthWaiting(dry + 1));
        assertFalse(b.worthWaiting(dry + backoff), "no nap once the backoff is over");
        // The next look starts from nothing again.
        assertEquals(Allowed.BACKLOGS, b.allowed(dry + StealBackoff.BACKLOG_LOOK_NANOS));
        assertFalse(b.worthWaiting(dry + StealBackoff.BACKLOG_LOOK_NANOS));
    }

    @Test
    void withoutABackoffThereIsNothingToWaitOut() {
        StealBackoff b = new StealBackoff();
        b.sawQueuedWork();
        assertFalse(b.worthWaiting(42));
        assertEquals(0, b.backoffLeft(42));
    }

    @Test
    void aNapMakesTheNextLookDueAtOnce() {
        StealBackoff b = new StealBackoff();
        long dry = shortStealsToTheLongestBackoff(b);
        assertEquals(Allowed.BACKLOGS, b.allowed(dry), "a look when the window opens");
        assertEquals(Allowed.NONE, b.allowed(dry + 1_000));
        b.lookAgain();
        assertEquals(Allowed.BACKLOGS, b.allowed(dry + 2_000), "a look after a nap");
        assertEquals(Allowed.NONE, b.allowed(dry + 3_000));
    }

    @Test
    void aBacklogIsAQueueOfAtLeastAnEighthOfTheCapacity() {
        assertFalse(StealBackoff.isBacklog(0));
        assertFalse(StealBackoff.isBacklog(LocalQueue.CAPACITY / 8 - 1));
        assertTrue(StealBackoff.isBacklog(LocalQueue.CAPACITY / 8));
        assertTrue(StealBackoff.isBacklog(LocalQueue.CAPACITY));
    }
}
