package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ContextTest {

    /** How many times in a row {@code cx.proceed()} answers true, up to a cap. */
    private static int proceedsUntilRefused(Context cx, int cap) {
        int n = 0;
        while (n < cap && cx.proceed()) {
            n++;
        }
        return n;
    }

    @Test
    void ofRefusesANullWaker() {
        assertThrows(NullPointerException.class, () -> Context.of(null));
    }

    @Test
    void wakerIsTheOneTheContextWasMadeWith() {
        CountingWaker w = new CountingWaker();
        assertSame(w, Context.of(w).waker());
    }

    @Test
    void aContextMadeByOfHasNoBudget() {
        assertFalse(Context.of(Waker.noop()).hasBudget());
    }

    @Test
    void proceedWithoutBudgetAlwaysAnswersTrueAndNeverWakes() {
        CountingWaker w = new CountingWaker();
        Context cx = Context.of(w);
        assertEquals(100 * Context.BUDGET, proceedsUntilRefused(cx, 100 * Context.BUDGET));
        assertEquals(0, w.count());
    }

    @Test
    void withWakerGivesAContextWithTheOtherWaker() {
        CountingWaker first = new CountingWaker();
        CountingWaker second = new CountingWaker();
        Context cx = Context.of(first);
        Context derived = cx.withWaker(second);
        assertSame(second, derived.waker());
        assertSame(first, cx.waker());
    }

    @Test
    void withWakerRefusesANullWaker() {
        assertThrows(NullPointerException.class, () -> Context.of(Waker.noop()).withWaker(null));
    }

    @Test
    void withWakerOfAContextWithoutBudgetHasNoBudget() {
        Context derived = Context.of(Waker.noop()).withWaker(new CountingWaker());
        assertFalse(derived.hasBudget());
        assertEquals(10 * Context.BUDGET, proceedsUntilRefused(derived, 10 * Context.BUDGET));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFutureTaskIsPolledWithABudget() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            boolean budgeted = rt.blockOn(Future.pollFn(cx -> Poll.ready(cx.hasBudget())));
            assertTrue(budgeted);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void proceedAnswersTrueBudgetTimesInOneTaskPoll() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            int n = rt.blockOn(Future.pollFn(cx -> Poll.ready(proceedsUntilRefused(cx, 10 * Context.BUDGET))));
            assertEquals(Context.BUDGET, n);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void proceedRefusedWakesTheTaskWhichGetsAFreshBudgetOnItsNextPoll() {
        List<Integer> perPoll = new ArrayList<>();
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            rt.blockOn(Future.pollFn(cx -> {
                perPoll.add(proceedsUntilRefused(cx, 10 * Context.BUDGET));
                // Pending with no wake-up arranged but the one the refused proceed() made:
                // the task is polled again only if that wake-up happened.
                return perPoll.size() < 3 ? Poll.pending() : Poll.ready(null);
            }));
        }
        assertEquals(List.of(Context.BUDGET, Context.BUDGET, Context.BUDGET), perPoll);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void withWakerSharesTheBudget() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            int[] result = rt.blockOn(Future.pollFn(cx -> {
                Context derived = cx.withWaker(new CountingWaker());
                int spentThroughDerived = proceedsUntilRefused(derived, 100);
                int leftForRoot = proceedsUntilRefused(cx, 10 * Context.BUDGET);
                return Poll.ready(new int[] {derived.hasBudget() ? 1 : 0, spentThroughDerived, leftForRoot});
            }));
            assertEquals(1, result[0], "a derived context carries its root's budget");
            assertEquals(100, result[1]);
            assertEquals(Context.BUDGET - 100, result[2]);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aRefusedProceedOnADerivedContextWakesTheDerivedWaker() {
        CountingWaker childWaker = new CountingWaker();
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            rt.blockOn(Future.pollFn(cx -> {
                Context derived = cx.withWaker(childWaker);
                proceedsUntilRefused(derived, 10 * Context.BUDGET);
                return Poll.ready(null);
            }));
        }
        assertEquals(1, childWaker.count());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anAlwaysReadyLoopDoesNotStarveAnotherTaskOnOneWorker() {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger otherRan = new AtomicInteger();
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            // Without the budget this loop would keep the only worker forever: every step is ready.
            JoinHandle<Long> spinner = rt.spawn(Loop.<Long, Long>loop(0L, n -> Future.ready(
                    stop.get() ? Loop.done(n) : Loop.next(n + 1))));
            JoinHandle<Void> other = rt.spawn(Future.pollFn(cx -> {
                otherRan.incrementAndGet();
                stop.set(true);
                return Poll.ready(null);
            }));
            long iterations = spinner.await();
            other.await();
            assertEquals(1, otherRan.get());
            assertTrue(iterations > 0);
        }
    }
}
