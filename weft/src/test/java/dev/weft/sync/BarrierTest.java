package dev.weft.sync;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BarrierTest extends RuntimePerTest {
    @Test
    void aBarrierNeedsAtLeastOneParty() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
        assertTrue(e.getMessage().contains("at least 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Barrier(-3));
        assertEquals(4, new Barrier(4).parties());
    }

    @Test
    void withOnePartyEveryWaitCompletesAtOnceAsLeader() {
        Barrier b = new Barrier(1);
        CountingWaker w = new CountingWaker();
        for (int i = 0; i < 3; i++) {
            Poll<BarrierWaitResult> p = b.arriveAndWait().poll(w.context());
            assertTrue(p.value().isLeader());
        }
        assertEquals(3, b.generation());
    }

    @Test
    void theLastArrivalReleasesTheOthersAndIsTheOnlyLeader() {
        Barrier b = new Barrier(3);
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        Future<BarrierWaitResult> a = b.arriveAndWait();
        Future<BarrierWaitResult> c = b.arriveAndWait();
        assertTrue(a.poll(w1.context()).isPending());
        assertTrue(a.poll(w1.context()).isPending(), "polling again does not arrive again");
        assertTrue(c.poll(w2.context()).isPending());
        assertEquals(2, b.waiting());
        assertTrue(b.arriveAndWait().poll(new CountingWaker().context()).value().isLeader());
        assertEquals(1, w1.count());
        assertEquals(1, w2.count());
        assertFalse(a.poll(w1.context()).value().isLeader());
        assertFalse(c.poll(w2.context()).value().isLeader());
        assertEquals(0, b.waiting());
    }

    @Test
    void creatingAWaitDoesNotArrive() {
        Barrier b = new Barrier(2);
        b.arriveAndWait();
        b.arriveAndWait();
        assertEquals(0, b.waiting());
    }

    @Test
    void theBarrierIsReusableAndEachGenerationHasExactlyOneLeader() {
        int parties = 5;
        int generations = 50;
        Barrier b = new Barrier(parties);
        List<JoinHandle<Integer>> hs = new ArrayList<>();
        for (int t = 0; t < parties; t++) {
            hs.add(rt.spawn(() -> {
                int led = 0;
                for (int g = 0; g < generations; g++) {
                    if (b.arriveAndWait().await().isLeader()) {
                        led++;
                    }
                }
                return led;
            }));
        }
        int leaders = 0;
        for (JoinHandle<Integer> h : hs) {
            leaders += h.await();
        }
        assertEquals(generations, leaders);
        assertEquals(generations, b.generation());
    }

    @Test
    void futureTasksAndThreadTasksMeetAtTheBarrier() {
        Barrier b = new Barrier(4);
        List<JoinHandle<Boolean>> hs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hs.add(i % 2 == 0
                    ? rt.spawn(() -> b.arriveAndWait().await().isLeader())
                    : rt.spawn(b.arriveAndWait().map(BarrierWaitResult::isLeader)));
        }
        int leaders = 0;
        for (JoinHandle<Boolean> h : hs) {
            leaders += h.await() ? 1 : 0;
        }
        assertEquals(1, leaders);
    }

    @Test
    void aDroppedWaitIsNotCountedAsArrived() {
        Barrier b = new Barrier(2);
        Future<BarrierWaitResult> quitter = b.arriveAndWait();
        CountingWaker wq = new CountingWaker();
        assertTrue(quitter.poll(wq.context()).isPending());
        quitter.drop();
        assertEquals(0, b.waiting());
        CountingWaker w = new CountingWaker();
        Future<BarrierWaitResult> first = b.arriveAndWait();
        assertTrue(first.poll(w.context()).isPending(), "one real arrival is not enough for two parties");
        assertTrue(b.arriveAndWait().poll(new CountingWaker().context()).value().isLeader());
        assertFalse(first.poll(w.context()).value().isLeader());
        assertEquals(0, wq.count());
    }

    @Test
    void droppingAReleasedWaitChangesNothing() {
        Barrier b = new Barrier(2);
        Future<BarrierWaitResult> a = b.arriveAndWait();
        assertTrue(a.poll(new CountingWaker().context()).isPending());
        assertTrue(b.arriveAndWait().poll(new CountingWaker().context()).value().isLeader());
        a.drop(); // released but never saw it
        assertEquals(0, b.waiting());
        assertEquals(1, b.generation());
    }

    @Test
    void aWaitThatLosesASelectIsNotCounted() {
        Barrier b = new Barrier(2);
        String r = rt.blockOn(() -> select(on(b.arriveAndWait(), __ -> "met"), on(Future.ready("gave up"))).biased().await());
        assertEquals("gave up", r);
        assertEquals(0, b.waiting());
    }

    @Test
    void anAbortedThreadTaskIsNotCountedAsArrived() throws Exception {
        Barrier b = new Barrier(2);
        CountDownLatch started = new CountDownLatch(1);
        JoinHandle<BarrierWaitResult> quitter = rt.spawn(() -> {
            started.countDown();
            return b.arriveAndWait().await();
        });
        started.await();
        waitUntil(() -> b.waiting() == 1, "the task to arrive");
        quitter.abort();
        assertTrue(assertThrows(JoinError.class, quitter::await).isCancelled());
        waitUntil(() -> b.waiting() == 0, "the aborted arrival to be taken back");
        JoinHandle<BarrierWaitResult> a = rt.spawn(b.arriveAndWait());
        waitUntil(() -> b.waiting() == 1, "a to arrive");
        assertTrue(rt.spawn(b.arriveAndWait()).await().isLeader());
        assertFalse(a.await().isLeader());
    }

    @Test
    void anAbortedFutureTaskIsNotCountedAsArrived() {
        Barrier b = new Barrier(2);
        JoinHandle<BarrierWaitResult> quitter = rt.spawn(b.arriveAndWait());
        waitUntil(() -> b.waiting() == 1, "the task to arrive");
        quitter.abort();
        waitUntil(() -> b.waiting() == 0, "the aborted arrival to be taken back");
        assertTrue(assertThrows(JoinError.class, quitter::await).isCancelled());
        Future<BarrierWaitResult> alone = b.arriveAndWait();
        assertTrue(alone.poll(new CountingWaker().context()).isPending(), "the aborted task does not count");
        alone.drop();
    }

    @Test
    void aDroppedWaitRefusesToBePolled() {
        Barrier b = new Barrier(2);
        Future<BarrierWaitResult> f = b.arriveAndWait();
        f.drop();
        assertThrows(IllegalStateException.class, () -> f.poll(new CountingWaker().context()));
    }

    @Test
    void stressWithRandomGiveUpsReleasesOnlyFullGenerations() throws Exception {
        long seed = System.nanoTime();
        try {
            stress(seed);
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed, t);
        }
    }

    private void stress(long seed) {
        int parties = 4;
        int rounds = 300;
        Barrier b = new Barrier(parties);
        AtomicInteger released = new AtomicInteger();
        AtomicInteger leaders = new AtomicInteger();
        AtomicInteger giveUps = new AtomicInteger();
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int t = 0; t < parties; t++) {
            Random rnd = new Random(seed + t);
            hs.add(rt.spawn(() -> {
                for (int r = 0; r < rounds; r++) {
                    for (;;) {
                        if (rnd.nextInt(5) == 0) {
                            // arrive and give up at once unless the generation is complete
                            long before = b.generation();
                            BarrierWaitResult res = select(on(b.arriveAndWait()), on(Future.<BarrierWaitResult>ready(null)))
                                    .biased().await();
                            if (res == null) {
                                if (b.generation() > before) {
                                    // Released between the wait's pending poll and its drop: it was
                                    // counted in that generation (no generation can complete without
                                    // this task), so this round is done, as a follower.
                                    released.incrementAndGet();
                                    break;
                                }
                                giveUps.incrementAndGet();
                                continue; // try again
                            }
                            count(res, released, leaders);
                        } else {
                            count(b.arriveAndWait().await(), released, leaders);
                        }
                        break;
                    }
                }
            }));
        }
        for (JoinHandle<Void> h : hs) {
            h.await();
        }
        assertEquals(parties * rounds, released.get());
        assertEquals(rounds, leaders.get(), "one leader per generation");
        assertEquals(rounds, b.generation(), "a generation was released short of a party");
        assertEquals(0, b.waiting());
    }

    private static void count(BarrierWaitResult r, AtomicInteger released, AtomicInteger leaders) {
        released.incrementAndGet();
        if (r.isLeader()) {
            leaders.incrementAndGet();
        }
    }

    @Test
    void toStringShowsTheArrivals() {
        Barrier b = new Barrier(3);
        b.arriveAndWait().poll(new CountingWaker().context());
        assertEquals("Barrier[1/3 waiting]", b.toString());
        assertEquals("BarrierWaitResult[leader]", BarrierWaitResult.LEADER.toString());
    }
}
