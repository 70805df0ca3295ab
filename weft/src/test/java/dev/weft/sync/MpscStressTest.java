package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Counting stress: several producers (thread tasks and future tasks) send through
 * plain sends, sends that race a yield in a select (and lose at random), trySend and
 * reserved permits; some producers are aborted at random; sometimes the receiver
 * closes early. Every value a producer attempted must end exactly once: received,
 * handed to the hook, or handed back by a SendError. Prints its seed on failure.
 */
@Timeout(60)
class MpscStressTest {
    static final int PRODUCERS = 6;
    static final int EACH = 300;

    /** Per value: 1 once attempted. */
    AtomicIntegerArray attempted;
    /** Per value: how many places it ended in. */
    AtomicIntegerArray outcomes;
    /** Over all rounds: values received, values handed back (hook or SendError). */
    final AtomicInteger received = new AtomicInteger();
    final AtomicInteger handedBack = new AtomicInteger();

    @Test
    void everyValueEndsExactlyOnceUnderAbortsSelectLosersAndEarlyClose() {
        long base = System.nanoTime();
        for (int round = 0; round < 6; round++) {
            long seed = base + round;
            int capacity = new int[] {1, 4, 64}[round % 3];
            boolean closeEarly = round >= 3;
            try {
                run(seed, capacity, closeEarly);
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + ", capacity " + capacity + ", closeEarly " + closeEarly, t);
            }
        }
        // The mix really happened: some values went through, some were handed back.
        assertTrue(received.get() > 0 && handedBack.get() > 0, received + " received, " + handedBack + " handed back");
    }

    void receive(long v) {
        received.incrementAndGet();
        record(v);
    }

    void handBack(long v) {
        handedBack.incrementAndGet();
        record(v);
    }

    void record(long v) {
        if (outcomes.incrementAndGet((int) v) > 1) {
            fail("value " + v + " ended in more than one place");
        }
    }

    void run(long seed, int capacity, boolean closeEarly) {
        attempted = new AtomicIntegerArray(PRODUCERS * EACH);
        outcomes = new AtomicIntegerArray(PRODUCERS * EACH);
        Random random = new Random(seed);
        var ch = Mpsc.<Long>channel(capacity, this::handBack);
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                Mpsc.Receiver<Long> rx = ch.rx();
                int closeAt = closeEarly ? random.nextInt(PRODUCERS * EACH / 2) : Integer.MAX_VALUE;
                long consumerSeed = random.nextLong();
                JoinHandle<Integer> consumer = Task.spawn(() -> consume(rx, new Random(consumerSeed), closeAt));
                List<Mpsc.Sender<Long>> senders = new ArrayList<>();
                List<JoinHandle<Void>> producers = new ArrayList<>();
                for (int p = 0; p < PRODUCERS; p++) {
                    Mpsc.Sender<Long> tx = ch.tx().clone();
                    senders.add(tx);
                    long pSeed = random.nextLong();
                    int first = p * EACH;
                    producers.add(p % 2 == 0
                            ? Task.spawn(() -> produceOnThread(tx, new Random(pSeed), first))
                            : Task.spawn(produceAsFuture(tx, new Random(pSeed), first)));
                }
                ch.tx().close();
                for (JoinHandle<Void> h : producers) {
                    if (random.nextInt(3) == 0) {
                        for (int y = random.nextInt(50); y > 0; y--) {
                            Task.yieldNow().await();
                        }
                        h.abort();
                    }
                }
                for (JoinHandle<Void> h : producers) {
                    try {
                        h.await();
                    } catch (JoinError e) {
                        if (!e.isCancelled()) {
                            throw e;
                        }
                    }
                }
                for (Mpsc.Sender<Long> tx : senders) {
                    tx.close(); // aborted future tasks could not close theirs
                }
                consumer.await();
                assertEquals(capacity, ch.tx().capacity(), "every slot came back: no send or permit left holding one");
            });
        }
        for (int v = 0; v < PRODUCERS * EACH; v++) {
            int expected = attempted.get(v);
            if (outcomes.get(v) != expected) {
                fail("value " + v + (expected == 1 ? " was attempted and" : " was never attempted but") + " ended in "
                        + outcomes.get(v) + " places");
            }
        }
    }

    int consume(Mpsc.Receiver<Long> rx, Random r, int closeAt) {
        int got = 0;
        List<Long> batch = new ArrayList<>();
        for (;;) {
            if (got >= closeAt) {
                rx.close(); // with the hook: what is left, and what comes later, goes to it
                rx.recv().await(); // null at once
                return got;
            }
            switch (r.nextInt(4)) {
                case 0 -> {
                    Long v = select(on(rx.recv()), on(Task.yieldNow(), __ -> -1L)).await();
                    if (v == null) {
                        return got;
                    }
                    if (v != -1L) {
                        receive(v);
                        got++;
                    }
                }
                case 1 -> {
                    batch.clear();
                    int n = rx.recvMany(batch, 1 + r.nextInt(8)).await();
                    if (n == 0) {
                        return got;
                    }
                    for (Long v : batch) {
                        receive(v);
                        got++;
                    }
                }
                case 2 -> {
                    Long v = rx.tryRecv();
                    if (v == null) {
                        Task.yieldNow().await();
                    } else {
                        receive(v);
                        got++;
                    }
                }
                default -> {
                    Long v = rx.recv().await();
                    if (v == null) {
                        return got;
                    }
                    receive(v);
                    got++;
                }
            }
        }
    }

    void produceOnThread(Mpsc.Sender<Long> tx, Random r, int first) {
        for (int i = 0; i < EACH; i++) {
            long v = first + i;
            try {
                switch (r.nextInt(4)) {
                    case 0 -> {
                        attempted.set((int) v, 1);
                        tx.send(v).await();
                    }
                    case 1 -> {
                        attempted.set((int) v, 1);
                        // A lost select drops the send: its value goes to the hook.
                        select(on(tx.send(v), __ -> true), on(Task.yieldNow(), __ -> false)).await();
                    }
                    case 2 -> {
                        attempted.set((int) v, 1);
                        if (!tx.trySend(v)) {
                            tx.send(v).await();
                        }
                    }
                    default -> {
                        try (Mpsc.Permit<Long> p = tx.reserve().await()) {
                            attempted.set((int) v, 1);
                            p.send(v);
                        }
                    }
                }
            } catch (SendError e) {
                if (e.value() != null) {
                    handBack((Long) e.value());
                }
            }
        }
    }

    Future<Void> produceAsFuture(Mpsc.Sender<Long> tx, Random r, int first) {
        return Loop.loop(0, i -> {
            if (i == EACH) {
                return Future.ready(Loop.<Integer, Void>done(null));
            }
            long v = first + i;
            attempted.set((int) v, 1);
            Future<?> step = r.nextBoolean()
                    ? tx.send(v)
                    : select(on(tx.send(v), __ -> true), on(Task.yieldNow(), __ -> false));
            return step.map(__ -> Loop.<Integer, Void>next(i + 1)).recover(e -> {
                if (e instanceof SendError se) {
                    handBack((Long) se.value());
                    return Loop.next(i + 1);
                }
                throw new AssertionError(e);
            });
        });
    }

    @Test
    void unboundedEveryValueEndsExactlyOnce() {
        long seed = System.nanoTime();
        try {
            attempted = new AtomicIntegerArray(PRODUCERS * EACH);
            outcomes = new AtomicIntegerArray(PRODUCERS * EACH);
            Random random = new Random(seed);
            var ch = Mpsc.<Long>unboundedChannel(this::record);
            try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
                rt.blockOn(() -> {
                    int closeAt = random.nextInt(PRODUCERS * EACH);
                    JoinHandle<Void> consumer = Task.spawn(() -> {
                        int got = 0;
                        for (Long v; (v = ch.rx().recv().await()) != null; ) {
                            record(v);
                            if (++got == closeAt) {
                                ch.rx().close();
                            }
                        }
                    });
                    List<JoinHandle<Void>> producers = new ArrayList<>();
                    for (int p = 0; p < PRODUCERS; p++) {
                        int first = p * EACH;
                        Mpsc.UnboundedSender<Long> tx = ch.tx().clone();
                        producers.add(Task.spawn(() -> {
                            try (tx) {
                                for (int i = 0; i < EACH; i++) {
                                    attempted.set(first + i, 1);
                                    try {
                                        tx.send((long) first + i);
                                    } catch (SendError e) {
                                        record((Long) e.value());
                                    }
                                    if (i % 16 == 0) {
                                        Task.yieldNow().await();
                                    }
                                }
                            }
                        }));
                    }
                    ch.tx().close();
                    for (JoinHandle<Void> h : producers) {
                        h.await();
                    }
                    consumer.await();
                });
            }
            for (int v = 0; v < PRODUCERS * EACH; v++) {
                assertEquals(1, outcomes.get(v), "value " + v);
            }
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed, t);
        }
    }
}
