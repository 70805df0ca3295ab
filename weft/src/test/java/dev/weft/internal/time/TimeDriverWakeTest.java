package dev.weft.internal.time;

import static dev.weft.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Waker;
import dev.weft.internal.runtime.ThreadContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who calls the wakers of fired timers: a large batch of thread tasks' wakers is
 * handed to a virtual thread, every other waker is called by the driver thread at
 * once, and stop() waits for the threads it started.
 */
@Timeout(60)
class TimeDriverWakeTest {

    private static TimeDriver realClockDriver() {
        TimeDriver d = new TimeDriver("wake-test-timer", false, false, false, () -> false, () -> { }, () -> { });
        d.start();
        return d;
    }

    /** Files {@code n} timers 50 ms ahead (one slot: they fire as one batch) that wake {@code w}. */
    private static List<TimerEntry> file(TimeDriver d, long deadline, int n, Waker w) {
        List<TimerEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TimerEntry e = new TimerEntry(d);
            assertTrue(e.register(deadline, w), "filed");
            entries.add(e);
        }
        return entries;
    }

    private static long fiftyMsAhead(TimeDriver d) {
        return d.now() + TimeUnit.MILLISECONDS.toNanos(50);
    }

    @Test
    void wakersOtherThanThreadTasksAreCalledByTheDriverThreadEvenInALargeBatch() throws Exception {
        TimeDriver d = realClockDriver();
        try {
            AtomicInteger onDriver = new AtomicInteger();
            CountDownLatch woken = new CountDownLatch(20);
            file(d, fiftyMsAhead(d), 20, () -> {
                if (Thread.currentThread() == d.thread()) {
                    onDriver.incrementAndGet();
                }
                woken.countDown();
            });
            assertTrue(woken.await(30, TimeUnit.SECONDS));
            assertEquals(20, onDriver.get());
            assertEquals(0, d.wakingThreads(), "no thread was started for them");
        } finally {
            d.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void aLargeBatchOfThreadWakersWaitsForACarrierTheOthersDoNotAndStopWaitsForIt() throws Exception {
        TimeDriver d = realClockDriver();
        // Keep every carrier of the JDK's scheduler busy, so that a waking virtual thread cannot start.
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        AtomicBoolean release = new AtomicBoolean();
        AtomicInteger spinning = new AtomicInteger();
        List<Thread> spinners = new ArrayList<>();
        try {
            for (int i = 0; i < carriers; i++) {
                spinners.add(Thread.ofVirtual().start(() -> {
                    spinning.incrementAndGet();
                    while (!release.get()) {
                        Thread.onSpinWait();
                    }
                }));
            }
            waitUntil(() -> spinning.get() == carriers, "every carrier busy");
            long deadline = fiftyMsAhead(d);
            List<TimerEntry> threadEntries = file(d, deadline, 16, ThreadContext.current());
            CountDownLatch other = new CountDownLatch(1);
            file(d, deadline, 1, other::countDown);
            assertTrue(other.await(30, TimeUnit.SECONDS), "a future task's waker does not wait for a carrier");
            assertTrue(threadEntries.stream().allMatch(TimerEntry::isFired));
            // The driver starts the waking thread after the other wakers (fireDue).
            waitUntil(() -> d.wakingThreads() == 1, "the waking thread started and waiting for a carrier");

            d.stop(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20));
            assertFalse(d.thread().isAlive(), "the driver thread stopped");
            assertEquals(1, d.wakingThreads(), "a waking thread past the deadline is counted");
        } finally {
            release.set(true);
            for (Thread t : spinners) {
                t.join();
            }
        }
        d.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        assertEquals(0, d.wakingThreads(), "stop waits for the waking thread");
    }
}
