package dev.weft.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who calls the wakers of fired timers, and that stop() waits for the threads it started. */
@Timeout(60)
class TimeDriverWakeTest {

    private static TimeDriver realClockDriver() {
        TimeDriver d = new TimeDriver("wake-test-timer", false, false, false, () -> false, () -> { }, () -> { });
        d.start();
        return d;
    }

    /** Files {@code n} timers 50 ms ahead (one slot: they fire as one batch) whose wakers run {@code onWake}. */
    private static List<TimerEntry> fileBatch(TimeDriver d, int n, Waker onWake) {
        List<TimerEntry> entries = new ArrayList<>();
        long deadline = d.now() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < n; i++) {
            TimerEntry e = new TimerEntry(d);
            assertTrue(e.register(deadline, onWake), "filed");
            entries.add(e);
        }
        return entries;
    }

    @Test
    void aLargeBatchIsWokenOnceEachFromAVirtualThreadASmallOneFromTheDriver() throws Exception {
        TimeDriver d = realClockDriver();
        try {
            AtomicInteger virtualWakes = new AtomicInteger();
            AtomicInteger driverWakes = new AtomicInteger();
            CountDownLatch large = new CountDownLatch(16);
            fileBatch(d, 16, () -> {
                if (Thread.currentThread().isVirtual()) {
                    virtualWakes.incrementAndGet();
                }
                large.countDown();
            });
            assertTrue(large.await(30, TimeUnit.SECONDS));
            CountDownLatch small = new CountDownLatch(3);
            fileBatch(d, 3, () -> {
                if (Thread.currentThread() == d.thread()) {
                    driverWakes.incrementAndGet();
                }
                small.countDown();
            });
            assertTrue(small.await(30, TimeUnit.SECONDS));
            assertEquals(16, virtualWakes.get());
            assertEquals(3, driverWakes.get());
        } finally {
            d.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        }
        assertEquals(0, d.wakingThreads());
    }

    @Test
    void stopWaitsForTheWakingThreadsAndCountsOneThatOutlivesTheDeadline() throws Exception {
        TimeDriver d = realClockDriver();
        CountDownLatch inWaker = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger woken = new AtomicInteger();
        List<TimerEntry> entries = fileBatch(d, 16, () -> {
            if (woken.incrementAndGet() == 1) {
                inWaker.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
        assertTrue(inWaker.await(30, TimeUnit.SECONDS));
        d.stop(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
        assertFalse(d.thread().isAlive(), "the driver thread stopped");
        assertEquals(1, d.wakingThreads(), "the waking thread is stuck in a waker past the deadline");
        release.countDown();
        d.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        assertEquals(0, d.wakingThreads(), "a second stop waits for it");
        assertEquals(16, woken.get(), "every waker was called once");
        assertTrue(entries.stream().allMatch(TimerEntry::isFired));
    }
}
