package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LocalQueueTest {

    private static FutureTask<?> task() {
        return new FutureTask<>(null, null, Future.never());
    }

    @Test
    void theOwnerPopsInFifoOrder() {
        LocalQueue q = new LocalQueue();
        InjectQueue overflow = new InjectQueue();
        List<FutureTask<?>> pushed = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            FutureTask<?> t = task();
            pushed.add(t);
            q.push(t, overflow);
        }
        assertEquals(10, q.size());
        for (FutureTask<?> t : pushed) {
            assertSame(t, q.pop());
        }
        assertNull(q.pop());
        assertTrue(q.isEmpty());
    }

    @Test
    void aFullQueueMovesHalfItsTasksAndTheNewOneToTheOverflow() {
        LocalQueue q = new LocalQueue();
        InjectQueue overflow = new InjectQueue();
        for (int i = 0; i < LocalQueue.CAPACITY; i++) {
            q.push(task(), overflow);
        }
        assertEquals(0, overflow.size());
        q.push(task(), overflow);
        assertEquals(LocalQueue.CAPACITY / 2 + 1, overflow.size());
        assertEquals(LocalQueue.CAPACITY / 2, q.size());
    }

    @Test
    void stealingTakesAboutHalfAndReturnsOneToRun() {
        LocalQueue victim = new LocalQueue();
        LocalQueue thief = new LocalQueue();
        InjectQueue overflow = new InjectQueue();
        for (int i = 0; i < 10; i++) {
            victim.push(task(), overflow);
        }
        assertNull(thief.stealInto(new LocalQueue()), "an empty queue has nothing to steal");
        FutureTask<?> stolen = victim.stealInto(thief);
        assertTrue(stolen != null);
        assertEquals(5, victim.size());
        assertEquals(4, thief.size()); // five taken: four queued, one handed back to run
    }

    /** The owner pushes and pops while two thieves steal: every task comes out exactly once. */
    @Test
    @Timeout(30)
    void underConcurrentStealingEveryTaskIsTakenExactlyOnce() throws Exception {
        int total = 200_000;
        long seed = System.nanoTime();
        LocalQueue owner = new LocalQueue();
        InjectQueue overflow = new InjectQueue();
        Map<FutureTask<?>, Boolean> taken = new ConcurrentHashMap<>();
        List<FutureTask<?>> all = new ArrayList<>(total);
        for (int i = 0; i < total; i++) {
            all.add(task());
        }
        AtomicBoolean done = new AtomicBoolean();
        List<Thread> thieves = new ArrayList<>();
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int k = 0; k < 2; k++) {
            thieves.add(Thread.ofPlatform().start(() -> {
                LocalQueue mine = new LocalQueue();
                while (!done.get() || !owner.isEmpty()) {
                    FutureTask<?> t = owner.stealInto(mine);
                    if (t != null) {
                        record(taken, t, failures);
                    }
                    for (FutureTask<?> m = mine.pop(); m != null; m = mine.pop()) {
                        record(taken, m, failures);
                    }
                }
            }));
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (FutureTask<?> t : all) {
            owner.push(t, overflow);
            if (rnd.nextInt(3) == 0) {
                FutureTask<?> p = owner.pop();
                if (p != null) {
                    record(taken, p, failures);
                }
            }
        }
        for (FutureTask<?> p = owner.pop(); p != null; p = owner.pop()) {
            record(taken, p, failures);
        }
        done.set(true);
        for (Thread t : thieves) {
            t.join();
        }
        for (FutureTask<?> t = overflow.pop(); t != null; t = overflow.pop()) {
            record(taken, t, failures);
        }
        assertEquals(List.of(), List.copyOf(failures), "seed " + seed);
        assertEquals(total, taken.size(), "seed " + seed);
        Map<FutureTask<?>, Boolean> expected = new IdentityHashMap<>();
        all.forEach(t -> expected.put(t, true));
        assertTrue(expected.keySet().containsAll(taken.keySet()), "seed " + seed);
    }

    private static void record(Map<FutureTask<?>, Boolean> taken, FutureTask<?> t, Queue<Throwable> failures) {
        if (taken.put(t, true) != null) {
            failures.add(new AssertionError("task taken twice: " + t));
        }
    }
}
