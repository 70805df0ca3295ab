package dev.weft.test;

import static dev.weft.Async.async;
import static dev.weft.test.PollAssertions.assertPending;
import static dev.weft.test.PollAssertions.assertReady;
import static dev.weft.test.PollAssertions.assertReadyEq;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Join;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.runtime.Runtime;
import dev.weft.task.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PollHarnessTest {

    /** A future that counts its polls and drops, and hands out the waker of its latest poll. */
    private static final class Probe<T> implements Future<T> {
        final AtomicInteger polls = new AtomicInteger();
        final AtomicInteger drops = new AtomicInteger();
        volatile Waker waker;
        volatile Context lastContext;
        volatile T value;
        volatile boolean ready;

        @Override
        public Poll<T> poll(Context cx) {
            polls.incrementAndGet();
            lastContext = cx;
            waker = cx.waker();
            return ready ? Poll.ready(value) : Poll.pending();
        }

        @Override
        public void drop() {
            drops.incrementAndGet();
        }

        void complete(T v) {
            value = v;
            ready = true;
            waker.wake();
        }
    }

    @Test
    void ofRefusesANullFuture() {
        assertThrows(NullPointerException.class, () -> PollHarness.of(null));
    }

    @Test
    void creatingAHarnessDoesNotPollTheFuture() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        assertEquals(0, f.polls.get());
        assertEquals(0, h.pollCount());
        assertFalse(h.isWoken());
    }

    @Test
    void pollPollsTheFutureOnceWithTheHarnessWaker() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        assertPending(h.poll());
        assertEquals(1, f.polls.get());
        assertSame(h.waker(), f.waker);
        assertSame(h.context(), f.lastContext);
        assertSame(f, h.future());
    }

    @Test
    void pollReturnsWhatTheFutureAnswered() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        assertTrue(h.poll().isPending());
        f.complete("v");
        assertEquals("v", assertReady(h.poll()));
    }

    @Test
    void theHarnessContextHasNoBudget() {
        PollHarness<Boolean> h = PollHarness.of(Future.pollFn(cx -> Poll.ready(cx.hasBudget())));
        assertReadyEq(h.poll(), false);
    }

    @Test
    void wakeCountCountsEveryWakeSinceTheLastPoll() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        assertEquals(0, h.wakeCount());
        f.waker.wake();
        f.waker.wake();
        f.waker.wake();
        assertEquals(3, h.wakeCount());
        assertTrue(h.isWoken());
    }

    @Test
    void pollClearsTheWakeCount() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        f.waker.wake();
        h.poll();
        assertEquals(0, h.wakeCount());
        assertFalse(h.isWoken());
    }

    @Test
    void aWakeDuringTheFuturesOwnPollShowsAfterThatPoll() {
        PollHarness<Void> h = PollHarness.of(Task.yieldNow());
        assertPending(h.poll());
        assertEquals(1, h.wakeCount());
        assertReady(h.poll());
        assertFalse(h.isWoken());
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void wakesFromOtherThreadsAreAllCounted() throws InterruptedException {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        Waker w = f.waker;
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = Thread.ofPlatform().start(() -> {
                for (int k = 0; k < 1000; k++) {
                    w.wake();
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(4000, h.wakeCount());
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void waitForWakeReturnsOnceAnotherThreadWakes() throws InterruptedException {
        CompletableFuture<String> stage = new CompletableFuture<>();
        PollHarness<String> h = PollHarness.of(Future.fromStage(stage));
        assertPending(h.poll());
        Thread completer = Thread.ofPlatform().start(() -> stage.complete("late"));
        assertTrue(h.waitForWake(Duration.ofSeconds(30)));
        completer.join();
        assertReadyEq(h.poll(), "late");
    }

    @Test
    void waitForWakeReturnsAtOnceWhenAlreadyWoken() throws InterruptedException {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        f.waker.wake();
        assertTrue(h.waitForWake(Duration.ZERO));
    }

    @Test
    void waitForWakeAnswersFalseWhenNothingWokeBeforeTheTimeout() throws InterruptedException {
        PollHarness<String> h = PollHarness.of(Future.never());
        h.poll();
        assertFalse(h.waitForWake(Duration.ZERO));
    }

    @Test
    void pollAfterReadyIsRefused() {
        PollHarness<String> h = PollHarness.of(Future.ready("x"));
        h.poll();
        IllegalStateException e = assertThrows(IllegalStateException.class, h::poll);
        assertTrue(e.getMessage().contains("already ready"), e.getMessage());
        assertEquals(1, h.pollCount());
    }

    @Test
    void aFailureIsRethrownAsItWasThrownCheckedIncluded() {
        IOException boom = new IOException("boom");
        PollHarness<String> h = PollHarness.of(Future.failed(boom));
        Throwable thrown = assertThrows(IOException.class, h::poll);
        assertSame(boom, thrown);
        assertTrue(h.isDone());
    }

    @Test
    void pollAfterFailureIsRefused() {
        IOException boom = new IOException("boom");
        PollHarness<String> h = PollHarness.of(Future.failed(boom));
        assertThrows(IOException.class, h::poll);
        IllegalStateException e = assertThrows(IllegalStateException.class, h::poll);
        assertTrue(e.getMessage().contains("already failed"), e.getMessage());
        assertSame(boom, e.getCause());
    }

    @Test
    void pollAfterDropIsRefused() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        h.drop();
        IllegalStateException e = assertThrows(IllegalStateException.class, h::poll);
        assertTrue(e.getMessage().contains("dropped"), e.getMessage());
        assertEquals(1, f.polls.get());
    }

    @Test
    void dropDropsTheFutureExactlyOnce() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        h.drop();
        h.drop();
        h.close();
        assertEquals(1, f.drops.get());
        assertTrue(h.isDropped());
    }

    @Test
    void dropOfACompletedFutureStillCallsItsDropOnce() {
        Probe<String> f = new Probe<>();
        f.ready = true;
        PollHarness<String> h = PollHarness.of(f);
        assertReady(h.poll());
        h.drop();
        assertEquals(1, f.drops.get());
        assertTrue(h.isDone());
    }

    @Test
    void closeDropsTheFuture() {
        Probe<String> f = new Probe<>();
        try (PollHarness<String> h = PollHarness.of(f)) {
            assertPending(h.poll());
        }
        assertEquals(1, f.drops.get());
    }

    @Test
    void aPollThatReturnsNullIsAnAssertionError() {
        PollHarness<String> h = PollHarness.of(cx -> null);
        AssertionError e = assertThrows(AssertionError.class, h::poll);
        assertTrue(e.getMessage().contains("returned null"), e.getMessage());
    }

    @Test
    void pollCountCountsPolls() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        h.poll();
        h.poll();
        assertEquals(3, h.pollCount());
        assertEquals(3, f.polls.get());
    }

    @Test
    void isDoneOnceReady() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        assertFalse(h.isDone());
        f.complete("v");
        h.poll();
        assertTrue(h.isDone());
    }

    @Test
    void enterPassesTheHarnessContextAndTheFuture() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        AtomicReference<Context> seen = new AtomicReference<>();
        Future<String> given = h.enter((cx, future) -> {
            seen.set(cx);
            return future;
        });
        assertSame(h.context(), seen.get());
        assertSame(f, given);
    }

    @Test
    void enterClearsTheWakeCountAndIsNotAPoll() {
        Probe<String> f = new Probe<>();
        PollHarness<String> h = PollHarness.of(f);
        h.poll();
        f.waker.wake();
        h.enter((cx, future) -> null);
        assertFalse(h.isWoken());
        assertEquals(1, h.pollCount());
    }

    @Test
    void enterMayPollAFinishedFutureOnPurpose() {
        PollHarness<String> h = PollHarness.of(Future.ready("again"));
        assertReady(h.poll());
        assertReadyEq(h.enter((cx, future) -> future.poll(cx)), "again");
    }

    @Test
    void enterRethrowsCheckedExceptionsAsTheyWereThrown() {
        IOException boom = new IOException("boom");
        PollHarness<String> h = PollHarness.of(Future.never());
        Throwable thrown = assertThrows(IOException.class, () -> h.enter((cx, future) -> {
            throw boom;
        }));
        assertSame(boom, thrown);
    }

    @Test
    void toStringNamesTheState() {
        PollHarness<String> h = PollHarness.of(Future.ready("v"));
        assertTrue(h.toString().contains("not polled"), h.toString());
        h.poll();
        assertTrue(h.toString().contains("Ready(v)"), h.toString());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHarnessDrivenFromATaskCanPollAsyncBlocksBesideOthers() throws InterruptedException {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            CountDownLatch bothStarted = new CountDownLatch(2);
            List<String> values = rt.blockOn(() -> {
                PollHarness<List<String>> h = PollHarness.of(Join.joinAll(List.of(
                        async(() -> {
                            bothStarted.countDown();
                            bothStarted.await(); // only returns if the two blocks run at once
                            return "a";
                        }),
                        async(() -> {
                            bothStarted.countDown();
                            bothStarted.await();
                            return "b";
                        }))));
                Poll<List<String>> p = h.poll();
                while (p.isPending()) {
                    assertTrue(h.waitForWake(Duration.ofSeconds(30)), "the join was never woken");
                    p = h.poll();
                }
                return p.value();
            });
            assertEquals(List.of("a", "b"), values);
            assertTrue(bothStarted.await(0, TimeUnit.SECONDS));
        }
    }
}
