package dev.weft.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Conditions;
import dev.weft.Waker;
import dev.weft.internal.runtime.ThreadContext;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Who calls the wakers of fired timers: a large batch of virtual threads' wakers is
 * handed to a waking virtual thread, every other waker is called by the driver thread
 * at once, and stop() waits for the waking threads.
 */
@Timeout(60)
class TimeDriverWakeTest {

    /** A factory of waking threads that run only once {@code go} opens; counts what it made. */
    private static final class HeldBack implements ThreadFactory {
        final CountDownLatch go = new CountDownLatch(1);
        final AtomicInteger made = new AtomicInteger();

        @Override
        public Thread newThread(Runnable r) {
            made.incrementAndGet();
            return Thread.ofVirtual().unstarted(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                r.run();
            });
        }
    }

    private static TimeDriver driver(ThreadFactory wakeThreads) {
        TimeDriver d = new TimeDriver("wake-test-timer", false, false, false, () -> false, () -> { }, () -> { },
                wakeThreads);
        d.start();
        return d;
    }

    /** Files {@code n} timers at {@code deadline} (one slot: they fire as one batch) that wake {@code w}. */
    private static void file(TimeDriver d, long deadline, int n, Waker w) {
        for (int i = 0; i < n; i++) {
            assertTrue(new TimerEntry(d).register(deadline, w), "filed");
        }
    }

    private static long aheadOf(TimeDriver d) {
        return d.now() + TimeUnit.MILLISECONDS.toNanos(300);
    }

    private static ThreadContext contextOfAVirtualThread() throws InterruptedException {
        ThreadContext[] context = new ThreadContext[1];
        Thread.ofVirtual().start(() -> context[0] = ThreadContext.current()).join();
        return context[0];
    }

    @Test
    void wakersOfFutureTasksAndPlatformThreadsAreCalledByTheDriverEvenInALargeBatch() throws Exception {
        HeldBack factory = new HeldBack();
        TimeDriver d = driver(factory);
        try {
            AtomicInteger onDriver = new AtomicInteger();
            CountDownLatch woken = new CountDownLatch(20);
            long deadline = aheadOf(d);
            file(d, deadline, 20, () -> {
                if (Thread.currentThread() == d.thread()) {
                    onDriver.incrementAndGet();
                }
                woken.countDown();
            });
            file(d, deadline, 16, ThreadContext.current()); // a platform thread's: unparked at once
            assertTrue(woken.await(30, TimeUnit.SECONDS));
            assertEquals(20, onDriver.get());
            assertEquals(0, factory.made.get(), "no waking thread for them");
            assertEquals(0, d.wakingThreads());
        } finally {
            d.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));
        }
    }

    @Test
    void aLargeBatchOfVirtualThreadsWakersGoesToAWakingThreadThatStopWaitsFor() throws Exception {
        HeldBack factory = new HeldBack();
        TimeDriver d = driver(factory);
        try {
            long deadline = aheadOf(d);
            file(d, deadline, 16, contextOfAVirtualThread());
            CountDownLatch other = new CountDownLatch(1);
            file(d, deadline, 1, other::countDown);
            assertTrue(other.await(30, TimeUnit.SECONDS), "the other waker does not wait for the waking thread");
            Conditions.waitUntil(() -> d.wakingThreads() == 1, "the waking thread started");
            assertEquals(1, factory.made.get());

            d.stop(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100));
            assertEquals(1, d.wakingThreads(), "a waking thread still running at the deadline is counted");
        } finally {
            factory.go.countDown();
        }
        d.stop(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        assertEquals(0, d.wakingThreads(), "stop waits for the waking thread");
    }

    @Test
    void manyThreadTasksSleepingToOneTickAreAllWokenOnARealClock() {
        try (Runtime rt = Runtime.builder().workerThreads(2).enableTime().build()) {
            List<JoinHandle<Void>> sleepers = new ArrayList<>();
            rt.blockOn(() -> {
                for (int i = 0; i < 64; i++) {
                    sleepers.add(rt.spawn(() -> {
                        Time.sleep(Duration.ofMillis(20)).await();
                    }));
                }
                for (JoinHandle<Void> h : sleepers) {
                    h.await();
                }
                return null;
            });
            assertEquals(0, rt.metrics().pendingTimers());
        }
    }
}
