package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.internal.Throwing;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LoopTest {

    private final CountingWaker waker = new CountingWaker();
    private final Context cx = waker.context();

    /** Counts up from 0 by always-ready steps and stops with the count at {@code limit}. */
    private static Future<Integer> countTo(int limit, AtomicInteger steps) {
        return Loop.<Integer, Integer>loop(0, n -> {
            steps.incrementAndGet();
            return Future.ready(n == limit ? Loop.done(n) : Loop.next(n + 1));
        });
    }

    @Test
    void nextCarriesTheStateAndDoneTheValue() {
        assertEquals(new Loop.Next<Integer, String>(3), Loop.<Integer, String>next(3));
        assertEquals(new Loop.Done<Integer, String>("v"), Loop.<Integer, String>done("v"));
    }

    @Test
    void theLoopIsLazy() {
        AtomicInteger steps = new AtomicInteger();
        countTo(10, steps);
        assertEquals(0, steps.get());
    }

    @Test
    void itRunsStepsUntilOneIsDoneAndGivesItsValue() {
        AtomicInteger steps = new AtomicInteger();
        assertEquals(10, countTo(10, steps).poll(cx).value());
        assertEquals(11, steps.get());
    }

    @Test
    void eachStepGetsTheStateTheStepBeforeLeft() {
        List<Integer> seen = new ArrayList<>();
        Future<Integer> sum = Loop.<int[], Integer>loop(new int[] {1, 0}, s -> {
            seen.add(s[0]);
            return Future.ready(s[0] > 100 ? Loop.done(s[1]) : Loop.next(new int[] {s[0] + 1, s[1] + s[0]}));
        });
        assertEquals(5050, sum.poll(cx).value());
        assertEquals(101, seen.size());
        assertEquals(1, seen.get(0));
        assertEquals(101, seen.get(100));
    }

    @Test
    void aDoneFirstStepEndsTheLoopAtOnce() {
        AtomicInteger steps = new AtomicInteger();
        assertEquals(0, countTo(0, steps).poll(cx).value());
        assertEquals(1, steps.get());
    }

    @Test
    void aPendingStepSuspendsTheLoopAndIsPolledAgainNotMadeAgain() {
        List<ManualFuture<Loop.Step<Integer, String>>> made = new ArrayList<>();
        Future<String> f = Loop.<Integer, String>loop(0, n -> {
            ManualFuture<Loop.Step<Integer, String>> step = new ManualFuture<>();
            made.add(step);
            return step;
        });
        assertTrue(f.poll(cx).isPending());
        assertTrue(f.poll(cx).isPending());
        assertEquals(1, made.size());
        assertEquals(2, made.get(0).polls());
        made.get(0).complete(Loop.next(1));
        assertEquals(1, waker.count(), "the step woke the task polling the loop");
        assertTrue(f.poll(cx).isPending());
        assertEquals(2, made.size());
        made.get(1).complete(Loop.done("end"));
        assertEquals("end", f.poll(cx).value());
    }

    @Test
    void aStepMadeByMapIsPolledThroughItsMapper() {
        // The loop unwraps a map step without a Poll (LoopFuture "Allocation"):
        // pending, the mapped value, a mapper that throws and one that answers null.
        List<ManualFuture<Integer>> made = new ArrayList<>();
        Future<String> f = Loop.<Integer, String>loop(0, n -> {
            ManualFuture<Integer> inner = new ManualFuture<>();
            made.add(inner);
            return inner.map(v -> v == 2 ? Loop.done("end " + n) : Loop.next(n + v));
        });
        assertTrue(f.poll(cx).isPending());
        assertTrue(f.poll(cx).isPending());
        assertEquals(1, made.size(), "a pending map step is polled again, not made again");
        assertEquals(2, made.get(0).polls());
        made.get(0).complete(5);
        assertTrue(f.poll(cx).isPending());
        assertEquals(2, made.size());
        made.get(1).complete(2);
        assertEquals("end 5", f.poll(cx).value());

        IOException boom = new IOException("boom");
        Future<String> failing = Loop.<Integer, String>loop(0,
                n -> Future.ready(1).map(v -> { throw Throwing.sneaky(boom); }));
        assertSame(boom, assertThrows(IOException.class, () -> failing.poll(cx)));

        Future<String> nulls = Loop.<Integer, String>loop(0, n -> Future.ready(1).map(v -> null));
        NullPointerException e = assertThrows(NullPointerException.class, () -> nulls.poll(cx));
        assertTrue(e.getMessage().contains("Loop.next or Loop.done"), e.getMessage());
    }

    @Test
    void withoutABudgetEveryReadyStepRunsInOnePoll() {
        AtomicInteger steps = new AtomicInteger();
        assertEquals(100_000, countTo(100_000, steps).poll(cx).value());
        assertEquals(0, waker.count());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void onATaskEachIterationTakesOneUnitOfBudget() {
        AtomicInteger steps = new AtomicInteger();
        Future<Integer> loop = countTo(10 * Context.BUDGET, steps);
        List<Integer> stepsPerPoll = new ArrayList<>();
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            int v = rt.blockOn(Future.pollFn(c -> {
                int before = steps.get();
                Poll<Integer> p = loop.poll(c);
                stepsPerPoll.add(steps.get() - before);
                return p;
            }));
            assertEquals(10 * Context.BUDGET, v);
        }
        assertEquals(Context.BUDGET, stepsPerPoll.get(0), "steps made in the first poll: " + stepsPerPoll);
        assertTrue(stepsPerPoll.size() > 1, "the loop yielded and was polled again");
    }

    @Test
    void aFailingStepFailsTheLoop() {
        IOException boom = new IOException("boom");
        Future<String> f = Loop.<Integer, String>loop(0, n -> Future.failed(boom));
        assertSame(boom, assertThrows(IOException.class, () -> f.poll(cx)));
    }

    @Test
    void aStepFunctionThatReturnsNullFailsClearly() {
        Future<String> f = Loop.<Integer, String>loop(0, n -> null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> f.poll(cx));
        assertTrue(e.getMessage().contains("loop step returned null"), e.getMessage());
    }

    @Test
    void aStepThatCompletesWithNullFailsClearly() {
        Future<String> f = Loop.<Integer, String>loop(0, n -> Future.ready(null));
        NullPointerException e = assertThrows(NullPointerException.class, () -> f.poll(cx));
        assertTrue(e.getMessage().contains("Loop.next or Loop.done"), e.getMessage());
    }

    @Test
    void aNullStepFunctionIsRefused() {
        assertThrows(NullPointerException.class, () -> Loop.loop(0, null));
    }

    @Test
    void dropDropsTheStepInProgress() {
        ManualFuture<Loop.Step<Integer, String>> step = new ManualFuture<>();
        Future<String> f = Loop.<Integer, String>loop(0, n -> step);
        f.poll(cx);
        f.drop();
        f.drop();
        assertEquals(1, step.drops());
    }

    @Test
    void dropBeforeTheFirstPollMakesNoStep() {
        AtomicInteger steps = new AtomicInteger();
        Future<Integer> f = countTo(10, steps);
        f.drop();
        assertEquals(0, steps.get());
    }

    @Test
    void aLoopPolledAgainAfterItCompletedIsRefusedAndRunsNoStep() {
        List<Integer> states = new ArrayList<>();
        Future<Integer> loop = Loop.<Integer, Integer>loop(5, s -> {
            states.add(s);
            return Future.ready(Loop.done(s * 10));
        });
        assertEquals(50, loop.poll(cx).value());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> loop.poll(cx));
        assertTrue(e.getMessage().contains("Loop.loop"), e.getMessage());
        assertEquals(List.of(5), states, "the step ran once");
    }

    @Test
    void aDroppedLoopDropsItsStepAndRefusesAPollThatWouldRunAnother() {
        AtomicInteger steps = new AtomicInteger();
        ManualFuture<Loop.Step<Integer, Integer>> first = new ManualFuture<>();
        Future<Integer> loop = Loop.<Integer, Integer>loop(0, s -> {
            steps.incrementAndGet();
            return steps.get() == 1 ? first : Future.ready(Loop.done(s));
        });
        assertTrue(loop.poll(cx).isPending());
        loop.drop();
        assertEquals(1, first.drops());
        assertThrows(IllegalStateException.class, () -> loop.poll(cx));
        assertEquals(1, steps.get(), "no step after the drop");
    }
}
