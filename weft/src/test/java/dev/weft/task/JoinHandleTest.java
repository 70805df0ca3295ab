package dev.weft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class JoinHandleTest extends RuntimePerTest {
    @Test
    void awaitGivesTheValueOfEachKindOfTask() {
        assertEquals(1, rt.spawn(Future.ready(1)).await());
        assertEquals(2, rt.spawn(() -> 2).await());
        assertEquals(3, rt.spawnBlocking(() -> 3).await());
    }

    @Test
    void aJoinWakerThatThrowsDoesNotKeepTheCompletionCallbacksFromRunning() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawn(() -> {
            go.await();
            return "done";
        });
        Context broken = Context.of(() -> {
            throw new IllegalStateException("a broken waker");
        });
        assertTrue(h.poll(broken).isPending());
        CompletableFuture<String> cf = h.toCompletableFuture();
        go.countDown();
        assertEquals("done", cf.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aHandleCanBeAwaitedAgainAndGivesTheSameOutcome() {
        JoinHandle<String> h = rt.spawn(() -> "once");
        assertEquals("once", h.await());
        assertEquals("once", h.await());
    }

    @Test
    void aFailedTaskThrowsJoinErrorCarryingTheCheckedException() {
        JoinHandle<Integer> h = rt.spawn(() -> {
            throw new IOException("disk on fire");
        });
        JoinError e = assertThrows(JoinError.class, h::await);
        assertTrue(e.isFailed());
        assertFalse(e.isCancelled());
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals(h.id(), e.taskId());
        assertTrue(e.getMessage().contains("disk on fire"), e.getMessage());
    }

    @Test
    void aFutureTaskWhosePollThrowsFails() {
        JoinHandle<Integer> h = rt.spawn(Future.<Integer>pollFn(cx -> {
            throw new IllegalArgumentException("bad poll");
        }));
        JoinError e = assertThrows(JoinError.class, h::await);
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void abortBeforeStartCancelsAQueuedBlockingJobWhichNeverRuns() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicBoolean ran = new AtomicBoolean();
        try (Runtime small = Runtime.builder().workerThreads(1).maxBlockingThreads(1).build()) {
            JoinHandle<Object> busy = small.spawnBlocking(() -> {
                gate.await();
                return null;
            });
            JoinHandle<Object> queued = small.spawnBlocking(() -> {
                ran.set(true);
                return null;
            });
            queued.abort();
            gate.countDown();
            busy.await();
            assertTrue(assertThrows(JoinError.class, queued::await).isCancelled());
        }
        assertFalse(ran.get());
    }

    @Test
    void abortBeforeTheFirstPollDropsTheFutureUnpolled() {
        AtomicInteger polls = new AtomicInteger();
        AtomicBoolean dropped = new AtomicBoolean();
        Future<Integer> victim = new Future<>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                polls.incrementAndGet();
                return Poll.pending();
            }

            @Override
            public void drop() {
                dropped.set(true);
            }
        };
        try (Runtime single = Runtime.builder().currentThread().build()) {
            // Spawned and aborted within one poll on the only worker: the victim is
            // queued behind the running task and cannot have been polled.
            JoinHandle<Integer> h = single.blockOn(Future.pollFn(cx -> {
                JoinHandle<Integer> spawned = Task.spawn(victim);
                spawned.abort();
                return Poll.ready(spawned);
            }));
            assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        }
        assertTrue(dropped.get());
        assertEquals(0, polls.get());
    }

    @Test
    void abortWhileParkedRunsFinallyAndCompletesCancelled() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        AtomicBoolean finallyRan = new AtomicBoolean();
        JoinHandle<Void> h = rt.spawn(() -> {
            try {
                parked.countDown();
                Future.never().await();
            } finally {
                finallyRan.set(true);
            }
        });
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        h.abort();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertTrue(e.isCancelled());
        assertTrue(finallyRan.get());
    }

    @Test
    void abortRightAfterTheAwaitBeganIsNotLost() throws Exception {
        // The abort lands while the await spins before parking, or as it parks.
        for (int round = 0; round < 500; round++) {
            CountDownLatch awaiting = new CountDownLatch(1);
            JoinHandle<Void> h = rt.spawn(() -> {
                awaiting.countDown();
                Future.never().await();
            });
            assertTrue(awaiting.await(10, TimeUnit.SECONDS));
            h.abort();
            assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        }
    }

    @Test
    void anInterruptOfAThreadTaskIsNotACancellationAndItsStatusComesBackWhenTheAwaitEnds() throws Exception {
        CompletableFuture<String> value = new CompletableFuture<>();
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch awaiting = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawn(() -> {
            thread.set(Thread.currentThread());
            awaiting.countDown();
            String v = Future.fromStage(value).await();
            return v + " interrupted=" + Thread.currentThread().isInterrupted();
        });
        assertTrue(awaiting.await(10, TimeUnit.SECONDS));
        thread.get().interrupt();
        value.complete("v");
        assertEquals("v interrupted=true", h.await());
    }

    @Test
    void cancellationIsStickyEveryLaterAwaitThrows() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        AtomicInteger thrown = new AtomicInteger();
        JoinHandle<Void> h = rt.spawn(() -> {
            parked.countDown();
            for (int i = 0; i < 3; i++) {
                try {
                    Future.never().await();
                } catch (CancelledException swallowed) {
                    thrown.incrementAndGet();
                }
            }
            Future.ready(1).await(); // even a ready future
        });
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        h.abort();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertTrue(e.isCancelled());
        assertEquals(3, thrown.get());
    }

    @Test
    void aCancelledTaskThatSwallowsAndReturnsStillCompletesCancelled() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawn(() -> {
            parked.countDown();
            try {
                Future.never().await();
            } catch (CancelledException swallowed) {
                return "pretending nothing happened";
            }
            return "unreachable";
        });
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        h.abort();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
    }

    @Test
    void abortBeforeTheFirstAwaitIsSeenByThatAwait() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch aborted = new CountDownLatch(1);
        AtomicBoolean awaitThrew = new AtomicBoolean();
        JoinHandle<Integer> h = rt.spawn(() -> {
            running.countDown();
            aborted.await(); // a JDK wait, not an await: the task has not awaited anything yet
            try {
                return Future.ready(1).await();
            } catch (CancelledException expected) {
                awaitThrew.set(true);
                throw expected;
            }
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        h.abort();
        aborted.countDown();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        assertTrue(awaitThrew.get());
    }

    @Test
    void aFinishedThreadTaskDoesNotKeepItsThread() throws Exception {
        AtomicReference<WeakReference<Thread>> thread = new AtomicReference<>();
        JoinHandle<Integer> h = rt.spawn(() -> {
            thread.set(new WeakReference<>(Thread.currentThread()));
            return Future.ready(1).await(); // the task has made its context, which knows the thread
        });
        assertEquals(1, h.await());
        // The handle stays reachable: a list of finished handles must not hold their threads.
        while (thread.get().get() != null) {
            System.gc(); // a full collection each time: no sleep needed between tries
        }
        assertTrue(h.isFinished());
    }

    @Test
    void abortAfterFinishHasNoEffect() {
        JoinHandle<Integer> h = rt.spawn(() -> 7);
        assertEquals(7, h.await());
        h.abort();
        assertTrue(h.isFinished());
        assertEquals(7, h.await());
    }

    @Test
    void abortOfAPendingFutureTaskDropsItsFuture() throws Exception {
        CountDownLatch polled = new CountDownLatch(1);
        CountDownLatch dropped = new CountDownLatch(1);
        JoinHandle<Integer> h = rt.spawn(new Future<Integer>() {
            @Override
            public Poll<Integer> poll(Context cx) {
                polled.countDown();
                return Poll.pending();
            }

            @Override
            public void drop() {
                dropped.countDown();
            }
        });
        assertTrue(polled.await(10, TimeUnit.SECONDS));
        h.abort();
        assertTrue(dropped.await(10, TimeUnit.SECONDS));
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
    }

    @Test
    void abortOfARunningBlockingTaskHasNoEffect() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawnBlocking(() -> {
            started.countDown();
            release.await();
            return "finished anyway";
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        h.abort();
        release.countDown();
        assertEquals("finished anyway", h.await());
    }

    @Test
    void theAbortHandleAbortsTheTask() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        JoinHandle<Void> h = rt.spawn(() -> {
            parked.countDown();
            Future.never().await();
        });
        AbortHandle abort = h.abortHandle();
        assertEquals(h.id(), abort.id());
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        abort.abort();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        assertTrue(abort.isFinished());
    }

    @Test
    void droppingTheHandleDetachesTheTaskWhichRunsOn() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        JoinHandle<Void> h = rt.spawn(() -> {
            release.await();
            done.countDown();
        });
        h.drop();
        release.countDown();
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    @Test
    void toCompletableFutureCompletesWithTheValueOrTheJoinError() throws Exception {
        CompletableFuture<Integer> ok = rt.spawn(() -> 5).toCompletableFuture();
        assertEquals(5, ok.get(10, TimeUnit.SECONDS));
        CompletableFuture<Integer> bad = rt.<Integer>spawn(() -> {
            throw new IllegalStateException("nope");
        }).toCompletableFuture();
        ExecutionException e = assertThrows(ExecutionException.class, () -> bad.get(10, TimeUnit.SECONDS));
        assertInstanceOf(JoinError.class, e.getCause());
        assertInstanceOf(IllegalStateException.class, e.getCause().getCause());
    }

    @Test
    void idsAreUniqueAndNamesAreKept() {
        JoinHandle<Integer> a = rt.spawn(() -> 1);
        JoinHandle<Integer> b = rt.blockOn(() -> Task.builder().name("b-task").spawn(() -> 2));
        assertFalse(a.id() == b.id());
        assertTrue(a.name().isEmpty());
        assertEquals("b-task", b.name().orElseThrow());
        assertSame(b, b.abortHandle());
        a.await();
        b.await();
    }

    @Test
    void aThreadTaskThatReachesNoAwaitAfterTheAbortKeepsItsValue() throws Exception {
        var ch = dev.weft.sync.Mpsc.<String>channel(4);
        CountDownLatch received = new CountDownLatch(1);
        CountDownLatch aborted = new CountDownLatch(1);
        JoinHandle<String> h = rt.spawn(() -> {
            String msg = ch.rx().recv().await(); // the message leaves the channel here
            received.countDown();
            aborted.await();                      // a JDK wait: no Weft await sees the abort
            return msg;
        });
        assertTrue(ch.tx().trySend("the only copy"));
        assertTrue(received.await(10, TimeUnit.SECONDS));
        h.abort();
        aborted.countDown();
        assertEquals("the only copy", h.await(), "the body ran to its end: its value is the outcome, not lost");
    }

    @Test
    void aThreadTaskThatReachesNoAwaitAfterTheAbortKeepsItsFailure() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch aborted = new CountDownLatch(1);
        JoinHandle<Integer> h = rt.spawn(() -> {
            running.countDown();
            aborted.await();
            throw new IOException("its own failure");
        });
        assertTrue(running.await(10, TimeUnit.SECONDS));
        h.abort();
        aborted.countDown();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertFalse(e.isCancelled());
        assertEquals("its own failure", e.getCause().getMessage());
    }
}
