package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import dev.weft.runtime.UnhandledExceptionPolicy;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Counting stress tests: every receiver gets every value exactly once and in order,
 * or is told exactly how many it skipped; receivers are future tasks and thread tasks,
 * some lose selects at random, some are aborted; nothing is left registered. Each run
 * prints its seed on failure.
 */
@Timeout(60)
class BroadcastStressTest {
    private static final int VALUES = 10_000;

    /** A receiver's account: the position it expects next, values got, values it was told it missed. */
    static final class Account {
        long expected;
        long received;
        long skipped;
        String failure;

        /** One producer: values are positions. */
        void value(long v) {
            if (v != expected && failure == null) {
                failure = "expected position " + expected + " but got " + v;
            }
            expected = v + 1;
            received++;
        }

        void lagged(Lagged e) {
            expected += e.skipped();
            skipped += e.skipped();
        }
    }

    /** A receiver run as a future task: a hand-written loop of recv() polls. */
    static final class FutureReceiver implements Future<Account> {
        private final Broadcast.Receiver<Long> rx;
        private final Account account = new Account();
        private Future<Long> recv;

        FutureReceiver(Broadcast.Receiver<Long> rx) {
            this.rx = rx;
        }

        @Override
        public Poll<Account> poll(Context cx) {
            for (;;) {
                if (recv == null) {
                    recv = rx.recv();
                }
                Poll<Long> p;
                try {
                    p = recv.poll(cx);
                } catch (Lagged e) {
                    recv = null;
                    account.lagged(e);
                    continue;
                }
                if (p.isPending()) {
                    return Poll.pending();
                }
                recv = null;
                if (p.value() == null) {
                    rx.close();
                    return Poll.ready(account);
                }
                account.value(p.value());
            }
        }

        @Override
        public void drop() {
            if (recv != null) {
                recv.drop();
            }
            rx.close();
        }
    }

    /** A receiver run as a thread task; its recv loses a select against a yield at random. */
    static Account threadReceiver(Broadcast.Receiver<Long> rx, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Account account = new Account();
        try {
            for (;;) {
                Long v;
                try {
                    if (random.nextInt(4) == 0) {
                        v = select(on(rx.recv(), x -> x), on(Task.yieldNow(), x -> -1L)).await();
                        if (v != null && v == -1L) {
                            continue; // the recv lost and was dropped
                        }
                    } else {
                        v = rx.recv().await();
                    }
                } catch (Lagged e) {
                    account.lagged(e);
                    continue;
                }
                if (v == null) {
                    return account;
                }
                account.value(v);
            }
        } finally {
            rx.close();
        }
    }

