package dev.weft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Conditions;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.ManualFuture;
import dev.weft.Poll;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The runtime at its edges: blockOn where it is refused, a shutdown whose deadline a
 * worker or a blocking thread outlives, the blocking pool's queue, and interrupts
 * left behind by a task's code.
 */
@Timeout(60)
class RuntimeEdgeCasesTest {

    private static Runtime.Builder quiet() {
        return Runtime.builder().unhandledException(UnhandledExceptionPolicy.IGNORE);
    }

    // ---- blockOn on a scheduler worker ----------------------------------------------------

    @Test
    void blockOnRefusedOnAWorkerStartsNothing() {
        try (Runtime rt = quiet().workerThreads(2).build()) {
            ManualFuture<Integer> future = new ManualFuture<>();
            AtomicBoolean bodyRan = new AtomicBoolean();
            AtomicReference<Throwable> refusedFuture = new AtomicReference<>();
            AtomicReference<Throwable> refusedBody = new AtomicReference<>();
            rt.spawn(Future.pollFn(cx -> {
                try {
                    rt.blockOn(future);
                } catch (IllegalStateException e) {
                    refusedFuture.set(e);
                }
                try {
                    rt.blockOn(() -> bodyRan.getAndSet(true));
                } catch (IllegalStateException e) {
                    refusedBody.set(e);
                }
                return Poll.ready(0);
            })).await();
            assertNotNull(refusedFuture.get());
            assertNotNull(refusedBody.get());
            assertTrue(refusedBody.get().getMessage().contains("scheduler worker"), refusedBody.get().getMessage());
            assertEquals(0, rt.metrics().liveTasks(), "a refused blockOn leaves no task behind");
            assertEquals(0, future.polls());
            assertFalse(bodyRan.get());
        }
    }

    // ---- shutdown past its deadline --------------------------------------------------------

    @Test
    void tasksQueuedOnAWorkerThatOutlivedTheDeadlineAreCancelledWhenItReturns() throws Exception {
        Runtime one = quiet().currentThread().build();
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch polling = new CountDownLatch(1);
        List<JoinHandle<Integer>> children = new ArrayList<>();
        one.spawn(Future.pollFn(cx -> {
            for (int i = 0; i < 3; i++) {
                // The first goes to the LIFO slot; each next one pushes the one before into the local queue.
                children.add(Task.spawn(Future.ready(i)));
            }
            polling.countDown();
            while (!release.get()) {
                Thread.onSpinWait(); // a poll that blocks past the shutdown's deadline
            }
            return Poll.ready(1);
        }));
        assertTrue(polling.await(10, TimeUnit.SECONDS));
        ShutdownReport report = one.shutdown(Duration.ofMillis(200));
        assertFalse(report.isClean());
        release.set(true);
        for (JoinHandle<Integer> child : children) {
            Conditions.waitUntil(child::isFinished, "child task " + child.id() + " to end, cancelled");
        }
    }

