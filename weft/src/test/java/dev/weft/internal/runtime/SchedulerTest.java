package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The scheduler under load: no lost wake-up, no task polled twice at once, work spreads. */
@Timeout(60)
class SchedulerTest {

    /** A future that is pending until some other thread sets it ready and wakes it. */
    private static final class Gate implements Future<Integer> {
        final AtomicReference<Waker> waker = new AtomicReference<>();
        volatile boolean open;
        final AtomicInteger concurrentPolls = new AtomicInteger();
        volatile boolean overlapped;

        @Override
        public Poll<Integer> poll(Context cx) {
            if (concurrentPolls.incrementAndGet() != 1) {
                overlapped = true;
            }
            try {
                waker.set(cx.waker());
                return open ? Poll.ready(1) : Poll.pending();
            } finally {
                concurrentPolls.decrementAndGet();
            }
        }

        void openAndWake() {
            open = true;
            Waker w = waker.get();
            if (w != null) {
                w.wake();
            }
        }
    }

    @Test
    void wakesFromOutsideReachParkedWorkersEveryTime() throws Exception {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            for (int round = 0; round < 2_000; round++) {
                Gate gate = new Gate();
                JoinHandle<Integer> h = rt.spawn(gate);
                // Let the task be polled once and the workers go idle, then wake it
                // from this (non-worker) thread: a lost wake-up would hang here.
                while (gate.waker.get() == null) {
                    Thread.onSpinWait();
                }
                gate.openAndWake();
                assertEquals(1, h.await());
            }
        }
    }

    @Test
    void manyTasksWokenConcurrentlyFromManyThreadsAllComplete() throws Exception {
        int tasks = 10_000;
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            List<Gate> gates = new ArrayList<>();
            List<JoinHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                Gate g = new Gate();
                gates.add(g);
                handles.add(rt.spawn(g));
            }
            CountDownLatch go = new CountDownLatch(1);
            List<Thread> wakers = new ArrayList<>();
            for (int k = 0; k < 4; k++) {
                int part = k;
                wakers.add(Thread.ofPlatform().start(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = part; i < tasks; i += 4) {
                        Gate g = gates.get(i);
                        g.openAndWake();
                        g.openAndWake(); // a second wake is folded into the first
                    }
                }));
            }
            go.countDown();
            for (Thread t : wakers) {
                t.join();
            }
            int sum = 0;
            for (JoinHandle<Integer> h : handles) {
                sum += h.await();
            }
            assertEquals(tasks, sum);
            for (Gate g : gates) {
                assertEquals(false, g.overlapped, "a task was polled by two workers at once");
            }
        }
    }

    @Test
    void pingPongBetweenTwoFutureTasksCompletes() {
        int rounds = 100_000;
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            PingPong pp = new PingPong(rounds);
            JoinHandle<Integer> a = rt.spawn(pp.side(0));
            JoinHandle<Integer> b = rt.spawn(pp.side(1));
            assertEquals(rounds, a.await() + b.await());
        }
    }

    /** Two futures passing a turn back and forth, each waking the other. */
    private static final class PingPong {
        final int rounds;
        final AtomicInteger turn = new AtomicInteger();
        final AtomicReference<Waker>[] wakers;

        @SuppressWarnings("unchecked")
        PingPong(int rounds) {
            this.rounds = rounds;
            this.wakers = new AtomicReference[] {new AtomicReference<Waker>(), new AtomicReference<Waker>()};
        }

        Future<Integer> side(int me) {
            int[] moves = {0};
            return cx -> {
                for (;;) {
                    int t = turn.get();
                    if (t >= rounds) {
                        wakeOther(me);
                        return Poll.ready(moves[0]);
                    }
                    if (t % 2 != me) {
                        wakers[me].set(cx.waker());
                        if (turn.get() == t) {
                            return Poll.pending();
                        }
                        continue;
                    }
                    turn.incrementAndGet();
                    moves[0]++;
                    wakeOther(me);
                }
            };
        }

        void wakeOther(int me) {
            Waker w = wakers[1 - me].get();
            if (w != null) {
                w.wake();
            }
        }
    }

    @Test
    void aBurstOfSpawnsFromOneTaskSpreadsToEveryWorker() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            java.util.Set<String> threads = java.util.concurrent.ConcurrentHashMap.newKeySet();
            CountDownLatch bothSeen = new CountDownLatch(1);
            rt.blockOn(Future.pollFn(cx -> {
                // Each spawned task waits (by spinning within its poll, bounded) until
                // both workers took part: only stealing or the overflow can get it there.
                for (int i = 0; i < 1_000; i++) {
                    Task.spawn(Future.pollFn(inner -> {
                        threads.add(Thread.currentThread().getName());
                        if (threads.size() == 2) {
                            bothSeen.countDown();
                        }
                        return Poll.ready(null);
                    }));
                }
                return Poll.ready(null);
            }));
            rt.blockOn(() -> {
                // Keep feeding work until the second worker shows up.
                while (!bothSeen.await(0, TimeUnit.MILLISECONDS)) {
                    List<JoinHandle<Object>> hs = new ArrayList<>();
                    for (int i = 0; i < 1_000; i++) {
                        hs.add(Task.spawn(Future.pollFn(inner -> {
                            threads.add(Thread.currentThread().getName());
                            if (threads.size() == 2) {
                                bothSeen.countDown();
                            }
                            return Poll.ready(null);
                        })));
                    }
                    for (JoinHandle<Object> h : hs) {
                        h.await();
                    }
                }
            });
            assertEquals(2, threads.size(), threads.toString());
        }
    }

    @Test
    void workersThatRunOutOfWorkSpinBrieflyThenPark() throws Exception {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            for (int round = 0; round < 50; round++) {
                List<JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    hs.add(rt.spawn(Future.ready(i)));
                }
                int sum = 0;
                for (JoinHandle<Integer> h : hs) {
                    sum += h.await();
                }
                assertEquals(4950, sum);
                // A worker that finds nothing looks again for a few microseconds, then
                // parks: with no work left both must end up parked.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (rt.metrics().parkedWorkers() != 2) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("workers still awake with no work: "
                                + rt.metrics().parkedWorkers() + " of 2 parked");
                    }
                    Thread.onSpinWait();
                }
            }
        }
    }

    @Test
    void twoTasksWakingEachOtherForeverDoNotStarveAQueuedOne() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            AtomicReference<Waker> a = new AtomicReference<>();
            AtomicReference<Waker> b = new AtomicReference<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            JoinHandle<Object> pinger = rt.spawn(bouncer(a, b, stop));
            JoinHandle<Object> ponger = rt.spawn(bouncer(b, a, stop));
            // On the only worker, the pair hands the LIFO slot back and forth; this task
            // waits in the queue and runs only if the slot gives way to it.
            assertEquals("ran", rt.spawn(Future.ready("ran")).await());
            stop.set(true);
            Waker w = a.get();
            if (w != null) {
                w.wake();
            }
            pinger.await();
            ponger.await();
        }
    }

    /** Wakes the other side and waits to be woken, until stopped. */
    private static Future<Object> bouncer(AtomicReference<Waker> mine, AtomicReference<Waker> other,
            java.util.concurrent.atomic.AtomicBoolean stop) {
        return cx -> {
            Waker o = other.get();
            if (o != null) {
                o.wake();
            }
            if (stop.get()) {
                return Poll.ready(null);
            }
            mine.set(cx.waker());
            return Poll.pending();
        };
    }
}
