package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static dev.weft.Select.on;
import static dev.weft.Select.selectBiased;

import dev.weft.CheckedRunnable;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A thread task's budget as a time slice (ADR 0002, "The budget as a time slice"): a
 * spent budget yields the carrier only once the task's turn on it has lasted a slice,
 * and a park or a yield starts a new turn. The budget's clock is stopped and moved by
 * the test, so nothing here is timed. On one carrier a task that keeps it shuts out
 * every other, so "the queued task has not run" means "no yield". Also: a yieldNow
 * yields within the slice even when the same poll spent the budget. Runs in the
 * single-carrier surefire execution, which also enables the manual clock.
 */
@Tag("single-carrier")
@Timeout(30)
class BudgetSliceTest {
    /** Ready awaits that spend the budget eight times over: within a slice, none may yield. */
    private static final int MANY_BUDGETS = 8 * Context.BUDGET;

    @BeforeAll
    static void requireOneCarrierAndTheManualClock() {
        assertEquals("1", System.getProperty("jdk.virtualThreadScheduler.parallelism"),
                "run these tests through the single-carrier surefire execution");
        assertEquals("manual", System.getProperty("weft.internal.budgetClock"),
                "run these tests through the single-carrier surefire execution");
    }

    @AfterEach
    void restartTheClock() {
        ThreadContext.restartBudgetClock();
    }

    /** What one run saw: whether the queued task ran during the slice, and the awaits it took past it. */
    private record Turn(boolean ranWithinSlice, int awaitsPastSlice) {
    }

    /**
     * Queues a thread task behind the caller (which holds the only carrier), spends the
     * budget {@link #MANY_BUDGETS} times with the clock stopped, then moves the clock a
     * slice on and awaits until the queued task has run (at most four budgets).
     */
    private static Turn spendWithinThenPastTheSlice() {
        AtomicBoolean ran = new AtomicBoolean();
        JoinHandle<Void> queued = Task.spawn(() -> ran.set(true));
        for (int i = 0; i < MANY_BUDGETS; i++) {
            Future.ready(i).await();
        }
        boolean early = ran.get();
        ThreadContext.advanceBudgetClock(ThreadContext.sliceTicks());
        int awaits = 0;
        while (!ran.get() && awaits < 4 * Context.BUDGET) {
            Future.ready(awaits).await();
            awaits++;
        }
        queued.await();
        return new Turn(early, awaits);
    }

    private static void assertSlice(Turn turn) {
        assertFalse(turn.ranWithinSlice(), "a spent budget yielded the carrier within the slice");
        assertTrue(turn.awaitsPastSlice() <= Context.BUDGET,
                "past the slice the carrier was kept for " + turn.awaitsPastSlice() + " awaits, more than a budget");
    }

    @Test
    void aSpentBudgetKeepsTheCarrierWithinTheSliceAndYieldsPastIt() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            ThreadContext.stopBudgetClock();
            assertSlice(rt.blockOn(BudgetSliceTest::spendWithinThenPastTheSlice));
        }
    }

    /**
     * On a stopped clock, in a thread task whose turn has lasted two slices: runs
     * {@code newTurn}, which should start a new turn, then checks the slice as the first
     * test does.
     */
    private static void assertNewTurnAfter(CheckedRunnable newTurn) {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            ThreadContext.stopBudgetClock();
            assertSlice(rt.blockOn(() -> {
                Future.ready(0).await(); // this thread's context, and its turn, start here
                ThreadContext.advanceBudgetClock(2 * ThreadContext.sliceTicks()); // the turn is over
                newTurn.run();
                return spendWithinThenPastTheSlice();
            }));
        }
    }

    @Test
    void aParkInAnAwaitStartsANewTurn() {
        // The task cannot run before this one parks for it (one carrier, no spin).
        assertNewTurnAfter(() -> Task.spawn(() -> 1).await());
    }

    @Test
    void aYieldStartsANewTurn() {
        assertNewTurnAfter(() -> {
            // Something queued, so that the yield is not skipped as one to nobody.
            AtomicBoolean ran = new AtomicBoolean();
            JoinHandle<Void> queued = Task.spawn(() -> ran.set(true));
            Task.yieldNow().await();
            assertTrue(ran.get(), "yieldNow let the queued task run");
            queued.await();
        });
    }

    @Test
    void yieldNowInASelectYieldsWhenTheOtherBranchSpentTheLastUnit() {
        // A receive on an empty channel takes a unit of the budget before it answers
        // pending. After n ready awaits, for every n up to two budgets, that unit is
        // sometimes the last, in the same poll as the yieldNow beside it: the await must
        // still yield, although the slice (the clock is stopped) says keep the carrier.
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            ThreadContext.stopBudgetClock();
            List<Integer> missed = rt.blockOn(() -> {
                Mpsc.Pair<Integer> empty = Mpsc.channel(1); // the sender stays open: never ready
                AtomicInteger ran = new AtomicInteger();
                List<Integer> noTurn = new ArrayList<>();
                List<JoinHandle<Integer>> spawned = new ArrayList<>();
                int k = 0;
                for (int n = 0; n < 2 * Context.BUDGET; n++) {
                    for (int i = 0; i < n; i++) {
                        Future.ready(i).await();
                    }
                    int turn = ++k;
                    spawned.add(Task.spawn(() -> ran.getAndSet(turn)));
                    int winner = selectBiased(on(empty.rx().recv(), v -> 0), on(Task.yieldNow(), v -> 1)).await();
                    assertEquals(1, winner);
                    if (ran.get() != turn) {
                        noTurn.add(n);
                    }
                }
                for (JoinHandle<Integer> h : spawned) {
                    h.await();
                }
                empty.tx().close();
                return noTurn;
            });
            assertEquals(List.of(), missed, "counts of awaits after which the select's yieldNow let the queued task wait");
        }
    }
}
