package dev.weft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CheckedRunnable;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TaskTest {
    private Runtime rt;

    @BeforeEach
    void build() {
        rt = Runtime.builder().workerThreads(2).build();
    }

    @AfterEach
    void close() {
        rt.close();
    }

    @Test
    void spawnOutsideARuntimeSaysHowToFixIt() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Task.spawn(() -> 1));
        assertTrue(e.getMessage().contains("Runtime.main"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Task.spawn(Future.ready(1)));
        assertThrows(IllegalStateException.class, () -> Task.spawnBlocking(() -> 1));
    }

    @Test
    void spawnAFutureRunsItOnAWorkerThread() {
        String thread = rt.blockOn(() -> Task.spawn(Future.pollFn(cx -> Poll.ready(Thread.currentThread().getName()))).await());
        assertTrue(thread.startsWith("weft-worker-"), thread);
    }

    @Test
    void spawnACallableRunsItOnAVirtualThread() {
        assertTrue(rt.blockOn(() -> Task.spawn(() -> Thread.currentThread().isVirtual()).await()));
    }

    @Test
    void spawnARunnableGivesNull() {
        AtomicInteger ran = new AtomicInteger();
        assertEquals(null, rt.blockOn(() -> Task.spawn(() -> {
            ran.incrementAndGet();
        }).await()));
        assertEquals(1, ran.get());
    }

    /** A value-less body is run as given, with no adapter; one that is a Callable too is still run, not called. */
    @Test
    void aRunnableBodyThatIsACallableTooIsRun() {
        class Both implements CheckedRunnable, java.util.concurrent.Callable<Object> {
            final AtomicInteger ran = new AtomicInteger();

            @Override
            public void run() {
                ran.incrementAndGet();
            }

            @Override
            public Object call() {
                return "called";
            }
        }
        Both both = new Both();
        assertEquals(null, rt.blockOn(() -> Task.spawn((CheckedRunnable) both).await()));
        assertEquals(null, rt.blockOn(() -> rt.handle().spawn((CheckedRunnable) both).await()));
        assertEquals(2, both.ran.get());
        assertThrows(NullPointerException.class, () -> rt.blockOn(() -> Task.spawn((CheckedRunnable) null)));
    }

    @Test
    void aRunnableBodyThatThrowsFailsTheTask() {
        JoinHandle<Void> failing = rt.blockOn(() -> Task.spawn((CheckedRunnable) () -> {
            throw new java.io.IOException("boom");
        }));
        JoinError e = assertThrows(JoinError.class, () -> rt.blockOn(failing::await));
        assertEquals("boom", e.getCause().getMessage());
    }

    @Test
    void spawnBlockingRunsOnAPlatformPoolThread() {
        String name = rt.blockOn(() -> Task.spawnBlocking(() -> {
            assertFalse(Thread.currentThread().isVirtual());
            return Thread.currentThread().getName();
        }).await());
        assertTrue(name.startsWith("weft-blocking-"), name);
    }

    @Test
    void tasksSpawnedFromTasksGoToTheSameRuntime() {
        int total = rt.blockOn(() -> {
            List<JoinHandle<Integer>> hs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int n = i;
                hs.add(Task.spawn(() -> Task.spawn(Future.ready(n)).await()));
            }
            int sum = 0;
            for (JoinHandle<Integer> h : hs) {
                sum += h.await();
            }
            return sum;
        });
        assertEquals(4950, total);
    }

    @Test
    void yieldNowIsPendingOnceThenReady() {
        AtomicInteger polls = new AtomicInteger();
        Future<Void> y = Task.yieldNow();
        Future<Void> counted = cx -> {
            polls.incrementAndGet();
            return y.poll(cx);
        };
        rt.blockOn(counted);
        assertEquals(2, polls.get());
        assertEquals(null, rt.blockOn(() -> Task.yieldNow().await()));
    }

    @Test
    void currentIdAndNameDescribeTheRunningTask() {
        assertTrue(Task.currentId().isEmpty());
        JoinHandle<String> h = rt.blockOn(() -> Task.builder().name("namer").spawn(
                () -> Task.currentName().orElseThrow() + "#" + Task.currentId().getAsLong()));
        assertEquals("namer#" + h.id(), h.await());
        JoinHandle<Long> f = rt.spawn(Future.pollFn(cx -> Poll.ready(Task.currentId().getAsLong())));
        assertEquals(f.id(), f.await());
    }

    @Test
    void aNamedThreadTaskRunsOnAThreadOfThatName() {
        assertEquals("worker-of-the-month", rt.blockOn(
                () -> Task.builder().name("worker-of-the-month").spawn(() -> Thread.currentThread().getName()).await()));
    }

    @Test
    void builderRefusesANullName() {
        assertThrows(NullPointerException.class, () -> Task.builder().name(null));
    }

    @Test
    void spawnBlockingFromABuilderKeepsTheName() {
        JoinHandle<Integer> h = rt.blockOn(() -> Task.builder().name("crunch").spawnBlocking(() -> 6 * 7));
        assertEquals(42, h.await());
        assertEquals("crunch", h.name().orElseThrow());
    }
}