    @Test
    void oneProducerEveryReceiverGetsEveryPositionOnceInOrderOrIsToldWhatItMissed() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        try (Runtime rt = Runtime.builder().workerThreads(2).unhandledException(UnhandledExceptionPolicy.IGNORE).build()) {
            int capacity = 1 + random.nextInt(16);
            var ch = Broadcast.<Long>channel(capacity);
            List<JoinHandle<Account>> kept = new ArrayList<>();
            List<JoinHandle<Account>> doomed = new ArrayList<>();
            kept.add(rt.spawn(new FutureReceiver(ch.rx())));
            for (int i = 0; i < 3; i++) {
                kept.add(rt.spawn(new FutureReceiver(ch.tx().subscribe())));
                var rx = ch.tx().subscribe();
                long s = random.nextLong();
                kept.add(rt.spawn(() -> threadReceiver(rx, s)));
            }
            for (int i = 0; i < 2; i++) {
                doomed.add(rt.spawn(new FutureReceiver(ch.tx().subscribe())));
                var rx = ch.tx().subscribe();
                long s = random.nextLong();
                doomed.add(rt.spawn(() -> threadReceiver(rx, s)));
            }
            Broadcast.Sender<Long> tx = ch.tx();
            long abortAt = random.nextInt(VALUES);
            int yieldEvery = 1 + random.nextInt(32);
            JoinHandle<Void> producer = rt.spawn(() -> {
                for (long v = 0; v < VALUES; v++) {
                    tx.send(v);
                    if (v == abortAt) {
                        doomed.forEach(JoinHandle::abort);
                    }
                    if (v % yieldEvery == 0) {
                        Task.yieldNow().await();
                    }
                }
                tx.close();
            });
            producer.await();
            String where = "seed " + seed + ", capacity " + capacity + ", yield every " + yieldEvery;
            long lagged = 0;
            long received = 0;
            for (JoinHandle<Account> h : kept) {
                Account a = h.await();
                assertEquals(null, a.failure, where);
                assertEquals(VALUES, a.received + a.skipped, "received + skipped = sent; " + where);
                assertEquals(VALUES, a.expected, where);
                lagged += a.skipped;
                received += a.received;
            }
            for (JoinHandle<Account> h : doomed) {
                try {
                    Account a = h.await(); // it may have finished before the abort
                    assertEquals(null, a.failure, where);
                } catch (JoinError e) {
                    assertTrue(e.isCancelled(), where);
                }
            }
            assertEquals(0, ch.rx().waitingCount(), "no recv left registered; " + where);
            assertEquals(0, ch.tx().receiverCount(), "every receiver closed; " + where);
            System.out.println("broadcast stress (one producer): " + where + ": received " + received + ", told skipped " + lagged);
        }
    }

    @Test
    void severalProducersEachReceiverSeesEachProducersValuesInOrderAndCountsAreExact() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        int producers = 3;
        int perProducer = VALUES / producers;
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            int capacity = 1 + random.nextInt(32);
            var ch = Broadcast.<Long>channel(capacity);
            List<JoinHandle<long[]>> receivers = new ArrayList<>();
            List<Broadcast.Receiver<Long>> rxs = new ArrayList<>(List.of(ch.rx()));
            for (int i = 0; i < 3; i++) {
                rxs.add(ch.tx().subscribe());
            }
            for (var rx : rxs) {
                receivers.add(rt.spawn(() -> {
                    long[] last = new long[producers];
                    java.util.Arrays.fill(last, -1);
                    long received = 0;
                    long skipped = 0;
                    try {
                        for (;;) {
                            Long v;
                            try {
                                v = rx.recv().await();
                            } catch (Lagged e) {
                                skipped += e.skipped();
                                continue;
                            }
                            if (v == null) {
                                return new long[] {received, skipped};
                            }
                            int p = (int) (v / perProducer);
                            long i = v % perProducer;
                            if (i <= last[p]) {
                                throw new AssertionError("producer " + p + ": " + i + " after " + last[p]);
                            }
                            last[p] = i;
                            received++;
                        }
                    } finally {
                        rx.close();
                    }
                }));
            }
            Broadcast.Sender<Long> first = ch.tx();
            List<Broadcast.Sender<Long>> senders = new ArrayList<>(List.of(first));
            for (int p = 1; p < producers; p++) {
                senders.add(first.clone());
            }
            List<JoinHandle<Void>> sending = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                Broadcast.Sender<Long> tx = senders.get(p);
                long base = (long) p * perProducer;
                sending.add(rt.spawn(() -> {
                    try (tx) {
                        for (long i = 0; i < perProducer; i++) {
                            tx.send(base + i);
                            if ((i & 31) == 0) {
                                Task.yieldNow().await();
                            }
                        }
                    }
                }));
            }
            sending.forEach(JoinHandle::await);
            String where = "seed " + seed + ", capacity " + capacity;
            for (JoinHandle<long[]> h : receivers) {
                long[] counts = h.await();
                assertEquals((long) producers * perProducer, counts[0] + counts[1], "received + skipped; " + where);
            }
            assertEquals(0, ch.rx().waitingCount(), where);
        }
    }
}
