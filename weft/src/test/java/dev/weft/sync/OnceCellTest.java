package dev.weft.sync;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.ManualFuture;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.Waker;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OnceCellTest extends RuntimePerTest {
    // ---- get, set

    @Test
    void anEmptyCellHasNoValue() {
        OnceCell<String> c = new OnceCell<>();
        assertNull(c.get());
        assertFalse(c.isInitialized());
        assertEquals("OnceCell[empty]", c.toString());
    }

    @Test
    void aCellMadeWithAValueHoldsIt() {
        OnceCell<String> c = new OnceCell<>("v");
        assertEquals("v", c.get());
        assertTrue(c.isInitialized());
        assertEquals("v", c.getOrInit(() -> Future.ready("other")).poll(new CountingWaker().context()).value());
        assertThrows(NullPointerException.class, () -> new OnceCell<String>(null));
    }

    @Test
    void setStoresTheValueOnce() {
        OnceCell<String> c = new OnceCell<>();
        c.set("first");
        assertEquals("first", c.get());
        SetError e = assertThrows(SetError.class, () -> c.set("second"));
        assertEquals("second", e.value());
        assertTrue(e.isAlreadyInitialized());
        assertFalse(e.isInitializing());
        assertTrue(e.getMessage().contains("already holds a value"), e.getMessage());
        assertEquals("first", c.get());
    }

    @Test
    void setRejectsNull() {
        OnceCell<String> c = new OnceCell<>();
        assertTrue(assertThrows(NullPointerException.class, () -> c.set(null)).getMessage().contains("value"));
    }

    @Test
    void setWhileAnInitializerRunsFailsWithTheValue() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        Future<String> g = c.getOrInit(() -> init);
        CountingWaker w = new CountingWaker();
        assertTrue(g.poll(w.context()).isPending());
        SetError e = assertThrows(SetError.class, () -> c.set("mine"));
        assertTrue(e.isInitializing());
        assertEquals("mine", e.value());
        init.complete("theirs");
        assertEquals("theirs", g.poll(w.context()).value());
    }

    // ---- getOrInit

    @Test
    void getOrInitRunsTheInitializerOnceAndCachesTheValue() {
        OnceCell<Integer> c = new OnceCell<>();
        AtomicInteger runs = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertEquals(42, c.getOrInit(() -> {
                runs.incrementAndGet();
                return Future.ready(42);
            }).await());
        }
        assertEquals(1, runs.get());
        assertEquals(42, c.get());
    }

    @Test
    void othersWaitForTheRunningInitializerAndGetItsValue() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        AtomicInteger secondRuns = new AtomicInteger();
        Future<String> first = c.getOrInit(() -> init);
        Future<String> second = c.getOrInit(() -> {
            secondRuns.incrementAndGet();
            return Future.ready("second");
        });
        Future<String> waiter = c.waitForValue();
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        CountingWaker w3 = new CountingWaker();
        assertTrue(first.poll(w1.context()).isPending());
        assertTrue(second.poll(w2.context()).isPending());
        assertTrue(waiter.poll(w3.context()).isPending());
        init.complete("first");
        assertEquals("first", first.poll(w1.context()).value());
        assertEquals(1, w2.count());
        assertEquals(1, w3.count());
        assertEquals("first", second.poll(w2.context()).value());
        assertEquals("first", waiter.poll(w3.context()).value());
        assertEquals(0, secondRuns.get());
        assertEquals(0, c.waiterCount());
    }

    @Test
    void aFailingInitializerFailsOnlyItsAwaiterAndTheNextWaiterTries() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        Future<String> first = c.getOrInit(() -> init);
        Future<String> second = c.getOrInit(() -> Future.ready("second"));
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        assertTrue(first.poll(w1.context()).isPending());
        assertTrue(second.poll(w2.context()).isPending());
        init.fail(new IOException("config server down"));
        IOException e = assertThrows(IOException.class, () -> first.poll(w1.context()));
        assertEquals("config server down", e.getMessage());
        assertEquals(1, w2.count(), "the permit went to the next waiter");
        assertEquals("second", second.poll(w2.context()).value());
        assertEquals("second", c.get());
    }

    private static final Waker THROWING = () -> {
        throw new IllegalStateException("a waker that fails");
    };

    @Test
    void aThrowingWakerOfAQueuedGetOrInitNeitherStrandsTheValueWaitersNorFailsTheInitializer() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        Future<String> a = c.getOrInit(() -> init);
        CountingWaker wa = new CountingWaker();
        assertTrue(a.poll(wa.context()).isPending());
        Future<String> b = c.getOrInit(() -> {
            throw new AssertionError("b must not initialize");
        });
        assertTrue(b.poll(Context.of(THROWING)).isPending());
        Future<String> v = c.waitForValue();
        CountingWaker wv = new CountingWaker();
        assertTrue(v.poll(wv.context()).isPending());
        init.complete("x");
        assertEquals("x", a.poll(wa.context()).value(), "another task's waker does not fail the initializer's poll");
        assertEquals("x", c.get());
        assertTrue(wv.isWoken(), "the waitForValue() waiter is woken although a getOrInit's waker threw");
        assertEquals("x", v.poll(wv.context()).value());
        assertEquals("x", b.poll(Context.of(Waker.noop())).value());
        assertEquals(0, c.waiterCount());
    }

    @Test
    void setStoresAndWakesEveryWaiterThoughAWakerThrows() {
        OnceCell<String> c = new OnceCell<>();
        Future<String> first = c.waitForValue();
        Future<String> second = c.waitForValue();
        CountingWaker w = new CountingWaker();
        assertTrue(first.poll(Context.of(THROWING)).isPending());
        assertTrue(second.poll(w.context()).isPending());
        c.set("v"); // the throwing waker is logged, not the setter's failure
        assertEquals("v", c.get());
        assertTrue(w.isWoken());
        assertEquals("v", first.poll(Context.of(Waker.noop())).value());
        assertEquals("v", second.poll(w.context()).value());
    }

    @Test
    void aFailingInitializerKeepsItsOwnFailureWhenTheNextWaitersWakerThrows() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        Future<String> first = c.getOrInit(() -> init);
        Future<String> second = c.getOrInit(() -> Future.ready("second"));
        CountingWaker w1 = new CountingWaker();
        assertTrue(first.poll(w1.context()).isPending());
        assertTrue(second.poll(Context.of(THROWING)).isPending());
        init.fail(new IOException("config server down"));
        IOException e = assertThrows(IOException.class, () -> first.poll(w1.context()));
        assertEquals("config server down", e.getMessage());
        assertEquals(0, e.getSuppressed().length, "another task's waker is not this future's failure");
        assertEquals("second", second.poll(Context.of(Waker.noop())).value(), "the permit went to the next waiter");
        assertEquals("second", c.get());
    }

    @Test
    void aCheckedFailureTravelsToTheAwaiter() {
        OnceCell<String> c = new OnceCell<>();
        assertThrows(IOException.class, () -> c.getOrInit(() -> Future.failed(new IOException("no"))).await());
        assertFalse(c.isInitialized());
        assertEquals("yes", c.getOrInit(() -> Future.ready("yes")).await());
    }

    @Test
    void aThrowingSupplierOrANullFutureOrANullValueFailsOnlyItsAwaiter() {
        OnceCell<String> c = new OnceCell<>();
        assertThrows(IllegalArgumentException.class, () -> c.getOrInit(() -> {
            throw new IllegalArgumentException("bad");
        }).await());
        NullPointerException nullFuture = assertThrows(NullPointerException.class, () -> c.getOrInit(() -> null).await());
        assertTrue(nullFuture.getMessage().contains("null future"), nullFuture.getMessage());
        NullPointerException nullValue = assertThrows(NullPointerException.class,
                () -> c.getOrInit(() -> Future.ready((String) null)).await());
        assertTrue(nullValue.getMessage().contains("never null"), nullValue.getMessage());
        assertFalse(c.isInitialized());
        assertEquals("ok", c.getOrInit(() -> Future.ready("ok")).await());
        assertThrows(NullPointerException.class, () -> c.getOrInit(null));
    }

    @Test
    void droppingARunningInitializerDropsItsFutureAndLetsTheNextWaiterTry() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        Future<String> first = c.getOrInit(() -> init);
        Future<String> second = c.getOrInit(() -> Future.ready("second"));
        CountingWaker w2 = new CountingWaker();
        assertTrue(first.poll(new CountingWaker().context()).isPending());
        assertTrue(second.poll(w2.context()).isPending());
        first.drop();
        assertTrue(init.isDropped());
        assertEquals(1, w2.count());
        assertEquals("second", second.poll(w2.context()).value());
    }

    @Test
    void droppingAQueuedGetOrInitLeavesTheQueue() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        Future<String> first = c.getOrInit(() -> init);
        Future<String> second = c.getOrInit(() -> Future.ready("never"));
        CountingWaker w2 = new CountingWaker();
        assertTrue(first.poll(new CountingWaker().context()).isPending());
        assertTrue(second.poll(w2.context()).isPending());
        assertEquals(1, c.waiterCount());
        second.drop();
        assertEquals(0, c.waiterCount());
        init.complete("first");
        assertEquals("first", first.poll(new CountingWaker().context()).value());
        assertEquals(0, w2.count());
    }

    @Test
    void aGetOrInitThatLosesASelectReleasesTheInitializerSlot() {
        OnceCell<String> c = new OnceCell<>();
        String r = rt.blockOn(() -> select(on(c.getOrInit(() -> Future.never())), on(Task.yieldNow(), __ -> "yield"))
                .biased().await());
        assertEquals("yield", r);
        c.set("after");
        assertEquals("after", c.get());
    }

    @Test
    void abortingATaskWhoseInitializerRunsLetsAnotherTaskInitialize() {
        OnceCell<String> c = new OnceCell<>();
        AtomicInteger started = new AtomicInteger();
        JoinHandle<String> doomed = rt.spawn(() -> c.getOrInit(() -> {
            started.incrementAndGet();
            return Future.never();
        }).await());
        waitUntil(() -> started.get() == 1, "the first initializer to start");
        JoinHandle<String> next = rt.spawn(c.getOrInit(() -> Future.ready("next")));
        doomed.abort();
        assertTrue(assertThrows(JoinError.class, doomed::await).isCancelled());
        assertEquals("next", next.await());
    }

    @Test
    void abortingAFutureTaskWhoseInitializerRunsReleasesTheSlot() {
        OnceCell<String> c = new OnceCell<>();
        ManualFuture<String> init = new ManualFuture<>();
        JoinHandle<String> doomed = rt.spawn(c.getOrInit(() -> init));
        waitUntil(() -> init.polls() > 0, "the initializer to run");
        doomed.abort();
        waitUntil(init::isDropped, "the initializer's future to be dropped");
        c.set("free again");
        assertEquals("free again", c.get());
    }

    // ---- waitForValue

    @Test
    void waitForValueCompletesWhenSomeoneSetsTheValue() {
        OnceCell<String> c = new OnceCell<>();
        JoinHandle<String> thread = rt.spawn(() -> c.waitForValue().await());
        JoinHandle<String> future = rt.spawn(c.waitForValue());
        waitUntil(() -> c.waiterCount() == 2, "both tasks to wait");
        c.set("ready");
        assertEquals("ready", thread.await());
        assertEquals("ready", future.await());
        assertEquals("ready", c.waitForValue().await(), "at once when it holds a value");
    }

    @Test
    void waitForValueRunsNoInitializerAndIsUnregisteredByDrop() {
        OnceCell<String> c = new OnceCell<>();
        Future<String> w = c.waitForValue();
        CountingWaker waker = new CountingWaker();
        assertTrue(w.poll(waker.context()).isPending());
        assertTrue(w.poll(waker.context()).isPending());
        assertEquals(1, c.waiterCount());
        w.drop();
        assertEquals(0, c.waiterCount());
        c.set("v");
        assertEquals(0, waker.count());
    }

    // ---- counting stress

    @Test
    void concurrentGetOrInitWithRandomAbortsGivesExactlyOneValue() throws Exception {
        long seed = System.nanoTime();
        try {
            for (int round = 0; round < 30; round++) {
                stressRound(seed + round);
            }
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed, t);
        }
    }

    private void stressRound(long seed) {
        Random rnd = new Random(seed);
        OnceCell<Integer> c = new OnceCell<>();
        AtomicInteger runs = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger winners = new AtomicInteger();
        int tasks = 12;
        List<JoinHandle<Integer>> hs = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            int id = t;
            int kind = rnd.nextInt(3);
            Future<Integer> init = c.getOrInit(() -> {
                runs.incrementAndGet();
                if (kind == 0) {
                    failures.incrementAndGet();
                    return Future.failed(new IllegalStateException("initializer " + id + " fails"));
                }
                return Task.yieldNow().map(__ -> {
                    winners.incrementAndGet();
                    return id;
                });
            });
            hs.add(rnd.nextBoolean() ? rt.spawn(init) : rt.spawn(() -> init.await()));
        }
        int aborted = 0;
        for (JoinHandle<Integer> h : hs) {
            if (rnd.nextInt(4) == 0) {
                h.abort();
            }
        }
        Integer value = null;
        for (JoinHandle<Integer> h : hs) {
            try {
                Integer v = h.await();
                if (value == null) {
                    value = v;
                }
                assertEquals(value, v, "every successful awaiter sees the same value");
            } catch (JoinError e) {
                if (e.isCancelled()) {
                    aborted++;
                }
            }
        }
        // Unless every task was aborted or failed, the cell holds one value: the one winner's.
        if (c.isInitialized()) {
            assertEquals(1, winners.get(), "exactly one initializer completed");
            if (value != null) {
                assertEquals(value, c.get());
            }
        } else {
            assertEquals(0, winners.get());
        }
        // Every run either failed, completed (once), or was abandoned by an abort.
        int abandoned = runs.get() - failures.get() - winners.get();
        assertTrue(abandoned >= 0 && abandoned <= aborted, "runs " + runs + ", failures " + failures
                + ", winners " + winners + ", aborted " + aborted);
        assertEquals(0, c.waiterCount(), "a waiter was left queued");
    }

    @Test
    void getReturnsTheSameInstance() {
        OnceCell<List<String>> c = new OnceCell<>();
        List<String> v = List.of("a");
        c.set(v);
        assertSame(v, c.get());
        assertSame(v, c.getOrInit(() -> Future.ready(List.of())).await());
    }
}
