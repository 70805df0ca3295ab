package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static dev.weft.sync.MpscSpinHandOffTest.busy;
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
 * Hand-offs over the multi-consumer {@link Channel} between thread tasks on two
 * carriers, whose awaits spin a while before they park. As in {@link
 * MpscSpinHandOffTest}, each side busy-waits a random 0-4 us between operations, on
 * both sides of the await's 2 us spin, so that a send or receive completes a
 * waiting node while its owner spins, just as its spin gives up, or once it parked;
 * a wake lost on any of these paths would leave the waiter parked for good, and the
 * test would time out. Prints its seed first, so that a hang is reproducible too.
 */
@Timeout(60)
class ChannelSpinHandOffTest {
    static final int ROUNDS = 30_000;

    private static Runtime runtime() {
        return Runtime.builder().workerThreads(2).build();
    }

    @Test
    void pingPongOverBufferedChannelsLosesNoWake() {
        pingPong(1); // receives wait for a send, which hands its value to the waiting node
    }

    @Test
    void pingPongOverRendezvousChannelsLosesNoWake() {
        pingPong(0); // sends wait too, and a receive takes the value out of the send's node
    }

    private static void pingPong(int capacity) {
        long seed = MpscSpinHandOffTest.seed();
        try (Runtime rt = runtime()) {
            Channel<Integer> ping = Channel.create(capacity);
            Channel<Integer> pong = Channel.create(capacity);
            int last = rt.blockOn(() -> {
                JoinHandle<Void> ponger = Task.spawn(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < ROUNDS; i++) {
                        Integer v = ping.recv().await();
                        busy(r.nextInt(4_000));
                        pong.send(v).await();
                    }
                });
                JoinHandle<Integer> pinger = Task.spawn(() -> {
                    Random r = new Random(seed + 1);
                    int got = -1;
                    for (int i = 0; i < ROUNDS; i++) {
                        ping.send(i).await();
                        busy(r.nextInt(4_000));
                        got = pong.recv().await();
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
    void severalSendersAndReceiversShareEveryValueOnce() {
        long seed = MpscSpinHandOffTest.seed();
        int senders = 3;
        int receivers = 2;
        try (Runtime rt = runtime()) {
            Channel<Integer> ch = Channel.create(2);
            boolean[] seen = rt.blockOn(() -> {
                List<JoinHandle<Void>> sending = new ArrayList<>();
                for (int p = 0; p < senders; p++) {
                    int from = p * ROUNDS;
                    long s = seed + p;
                    sending.add(Task.spawn(() -> {
                        Random r = new Random(s);
                        for (int i = 0; i < ROUNDS; i++) {
                            ch.send(from + i).await();
                            busy(r.nextInt(4_000));
                        }
                    }));
                }
                List<JoinHandle<List<Integer>>> receiving = new ArrayList<>();
                for (int c = 0; c < receivers; c++) {
                    long s = seed + senders + c;
                    receiving.add(Task.spawn(() -> {
                        Random r = new Random(s);
                        List<Integer> got = new ArrayList<>();
                        for (Integer v; (v = ch.recv().await()) != null; ) {
                            got.add(v);
                            busy(r.nextInt(4_000));
                        }
                        return got;
                    }));
                }
                for (JoinHandle<Void> h : sending) {
                    h.await();
                }
                ch.close();
                boolean[] once = new boolean[senders * ROUNDS];
                for (JoinHandle<List<Integer>> h : receiving) {
                    for (int v : h.await()) {
                        assertEquals(false, once[v], "value " + v + " received twice; seed " + seed);
                        once[v] = true;
                    }
                }
                return once;
            });
            for (int v = 0; v < seen.length; v++) {
                assertEquals(true, seen[v], "value " + v + " never received; seed " + seed);
            }
        }
    }

    @Test
    void aSelectOverTwoChannelsGetsEveryValueOfBoth() {
        // The spin watches the receive polled last; a send handed to the other wakes.
        long seed = MpscSpinHandOffTest.seed();
        try (Runtime rt = runtime()) {
            Channel<Integer> a = Channel.create(1);
            Channel<Integer> b = Channel.create(1);
            long sum = rt.blockOn(() -> {
                for (Channel<Integer> ch : List.of(a, b)) {
                    long s = seed + (ch == a ? 0 : 1);
                    Task.spawn(() -> {
                        Random r = new Random(s);
                        for (int i = 1; i <= ROUNDS; i++) {
                            ch.send(i).await();
                            busy(r.nextInt(4_000));
                        }
                    });
                }
                return Task.spawn(() -> {
                    long total = 0;
                    for (int n = 0; n < 2 * ROUNDS; n++) {
                        total += select(on(a.recv(), v -> v), on(b.recv(), v -> v)).await();
                    }
                    return total;
                }).await();
            });
            assertEquals(2L * ROUNDS * (ROUNDS + 1) / 2, sum, "seed " + seed);
        }
    }
}
