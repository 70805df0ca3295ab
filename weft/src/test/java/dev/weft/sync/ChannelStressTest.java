package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

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
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Counting stress: producers and consumers of both task kinds, random aborts, select
 * branches that lose at random on both sides, and sometimes a close mid-run. Every
 * value a producer tried to send must end exactly once: received, given to the hook,
 * or handed back by a SendError. Nothing may be left waiting, and nothing in the
 * channel once the consumers have seen its end.
 */
@Timeout(60)
class ChannelStressTest {
    private static final int PRODUCERS = 4;
    private static final int CONSUMERS = 4;
    private static final int PER_PRODUCER = 1_500;

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, Channel.UNBOUNDED})
    void everyValueEndsExactlyOnce(int capacity) {
        long seed = Long.getLong("weft.stress.seed", new Random().nextLong());
        int rounds = Integer.getInteger("weft.stress.rounds", 2);
        for (int round = 0; round < rounds; round++) {
            long roundSeed = seed + round;
            try {
                run(capacity, roundSeed);
            } catch (Throwable t) {
                throw new AssertionError("failed with capacity " + capacity + ", seed " + roundSeed
                        + " (rerun with -Dweft.stress.seed=" + roundSeed + " -Dweft.stress.rounds=1)", t);
            }
        }
    }

    private static final class Tally {
        final int n = PRODUCERS * PER_PRODUCER;
        final AtomicIntegerArray attempted = new AtomicIntegerArray(n);
        final AtomicIntegerArray received = new AtomicIntegerArray(n);
        final AtomicIntegerArray hooked = new AtomicIntegerArray(n);
        final AtomicIntegerArray erred = new AtomicIntegerArray(n);
        final AtomicInteger progress = new AtomicInteger();
    }

    private void run(int capacity, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Tally tally = new Tally();
        Channel<Integer> ch = ChannelTest.make(capacity, v -> tally.hooked.incrementAndGet(v));
        boolean closeEarly = rnd.nextInt(3) == 0;
        try (Runtime rt = Runtime.builder().workerThreads(2)
                .unhandledException(UnhandledExceptionPolicy.IGNORE).build()) {
            List<JoinHandle<?>> producers = new ArrayList<>();
            List<JoinHandle<?>> consumers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                int from = p * PER_PRODUCER;
                long s = rnd.nextLong();
                producers.add(p % 2 == 0
                        ? rt.spawn(() -> threadProducer(ch, tally, from, new SplittableRandom(s)))
                        : rt.spawn(new FutureProducer(ch, tally, from, new SplittableRandom(s))));
            }
            for (int c = 0; c < CONSUMERS; c++) {
                long s = rnd.nextLong();
                consumers.add(c % 2 == 0
                        ? rt.spawn(() -> threadConsumer(ch, tally, new SplittableRandom(s)))
                        : rt.spawn(new FutureConsumer(ch, tally, new SplittableRandom(s))));
            }
            // Abort some tasks at random moments; keep producer 0 and consumers 0 and 1
            // (one of each kind) alive so that the run always ends.
            int total = tally.n;
            for (int a = 0; a < 4; a++) {
                int at = rnd.nextInt(total / 2);
                waitForProgress(tally, at, producers);
                List<JoinHandle<?>> pool = rnd.nextBoolean() ? producers : consumers;
                int first = pool == producers ? 1 : 2;
                pool.get(first + rnd.nextInt(pool.size() - first)).abort();
            }
            if (closeEarly) {
                waitForProgress(tally, rnd.nextInt(total / 2), producers);
                ch.close();
            }
            for (JoinHandle<?> h : producers) {
                join(h);
            }
            ch.close();
            for (JoinHandle<?> h : consumers) {
                join(h);
            }
        }
        // The consumers left on null, "closed and drained": nothing may come back after
        // that (a value handed to a losing select branch and given back to the buffer
        // once they had gone was lost to them; ChannelCore's "Closed and drained").
        assertEquals(0, ch.len(), "values in the buffer after every consumer saw the end");
        assertEquals(true, ch.isClosedAndDrained());
        assertEquals(0, ch.waitingSenders(), "senders left waiting");
        assertEquals(0, ch.waitingReceivers(), "receivers left waiting");
        for (int v = 0; v < tally.n; v++) {
            int r = tally.received.get(v);
            int h = tally.hooked.get(v);
            int e = tally.erred.get(v);
            int expected = tally.attempted.get(v);
            if (r + h + e != expected) {
                fail("value " + v + ": attempted " + expected + ", received " + r + ", hooked " + h
                        + ", SendError " + e);
            }
        }
    }

    private static void waitForProgress(Tally tally, int target, List<JoinHandle<?>> producers) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (tally.progress.get() < target && !producers.stream().allMatch(JoinHandle::isFinished)) {
            if (System.nanoTime() - deadline > 0) {
                fail("no progress: " + tally.progress.get() + " of " + target);
            }
            Thread.onSpinWait();
        }
    }

    private static void join(JoinHandle<?> h) {
        try {
            h.await();
        } catch (JoinError e) {
            if (!e.isCancelled()) {
                throw e;
            }
        }
    }

    private static Void threadProducer(Channel<Integer> ch, Tally tally, int from, SplittableRandom rnd) {
        for (int v = from; v < from + PER_PRODUCER; v++) {
            tally.attempted.set(v, 1);
            try {
                if (rnd.nextInt(4) == 0) {
                    // Either branch may win; a losing send was delivered or went to the hook.
                    select(on(ch.send(v), x -> true), on(Task.yieldNow(), x -> false)).await();
                } else {
                    ch.send(v).await();
                }
            } catch (SendError e) {
                tally.erred.incrementAndGet((Integer) e.value());
                return null;
            }
            tally.progress.incrementAndGet();
        }
        return null;
    }

    private static Void threadConsumer(Channel<Integer> ch, Tally tally, SplittableRandom rnd) {
        for (;;) {
            Integer v;
            if (rnd.nextInt(4) == 0) {
                // A losing receive gives back any value it was handed.
                Integer[] box = new Integer[1];
                boolean won = select(on(ch.recv(), x -> {
                    box[0] = x;
                    return true;
                }), on(Task.yieldNow(), x -> false)).await();
                if (!won) {
                    continue;
                }
                v = box[0];
            } else {
                v = ch.recv().await();
            }
            if (v == null) {
                return null;
            }
            tally.received.incrementAndGet(v);
        }
    }

    /** A producer as a future task: sends its range, sometimes through a select against a yield. */
    private static final class FutureProducer implements Future<Void> {
        private final Channel<Integer> ch;
        private final Tally tally;
        private final SplittableRandom rnd;
        private final int end;
        private int next;
        private Future<?> current;

        FutureProducer(Channel<Integer> ch, Tally tally, int from, SplittableRandom rnd) {
            this.ch = ch;
            this.tally = tally;
            this.rnd = rnd;
            this.next = from;
            this.end = from + PER_PRODUCER;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            while (next < end) {
                if (current == null) {
                    tally.attempted.set(next, 1);
                    Future<Void> send = ch.send(next);
                    current = rnd.nextInt(4) == 0 ? select(on(send, x -> true), on(Task.yieldNow(), x -> false)) : send;
                }
                try {
                    if (current.poll(cx).isPending()) {
                        return Poll.pending();
                    }
                } catch (SendError e) {
                    current = null;
                    tally.erred.incrementAndGet((Integer) e.value());
                    return Poll.ready(null);
                }
                current = null;
                next++;
                tally.progress.incrementAndGet();
            }
            return Poll.ready(null);
        }

        @Override
        public void drop() {
            if (current != null) {
                current.drop();
            }
        }
    }

    /** A consumer as a future task: receives until closed and drained, sometimes through a select. */
    private static final class FutureConsumer implements Future<Void> {
        private static final Integer LOST = Integer.MIN_VALUE;
        private final Channel<Integer> ch;
        private final Tally tally;
        private final SplittableRandom rnd;
        private Future<Integer> current;

        FutureConsumer(Channel<Integer> ch, Tally tally, SplittableRandom rnd) {
            this.ch = ch;
            this.tally = tally;
            this.rnd = rnd;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (;;) {
                if (current == null) {
                    Future<Integer> recv = ch.recv();
                    current = rnd.nextInt(4) == 0 ? select(on(recv), on(Task.yieldNow(), x -> LOST)) : recv;
                }
                Poll<Integer> p = current.poll(cx);
                if (p.isPending()) {
                    return Poll.pending();
                }
                current = null;
                Integer v = p.value();
                if (v == null) {
                    return Poll.ready(null);
                }
                if (!v.equals(LOST)) {
                    tally.received.incrementAndGet(v);
                }
            }
        }

        @Override
        public void drop() {
            if (current != null) {
                current.drop();
            }
        }
    }
}
