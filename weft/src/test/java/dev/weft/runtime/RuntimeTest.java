package dev.weft.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Time;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RuntimeTest {

    @Test
    void blockOnAFutureRunsItAsAFutureTask() {
        try (Runtime rt = Runtime.builder().build()) {
            assertEquals("hi", rt.blockOn(Future.ready("h").map(s -> s + "i")));
        }
    }

    @Test
    void blockOnACallableRunsItAsAThreadTaskInTheRuntime() {
        try (Runtime rt = Runtime.builder().name("blocky").build()) {
            assertEquals("blocky", rt.blockOn(() -> Handle.current().name()));
            assertTrue(rt.blockOn(() -> Thread.currentThread().isVirtual()));
        }
    }

    @Test
    void blockOnRethrowsTheBodysExceptionAsItWasThrown() {
        try (Runtime rt = Runtime.builder().unhandledException(UnhandledExceptionPolicy.IGNORE).build()) {
            IOException e = assertThrows(IOException.class, () -> rt.blockOn(() -> {
                throw new IOException("as is");
            }));
            assertEquals("as is", e.getMessage());
        }
    }

    @Test
    void mainRunsTheBodyOnAFreshRuntimeAndShutsItDown() {
        AtomicInteger workersAtStart = new AtomicInteger();
        Handle[] seen = new Handle[1];
        int v = Runtime.main(() -> {
            seen[0] = Handle.current();
            workersAtStart.set(seen[0].metrics().workers());
            return 40 + Task.spawn(() -> 2).await();
        });
        assertEquals(42, v);
        assertTrue(workersAtStart.get() >= 1);
        assertTrue(seen[0].isShutdown());
        assertTrue(seen[0].isIoEnabled() && seen[0].isTimeEnabled(), "main enables every driver");
    }

    @Test
    void mainWithARunnableBody() {
        AtomicBoolean ran = new AtomicBoolean();
        Runtime.main(() -> {
            ran.set(Task.spawn(() -> true).await());
        });
        assertTrue(ran.get());
    }

    @Test
    void handleCurrentFindsTheRuntimeFromEveryKindOfTask() {
        try (Runtime rt = Runtime.builder().build()) {
            Handle h = rt.handle();
            assertEquals(h, rt.blockOn(Handle::current));
            assertEquals(h, rt.spawnBlocking(Handle::current).await());
            assertEquals(h, rt.spawn(Future.pollFn(cx -> Poll.ready(Handle.current()))).await());
        }
    }

    @Test
    void handleCurrentOutsideARuntimeSaysHowToFixIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Handle::current);
        assertTrue(e.getMessage().contains("Runtime.main") && e.getMessage().contains("blockOn"), e.getMessage());
        assertTrue(Handle.tryCurrent().isEmpty());
    }

    @Test
    void spawnOnAClosedRuntimeSaysItIsShutDown() {
        Runtime rt = Runtime.builder().name("gone").build();
        rt.close();
        assertTrue(rt.isShutdown());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.spawn(() -> 1));
        assertTrue(e.getMessage().contains("'gone'") && e.getMessage().contains("shut down"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> rt.spawn(Future.ready(1)));
        assertThrows(IllegalStateException.class, () -> rt.spawnBlocking(() -> 1));
        assertThrows(IllegalStateException.class, () -> rt.blockOn(() -> 1));
    }

    @Test
    void closingFromInsideOwnTaskIsRefusedWithAWayOut() {
        try (Runtime rt = Runtime.builder().build()) {
            IllegalStateException e = rt.blockOn(() -> assertThrows(IllegalStateException.class, rt::close));
            assertTrue(e.getMessage().contains("shutdownBackground"), e.getMessage());
        }
    }

    @Test
    void shutdownBackgroundFromInsideATaskEndsTheRuntime() {
        Runtime rt = Runtime.builder().build();
        assertThrows(CancelledException.class, () -> rt.blockOn(() -> {
            Handle.current().shutdownBackground();
            Future.never().await();
        }));
        ShutdownReport r = rt.shutdown(Duration.ofSeconds(10)); // waits for the background one
        assertTrue(r.isClean(), r.toString());
    }

    @Test
    void shutdownCancelsEveryKindOfParkedTaskAndIsClean() throws Exception {
        Runtime rt = Runtime.builder().build();
        CountDownLatch parked = new CountDownLatch(1);
        AtomicBoolean finallyRan = new AtomicBoolean();
        JoinHandle<Void> thread = rt.spawn(() -> {
            try {
                parked.countDown();
                Future.never().await();
            } finally {
                finallyRan.set(true);
            }
        });
        JoinHandle<Object> future = rt.spawn(Future.never());
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        ShutdownReport report = rt.shutdown(Duration.ofSeconds(10));
        assertTrue(report.isClean(), report.toString());
        assertTrue(finallyRan.get());
        assertTrue(assertThrows(JoinError.class, thread::await).isCancelled());
        assertTrue(assertThrows(JoinError.class, future::await).isCancelled());
    }

    @Test
    void anInterruptedCallersShutdownStillWaitsForTheTasksAndTheThreadsAndKeepsTheInterrupt() throws Exception {
        Set<Thread> runtimeThreads = ConcurrentHashMap.newKeySet();
        Runtime rt = Runtime.builder().workerThreads(2).enableTime()
                .onThreadStart(() -> runtimeThreads.add(Thread.currentThread())).build();
        CountDownLatch inFinally = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean finallyDone = new AtomicBoolean();
        JoinHandle<Void> task = rt.spawn(() -> {
            try {
                Future.never().await();
            } finally {
                inFinally.countDown();
                release.await(); // the cleanup outlasts the interrupted caller's first wait
                finallyDone.set(true);
            }
        });
        rt.blockOn(() -> Task.spawn(Time.sleep(Duration.ofDays(1)))); // a future task, parked on a timer
        Thread closer = Thread.currentThread();
        Thread releaser = Thread.ofPlatform().start(() -> {
            try {
                inFinally.await();
                closer.interrupt(); // a second interrupt, while the shutdown waits
                release.countDown();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        closer.interrupt(); // the first, before the call
        ShutdownReport report = rt.shutdown(Duration.ofSeconds(30));
        assertTrue(Thread.interrupted(), "the caller's interrupt is kept");
        releaser.join();
        assertTrue(report.isClean(), report.toString());
        assertTrue(finallyDone.get(), "the shutdown waited for the task's finally");
        assertTrue(assertThrows(JoinError.class, task::await).isCancelled());
        assertFalse(runtimeThreads.isEmpty());
        for (Thread t : runtimeThreads) {
            assertFalse(t.isAlive(), t + " outlived the shutdown");
        }
    }

    @Test
    void shutdownNamesTheTasksThatDidNotFinishByIdAndName() throws Exception {
        Runtime rt = Runtime.builder().build();
        CountDownLatch spinning = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        JoinHandle<Void> stubborn = rt.blockOn(() -> Task.builder().name("stubborn").spawn(() -> {
            spinning.countDown();
            while (!stop.get()) {
                Thread.onSpinWait(); // never awaits: cancellation cannot reach it
            }
        }));
        assertTrue(spinning.await(10, TimeUnit.SECONDS));
        ShutdownReport report = rt.shutdown(Duration.ofMillis(200));
        stop.set(true);
        assertFalse(report.isClean());
        assertEquals(1, report.unfinished().size(), report.toString());
        ShutdownReport.TaskInfo info = report.unfinished().get(0);
        assertEquals(stubborn.id(), info.id());
        assertEquals("stubborn", info.name());
        assertEquals("thread", info.kind());
        assertTrue(report.toString().contains("stubborn"));
        // It never reached an await, so the abort never took effect: once it stops, it
        // ends with its own outcome (no value), as a task that finishes first does.
        assertNull(stubborn.await());
    }

    @Test
    void shutdownReportsBlockingJobsThatNeverRan() throws Exception {
        Runtime rt = Runtime.builder().maxBlockingThreads(1).build();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        JoinHandle<Object> running = rt.spawnBlocking(() -> {
            started.countDown();
            release.await();
            return "done";
        });
        AtomicBoolean queuedRan = new AtomicBoolean();
        JoinHandle<Object> queued = rt.blockOn(() -> Task.builder().name("never-run").spawnBlocking(() -> {
            queuedRan.set(true);
            return null;
        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Thread releaser = Thread.ofPlatform().start(() -> {
            // Let the shutdown begin first, then let the running job finish in time.
            while (!rt.isShutdown()) {
                Thread.onSpinWait();
            }
            release.countDown();
        });
        ShutdownReport report = rt.shutdown(Duration.ofSeconds(10));
        releaser.join();
        assertEquals(1, report.blockingNeverRun().size(), report.toString());
        assertEquals("never-run", report.blockingNeverRun().get(0).name());
        assertTrue(report.unfinished().isEmpty(), report.toString());
        assertFalse(queuedRan.get());
        assertTrue(assertThrows(JoinError.class, queued::await).isCancelled());
        assertEquals("done", running.await());
    }

    @Test
    void noThreadOfTheRuntimeOutlivesClose() {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        for (int i = 0; i < 100; i++) {
            try (Runtime rt = Runtime.builder().workerThreads(2).threadName("leak-check").build()) {
                rt.spawnBlocking(() -> 1).await();
                rt.blockOn(() -> Task.spawn(Future.ready(1)).await());
            }
        }
        List<String> leaked = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (!before.contains(t) && t.getName().startsWith("leak-check")) {
                leaked.add(t.getName());
            }
        }
        assertEquals(List.of(), leaked);
    }

    @Test
    void threadNamesAndHooksApplyToEveryThreadOfTheRuntime() {
        Set<String> started = ConcurrentHashMap.newKeySet();
        Set<String> stopped = ConcurrentHashMap.newKeySet();
        try (Runtime rt = Runtime.builder().workerThreads(2).threadName("custom").enableTime()
                .onThreadStart(() -> started.add(Thread.currentThread().getName()))
                .onThreadStop(() -> stopped.add(Thread.currentThread().getName()))
                .build()) {
            rt.spawnBlocking(() -> 1).await();
        }
        assertTrue(started.stream().filter(n -> n.startsWith("custom-worker-")).count() == 2, started.toString());
        assertTrue(started.stream().anyMatch(n -> n.startsWith("custom-blocking-")), started.toString());
        assertTrue(started.stream().filter(n -> n.startsWith("custom-timer-")).count() == 1, started.toString());
        assertEquals(started, stopped);
    }

    @Test
    void aThrowingHookIsLoggedAndTheThreadsWorkOn() {
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger stops = new AtomicInteger();
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime()
                .onThreadStart(() -> {
                    starts.incrementAndGet();
                    throw new IllegalStateException("start hook fails on purpose");
                })
                .onThreadStop(() -> {
                    stops.incrementAndGet();
                    throw new IllegalStateException("stop hook fails on purpose");
                })
                .build()) {
            // The one worker, the timer thread and a blocking thread each ran the failing hook and still work.
            assertEquals(7, rt.spawn(Future.ready(7)).await());
            assertEquals(8, rt.spawnBlocking(() -> 8).await());
            rt.blockOn(() -> {
                Time.sleep(Duration.ofMillis(1)).await();
                return null;
            });
            assertEquals(3, starts.get());
        }
        assertEquals(3, stops.get());
    }

    @Test
    void threadNameFnNamesEveryPlatformThread() {
        AtomicInteger n = new AtomicInteger();
        try (Runtime rt = Runtime.builder().workerThreads(1).threadNameFn(() -> "fn-" + n.incrementAndGet()).build()) {
            assertEquals("fn-1", rt.spawn(Future.pollFn(cx -> Poll.ready(Thread.currentThread().getName()))).await());
            assertEquals("fn-2", rt.spawnBlocking(() -> Thread.currentThread().getName()).await());
        }
    }

    @Test
    void theShutdownPolicyShutsTheRuntimeDownOnATaskFailure() {
        Runtime rt = Runtime.builder().unhandledException(UnhandledExceptionPolicy.SHUTDOWN_RUNTIME).build();
        rt.spawn(() -> {
            throw new IllegalStateException("fatal");
        });
        assertThrows(CancelledException.class, () -> rt.blockOn(() -> Future.never().await()));
        assertTrue(rt.isShutdown());
        rt.close();
    }

    @Test
    void aFailureThatBlockOnRethrowsIsNotReportedToThePolicy() {
        try (Runtime rt = Runtime.builder().unhandledException(UnhandledExceptionPolicy.SHUTDOWN_RUNTIME).build()) {
            assertThrows(IllegalStateException.class, () -> rt.blockOn(() -> {
                throw new IllegalStateException("rethrown to the caller");
            }));
            assertThrows(RuntimeException.class, () -> rt.blockOn(Future.<Integer>pollFn(cx -> {
                throw new IllegalStateException("rethrown to the caller");
            })));
            assertFalse(rt.isShutdown());
            assertEquals(1, rt.blockOn(() -> 1));
        }
    }

    @Test
    void theIgnorePolicyLeavesTheRuntimeRunning() {
        try (Runtime rt = Runtime.builder().unhandledException(UnhandledExceptionPolicy.IGNORE).build()) {
            JoinHandle<Object> h = rt.spawn(() -> {
                throw new IllegalStateException("tolerated");
            });
            assertThrows(JoinError.class, h::await);
            assertFalse(rt.isShutdown());
            assertEquals(1, rt.spawn(() -> 1).await());
        }
    }

    @Test
    void aCurrentThreadRuntimeHasOneWorker() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            assertEquals(1, rt.metrics().workers());
        }
        assertThrows(IllegalStateException.class, () -> Runtime.builder().currentThread().workerThreads(2));
    }

    @Test
    void theBuilderRefusesNonsense() {
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().workerThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().maxBlockingThreads(0));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().blockingKeepAlive(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().blockingQueueCapacity(0));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().eventInterval(0));
        assertThrows(IllegalArgumentException.class, () -> Runtime.builder().shutdownTimeout(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> Runtime.builder().name(null));
    }

    @Test
    void aFullBlockingQueueIsRefusedWithAnExplanation() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Runtime rt = Runtime.builder().maxBlockingThreads(1).blockingQueueCapacity(1).build()) {
            CountDownLatch started = new CountDownLatch(1);
            JoinHandle<Object> busy = rt.spawnBlocking(() -> {
                started.countDown();
                release.await();
                return null;
            });
            assertTrue(started.await(10, TimeUnit.SECONDS));
            JoinHandle<Object> waiting = rt.spawnBlocking(() -> null);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> rt.spawnBlocking(() -> null));
            assertTrue(e.getMessage().contains("blockingQueueCapacity"), e.getMessage());
            release.countDown();
            busy.await();
            waiting.await();
        }
    }

    @Test
    void idleBlockingThreadsExitAfterTheKeepAlive() {
        try (Runtime rt = Runtime.builder().blockingKeepAlive(Duration.ofMillis(20)).build()) {
            rt.spawnBlocking(() -> 1).await();
            // Wait for the condition, not for a duration: the thread leaves on its own.
            rt.blockOn(() -> {
                while (rt.metrics().blockingThreads() > 0) {
                    Task.yieldNow().await();
                }
            });
            assertEquals(0, rt.metrics().blockingThreads());
        }
    }

    @Test
    void theBlockingPoolReusesAnIdleThread() {
        try (Runtime rt = Runtime.builder().build()) {
            String first = rt.spawnBlocking(() -> Thread.currentThread().getName()).await();
            rt.blockOn(() -> {
                while (rt.metrics().idleBlockingThreads() == 0) {
                    Task.yieldNow().await();
                }
            });
            assertEquals(first, rt.spawnBlocking(() -> Thread.currentThread().getName()).await());
        }
    }

    @Test
    void aSecondShutdownReturnsTheFirstReport() {
        Runtime rt = Runtime.builder().build();
        ShutdownReport a = rt.shutdown(Duration.ofSeconds(5));
        assertSame(a, rt.shutdown(Duration.ofSeconds(5)));
    }

    /** A future task that spins in its first poll until {@code release} is set, holding its worker. */
    private static Future<Integer> holdingTheWorker(CountDownLatch polling, AtomicBoolean release) {
        return Future.pollFn(cx -> {
            polling.countDown();
            while (!release.get()) {
                Thread.onSpinWait();
            }
            return Poll.ready(1);
        });
    }

    /** A future that records whether it was polled or dropped, and stays pending. */
    private static Future<Integer> recording(AtomicBoolean polled, AtomicBoolean dropped) {
        return new Future<>() {
            @Override
            public Poll<Integer> poll(dev.weft.Context cx) {
                polled.set(true);
                return Poll.pending();
            }

            @Override
            public void drop() {
                dropped.set(true);
            }
        };
    }

    @Test
    void liveTasksCountsFutureTasksBeforeAndDuringTheirFirstPoll() throws Exception {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            CountDownLatch polling = new CountDownLatch(1);
            AtomicBoolean release = new AtomicBoolean();
            JoinHandle<Integer> holder = rt.spawn(holdingTheWorker(polling, release));
            assertTrue(polling.await(10, TimeUnit.SECONDS));
            JoinHandle<Integer> queued = rt.spawn(Future.ready(2)); // waits behind the holder, unpolled
            assertEquals(2, rt.metrics().liveTasks());
            release.set(true);
            assertEquals(1, rt.blockOn(holder));
            assertEquals(2, rt.blockOn(queued));
            while (rt.metrics().liveTasks() > 0) {
                Thread.onSpinWait(); // a handle completes just before its task leaves the count
            }
        }
    }

    @Test
    void shutdownDropsAFutureTaskThatWasNeverPolled() throws Exception {
        Runtime rt = Runtime.builder().workerThreads(1).build();
        CountDownLatch polling = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        rt.spawn(holdingTheWorker(polling, release));
        assertTrue(polling.await(10, TimeUnit.SECONDS));
        AtomicBoolean polled = new AtomicBoolean();
        AtomicBoolean dropped = new AtomicBoolean();
        JoinHandle<Integer> queued = rt.spawn(recording(polled, dropped));
        ShutdownReport[] report = new ShutdownReport[1];
        Thread closer = new Thread(() -> report[0] = rt.shutdown(Duration.ofSeconds(10)));
        closer.start();
        while (true) { // until shutdown refuses new tasks: it has begun cancelling
            try {
                rt.spawn(Future.ready(0));
            } catch (IllegalStateException refused) {
                break;
            }
            Thread.onSpinWait();
        }
        release.set(true);
        closer.join(TimeUnit.SECONDS.toMillis(20));
        assertTrue(report[0].isClean(), report[0].toString());
        assertFalse(polled.get(), "a task queued before the shutdown and never polled runs no poll after it");
        assertTrue(dropped.get());
        assertTrue(assertThrows(JoinError.class, queued::await).isCancelled());
    }

    @Test
    void shutdownReportsFutureTasksLeftOnAWorkerThatOutlivedTheDeadline() throws Exception {
        Runtime rt = Runtime.builder().workerThreads(1).build();
        AtomicBoolean release = new AtomicBoolean();
        CountDownLatch polling = new CountDownLatch(1);
        AtomicBoolean polled = new AtomicBoolean();
        AtomicBoolean dropped = new AtomicBoolean();
        List<JoinHandle<Integer>> child = new ArrayList<>();
        JoinHandle<Integer> stubborn = rt.spawn(Future.pollFn(cx -> {
            child.add(Task.spawn(recording(polled, dropped))); // into this worker's LIFO slot
            polling.countDown();
            while (!release.get()) {
                Thread.onSpinWait(); // never returns before the deadline: shutdown cannot drop it
            }
            return Poll.ready(1);
        }));
        assertTrue(polling.await(10, TimeUnit.SECONDS));
        ShutdownReport report = rt.shutdown(Duration.ofMillis(200));
        release.set(true);
        assertFalse(report.isClean());
        Set<Long> ids = ConcurrentHashMap.newKeySet();
        for (ShutdownReport.TaskInfo info : report.unfinished()) {
            assertEquals("future", info.kind());
            ids.add(info.id());
        }
        assertEquals(Set.of(stubborn.id(), child.get(0).id()), ids, report.toString());
        assertTrue(assertThrows(JoinError.class, child.get(0)::await).isCancelled());
        assertFalse(polled.get());
        assertTrue(dropped.get());
    }
}