    @Test
    void aShutdownReportIsNotCleanWhileABlockingThreadRunsItsStopHook() throws Exception {
        CountDownLatch hookRelease = new CountDownLatch(1);
        AtomicReference<Thread> blockingThread = new AtomicReference<>();
        Runtime rt = Runtime.builder().workerThreads(1).threadName("hook")
                .onThreadStop(() -> {
                    if (Thread.currentThread() == blockingThread.get()) {
                        try {
                            hookRelease.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .build();
        try {
            rt.spawnBlocking(() -> {
                blockingThread.set(Thread.currentThread());
                return 1;
            }).await();
            ShutdownReport report = rt.shutdown(Duration.ofMillis(300));
            assertFalse(report.isClean(), report.toString());
            assertTrue(report.aliveThreads().contains(blockingThread.get().getName()), report.toString());
        } finally {
            hookRelease.countDown();
        }
        blockingThread.get().join(10_000);
        assertFalse(blockingThread.get().isAlive());
    }

    // ---- the blocking pool's queue ----------------------------------------------------------

    @Test
    void abortedQueuedBlockingJobsLeaveTheQueue() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try (Runtime rt = quiet().workerThreads(1).maxBlockingThreads(1).blockingQueueCapacity(2).build()) {
            JoinHandle<Integer> busy = rt.spawnBlocking(() -> {
                running.countDown();
                release.await();
                return 0;
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            JoinHandle<Integer> q1 = rt.spawnBlocking(() -> 1);
            JoinHandle<Integer> q2 = rt.spawnBlocking(() -> 2);
            assertEquals(2, rt.metrics().blockingQueueDepth());
            q1.abort();
            q2.abort();
            assertTrue(q1.isFinished() && q2.isFinished());
            assertEquals(0, rt.metrics().blockingQueueDepth(), "aborted jobs wait for nothing");
            JoinHandle<Integer> q3 = rt.spawnBlocking(() -> 3); // was refused: "queue is full"
            assertEquals(1, rt.metrics().blockingQueueDepth());
            release.countDown();
            assertEquals(3, q3.await());
            assertEquals(0, busy.await());
        }
    }

    // ---- interrupts a task's code leaves behind -----------------------------------------------

    @Test
    void anInterruptLeftByOnePollReachesNeitherTheNextTaskNorTheIdleWorker() throws Exception {
        try (Runtime rt = quiet().currentThread().build()) {
            Thread worker = rt.spawn(Future.pollFn(cx -> {
                Thread.currentThread().interrupt(); // a library re-asserting an interrupt it caught, say
                return Poll.ready(Thread.currentThread());
            })).await();
            boolean seen = rt.spawn(Future.pollFn(cx -> Poll.ready(Thread.currentThread().isInterrupted()))).await();
            assertFalse(seen, "the next task's poll started with the interrupt status set");
            Conditions.waitUntil(() -> rt.metrics().parkedWorkers() == 1, "the worker to park");
            // A parked worker waits; one whose park returns at once (interrupted) spins. Sample it.
            int runnable = 0;
            for (int i = 0; i < 1_000; i++) {
                if (worker.getState() == Thread.State.RUNNABLE) {
                    runnable++;
                }
                LockSupport.parkNanos(100_000);
            }
            assertTrue(runnable < 100, "the idle worker was RUNNABLE in " + runnable + " of 1000 samples");
        }
    }

    @Test
    void aBlockingJobDoesNotStartWithThePreviousJobsInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        try (Runtime rt = quiet().workerThreads(1).maxBlockingThreads(1).build()) {
            JoinHandle<Integer> first = rt.spawnBlocking(() -> {
                running.countDown();
                release.await();
                Thread.currentThread().interrupt(); // it caught an InterruptedException and re-asserted it
                return 1;
            });
            assertTrue(running.await(10, TimeUnit.SECONDS));
            JoinHandle<Boolean> second = rt.spawnBlocking(() -> Thread.currentThread().isInterrupted());
            release.countDown();
            assertEquals(1, first.await());
            assertFalse(second.await(), "the second job started interrupted");
        }
    }

    @Test
    void blockOnInACancelledThreadTaskThrowsTheCancellationAndStartsNothing() throws Exception {
        try (Runtime rt = quiet().workerThreads(2).build(); Runtime other = quiet().workerThreads(2).build()) {
            AtomicInteger rootsRun = new AtomicInteger();
            AtomicInteger thrown = new AtomicInteger();
            int rounds = 40;
            for (int round = 0; round < rounds; round++) {
                CountDownLatch parked = new CountDownLatch(1);
                JoinHandle<Void> h = rt.spawn(() -> {
                    parked.countDown();
                    try {
                        Future.never().await();
                    } catch (CancelledException e) {
                        try {
                            other.blockOn(Future.pollFn(cx -> {
                                rootsRun.incrementAndGet(); // would be a side effect of a cancelled task
                                return Poll.ready(1);
                            }));
                        } catch (CancelledException sticky) {
                            thrown.incrementAndGet(); // blockOn is an await: it throws too
                        }
                        throw e;
                    }
                });
                assertTrue(parked.await(10, TimeUnit.SECONDS));
                h.abort();
                assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
            }
            assertEquals(rounds, thrown.get());
            assertEquals(0, rootsRun.get(), "roots started by a blockOn in a cancelled task");
        }
    }

    @Test
    void aShutdownReportNamesAnUnpolledTaskWhoseDropOutlivesTheDeadline() throws Exception {
        Runtime rt = quiet().workerThreads(2).build();
        CountDownLatch bothPolling = new CountDownLatch(2);
        AtomicBoolean releasePolls = new AtomicBoolean();
        CountDownLatch dropping = new CountDownLatch(1);
        CountDownLatch releaseDrop = new CountDownLatch(1);
        for (int i = 0; i < 2; i++) {
            rt.spawn(Future.pollFn(cx -> {
                bothPolling.countDown();
                while (!releasePolls.get()) {
                    Thread.onSpinWait(); // holds this worker
                }
                return Poll.ready(0);
            }));
        }
        assertTrue(bothPolling.await(10, TimeUnit.SECONDS));
        JoinHandle<Integer> slow = rt.spawn(new Future<Integer>() { // waits unpolled in the global queue
            @Override
            public Poll<Integer> poll(Context cx) {
                return Poll.pending();
            }

            @Override
            public void drop() {
                dropping.countDown();
                try {
                    releaseDrop.await(30, TimeUnit.SECONDS); // a drop that outlasts the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        AtomicReference<ShutdownReport> report = new AtomicReference<>();
        Thread shutdown = Thread.ofPlatform().start(() -> report.set(rt.shutdown(Duration.ofMillis(300))));
        try {
            Conditions.waitUntil(() -> {
                try {
                    rt.spawn(() -> 0);
                    return false;
                } catch (IllegalStateException closed) {
                    return true; // the shutdown has closed the registry
                }
            }, "the shutdown to refuse spawns");
            releasePolls.set(true); // a worker takes the unpolled task and, the runtime closing, drops it
            assertTrue(dropping.await(10, TimeUnit.SECONDS));
            shutdown.join();
            assertFalse(slow.isFinished());
            assertTrue(report.get().unfinished().stream().anyMatch(t -> t.id() == slow.id()),
                    "the report names the task still in its drop: " + report.get());
        } finally {
            releaseDrop.countDown();
        }
        Conditions.waitUntil(slow::isFinished, "the drop to end and the task with it");
    }
}
