package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Completion callbacks added while their task finishes, from the spawner and from a
 * second thread: each runs exactly once (TaskCore's notes on {@code callbacks}, a stack that
 * finishing swaps out).
 */
@Timeout(60)
class TaskCallbacksTest {
    private static final int TASKS = 20_000;

    @Test
    void callbacksAddedWhileTheTaskFinishesRunExactlyOnce() throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(TASKS * 2);
        AtomicInteger total = new AtomicInteger();
        CountDownLatch all = new CountDownLatch(TASKS * 2);
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            for (int i = 0; i < TASKS; i++) {
                JoinHandle<Integer> h = (i & 1) == 0 ? rt.spawn(() -> 1) : rt.spawnBlocking(() -> 1);
                TaskCore<?> task = (TaskCore<?>) h;
                int slot = i * 2;
                Thread other = Thread.ofVirtual().start(() -> task.onFinish(() -> {
                    runs.incrementAndGet(slot + 1);
                    total.incrementAndGet();
                    all.countDown();
                }));
                task.onFinish(() -> {
                    runs.incrementAndGet(slot);
                    total.incrementAndGet();
                    all.countDown();
                });
                other.join();
            }
            assertTrue(all.await(30, TimeUnit.SECONDS), "a callback was lost");
        }
        for (int i = 0; i < TASKS * 2; i++) {
            assertEquals(1, runs.get(i), "callback " + i);
        }
        assertEquals(TASKS * 2, total.get());
    }
}
