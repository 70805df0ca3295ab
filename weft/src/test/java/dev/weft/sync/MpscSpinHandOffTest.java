package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hand-offs between thread tasks on two carriers, where a receiving task's await
 * spins watching the channel's queue and a push to it may leave the wake out
 * (MpscChannel, I3; ThreadContext's notes). Each side busy-waits a random 0-4 us
 * between its operations, on both sides of the await's 2 us spin: spins end on the
 * linked value, on a wake, on a value that comes just as the spin gives up, or in a
 * park. A push that left out a wake the receiver needed would leave it parked for
 * good, and the test would time out. Prints its seed first, so that a hang is
 * reproducible too. (Nested awaits: SpinWatchNestedAwaitTest.)
 */
@Timeout(60)
class MpscSpinHandOffTest {
    static final int ROUNDS = 30_000;

    /** A seed for a test's random waits, printed so that a run that hangs can be repeated. */
    static long seed() {
        long seed = System.nanoTime();
        System.out.println("seed " + seed);
        return seed;
    }

    /** Busy-waits about {@code nanos}, so that the other side's spin may or may not outlast it. */
    static void busy(long nanos) {
        long until = System.nanoTime() + nanos;
        while (System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
    }

    private static Runtime runtime() {
        return Runtime.builder().workerThreads(2).build();
    }

    @Test
    void pingPongOverBoundedChannelsLosesNoWake() {
        long seed = seed();
        try (Runtime rt = runtime()) {
            Mpsc.Pair<Integer> ping = Mpsc.channel(1);
            Mpsc.Pair<Integer> pong = Mpsc.channel(1);
            int last = rt.blockOn(() -> {
                JoinHandle<Void> ponger = Task.spawn(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < ROUNDS; i++) {
                        Integer v = ping.rx().recv().await();
                        busy(r.nextInt(4_000));
                        pong.tx().send(v).await();
                    }
                });
                JoinHandle<Integer> pinger = Task.spawn(() -> {
                    Random r = new Random(seed + 1);
                    int got = -1;
                    for (int i = 0; i < ROUNDS; i++) {
                        ping.tx().send(i).await();
                        busy(r.nextInt(4_000));
                        got = pong.rx().recv().await();
                        assertEquals(i, got, "seed " + seed);
                    }
                    return got;
                });
                int got = pinger.await(); // first: a failed check ends the test, not a hang in the ponger
                ponger.await();
                return got;
            });
            assertEquals(ROUNDS - 1, last, "seed " + seed);
        }
    }

    @Test
    void severalProducersIntoOneChannelLoseNoWake() {
        // A push may link behind another that has swapped the tail but not linked yet,
        // find the receiver spinning, and leave the wake to that other producer.
        long seed = seed();
        int producers = 3;
        try (Runtime rt = runtime()) {
            Mpsc.Pair<Integer> ch = Mpsc.channel(4);
            int[] next = rt.blockOn(() -> {
                for (int p = 0; p < producers; p++) {
                    Mpsc.Sender<Integer> tx = ch.tx().clone();
                    int from = p * ROUNDS;
                    long s = seed + p;
                    Task.spawn(() -> {
                        try (tx) {
                            Random r = new Random(s);
                            for (int i = 0; i < ROUNDS; i++) {
                                tx.send(from + i).await();
                                busy(r.nextInt(4_000));
                            }
                        }
                    });
                }
                ch.tx().close();
                return Task.spawn(() -> {
                    int[] expected = new int[producers];
                    Random r = new Random(seed + producers);
                    for (Integer v; (v = ch.rx().recv().await()) != null; ) {
                        int p = v / ROUNDS;
                        assertEquals(p * ROUNDS + expected[p], v, "each producer's values in order; seed " + seed);
                        expected[p]++;
                        busy(r.nextInt(1_000));
                    }
                    return expected;
                }).await();
            });
            for (int p = 0; p < producers; p++) {
                assertEquals(ROUNDS, next[p], "values of producer " + p + "; seed " + seed);
            }
        }
    }

    @Test
    void batchesOverAnUnboundedChannelArriveWholeAndInOrder() {
        long seed = seed();
        try (Runtime rt = runtime()) {
            Mpsc.UnboundedPair<Integer> ch = Mpsc.unboundedChannel();
            Mpsc.Pair<Integer> acks = Mpsc.channel(1);
            List<Integer> got = rt.blockOn(() -> {
                Task.spawn(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < ROUNDS; i++) {
                        ch.tx().send(i);
                        if (i % 8 == 7) {
                            acks.rx().recv().await(); // keeps the two sides in step, so most receives wait
                        }
                        busy(r.nextInt(4_000));
                    }
                });
                List<Integer> all = new ArrayList<>();
                Random r = new Random(seed + 1);
                while (all.size() < ROUNDS) {
                    int before = all.size();
                    ch.rx().recvMany(all, 8).await();
                    for (int k = before; k < all.size(); k++) {
                        if (all.get(k) % 8 == 7) {
                            acks.tx().send(0).await();
                        }
                    }
                    busy(r.nextInt(2_000));
                }
                return all;
            });
            for (int i = 0; i < ROUNDS; i++) {
                assertEquals(i, got.get(i), "seed " + seed);
            }
        }
    }

    @Test
    void aSelectOverTwoChannelsGetsEveryValueOfBoth() {
        selectGetsEveryValue(2); // the spin watches the queue polled last; pushes to the other wake
    }

    @Test
    void aSelectOverThreeChannelsGetsEveryValueOfEach() {
        selectGetsEveryValue(3);
    }

    private static void selectGetsEveryValue(int channels) {
        long seed = seed();
        try (Runtime rt = runtime()) {
            List<Mpsc.Pair<Integer>> chs = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                chs.add(Mpsc.channel(2));
            }
            long sum = rt.blockOn(() -> {
                for (int c = 0; c < channels; c++) {
                    Mpsc.Sender<Integer> tx = chs.get(c).tx();
                    long s = seed + c;
                    Task.spawn(() -> {
                        Random r = new Random(s);
                        for (int i = 1; i <= ROUNDS; i++) {
                            tx.send(i).await();
                            busy(r.nextInt(4_000));
                        }
                    });
                }
                return Task.spawn(() -> {
                    long total = 0;
                    for (int n = 0; n < channels * ROUNDS; n++) {
                        total += channels == 2
                                ? select(on(chs.get(0).rx().recv(), v -> v), on(chs.get(1).rx().recv(), v -> v)).await()
                                : select(on(chs.get(0).rx().recv(), v -> v), on(chs.get(1).rx().recv(), v -> v),
                                        on(chs.get(2).rx().recv(), v -> v)).await();
                    }
                    return total;
                }).await();
            });
            assertEquals((long) channels * ROUNDS * (ROUNDS + 1) / 2, sum, "seed " + seed);
        }
    }
}
