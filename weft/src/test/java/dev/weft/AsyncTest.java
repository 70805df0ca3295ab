package dev.weft;

import static dev.weft.Async.async;
import static dev.weft.Join.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.Runtime;
import dev.weft.runtime.UnhandledExceptionPolicy;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.task.TaskLocal;
import java.io.IOException;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class AsyncTest {

    private static Runtime runtime() {
        // Failures are expected here and reach the tests through their handles: no log noise.
        return Runtime.builder().workerThreads(2).unhandledException(UnhandledExceptionPolicy.IGNORE).build();
    }

    @Test
    void nothingRunsUntilTheBlockIsAwaited() {
        AtomicInteger runs = new AtomicInteger();
        Future<Integer> f = async(runs::incrementAndGet);
        assertEquals(0, runs.get());
        assertEquals(1, f.await());
    }

    @Test
    void awaitedAloneItRunsInlineOnTheCallingThread() {
        Thread caller = Thread.currentThread();
        assertSame(caller, async(Thread::currentThread).await());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void awaitedAloneInATaskItRunsInThatTaskWithNoTaskOfItsOwn() {
        try (Runtime rt = runtime()) {
            long[] ids = rt.blockOn(() -> {
                long outer = Task.currentId().orElseThrow();
                long inner = async(() -> Task.currentId().orElseThrow()).await();
                return new long[] {outer, inner};
            });
            assertEquals(ids[0], ids[1]);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void polledBesideOthersItRunsAsAChildTask() {
        try (Runtime rt = runtime()) {
            Object[] seen = rt.blockOn(() -> {
                Thread parentThread = Thread.currentThread();
                long parentId = Task.currentId().orElseThrow();
                var both = join(async(() -> new Object[] {Thread.currentThread(), Task.currentId()}),
                        Future.ready(0)).await();
                return new Object[] {parentThread, parentId, both.first()[0], both.first()[1]};
            });
            assertNotSame(seen[0], seen[2], "the block ran on a thread of its own");
            OptionalLong childId = (OptionalLong) seen[3];
            assertTrue(childId.isPresent(), "the block ran as a task");
            assertNotEquals(seen[1], childId.getAsLong());
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void polledByAFutureTaskItRunsAsAChildThreadTaskNotOnTheWorker() {
        try (Runtime rt = runtime()) {
            var r = rt.blockOn(join(async(() -> Thread.currentThread().isVirtual()), Future.ready(0)));
            assertTrue(r.first(), "the block ran on a virtual thread of its own");
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void blocksJoinedTogetherRunConcurrently() {
        CountDownLatch both = new CountDownLatch(2);
        Callable<String> meet = () -> {
            both.countDown();
            both.await(); // returns only if the other block runs at the same time
            return "met";
        };
        try (Runtime rt = runtime()) {
            var r = rt.blockOn(() -> join(async(meet), async(meet)).await());
            assertEquals("met", r.first());
            assertEquals("met", r.second());
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void theChildSeesTheTaskLocalsOfTheCodeThatPolledIt() {
        TaskLocal<String> user = TaskLocal.named("user");
        try (Runtime rt = runtime()) {
            String seen = rt.blockOn(() -> user.syncScope("alice",
                    () -> join(async(user::get), Future.ready(0)).await().first()));
            assertEquals("alice", seen);
        }
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void droppingAPolledBlockAbortsItsChildWhoseAwaitThrowsCancelled() {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean passedTheAwait = new AtomicBoolean();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        try (Runtime rt = runtime()) {
            rt.blockOn(() -> {
                Future<Void> f = async(() -> {
                    try {
                        started.countDown();
                        Future.never().await();
                        passedTheAwait.set(true);
                    } catch (Throwable t) {
                        thrown.set(t);
                        throw t;
                    } finally {
                        finished.countDown();
                    }
                });
                assertTrue(f.poll(Context.of(Waker.noop())).isPending());
                started.await();
                f.drop();
                finished.await();
            });
        }
        assertFalse(passedTheAwait.get());
        assertInstanceOf(CancelledException.class, thrown.get());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void droppingABlockBeforeItIsPolledRunsNothing() {
        AtomicInteger runs = new AtomicInteger();
        Future<Integer> f = async(runs::incrementAndGet);
        f.drop();
        assertEquals(0, runs.get());
    }

    @Test
    void aFailureAwaitedInlineIsRethrownAsItWasThrownCheckedIncluded() {
        IOException boom = new IOException("boom");
        Future<String> f = async(() -> {
            throw boom;
        });
        assertSame(boom, assertThrows(IOException.class, f::await));
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aFailureOfTheChildTaskIsRethrownAsItWasThrownCheckedIncluded() {
        IOException boom = new IOException("boom");
        try (Runtime rt = runtime()) {
            Throwable thrown = assertThrows(IOException.class, () -> rt.blockOn(() -> {
                try {
                    return join(async(() -> {
                        throw boom;
                    }), Future.ready(0)).await();
                } catch (Throwable t) {
                    // inside the task, the await threw the block's exception itself, not a JoinError
                    assertSame(boom, t);
                    throw t;
                }
            }));
            assertSame(boom, thrown);
        }
    }

    @Test
    void itRunsOnceAndASecondAwaitFailsClearly() {
        AtomicInteger runs = new AtomicInteger();
        Future<Integer> f = async(runs::incrementAndGet);
        f.await();
        IllegalStateException e = assertThrows(IllegalStateException.class, f::await);
        assertTrue(e.getMessage().contains("runs once"), e.getMessage());
        assertEquals(1, runs.get());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void itRunsOnceWhenPolledAndThenAwaited() {
        AtomicInteger runs = new AtomicInteger();
        try (Runtime rt = runtime()) {
            int v = rt.blockOn(() -> {
                Future<Integer> f = async(runs::incrementAndGet);
                f.poll(Context.of(Waker.noop())); // starts the child
                return f.await();                 // awaits that child, does not run the body again
            });
            assertEquals(1, v);
        }
        assertEquals(1, runs.get());
    }

    @Test
    void pollingOutsideARuntimeFailsClearlyAndRunsNothing() {
        AtomicInteger runs = new AtomicInteger();
        Future<Integer> f = async(runs::incrementAndGet);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> f.poll(Context.of(Waker.noop())));
        assertTrue(e.getMessage().contains("runtime"), e.getMessage());
        assertEquals(0, runs.get());
    }

    @Test
    void theBlockWithNoValueGivesNull() {
        AtomicBoolean ran = new AtomicBoolean();
        Future<Void> f = async(() -> {
            ran.set(true);
        });
        assertNull(f.await());
        assertTrue(ran.get());
    }

    @Test
    void theBlockWithNoValueRethrowsCheckedExceptionsAsTheyWereThrown() {
        IOException boom = new IOException("boom");
        Future<Void> f = async(() -> {
            if (boom != null) {
                throw boom;
            }
        });
        assertSame(boom, assertThrows(IOException.class, f::await));
    }

    @Test
    void aNullBodyIsRefused() {
        assertThrows(NullPointerException.class, () -> async((Callable<String>) null));
        assertThrows(NullPointerException.class, () -> async((CheckedRunnable) null));
    }

    // ---- doubtful behaviour of the core, kept as failing tests ------------------------------

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void awaitInsideAPollOnAWorkerIsRefusedAsForEveryFuture() {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (Runtime rt = runtime()) {
            JoinHandle<String> h = rt.spawn(Future.pollFn(cx -> Poll.ready(async(() -> {
                ranOn.set(Thread.currentThread());
                return "ran on " + Thread.currentThread().getName();
            }).await())));
            JoinError failure = assertThrows(JoinError.class, h::await);
            assertInstanceOf(IllegalStateException.class, failure.getCause(), String.valueOf(failure));
        }
        assertNull(ranOn.get(), "the block ran on the worker " + ranOn.get());
    }

    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void awaitInACancelledTaskThrowsCancelledWithoutRunningTheBlock() throws InterruptedException {
        AtomicBoolean ran = new AtomicBoolean();
        AtomicReference<Throwable> second = new AtomicReference<>();
        CountDownLatch parked = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        try (Runtime rt = runtime()) {
            JoinHandle<Void> task = rt.spawn(() -> {
                try {
                    parked.countDown();
                    Future.never().await();
                } catch (CancelledException first) {
                    try {
                        async(() -> ran.set(true)).await();
                    } catch (Throwable t) {
                        second.set(t);
                    }
                } finally {
                    done.countDown();
                }
            });
            parked.await();
            task.abort();
            done.await();
        }
        assertFalse(ran.get(), "the block ran in a cancelled task");
        assertInstanceOf(CancelledException.class, second.get());
    }

    /**
     * A polled block's failure travels to whoever polls it: the runtime's policy must
     * not treat it as unhandled. (Its child task reported it, so a caught exception
     * shut a SHUTDOWN_RUNTIME runtime down, and was logged under LOG.)
     */
    @Test
    @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aPolledBlocksFailureThatItsAwaiterCatchesIsNotAnUnhandledTaskFailure() throws InterruptedException {
        try (Runtime rt = Runtime.builder().workerThreads(2).threadName("caught")
                .unhandledException(UnhandledExceptionPolicy.SHUTDOWN_RUNTIME).build()) {
            boolean caught = rt.blockOn(() -> {
                try {
                    join(async(() -> {
                        throw new IOException("handled by the awaiter");
                    }), Future.ready(1)).await();
                    return false;
                } catch (Exception e) {
                    return e instanceof IOException;
                }
            });
            assertTrue(caught);
            // The policy runs before the failure is published: a shutdown it started has its
            // thread by now. Wait for that thread, if any, rather than for time.
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("caught-shutdown")) {
                    t.join(20_000);
                }
            }
            assertFalse(rt.isShutdown(), "a caught exception of an async block shut the runtime down");
        }
    }
}
