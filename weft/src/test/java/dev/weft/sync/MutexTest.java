package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Join;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MutexTest {

    @Test
    void lockGetSetAndUnlock() {
        Mutex<Integer> m = new Mutex<>(1);
        try (Mutex.Guard<Integer> g = m.lock().await()) {
            assertTrue(m.isLocked());
            g.set(g.get() + 1);
            assertSame(m, g.mutex());
        }
        assertFalse(m.isLocked());
        try (var g = m.tryLock()) {
            assertEquals(2, g.get());
        }
    }

    private static void assertSame(Object a, Object b) {
        org.junit.jupiter.api.Assertions.assertSame(a, b);
    }

    @Test
    void aClosedGuardRefusesAccess() {
        Mutex<String> m = new Mutex<>("x");
        Mutex.Guard<String> g = m.lock().await();
        g.close();
        g.close(); // once only
        IllegalStateException e = assertThrows(IllegalStateException.class, g::get);
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> g.set("y"));
        assertFalse(m.isLocked());
    }

    @Test
    void aDroppedLockFuturePolledAgainIsRefusedAndTakesNothing() {
        Mutex<String> m = new Mutex<>("x");
        Mutex.Guard<String> held = m.tryLock();
        Future<Mutex.Guard<String>> f = m.lock();
        CountingWaker w = new CountingWaker();
        assertTrue(f.poll(Context.of(w)).isPending());
        f.drop();                                     // cancelled: its owner holds nothing, and never will
        held.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.poll(Context.of(w)));
        assertTrue(e.getMessage().contains("lock()") && e.getMessage().contains("dropped"), e.getMessage());
        assertFalse(m.isLocked());

        Future<Mutex.Guard<String>> done = m.lock();
        Mutex.Guard<String> g = done.poll(Context.of(w)).value();
        e = assertThrows(IllegalStateException.class, () -> done.poll(Context.of(w)));
        assertTrue(e.getMessage().contains("already completed"), e.getMessage());
        g.close();
    }

    @Test
    void tryLockFailsWhileHeldAndWhileSomeoneWaits() {
        Mutex<String> m = new Mutex<>("x");
        Mutex.Guard<String> g = m.tryLock();
        assertNotNull(g);
        assertNull(m.tryLock());
        Future<Mutex.Guard<String>> waiting = m.lock();
        CountingWaker w = new CountingWaker();
        assertTrue(waiting.poll(Context.of(w)).isPending());
        g.close();
        assertTrue(w.isWoken());
        assertNull(m.tryLock(), "handed to the waiter, not to a newcomer");
        waiting.poll(Context.of(w)).value().close();
        assertNotNull(m.tryLock());
    }

    @Test
    void aGuardCanMoveToAnotherTask() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                Mutex<List<String>> m = new Mutex<>(new ArrayList<>());
                Mutex.Guard<List<String>> g = m.lock().await();
                JoinHandle<Void> other = Task.spawn(() -> {
                    g.get().add("from another task");
                    g.close();
                });
                other.await();
                try (var again = m.lock().await()) {
                    assertEquals(List.of("from another task"), again.get());
                }
            });
        }
    }

    @Test
    void theSeedsSharedStateUnderContentionOfBothKindsOfTask() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            Map<String, Integer> result = rt.blockOn(() -> {
                Mutex<Map<String, Integer>> state = new Mutex<>(new HashMap<>());
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    if (t % 2 == 0) {
                        tasks.add(Task.spawn(() -> {
                            for (int i = 0; i < 500; i++) {
                                try (var map = state.lock().await()) {
                                    map.get().merge("count", 1, Integer::sum);
                                    Task.yieldNow().await(); // held across an await: fine with this lock
                                }
                            }
                        }));
                    } else {
                        tasks.add(Task.spawn(dev.weft.Loop.loop(0, i -> i == 500
                                ? Future.ready(dev.weft.Loop.done(i))
                                : state.lock().map(g -> {
                                    g.get().merge("count", 1, Integer::sum);
                                    g.close();
                                    return dev.weft.Loop.next(i + 1);
                                })).map(i -> (Void) null)));
                    }
                }
                Join.joinAll(tasks).await();
                return state.lock().await().get();
            });
            assertEquals(16 * 500, result.get("count"));
        }
    }

    @Test
    void blockingLockFromAPlainThread() throws Exception {
        Mutex<Integer> m = new Mutex<>(0);
        Mutex.Guard<Integer> held = m.lock().await();
        AtomicInteger seen = new AtomicInteger(-1);
        Thread t = Thread.ofPlatform().start(() -> {
            try (var g = m.blockingLock()) {
                seen.set(g.get());
            }
        });
        held.set(42);
        held.close();
        t.join();
        assertEquals(42, seen.get());
    }

    @Test
    void randomAbortsAndLostSelectsNeverBreakMutualExclusionOrLeakTheLock() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                Mutex<int[]> m = new Mutex<>(new int[1]);
                AtomicInteger inside = new AtomicInteger();
                AtomicInteger entered = new AtomicInteger();
                List<JoinHandle<Void>> tasks = new ArrayList<>();
                for (int t = 0; t < 32; t++) {
                    boolean useSelect = random.nextBoolean();
                    tasks.add(Task.spawn(() -> {
                        for (int i = 0; i < 200; i++) {
                            Mutex.Guard<int[]> g;
                            if (useSelect) {
                                g = select(on(m.lock(), x -> x), on(Task.yieldNow(), __ -> null)).await();
                                if (g == null) {
                                    continue; // the lock lost: its acquire was dropped
                                }
                            } else {
                                g = m.lock().await();
                            }
                            if (inside.incrementAndGet() != 1) {
                                g.close();
                                throw new AssertionError("two holders at once (seed " + seed + ")");
                            }
                            try {
                                g.get()[0]++;
                                entered.incrementAndGet();
                                Task.yieldNow().await(); // an abort lands here, with the lock held
                            } finally {
                                inside.decrementAndGet(); // before the lock is handed on
                                g.close();
                            }
                        }
                    }));
                }
                for (JoinHandle<Void> h : tasks) {
                    if (random.nextInt(4) == 0) {
                        h.abort();
                    }
                }
                for (JoinHandle<Void> h : tasks) {
                    try {
                        h.await();
                    } catch (dev.weft.task.JoinError e) {
                        assertTrue(e.isCancelled(), "only aborts may fail a task (seed " + seed + "): " + e);
                    }
                }
                try (var g = m.tryLock()) {
                    assertNotNull(g, "the lock was left held (seed " + seed + ")");
                    assertEquals(entered.get(), g.get()[0], "seed " + seed);
                }
            });
        }
    }
}
