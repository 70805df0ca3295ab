package dev.weft.time;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.time.Time.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class ClockTest {

    private static Runtime manual() {
        return Runtime.builder().workerThreads(2).startPaused(true).autoAdvance(false).build();
    }

    @Test
    void advanceGoesTimerByTimerAndLetsEachWokenTaskRunBeforeTheNext() {
        try (Runtime rt = manual()) {
            Clock clock = rt.clock();
            Instant start = clock.now();
            List<String> events = new CopyOnWriteArrayList<>();
            for (int ms : new int[] {30, 10, 20}) {
                rt.spawn(() -> {
                    sleep(Duration.ofMillis(ms)).await();
                    events.add(ms + "@" + start.elapsed().toMillis());
                    // each sleeper's reaction takes another timer of its own
                    sleep(Duration.ofMillis(1)).await();
                    events.add(ms + "+1@" + start.elapsed().toMillis());
                });
            }
            clock.advance(Duration.ofMillis(25)).await();
            assertEquals(List.of("10@10", "10+1@11", "20@20", "20+1@21"), events);
            assertEquals(Duration.ofMillis(25), clock.now().durationSince(start));
        }
    }

    @Test
    void withoutAutoAdvanceAPausedClockMovesOnlyByAdvance() {
        try (Runtime rt = manual()) {
            Clock clock = rt.clock();
            JoinHandle<Void> sleeper = rt.spawn(() -> {
                sleep(Duration.ofMillis(10)).await();
            });
            clock.advance(Duration.ofMillis(5)).await();
            assertFalse(sleeper.isFinished(), "5 ms of a 10 ms sleep");
            clock.advance(Duration.ofMillis(5)).await();
            assertTrue(sleeper.isFinished());
        }
    }

    @Test
    void theRuntimesMetricsCountArmedTimersUntilTheyFireOrAreDropped() throws Exception {
        try (Runtime rt = manual()) {
            assertEquals(0, rt.metrics().pendingTimers());
            JoinHandle<Void> fires = rt.spawn(() -> {
                sleep(Duration.ofMillis(10)).await();
            });
            JoinHandle<Void> aborted = rt.spawn(() -> {
                sleep(Duration.ofDays(1)).await();
            });
            waitUntil(() -> rt.metrics().pendingTimers() == 2);
            rt.clock().advance(Duration.ofMillis(10)).await();
            fires.await();
            assertEquals(1, rt.metrics().pendingTimers(), "the fired timer left the wheel");
            aborted.abort();
            assertThrows(JoinError.class, aborted::await);
            assertEquals(0, rt.metrics().pendingTimers(), "the aborted task's sleep was dropped");
        }
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            assertEquals(0, rt.metrics().pendingTimers(), "a runtime without time has no timers");
        }
    }

    @Test
    void autoAdvanceCanBeSwitchedOnLater() {
        try (Runtime rt = manual()) {
            Clock clock = rt.clock();
            assertFalse(clock.isAutoAdvance());
            JoinHandle<Void> sleeper = rt.spawn(() -> {
                sleep(Duration.ofDays(2)).await();
            });
            clock.setAutoAdvance(true);
            sleeper.await();
            assertTrue(clock.isAutoAdvance());
        }
    }

    @Test
    void pauseAndResumeInRealTime() {
        try (Runtime rt = Runtime.builder().workerThreads(1).pausableClock(true).build()) {
            Clock clock = rt.clock();
            assertFalse(clock.isPaused());
            clock.pause();
            assertTrue(clock.isPaused());
            Instant frozen = clock.now();
            assertEquals(frozen, clock.now(), "a paused clock stands still");
            clock.resume();
            assertFalse(clock.isPaused());
            rt.blockOn(() -> sleep(Duration.ofMillis(2)).await()); // timers work again
            assertTrue(clock.now().isAfter(frozen));
        }
    }

    @Test
    void misuseSaysWhatToDo() {
        try (Runtime rt = Runtime.builder().workerThreads(1).pausableClock(true).build()) {
            Clock clock = rt.clock();
            IllegalStateException notPaused = assertThrows(IllegalStateException.class,
                    () -> clock.advance(Duration.ofSeconds(1)).await());
            assertTrue(notPaused.getMessage().contains("startPaused"), notPaused.getMessage());
            assertThrows(IllegalStateException.class, clock::resume);
            clock.pause();
            assertThrows(IllegalStateException.class, clock::pause);
            assertThrows(IllegalArgumentException.class, () -> clock.advance(Duration.ofSeconds(-1)));
        }
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            IllegalStateException noTime = assertThrows(IllegalStateException.class, rt::clock);
            assertTrue(noTime.getMessage().contains("enableTime()"), noTime.getMessage());
        }
    }

    @Test
    void onlyARuntimeBuiltToBePausedCanBePaused() {
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            Clock clock = rt.clock();
            assertFalse(clock.isPausable());
            IllegalStateException refused = assertThrows(IllegalStateException.class, clock::pause);
            assertTrue(refused.getMessage().contains("pausableClock(true)"), refused.getMessage());
            assertFalse(clock.isPaused());
            rt.blockOn(() -> sleep(Duration.ofMillis(1)).await()); // the clock runs on
        }
        try (Runtime rt = Runtime.builder().workerThreads(1).startPaused(true).build()) {
            assertTrue(rt.clock().isPausable());
            assertTrue(rt.clock().isPaused());
        }
        try (Runtime rt = Runtime.builder().workerThreads(1).pausableClock(true).build()) {
            Clock clock = rt.clock();
            assertTrue(clock.isPausable());
            assertFalse(clock.isPaused());
            clock.pause();
            rt.blockOn(() -> sleep(Duration.ofHours(1)).await()); // auto-advance: in no real time
            assertTrue(clock.isPaused());
        }
    }

    @Test
    void aTaskBlockedOutsideWeftHoldsAutoAdvanceBack() throws Exception {
        try (Runtime rt = Runtime.builder().workerThreads(2).threadName("clock-blocked").startPaused(true).build()) {
            Clock clock = rt.clock();
            Instant start = clock.now();
            CountDownLatch release = new CountDownLatch(1);
            Thread[] blocked = new Thread[1];
            JoinHandle<Void> blocker = rt.spawn(() -> {
                blocked[0] = Thread.currentThread();
                release.await(); // a JDK wait, not a Weft await
            });
            JoinHandle<Void> sleeper = rt.spawn(() -> {
                sleep(Duration.ofHours(1)).await();
            });
            // Once the blocker waits in the JDK and the timer thread has parked, the
            // driver has looked at the runtime and found it busy.
            waitUntil(() -> blocked[0] != null && blocked[0].getState() == Thread.State.WAITING
                    && clock.pendingTimers() == 1 && timerThreadParked("clock-blocked"));
            assertEquals(start, clock.now(), "no time passed while a task was blocked outside Weft");
            assertFalse(sleeper.isFinished());
            release.countDown();
            blocker.await();
            sleeper.await();
            assertEquals(Duration.ofHours(1), clock.now().durationSince(start));
        }
    }

    @Test
    void aBlockingPoolJobHoldsAutoAdvanceBack() throws Exception {
        try (Runtime rt = Runtime.builder().workerThreads(2).threadName("clock-pool").startPaused(true).build()) {
            Clock clock = rt.clock();
            Instant start = clock.now();
            CountDownLatch release = new CountDownLatch(1);
            Thread[] blocked = new Thread[1];
            JoinHandle<Instant> job = rt.spawnBlocking(() -> {
                blocked[0] = Thread.currentThread();
                release.await();
                return clock.now();
            });
            JoinHandle<Void> sleeper = rt.spawn(() -> {
                sleep(Duration.ofMinutes(1)).await();
            });
            waitUntil(() -> blocked[0] != null && blocked[0].getState() == Thread.State.WAITING
                    && clock.pendingTimers() == 1 && timerThreadParked("clock-pool"));
            assertEquals(start, clock.now(), "no time passed while a blocking job ran");
            release.countDown();
            assertEquals(start, job.await());
            sleeper.await();
            assertEquals(Duration.ofMinutes(1), clock.now().durationSince(start));
        }
    }

    private static boolean timerThreadParked(String prefix) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(prefix + "-timer-") && t.getState() == Thread.State.WAITING) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anAdvanceOfAFractionOfAMillisecondMovesToTheNextWholeOneAndFiresWhatItPassed() {
        try (Runtime rt = Runtime.builder().workerThreads(2).startPaused(true).autoAdvance(false).build()) {
            rt.blockOn(() -> {
                CountingWaker w = new CountingWaker();
                Instant start = Instant.now();
                Sleep s = sleep(Duration.ofNanos(1_200_000));
                assertTrue(s.poll(Context.of(w)).isPending());
                Clock.current().advance(Duration.ofNanos(1_500_000)).await();
                assertEquals(Duration.ofMillis(2), Instant.now().durationSince(start), "moved up to a whole millisecond");
                assertTrue(s.isElapsed());
                assertEquals(1, w.count(), "the sleep whose deadline it passed fired");
                assertTrue(s.poll(Context.of(w)).isReady());
            });
        }
    }

    @Test
    void autoAdvanceFiresATimerArmedFromOutsideAnIdleRuntime() {
        try (Runtime rt = Runtime.builder().workerThreads(2).startPaused(true).threadName("idle").build()) {
            Sleep s = rt.blockOn(() -> sleep(Duration.ofHours(1))); // made in the runtime, not polled yet
            Thread timer = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("idle-timer")).findFirst().orElseThrow();
            waitUntil(() -> timer.getState() == Thread.State.WAITING, "the timer thread to park, nothing to do");
            CountingWaker w = new CountingWaker();
            assertTrue(s.poll(Context.of(w)).isPending()); // armed from this thread: no task, so no quiescence signal
            waitUntil(w::isWoken, "auto-advance to fire the idle runtime's only timer");
        }
    }
}
