package dev.weft.time;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.time.Time.sleep;
import static dev.weft.time.Time.sleepUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CapturedLog;
import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Join;
import dev.weft.ManualFuture;
import dev.weft.runtime.Runtime;
import dev.weft.runtime.UnhandledExceptionPolicy;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SleepTest {
    static Runtime paused() {
        return Runtime.builder().workerThreads(2).startPaused(true).build();
    }

    @Test
    void anHourOnAPausedClockPassesAtOnceAndExactly() {
        try (Runtime rt = paused()) {
            Duration slept = rt.blockOn(() -> {
                Instant start = Instant.now();
                sleep(Duration.ofHours(1)).await();
                return start.elapsed();
            });
            assertEquals(Duration.ofHours(1), slept);
        }
    }

    @Test
    void aZeroOrNegativeSleepIsReadyOnItsFirstPoll() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                CountingWaker w = new CountingWaker();
                assertTrue(sleep(Duration.ZERO).poll(Context.of(w)).isReady());
                assertTrue(sleep(Duration.ofSeconds(-5)).poll(Context.of(w)).isReady());
                assertEquals(0, Clock.current().pendingTimers(), "no timer was armed");
            });
        }
    }

    @Test
    void deadlineAndIsElapsed() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                Instant start = Instant.now();
                Sleep s = sleep(Duration.ofMillis(250));
                assertEquals(start.plus(Duration.ofMillis(250)), s.deadline());
                assertFalse(s.isElapsed());
                s.await();
                assertTrue(s.isElapsed());
            });
        }
    }

    @Test
    void sleepUntilAnInstant() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                Instant at = Instant.now().plus(Duration.ofSeconds(3));
                sleepUntil(at).await();
                assertEquals(at, Instant.now());
            });
        }
    }

    @Test
    void resetMovesAPendingSleepAndKeepsItsWaiterRegistered() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                Instant start = Instant.now();
                Sleep s = sleep(Duration.ofSeconds(10));
                JoinHandle<Instant> waiter = Task.spawn(s.map(__ -> Instant.now()));
                sleep(Duration.ofSeconds(1)).await();          // the waiter is parked on s by now
                s.reset(start.plus(Duration.ofSeconds(3)));    // earlier
                assertEquals(start.plus(Duration.ofSeconds(3)), waiter.await());
            });
        }
    }

    @Test
    void resetAfterCompletionArmsItAgain() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                Sleep s = sleep(Duration.ofMillis(5));
                s.await();
                Instant again = Instant.now().plus(Duration.ofMillis(40));
                s.reset(again);
                assertFalse(s.isElapsed());
                s.await();
                assertEquals(again, Instant.now());
            });
        }
    }

    @Test
    void aResetIntoThePastWakesTheWaiter() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                Sleep s = sleep(Duration.ofDays(1));
                CountingWaker w = new CountingWaker();
                assertTrue(s.poll(Context.of(w)).isPending());
                s.reset(Instant.now());
                assertEquals(1, w.count());
                assertTrue(s.poll(Context.of(w)).isReady());
            });
        }
    }

    @Test
    void aResetIntoThePastWhoseWaiterThrowsStillMovesTheDeadline() {
        try (Runtime rt = paused(); CapturedLog log = CapturedLog.of("dev.weft.sync")) {
            rt.blockOn(() -> {
                Sleep s = sleep(Duration.ofDays(1));
                assertTrue(s.poll(Context.of(() -> {
                    throw new IllegalStateException("the waker of the waiting task threw");
                })).isPending());
                s.reset(Instant.now());
                assertTrue(s.isElapsed());
            });
            assertEquals(1, log.warnings().size(), "the throwing wake was logged");
        }
    }

    @Test
    void sleepsOfManyTasksOnSeveralWorkersWakeInDeadlineOrderEachAtItsDeadline() {
        try (Runtime rt = Runtime.builder().workerThreads(4).startPaused(true).build()) {
            rt.blockOn(() -> {
                Instant start = Instant.now();
                ConcurrentLinkedQueue<long[]> woke = new ConcurrentLinkedQueue<>();
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < 500; i++) {
                    long ms = (i * 7919L) % 1000 + 1;
                    Future<Void> f = sleep(Duration.ofMillis(ms)).map(__ -> {
                        woke.add(new long[] {ms, start.elapsed().toMillis()});
                        return null;
                    });
                    // half future tasks, half thread tasks
                    tasks.add(i % 2 == 0 ? Task.spawn(f) : Task.spawn(() -> {
                        f.await();
                    }));
                }
                Join.joinAll(tasks).await();
                long last = 0;
                for (long[] w : woke) {
                    assertEquals(w[0], w[1], "each sleeper saw the clock at its own deadline");
                    assertTrue(w[1] >= last, "wake-ups in deadline order");
                    last = w[1];
                }
                assertEquals(500, woke.size());
            });
        }
    }

    @Test
    void droppingAMillionArmedTimeoutsLeavesTheWheelEmpty() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                CountingWaker w = new CountingWaker();
                Context cx = Context.of(w);
                List<Future<Object>> armed = new ArrayList<>(1_000_000);
                for (int i = 0; i < 1_000_000; i++) {
                    Future<Object> t = Time.timeout(Duration.ofSeconds(1 + i % 5000), Future.never());
                    assertTrue(t.poll(cx).isPending());
                    armed.add(t);
                }
                assertEquals(1_000_000, Clock.current().pendingTimers());
                armed.forEach(Future::drop);
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void inRealTimeASleepEndsNoEarlierThanItsDeadline() {
        try (Runtime rt = Runtime.builder().workerThreads(2).enableTime().build()) {
            rt.blockOn(() -> {
                for (int i = 0; i < 5; i++) {
                    long before = System.nanoTime();
                    sleep(Duration.ofMillis(20)).await();
                    long took = System.nanoTime() - before;
                    assertTrue(took >= 20_000_000, "woke after " + took + " ns");
                    assertTrue(took < 2_000_000_000L, "a 20 ms sleep took " + took / 1_000_000 + " ms");
                }
            });
        }
    }

    @Test
    void sleepingOutsideARuntimeOrWithoutTimeSaysWhatToDo() {
        IllegalStateException outside = assertThrows(IllegalStateException.class, () -> sleep(Duration.ofMillis(1)));
        assertTrue(outside.getMessage().contains("Runtime.main"), outside.getMessage());
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            IllegalStateException noTime = assertThrows(IllegalStateException.class,
                    () -> rt.blockOn(() -> sleep(Duration.ofMillis(1))));
            assertTrue(noTime.getMessage().contains("enableTime()"), noTime.getMessage());
        }
    }

    @Test
    void dropWhileTheTimerFiresLosesNothingAndLeavesNothing() throws Exception {
        try (Runtime rt = Runtime.builder().workerThreads(2).startPaused(true).autoAdvance(false).build()) {
            Clock clock = rt.clock();
            for (int round = 0; round < 2000; round++) {
                Sleep s = rt.blockOn(() -> sleep(Duration.ofMillis(1)));
                CountingWaker w = new CountingWaker();
                rt.blockOn(() -> {
                    assertTrue(s.poll(Context.of(w)).isPending());
                });
                Thread dropper = Thread.ofPlatform().start(s::drop);
                clock.advance(Duration.ofMillis(1)).await();
                dropper.join();
                assertEquals(0, clock.pendingTimers(), "round " + round);
                assertTrue(w.count() <= 1, "woken at most once");
            }
        }
    }

    // ---- shutdown with timers pending ------------------------------------------------------

    @Test
    void aSleepPendingAtShutdownIsWokenAndFailsClearly() {
        Runtime rt = Runtime.builder().workerThreads(2).enableTime().build();
        Sleep s = rt.blockOn(() -> sleep(Duration.ofHours(1)));
        CountingWaker w = new CountingWaker();
        assertTrue(s.poll(w.context()).isPending());   // polled by hand: the shutdown cancels no task for it
        rt.shutdown(Duration.ofSeconds(1));
        assertEquals(1, w.count(), "woken: its timer will never fire");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.poll(w.context()));
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
    }

    @Test
    void aBlockingJobSleepingAtShutdownIsNotLeftParked() throws Exception {
        Runtime rt = Runtime.builder().workerThreads(2).enableTime()
                .unhandledException(UnhandledExceptionPolicy.IGNORE).build();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        rt.spawnBlocking(() -> {
            try {
                sleep(Duration.ofHours(1)).await(); // an abort cannot stop a blocking job
            } catch (Throwable t) {
                outcome.set(t);
            }
            return null;
        });
        waitUntil(() -> rt.metrics().pendingTimers() == 1, "the job's sleep to be armed");
        rt.shutdown(Duration.ofSeconds(10));
        waitUntil(() -> outcome.get() != null, "the job's sleep to fail");
        assertInstanceOf(IllegalStateException.class, outcome.get());
    }

    @Test
    void aTimeoutPendingAtShutdownFailsAndDropsItsFuture() {
        Runtime rt = Runtime.builder().workerThreads(2).enableTime().build();
        ManualFuture<Integer> inner = new ManualFuture<>();
        Future<Integer> t = rt.blockOn(() -> Time.timeout(Duration.ofHours(1), inner));
        CountingWaker w = new CountingWaker();
        assertTrue(t.poll(w.context()).isPending());
        rt.shutdown(Duration.ofSeconds(1));
        assertEquals(1, w.count());
        assertThrows(IllegalStateException.class, () -> t.poll(w.context()));
        assertEquals(1, inner.drops(), "the timeout let go of its future");
    }
}
