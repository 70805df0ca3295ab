package dev.weft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.Runtime;
import dev.weft.runtime.UnhandledExceptionPolicy;
import dev.weft.task.CancelledException;
import dev.weft.task.Task;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FutureTest {

    private final CountingWaker waker = new CountingWaker();
    private final Context cx = waker.context();

    // ---- drop -------------------------------------------------------------------------

    @Test
    void defaultDropDoesNothing() {
        Future<String> f = c -> Poll.ready("v");
        f.drop();
        assertEquals("v", f.poll(cx).value());
    }

    // ---- map --------------------------------------------------------------------------

    @Test
    void mapAppliesTheFunctionToTheValue() {
        assertEquals(5, Future.ready("hello").map(String::length).poll(cx).value());
    }

    @Test
    void mapIsLazy() {
        ManualFuture<String> inner = new ManualFuture<>();
        inner.map(String::length);
        assertEquals(0, inner.polls());
    }

    @Test
    void mapDoesNotCallTheFunctionWhilePending() {
        ManualFuture<String> inner = new ManualFuture<>();
        AtomicInteger calls = new AtomicInteger();
        Future<Integer> f = inner.map(s -> {
            calls.incrementAndGet();
            return s.length();
        });
        assertTrue(f.poll(cx).isPending());
        assertEquals(0, calls.get());
        inner.complete("abc");
        assertEquals(3, f.poll(cx).value());
        assertEquals(1, calls.get());
    }

    @Test
    void mapPollsTheInnerFutureWithTheSameContext() {
        ManualFuture<String> inner = new ManualFuture<>();
        inner.map(String::length).poll(cx);
        assertSame(waker, inner.waker());
    }

    @Test
    void mapDropDropsTheInnerFuture() {
        ManualFuture<String> inner = new ManualFuture<>();
        Future<Integer> f = inner.map(String::length);
        f.poll(cx);
        f.drop();
        assertEquals(1, inner.drops());
    }

    @Test
    void mapRefusesANullFunction() {
        assertThrows(NullPointerException.class, () -> Future.ready(1).map(null));
    }

    @Test
    void mapFailsWithTheFunctionsException() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        Future<Integer> f = Future.ready("x").map(s -> {
            throw boom;
        });
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> f.poll(cx)));
    }

    // ---- andThen ----------------------------------------------------------------------

    @Test
    void andThenAwaitsTheFirstThenTheFutureMadeOfItsValue() {
        ManualFuture<Integer> first = new ManualFuture<>();
        ManualFuture<String> second = new ManualFuture<>();
        AtomicReference<Integer> given = new AtomicReference<>();
        Future<String> f = first.andThen(v -> {
            given.set(v);
            return second;
        });
        assertTrue(f.poll(cx).isPending());
        assertNull(given.get());
        first.complete(7);
        assertTrue(f.poll(cx).isPending());
        assertEquals(7, given.get());
        assertEquals(1, second.polls(), "the second future is polled in the same poll the first completed");
        second.complete("done");
        assertEquals("done", f.poll(cx).value());
        assertEquals(2, first.polls(), "the first future is not polled after it completed");
    }

    @Test
    void andThenFailureOfTheFirstSkipsTheFunction() {
        IOException boom = new IOException("boom");
        AtomicBoolean called = new AtomicBoolean();
        Future<String> f = Future.<Integer>failed(boom).andThen(v -> {
            called.set(true);
            return Future.ready("x");
        });
        assertSame(boom, assertThrows(IOException.class, () -> f.poll(cx)));
        assertFalse(called.get());
    }

    @Test
    void andThenDropBeforeTheFirstCompletesDropsTheFirst() {
        ManualFuture<Integer> first = new ManualFuture<>();
        AtomicBoolean called = new AtomicBoolean();
        Future<String> f = first.andThen(v -> {
            called.set(true);
            return Future.ready("x");
        });
        f.poll(cx);
        f.drop();
        assertEquals(1, first.drops());
        assertFalse(called.get());
    }

    @Test
    void andThenDropAfterTheFirstCompletedDropsTheSecondOnly() {
        ManualFuture<Integer> first = new ManualFuture<>();
        ManualFuture<String> second = new ManualFuture<>();
        Future<String> f = first.andThen(v -> second);
        first.complete(1);
        f.poll(cx);
        f.drop();
        assertEquals(1, second.drops());
        assertEquals(0, first.drops());
    }

    @Test
    void andThenFunctionReturningNullFailsWithAClearNullPointerException() {
        Future<String> f = Future.ready(1).andThen(v -> null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> f.poll(cx));
        assertTrue(e.getMessage().contains("andThen"), e.getMessage());
    }

    @Test
    void andThenRefusesANullFunction() {
        assertThrows(NullPointerException.class, () -> Future.ready(1).andThen(null));
    }

    // ---- recover ----------------------------------------------------------------------

    @Test
    void recoverTurnsAFailureIntoTheHandlersValue() {
        IOException boom = new IOException("boom");
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Future<String> f = Future.<String>failed(boom).recover(t -> {
            seen.set(t);
            return "recovered";
        });
        assertEquals("recovered", f.poll(cx).value());
        assertSame(boom, seen.get());
    }

    @Test
    void recoverPassesAValueThroughWithoutCallingTheHandler() {
        AtomicBoolean called = new AtomicBoolean();
        Future<String> f = Future.ready("v").recover(t -> {
            called.set(true);
            return "recovered";
        });
        assertEquals("v", f.poll(cx).value());
        assertFalse(called.get());
    }

    @Test
    void recoverStaysPendingWhileTheFutureIsPending() {
        ManualFuture<String> inner = new ManualFuture<>();
        Future<String> f = inner.recover(t -> "recovered");
        assertTrue(f.poll(cx).isPending());
        inner.fail(new IllegalStateException("late"));
        assertEquals("recovered", f.poll(cx).value());
    }

    @Test
    void recoverDoesNotRecoverCancellation() {
        CancelledException cancelled = new CancelledException("cancelled");
        Future<String> f = Future.<String>failed(cancelled).recover(t -> "recovered");
        assertSame(cancelled, assertThrows(CancelledException.class, () -> f.poll(cx)));
    }

    @Test
    void recoverFailsWithTheHandlersException() {
        IllegalStateException fromHandler = new IllegalStateException("handler");
        Future<String> f = Future.<String>failed(new IOException("boom")).recover(t -> {
            throw fromHandler;
        });
        assertSame(fromHandler, assertThrows(IllegalStateException.class, () -> f.poll(cx)));
    }

    @Test
    void recoverDropDropsTheInnerFuture() {
        ManualFuture<String> inner = new ManualFuture<>();
        Future<String> f = inner.recover(t -> "recovered");
        f.poll(cx);
        f.drop();
        assertEquals(1, inner.drops());
    }

    @Test
    void recoverRefusesANullHandler() {
        assertThrows(NullPointerException.class, () -> Future.ready(1).recover(null));
    }

    // ---- ready, failed, never, pollFn -------------------------------------------------

    @Test
    void readyIsReadyOnTheFirstPoll() {
        assertEquals("v", Future.ready("v").poll(cx).value());
        assertEquals(0, waker.count());
    }

    @Test
    void readyMayHoldNull() {
        Poll<Object> p = Future.ready(null).poll(cx);
        assertTrue(p.isReady());
        assertNull(p.value());
    }

    @Test
    void failedThrowsTheErrorAsItIsCheckedIncluded() {
        IOException boom = new IOException("boom");
        Future<String> f = Future.failed(boom);
        assertSame(boom, assertThrows(IOException.class, () -> f.poll(cx)));
    }

    @Test
    void failedRefusesANullError() {
        assertThrows(NullPointerException.class, () -> Future.failed(null));
    }

    @Test
    void neverIsAlwaysPendingAndNeverWakes() {
        Future<String> f = Future.never();
        for (int i = 0; i < 1000; i++) {
            assertTrue(f.poll(cx).isPending());
        }
        assertEquals(0, waker.count());
    }

    @Test
    void pollFnCallsTheFunctionOnEachPollWithTheContext() {
        AtomicInteger calls = new AtomicInteger();
        AtomicReference<Context> seen = new AtomicReference<>();
        Future<Integer> f = Future.pollFn(c -> {
            seen.set(c);
            return calls.incrementAndGet() < 3 ? Poll.pending() : Poll.ready(calls.get());
        });
        assertEquals(0, calls.get(), "lazy");
        assertTrue(f.poll(cx).isPending());
        assertTrue(f.poll(cx).isPending());
        assertEquals(3, f.poll(cx).value());
        assertSame(cx, seen.get());
    }

    @Test
    void pollFnReturningNullFailsWithAClearNullPointerException() {
        Future<String> f = Future.pollFn(c -> null);
        NullPointerException e = assertThrows(NullPointerException.class, () -> f.poll(cx));
        assertTrue(e.getMessage().contains("Poll.pending()"), e.getMessage());
    }

    @Test
    void pollFnRefusesANullFunction() {
        assertThrows(NullPointerException.class, () -> Future.pollFn(null));
    }

    // ---- fromStage --------------------------------------------------------------------

    @Test
    void fromStageOfACompletedStageIsReadyOnTheFirstPoll() {
        assertEquals("v", Future.fromStage(CompletableFuture.completedFuture("v")).poll(cx).value());
    }

    @Test
    void fromStageIsPendingUntilTheStageCompletesWhichWakesTheTask() {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Future<String> f = Future.fromStage(stage);
        assertTrue(f.poll(cx).isPending());
        assertEquals(0, waker.count());
        stage.complete("v");
        assertEquals(1, waker.count());
        assertEquals("v", f.poll(cx).value());
    }

    @Test
    void fromStageWakesTheWakerOfTheLatestPoll() {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Future<String> f = Future.fromStage(stage);
        CountingWaker earlier = new CountingWaker();
        CountingWaker latest = new CountingWaker();
        f.poll(earlier.context());
        f.poll(latest.context());
        stage.complete("v");
        assertEquals(0, earlier.count());
        assertEquals(1, latest.count());
    }

    @Test
    void fromStageLogsAWakerThatThrowsInsteadOfLeavingItInAStageNobodyReads() {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Future<String> f = Future.fromStage(stage);
        try (CapturedLog log = CapturedLog.of("dev.weft.sync")) {
            assertTrue(f.poll(Context.of(() -> {
                throw new IllegalStateException("the waker threw");
            })).isPending());
            stage.complete("v");
            assertEquals(1, log.warnings().size());
            assertEquals("the waker threw", log.warnings().get(0).getThrown().getMessage());
        }
        assertEquals("v", f.poll(cx).value());
    }

    @Test
    void fromStageRethrowsAnExceptionalCompletionAsItWasThrown() {
        CompletableFuture<String> stage = new CompletableFuture<>();
        IOException boom = new IOException("boom");
        stage.completeExceptionally(boom);
        Future<String> f = Future.fromStage(stage);
        assertSame(boom, assertThrows(IOException.class, () -> f.poll(cx)));
    }

    @Test
    void fromStageUnwrapsTheCompletionExceptionOfADependentStage() {
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletionStage<String> dependent = source.thenApply(s -> {
            throw boom;
        });
        Future<String> f = Future.fromStage(dependent);
        assertTrue(f.poll(cx).isPending());
        source.complete("x");
        assertEquals(1, waker.count());
        assertSame(boom, assertThrows(IllegalArgumentException.class, () -> f.poll(cx)));
    }

    @Test
    void fromStageAcceptsAStageThatIsNotACompletableFuture() {
        CompletableFuture<String> source = new CompletableFuture<>();
        Future<String> f = Future.fromStage(source.minimalCompletionStage());
        assertTrue(f.poll(cx).isPending());
        source.complete("v");
        assertTrue(waker.isWoken());
        assertEquals("v", f.poll(cx).value());
    }

    @Test
    void fromStageDropForgetsTheWakeUpAndLeavesTheStageAlone() {
        CompletableFuture<String> stage = new CompletableFuture<>();
        Future<String> f = Future.fromStage(stage);
        f.poll(cx);
        f.drop();
        assertFalse(stage.isCancelled());
        assertTrue(stage.complete("v"), "the stage is still there to complete");
        assertEquals(0, waker.count());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDroppedFromStageFutureAndItsWakerAreNotKeptByALongLivedStage() {
        CompletableFuture<String> longLived = new CompletableFuture<>();
        Future<String> f = Future.fromStage(longLived);
        CountingWaker w = new CountingWaker();
        f.poll(Context.of(w));
        f.drop();
        WeakReference<Object> future = new WeakReference<>(f);
        WeakReference<Object> waker = new WeakReference<>(w);
        f = null;
        w = null;
        for (int i = 0; i < 50 && (future.get() != null || waker.get() != null); i++) {
            System.gc();
        }
        assertNull(future.get(), "the stage keeps the dropped future reachable");
        assertNull(waker.get(), "the stage keeps the dropped future's waker reachable");
        assertEquals(1, longLived.getNumberOfDependents(), "one small callback stays until the stage completes");
    }

    @Test
    void fromStageAcceptsAStageThatRefusesToCompletableFuture() {
        CompletableFuture<String> source = new CompletableFuture<>();
        CompletionStage<String> stage = withoutToCompletableFuture(source);
        Future<String> f = Future.fromStage(stage);
        assertTrue(f.poll(cx).isPending());
        source.complete("v");
        assertTrue(waker.isWoken());
        assertEquals("v", f.poll(cx).value());
    }

    /** A stage that delegates to {@code cf} but refuses toCompletableFuture(), as the JDK permits. */
    @SuppressWarnings("unchecked")
    private static <T> CompletionStage<T> withoutToCompletableFuture(CompletableFuture<T> cf) {
        CompletionStage<T> minimal = cf.minimalCompletionStage();
        return (CompletionStage<T>) Proxy.newProxyInstance(CompletionStage.class.getClassLoader(),
                new Class<?>[] {CompletionStage.class}, (proxy, method, args) -> {
                    if (method.getName().equals("toCompletableFuture")) {
                        throw new UnsupportedOperationException("toCompletableFuture");
                    }
                    try {
                        return method.invoke(minimal, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static long usedHeapAfterGc() {
        java.lang.Runtime jvm = java.lang.Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return jvm.totalMemory() - jvm.freeMemory();
    }

    @Test
    void fromStageRefusesANullStage() {
        assertThrows(NullPointerException.class, () -> Future.fromStage(null));
    }

    // ---- await ------------------------------------------------------------------------

    @Test
    void awaitOfAReadyFirstPollReturnsAtOncePollingOnceOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        AtomicInteger polls = new AtomicInteger();
        AtomicReference<Thread> pollThread = new AtomicReference<>();
        String v = Future.pollFn(c -> {
            polls.incrementAndGet();
            pollThread.set(Thread.currentThread());
            return Poll.ready("v");
        }).await();
        assertEquals("v", v);
        assertEquals(1, polls.get());
        assertSame(caller, pollThread.get());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void awaitParksUntilWokenFromAnotherThread() throws InterruptedException {
        ManualFuture<String> f = new ManualFuture<>();
        Thread awaiting = Thread.currentThread();
        AtomicBoolean sawParked = new AtomicBoolean();
        Thread completer = Thread.ofPlatform().start(() -> {
            // Wait for the condition (polled once, then parked), never for a while.
            while (f.polls() == 0 || awaiting.getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            sawParked.set(true);
            f.complete("woken");
        });
        assertEquals("woken", f.await());
        completer.join();
        assertTrue(sawParked.get(), "the awaiting thread parked after its first poll");
        assertTrue(f.polls() >= 2);
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aWakeThatComesRightAfterThePendingPollIsNotLost() throws InterruptedException {
        // The completer wakes as soon as it sees the first poll: while the awaiting thread
        // spins before parking, or just as it parks. Every await must return.
        for (int round = 0; round < 2_000; round++) {
            ManualFuture<Integer> f = new ManualFuture<>();
            int expected = round;
            Thread completer = Thread.ofPlatform().start(() -> {
                while (f.polls() == 0) {
                    Thread.onSpinWait();
                }
                f.complete(expected);
            });
            assertEquals(expected, f.await());
            completer.join();
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aThreadOutsideEveryTaskInterruptedWhileAwaitingGivesUpAndKeepsItsInterruptStatus() throws Exception {
        ManualFuture<String> f = new ManualFuture<>();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        Thread awaiting = Thread.ofPlatform().start(() -> {
            try {
                f.await();
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        while (f.polls() == 0) {
            Thread.onSpinWait();
        }
        awaiting.interrupt();
        awaiting.join();
        assertTrue(thrown.get() instanceof CancelledException, "thrown: " + thrown.get());
        assertTrue(stillInterrupted.get());
        assertEquals(1, f.drops());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void awaitOfAFutureThatWakesDuringItsOwnPollPollsItAgain() {
        assertNull(Task.yieldNow().await());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void anAwaitInsideAPollThatTakesTheOuterWakeLeavesTheOuterAwaitToPollAgain() {
        // The outer future is woken while its poll is parked in an await of another
        // future on the same thread: that inner await takes the wake, and the outer
        // await must still poll again.
        ManualFuture<String> outer = new ManualFuture<>();
        ManualFuture<String> inner = new ManualFuture<>();
        Thread awaiting = Thread.currentThread();
        Thread completer = Thread.ofPlatform().daemon().start(() -> {
            Conditions.waitUntil(() -> inner.polls() > 0 && awaiting.getState() == Thread.State.WAITING,
                    "the inner await to park");
            outer.complete("outer"); // wakes the awaiting thread, parked in the inner await
            Conditions.waitUntil(() -> inner.polls() >= 2, "the inner future's second poll");
            inner.complete("inner");
        });
        AtomicInteger outerPolls = new AtomicInteger();
        String v = Future.pollFn(c -> {
            Poll<String> p = outer.poll(c);
            if (outerPolls.incrementAndGet() == 1) {
                assertTrue(p.isPending());
                assertEquals("inner", inner.await());
            }
            return p;
        }).await();
        assertEquals("outer", v);
        assertEquals(2, outerPolls.get());
        assertDoesNotThrow(() -> completer.join());
    }

    @Test
    void awaitRethrowsAFailureAsItWasThrownCheckedIncluded() {
        IOException boom = new IOException("boom");
        Future<String> f = Future.failed(boom);
        assertSame(boom, assertThrows(IOException.class, f::await));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void awaitInsideAPollOnAWorkerFailsWithIllegalStateExceptionNamingThePitfall() {
        try (Runtime rt = Runtime.builder().workerThreads(2).unhandledException(UnhandledExceptionPolicy.IGNORE).build()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> rt.blockOn(Future.pollFn(c -> Poll.ready(Future.ready(1).await()))));
            String m = e.getMessage();
            assertTrue(m.contains("scheduler worker"), m);
            assertTrue(m.contains("block the worker"), m);
            assertTrue(m.contains("Task.spawn"), "names the way out: " + m);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void awaitInsideAPollOnAWorkerDoesNotPollTheAwaitedFuture() {
        AtomicInteger polls = new AtomicInteger();
        Future<Integer> inner = Future.pollFn(c -> {
            polls.incrementAndGet();
            return Poll.ready(1);
        });
        try (Runtime rt = Runtime.builder().workerThreads(1).unhandledException(UnhandledExceptionPolicy.IGNORE).build()) {
            assertThrows(IllegalStateException.class, () -> rt.blockOn(Future.pollFn(c -> Poll.ready(inner.await()))));
        }
        assertEquals(0, polls.get());
    }
}
