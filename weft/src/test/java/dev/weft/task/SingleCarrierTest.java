package dev.weft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Properties of thread tasks that only show when virtual threads share one carrier:
 * nothing preempts a virtual thread, so one that never yields holds the carrier.
 * Runs in its own JVM with {@code -Djdk.virtualThreadScheduler.parallelism=1}
 * (surefire execution {@code single-carrier} in weft/pom.xml).
 */
@Tag("single-carrier")
@Timeout(30)
class SingleCarrierTest {

    @BeforeAll
    static void requireOneCarrier() {
        assertEquals("1", System.getProperty("jdk.virtualThreadScheduler.parallelism"),
                "run these tests through the single-carrier surefire execution");
    }

    /**
     * A thread task awaits {@code step} in a loop until another thread task, spawned after
     * it, stops it: that one needs the carrier the spinner holds, and only the spinner's
     * budget yields give it one.
     */
    private static void assertASpinnerDoesNotStarveAnother(Runtime rt, Callable<Integer> step) {
        AtomicBoolean stop = new AtomicBoolean();
        JoinHandle<Long> spinner = rt.spawn(() -> {
            long n = 0;
            while (!stop.get()) {
                n += step.call();
            }
            return n;
        });
        rt.spawn(() -> stop.set(true));
        assertTrue(spinner.await() > 0);
    }

    @Test
    void aThreadTaskAwaitingReadyFuturesInALoopDoesNotStarveAnother() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            assertASpinnerDoesNotStarveAnother(rt, () -> Future.ready(1).await());
        }
    }

    @Test
    void aThreadTaskAwaitingAFutureThatSpendsTheBudgetItselfDoesNotStarveAnother() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            JoinHandle<Integer> finished = rt.spawn(() -> 1);
            assertEquals(1, finished.await());
            // A finished handle takes a unit itself and, with none left, wakes the task
            // and answers pending: the await's other way to a yield.
            assertASpinnerDoesNotStarveAnother(rt, finished::await);
        }
    }

    @Test
    void yieldNowYieldsAfterAnAwaitThatSpentTheLastUnitOfTheBudget() {
        // A finished handle takes a unit itself; after n such awaits, for every n up to
        // two budgets, the budget may be spent just when yieldNow is polled. A task
        // spawned just before is queued for the only carrier: yieldNow must let it run.
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            JoinHandle<Integer> finished = rt.spawn(() -> 1);
            assertEquals(1, finished.await());
            List<Integer> missed = rt.spawn(() -> {
                AtomicInteger ran = new AtomicInteger();
                List<Integer> noTurn = new ArrayList<>();
                List<JoinHandle<Integer>> spawned = new ArrayList<>();
                int k = 0;
                for (int pass = 0; pass < 4; pass++) {
                    for (int n = 0; n < 2 * Context.BUDGET; n++) {
                        for (int i = 0; i < n; i++) {
                            finished.await();
                        }
                        int turn = ++k;
                        spawned.add(Task.spawn(() -> ran.getAndSet(turn)));
                        Task.yieldNow().await();
                        if (ran.get() != turn) {
                            noTurn.add(n);
                        }
                    }
                }
                for (JoinHandle<Integer> h : spawned) {
                    h.await();
                }
                return noTurn;
            }).await();
            assertEquals(List.of(), missed, "counts of awaits after which yieldNow let the queued task wait");
        }
    }

    @Test
    void abortBeforeStartNeverRunsAThreadTask() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            AtomicBoolean ran = new AtomicBoolean();
            JoinError e = rt.blockOn(() -> {
                // This body holds the only carrier: the spawned task cannot start
                // before the body's next await parks it.
                JoinHandle<Void> victim = Task.spawn(() -> ran.set(true));
                victim.abort();
                return assertThrows(JoinError.class, victim::await);
            });
            assertTrue(e.isCancelled());
            assertFalse(ran.get());
        }
    }

    @Test
    void yieldNowLetsAnotherThreadTaskRun() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            AtomicBoolean other = new AtomicBoolean();
            boolean sawOther = rt.blockOn(() -> {
                Task.spawn(() -> other.set(true));
                while (!other.get()) {
                    Task.yieldNow().await();
                }
                return true;
            });
            assertTrue(sawOther);
        }
    }
}
