package dev.weft.sync;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Counting stress for Broadcast, Watch and Oneshot: many rounds with real threads,
 * thread tasks and future tasks, random drops, closes and resubscriptions, and every
 * value accounted for; and a receiver closed by another task while its owner reads
 * or waits. Each failure names its seed (replay with -Dweft.stress.seed).
 */
class FanOutStressTest extends RuntimePerTest {
    /** Rounds per test at most; raise with -Dweft.stress.rounds for a long hunt. */
    private static final int MAX_ROUNDS = Integer.getInteger("weft.stress.rounds", 20);
    /** Time per test after the first three rounds; raise with -Dweft.stress.millis. */
    private static final long BUDGET_NANOS = Long.getLong("weft.stress.millis", 1_500L) * 1_000_000L;

    /** The first seed: -Dweft.stress.seed to replay a failure, else the clock. */
    static long seed() {
        return Long.getLong("weft.stress.seed", System.nanoTime());
    }

    // =====================================================================================
    // Broadcast: several senders (thread and future tasks), several receivers (slow ones,
    // ones that drop recv futures in selects, ones that close and resubscribe mid-run).
    // Every send is numbered under `order`, and every subscribe and close is done under
    // it too, so each receiver's positions are known exactly.
    // =====================================================================================

    /** The positions issued so far; sends, subscribes and closes of receivers hold it. */
    static final class Order {
        long next;
    }

    /** One subscription's account: it must see [start, end) in order, minus what Lagged said. */
    static final class Segment {
        final long start;
        long expected;
        long received;
        long skipped;
        long end = -1; // position at its close, -1 while open
        String failure;

        Segment(long start) {
            this.start = start;
            this.expected = start;
        }

        void value(long v) {
            if (v != expected && failure == null) {
                failure = "from start " + start + ": expected position " + expected + " but got " + v;
            }
            expected = v + 1;
            received++;
        }

        void lagged(Lagged e) {
            if (e.skipped() < 1 && failure == null) {
                failure = "Lagged with skipped " + e.skipped();
            }
            expected += e.skipped();
            skipped += e.skipped();
        }

        String check(long total) {
            if (failure != null) {
                return failure;
            }
            long last = end < 0 ? total : end;
            if (end < 0 && expected != total) {
                return "open from " + start + ": ended (null) at " + expected + " but " + total + " were sent";
            }
            if (expected > last) {
                return "from " + start + " closed at " + end + ": reached " + expected;
            }
            if (received + skipped != expected - start) {
                return "from " + start + ": received " + received + " + skipped " + skipped + " != " + (expected - start);
            }
            return null;
        }
    }

    /** A receiver's whole life: its segments; the receiver it holds at the end (open). */
    static final class Life {
        final List<Segment> segments = new ArrayList<>();
        Broadcast.Receiver<Long> rx;
    }

    static long sendNumbered(Broadcast.Sender<Long> tx, Order order) {
        synchronized (order) {
            long p = order.next;
            tx.send(p);
            order.next = p + 1;
            return p;
        }
    }

    /** Closes rx and starts a new one at the current tail; both under `order`. */
    static Broadcast.Receiver<Long> churn(Life life, Broadcast.Receiver<Long> rx, Order order) {
        synchronized (order) {
            Broadcast.Receiver<Long> next = rx.resubscribe();
            rx.close();
            life.segments.get(life.segments.size() - 1).end = order.next;
            life.segments.add(new Segment(order.next));
            return next;
        }
    }

    /** A thread-task receiver: some slowness, some recv dropped in a select, some churn. */
    static Life threadReceiver(Broadcast.Receiver<Long> first, long start, Order order, long seed, boolean churns) {
        SplittableRandom random = new SplittableRandom(seed);
        Life life = new Life();
        life.segments.add(new Segment(start));
        Broadcast.Receiver<Long> rx = first;
        for (;;) {
            Segment seg = life.segments.get(life.segments.size() - 1);
            Long v;
            try {
                int r = random.nextInt(8);
                if (r == 0) {
                    v = select(on(rx.recv(), x -> x), on(Task.yieldNow(), x -> -1L)).await();
                    if (v != null && v == -1L) {
                        continue;
                    }
                } else if (r == 1) {
                    v = rx.tryRecv();
                    if (v == null) {
                        if (!rx.isClosed()) {
                            continue;
                        }
                        v = rx.tryRecv(); // closed: null now means drained
                        if (v == null) {
                            v = rx.recv().await();
                        }
                    }
                } else {
                    v = rx.recv().await();
                }
            } catch (Lagged e) {
                seg.lagged(e);
                continue;
            }
            if (v == null) {
                life.rx = rx;
                return life;
            }
            seg.value(v);
            if (random.nextInt(64) == 0) {
                for (int i = random.nextInt(4); i >= 0; i--) {
                    Task.yieldNow().await(); // slow
                }
            }
            if (churns && random.nextInt(256) == 0) {
                rx = churn(life, rx, order);
            }
        }
    }

    /** A future-task receiver: hand-written polls; drops a pending recv at random; churns. */
    static final class FutureReceiver implements Future<Life> {
        private final Life life = new Life();
        private final Order order;
        private final SplittableRandom random;
        private final boolean churns;
        private Broadcast.Receiver<Long> rx;
        private Future<Long> recv;

        FutureReceiver(Broadcast.Receiver<Long> rx, long start, Order order, long seed, boolean churns) {
            this.rx = rx;
            this.order = order;
            this.random = new SplittableRandom(seed);
            this.churns = churns;
            life.segments.add(new Segment(start));
        }

        @Override
        public Poll<Life> poll(Context cx) {
            for (;;) {
                Segment seg = life.segments.get(life.segments.size() - 1);
                if (recv == null) {
                    recv = rx.recv();
                }
                Poll<Long> p;
                try {
                    p = recv.poll(cx);
                } catch (Lagged e) {
                    recv = null;
                    seg.lagged(e);
                    continue;
                }
                if (p.isPending()) {
                    if (random.nextInt(4) == 0) {
                        recv.drop(); // cancel: the next recv gets what this one would have
                        recv = null;
                        if (random.nextBoolean()) {
                            cx.waker().wake();
                            return Poll.pending();
                        }
                        continue;
                    }
                    return Poll.pending();
                }
                recv = null;
                if (p.value() == null) {
                    life.rx = rx;
                    return Poll.ready(life);
                }
                seg.value(p.value());
                if (churns && random.nextInt(256) == 0) {
                    rx = churn(life, rx, order);
                }
                if (random.nextInt(32) == 0) {
                    cx.waker().wake(); // slow: back of the queue
                    return Poll.pending();
                }
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

    /** A future-task sender: a batch of numbered sends per poll. */
    static final class FutureSender implements Future<Void> {
        private final Broadcast.Sender<Long> tx;
        private final Order order;
        private final int batch;
        private int left;

        FutureSender(Broadcast.Sender<Long> tx, Order order, int count, int batch) {
            this.tx = tx;
            this.order = order;
            this.left = count;
            this.batch = batch;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (int i = 0; i < batch && left > 0; i++, left--) {
                sendNumbered(tx, order);
            }
            if (left == 0) {
                tx.close();
                return Poll.ready(null);
            }
            cx.waker().wake();
            return Poll.pending();
        }
    }

    /** Values received and reported skipped in the broadcast rounds, for the summary line. */

    void broadcastFanOutRound(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int capacity = 1 + random.nextInt(random.nextBoolean() ? 4 : 32);
        int perSender = 1_000 + random.nextInt(2_000);
        String where = "seed " + seed + "L, capacity " + capacity + ", per sender " + perSender;
        var ch = Broadcast.<Long>channel(capacity);
        Order order = new Order();
        Broadcast.Sender<Long> tx0 = ch.tx();
        List<Broadcast.Sender<Long>> senders = new ArrayList<>();
        senders.add(tx0);
        for (int i = 0; i < 3; i++) {
            senders.add(tx0.clone());
        }
        List<JoinHandle<Life>> receivers = new ArrayList<>();
        // A receiver closed for good mid-run, from its own thread task.
        Broadcast.Receiver<Long> quitter;
        synchronized (order) {
            quitter = tx0.subscribe();
        }
        AtomicReference<Segment> quitterSeg = new AtomicReference<>();
        int quitAfter = random.nextInt(3_000);
        JoinHandle<Void> quitterTask = rt.spawn(() -> {
            Segment seg = new Segment(0);
            for (int got = 0; got < quitAfter; ) {
                try {
                    Long v = quitter.recv().await();
                    if (v == null) {
                        break;
                    }
                    seg.value(v);
                    got++;
                } catch (Lagged e) {
                    seg.lagged(e);
                }
            }
            synchronized (order) {
                quitter.close();
                seg.end = order.next;
            }
            quitterSeg.set(seg);
        });
        Broadcast.Receiver<Long> first = ch.rx();
        for (int i = 0; i < 6; i++) {
            Broadcast.Receiver<Long> rx;
            long start;
            synchronized (order) {
                rx = i == 0 ? first : tx0.subscribe();
                start = order.next;
            }
            long s = random.nextLong();
            boolean churns = i >= 2;
            if (i % 2 == 0) {
                receivers.add(rt.spawn(() -> threadReceiver(rx, start, order, s, churns)));
            } else {
                receivers.add(rt.spawn(new FutureReceiver(rx, start, order, s, churns)));
            }
        }
        List<JoinHandle<Void>> producers = new ArrayList<>();
        for (int i = 0; i < senders.size(); i++) {
            Broadcast.Sender<Long> tx = senders.get(i);
            int yieldEvery = 1 + random.nextInt(16);
            if (i % 2 == 0) {
                producers.add(rt.spawn(() -> {
                    for (int k = 0; k < perSender; k++) {
                        sendNumbered(tx, order);
                        if (k % yieldEvery == 0) {
                            Task.yieldNow().await();
                        }
                    }
                    tx.close();
                }));
            } else {
                producers.add(rt.spawn(new FutureSender(tx, order, perSender, yieldEvery)));
            }
        }
        for (JoinHandle<Void> p : producers) {
            p.await();
        }
        quitterTask.await();
        long total = order.next;
        assertEquals(4L * perSender, total, where);
        List<Life> lives = new ArrayList<>();
        for (JoinHandle<Life> h : receivers) {
            lives.add(h.await());
        }
        String q = quitterSeg.get().check(total);
        assertNull(q, "quitter: " + q + "; " + where);
        for (int i = 0; i < lives.size(); i++) {
            for (Segment seg : lives.get(i).segments) {
                String f = seg.check(total);
                assertNull(f, "receiver " + i + ": " + f + "; " + where);
            }
        }
        // Every open receiver has read (or been told it missed) every value: nothing is kept.
        assertEquals(lives.size(), tx0.receiverCount(), where);
        assertEquals(0, tx0.len(), "no value kept once every receiver read it or left; " + where);
        assertTrue(tx0.isEmpty(), where);
        for (Life life : lives) {
            assertEquals(0, life.rx.len(), where);
            assertTrue(life.rx.isClosed(), where);
            assertNull(life.rx.tryRecv(), where);
        }
        assertEquals(0, first.waitingCount(), "no recv left registered; " + where);
        for (Life life : lives) {
            life.rx.close();
        }
        assertEquals(0, tx0.receiverCount(), where);
        assertEquals(0, tx0.len(), where);
        assertTrue(tx0.isClosed(), where);
    }

    @Test
    @Timeout(30)
    void broadcastFanOutEveryReceiverSeesExactlyItsPositionsMinusLaggedAndNothingStaysKept() {
        long base = seed();
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int rounds = 0;
        for (long seed = base; rounds < 3 || System.nanoTime() < deadline && rounds < MAX_ROUNDS; seed++, rounds++) {
            broadcastFanOutRound(seed);
        }
    }
    // =====================================================================================
    // Watch: concurrent send / sendReplace / sendModify / sendIfModified from thread and
    // future tasks; receivers on changed(), waitFor(), hasChanged(), borrowAndUpdate(),
    // dropping pending futures, cloning and closing mid-run. Every write that publishes
    // raises `n` by one under `order`, so n is the version and never goes backwards.
    // =====================================================================================

    /** The watched value; sendModify changes it in place. */
    static final class Box {
        volatile long n;

        Box(long n) {
            this.n = n;
        }
    }

    static final class WatchOrder {
        long n;
    }

    /** One write of a random kind; answers whether it published. */
    static boolean write(Watch.Sender<Box> tx, WatchOrder order, SplittableRandom random) {
        int kind = random.nextInt(4);
        synchronized (order) {
            switch (kind) {
                case 0 -> tx.send(new Box(order.n + 1));
                case 1 -> tx.sendReplace(new Box(order.n + 1));
                case 2 -> tx.sendModify(b -> b.n = order.n + 1);
                default -> {
                    boolean change = random.nextBoolean();
                    if (!tx.sendIfModified(b -> {
                        if (change) {
                            b.n = order.n + 1;
                        }
                        return change;
                    })) {
                        return false;
                    }
                }
            }
            order.n++;
            return true;
        }
    }

    /** What a watch receiver saw: the highest n, and the receiver it ends with (open). */
    static final class WatchSeen {
        long last;
        long changes;
        String failure;
        Watch.Receiver<Box> rx;

        void observe(long n) {
            if (n < last && failure == null) {
                failure = "went backwards: saw " + n + " after " + last;
            }
            last = Math.max(last, n);
        }
    }

    static WatchSeen watchThreadReceiver(Watch.Receiver<Box> first, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        WatchSeen seen = new WatchSeen();
        Watch.Receiver<Box> rx = first;
        seen.observe(rx.borrowAndUpdate().n);
        boolean sendersGone = false;
        for (;;) {
            int r = random.nextInt(6);
            try {
                if (r == 0) {
                    boolean changed = select(on(rx.changed(), x -> true), on(Task.yieldNow(), x -> false)).await();
                    if (!changed) {
                        continue;
                    }
                } else if (r == 1) {
                    long from = seen.last;
                    Box b = rx.waitFor(x -> {
                        seen.observe(x.n);
                        return x.n >= from + 2;
                    }).await();
                    seen.observe(b.n);
                } else if (r == 2 && !sendersGone) {
                    boolean changed;
                    try {
                        changed = rx.hasChanged();
                    } catch (RecvError e) {
                        sendersGone = true; // it says nothing of an unseen value: changed() does
                        continue;
                    }
                    if (!changed) {
                        Task.yieldNow().await();
                        continue;
                    }
                } else {
                    rx.changed().await();
                }
            } catch (RecvError e) {
                seen.rx = rx;
                return seen;
            }
            seen.changes++;
            seen.observe(rx.borrowAndUpdate().n);
            if (random.nextInt(128) == 0) {
                Watch.Receiver<Box> next = rx.clone();
                rx.close();
                rx = next;
            }
        }
    }

    static final class WatchFutureReceiver implements Future<WatchSeen> {
        private final SplittableRandom random;
        private final WatchSeen seen = new WatchSeen();
        private Watch.Receiver<Box> rx;
        private Future<?> pending;

        WatchFutureReceiver(Watch.Receiver<Box> rx, long seed) {
            this.rx = rx;
            this.random = new SplittableRandom(seed);
            seen.observe(rx.borrowAndUpdate().n);
        }

        @Override
        public Poll<WatchSeen> poll(Context cx) {
            for (;;) {
                if (pending == null) {
                    if (random.nextBoolean()) {
                        pending = rx.changed();
                    } else {
                        long from = seen.last;
                        pending = rx.waitFor(x -> {
                            seen.observe(x.n);
                            return x.n >= from + 3;
                        });
                    }
                }
                Poll<?> p;
                try {
                    p = pending.poll(cx);
                } catch (RecvError e) {
                    pending = null;
                    seen.rx = rx;
                    return Poll.ready(seen);
                }
                if (p.isPending()) {
                    if (random.nextInt(4) == 0) {
                        pending.drop();
                        pending = null;
                        if (random.nextBoolean()) {
                            cx.waker().wake();
                            return Poll.pending();
                        }
                        continue;
                    }
                    return Poll.pending();
                }
                pending = null;
                seen.changes++;
                seen.observe(rx.borrowAndUpdate().n);
                if (random.nextInt(128) == 0) {
                    Watch.Receiver<Box> next = rx.clone();
                    rx.close();
                    rx = next;
                }
                if (random.nextInt(16) == 0) {
                    cx.waker().wake();
                    return Poll.pending();
                }
            }
        }

        @Override
        public void drop() {
            if (pending != null) {
                pending.drop();
            }
            rx.close();
        }
    }

    /** A future-task writer: a few writes per poll. */
    static final class WatchFutureWriter implements Future<Void> {
        private final Watch.Sender<Box> tx;
        private final WatchOrder order;
        private final SplittableRandom random;
        private int left;

        WatchFutureWriter(Watch.Sender<Box> tx, WatchOrder order, int count, long seed) {
            this.tx = tx;
            this.order = order;
            this.left = count;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public Poll<Void> poll(Context cx) {
            for (int i = random.nextInt(8); i >= 0 && left > 0; i--, left--) {
                write(tx, order, random);
            }
            if (left == 0) {
                tx.close();
                return Poll.ready(null);
            }
            cx.waker().wake();
            return Poll.pending();
        }
    }

    void watchRound(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int perWriter = 500 + random.nextInt(1_500);
        String where = "seed " + seed + "L, per writer " + perWriter;
        var ch = Watch.channel(new Box(0));
        WatchOrder order = new WatchOrder();
        Watch.Sender<Box> control = ch.tx();
        // Sender.closed(), awaited by a task that drops it in selects now and then.
        AtomicInteger countAtClosed = new AtomicInteger(-1);
        long closedSeed = random.nextLong();
        JoinHandle<Void> closedWaiter = rt.spawn(() -> {
            SplittableRandom r = new SplittableRandom(closedSeed);
            for (;;) {
                if (r.nextInt(4) == 0) {
                    if (select(on(control.closed(), x -> true), on(Task.yieldNow(), x -> false)).await()) {
                        break;
                    }
                } else {
                    control.closed().await();
                    break;
                }
            }
            countAtClosed.set(control.receiverCount());
        });
        List<JoinHandle<WatchSeen>> receivers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Watch.Receiver<Box> rx = i == 0 ? ch.rx() : control.subscribe();
            long s = random.nextLong();
            receivers.add(i % 2 == 0
                    ? rt.spawn(() -> watchThreadReceiver(rx, s))
                    : rt.spawn(new WatchFutureReceiver(rx, s)));
        }
        List<JoinHandle<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Watch.Sender<Box> tx = control.clone();
            long s = random.nextLong();
            if (i == 2) {
                writers.add(rt.spawn(new WatchFutureWriter(tx, order, perWriter, s)));
            } else {
                writers.add(rt.spawn(() -> {
                    SplittableRandom r = new SplittableRandom(s);
                    for (int k = 0; k < perWriter; k++) {
                        write(tx, order, r);
                        if (r.nextInt(8) == 0) {
                            Task.yieldNow().await();
                        }
                    }
                    tx.close();
                }));
            }
        }
        // Late subscribers, mid-run: they start from the value current at subscribe.
        for (int i = 0; i < 2; i++) {
            Watch.Receiver<Box> rx = control.subscribe();
            long s = random.nextLong();
            receivers.add(i == 0
                    ? rt.spawn(() -> watchThreadReceiver(rx, s))
                    : rt.spawn(new WatchFutureReceiver(rx, s)));
        }
        for (JoinHandle<Void> w : writers) {
            w.await();
        }
        control.close();
        long last = order.n;
        List<WatchSeen> seens = new ArrayList<>();
        for (JoinHandle<WatchSeen> h : receivers) {
            seens.add(h.await());
        }
        assertEquals(last, control.borrow().n, where);
        for (int i = 0; i < seens.size(); i++) {
            WatchSeen seen = seens.get(i);
            String w = "receiver " + i + ": " + where;
            assertNull(seen.failure, w);
            assertEquals(last, seen.last, "every receiver ends having seen the last value; " + w);
            assertEquals(last, seen.rx.borrow().n, w);
            assertThrows(RecvError.class, seen.rx::hasChanged, w);
            CountingWaker waker = new CountingWaker();
            assertThrows(RecvError.class, () -> seen.rx.changed().poll(waker.context()),
                    "the last value is reported once, then changed() fails; " + w);
        }
        assertEquals(seens.size(), control.receiverCount(), where);
        for (int i = 0; i < seens.size(); i++) {
            assertFalse(closedWaiter.isFinished(), "closed() completed with " + (seens.size() - i)
                    + " receivers open; " + where);
            seens.get(i).rx.close();
        }
        waitUntil(closedWaiter::isFinished, "closed() after the last receiver closed; " + where);
        closedWaiter.await();
        assertEquals(0, countAtClosed.get(), where);
        assertEquals(0, control.waitingCount(), "nothing left registered; " + where);
    }

    @Test
    @Timeout(30)
    void watchFanOutEveryReceiverEndsOnTheLastValueVersionsNeverGoBackAndClosedWaitsForTheLast() {
        long base = seed();
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int rounds = 0;
        for (long seed = base; rounds < 3 || System.nanoTime() < deadline && rounds < MAX_ROUNDS; seed++, rounds++) {
            watchRound(seed);
        }
    }
    // =====================================================================================
    // Oneshot: a send on one thread racing the receiver's drop, close, await or poll on
    // another, for many rounds. Each value is received, or handed to the hook, or comes
    // back in SendError: exactly one. Sender.closed() completes once the receiver goes.
    // =====================================================================================

    static final class OneshotRound {
        final long value;
        final Oneshot.Sender<Long> tx;
        final Oneshot.Receiver<Long> rx;
        final AtomicInteger hooked;
        final AtomicLong hookedValue;
        final int senderSpins;
        final int senderClosedMode;
        volatile boolean senderDone;
        volatile Long sendErrorValue;

        OneshotRound(long value, boolean hook, int senderSpins, int senderClosedMode) {
            this.value = value;
            this.hooked = new AtomicInteger();
            this.hookedValue = new AtomicLong(-1);
            Oneshot.Pair<Long> ch = hook
                    ? Oneshot.channel(v -> {
                        hooked.incrementAndGet();
                        hookedValue.set(v);
                    })
                    : Oneshot.channel();
            this.tx = ch.tx();
            this.rx = ch.rx();
            this.senderSpins = senderSpins;
            this.senderClosedMode = senderClosedMode;
        }
    }

    static void spin(int n) {
        for (int i = 0; i < n; i++) {
            Thread.onSpinWait();
        }
    }

    /** Waits (spinning, then yielding) for a condition another thread makes true soon. */
    static void spinUntil(BooleanSupplier condition, AtomicBoolean stop) {
        for (int i = 0; !condition.getAsBoolean(); i++) {
            if (stop.get()) {
                throw new IllegalStateException("stopped");
            }
            if (i < 100) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    @Test
    @Timeout(30)
    void oneshotSendRacingDropCloseAwaitEachValueIsReceivedHookedOrHandedBackExactlyOnce() throws Exception {
        long seed = seed();
        int rounds = Math.max(MAX_ROUNDS * 5_000, 1);
        long budget = BUDGET_NANOS;
        AtomicReference<OneshotRound> current = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread sender = Thread.ofPlatform().name("oneshot-sender").start(() -> {
            OneshotRound last = null;
            try {
                for (;;) {
                    OneshotRound prev = last;
                    spinUntil(() -> current.get() != prev, stop);
                    OneshotRound r = current.get();
                    last = r;
                    if (r.value < 0) {
                        return; // the end
                    }
                    Future<Void> early = null;
                    CountingWaker w = new CountingWaker();
                    if (r.senderClosedMode == 2) {
                        early = r.tx.closed();
                        if (early.poll(w.context()).isReady()) {
                            early = null; // the receiver went already
                        }
                    }
                    spin(r.senderSpins);
                    try {
                        r.tx.send(r.value);
                    } catch (SendError e) {
                        r.sendErrorValue = (Long) e.value();
                    }
                    if (r.senderClosedMode == 1) {
                        r.tx.closed().await();
                    } else if (early != null) {
                        early.await(); // a new waker replaces the registered one, racing the receiver
                    }
                    if (r.senderClosedMode != 0 && !r.tx.isClosed()) {
                        failures.add("round " + r.value + ": closed() completed but isClosed() is false");
                    }
                    r.senderDone = true;
                }
            } catch (Throwable t) {
                failures.add("sender: " + t);
                stop.set(true);
            }
        });
        SplittableRandom random = new SplittableRandom(seed);
        long deadline = System.nanoTime() + budget;
        int done = 0;
        try {
            for (long k = 0; k < rounds && (k < 1_000 || System.nanoTime() < deadline) && failures.isEmpty(); k++) {
                OneshotRound r = new OneshotRound(k, random.nextBoolean(), random.nextInt(64), random.nextInt(3));
                int variant = random.nextInt(6);
                int spins = random.nextInt(64);
                current.set(r);
                spin(spins);
                int received = 0;
                String what = "round " + k + ", variant " + variant + ", sender mode " + r.senderClosedMode;
                try {
                    switch (variant) {
                        case 0 -> r.rx.drop();
                        case 1 -> r.rx.close();
                        case 2 -> {
                            long v = r.rx.await();
                            if (v != k) {
                                failures.add(what + ": awaited " + v);
                            }
                            received++;
                        }
                        case 3, 4 -> {
                            CountingWaker w = new CountingWaker();
                            Poll<Long> p = r.rx.poll(w.context());
                            if (p.isReady()) {
                                received++;
                            } else if (variant == 3) {
                                r.rx.drop();
                            } else {
                                r.rx.close();
                            }
                        }
                        default -> {
                            // A receiver that only asks, then gives up by dropping.
                            Long v = r.rx.tryRecv();
                            if (v != null) {
                                received++;
                            } else {
                                r.rx.drop();
                            }
                        }
                    }
                    spinUntil(() -> r.senderDone, stop);
                    if (received == 0 && variant != 2) {
                        try {
                            Long v = r.rx.tryRecv();
                            if (v == null) {
                                failures.add(what + ": tryRecv() answered null after the receiver was gone");
                            } else {
                                received++;
                            }
                        } catch (RecvError e) {
                            // nothing was sent before it went: the send handed it back
                        } catch (IllegalStateException e) {
                            if (r.hooked.get() == 0) {
                                failures.add(what + ": " + e);
                            }
                        }
                    }
                } catch (RuntimeException e) {
                    failures.add(what + ": " + e);
                    break;
                }
                int handedBack = r.sendErrorValue == null ? 0 : 1;
                if (handedBack == 1 && r.sendErrorValue != k) {
                    failures.add(what + ": SendError carried " + r.sendErrorValue);
                }
                if (r.hooked.get() == 1 && r.hookedValue.get() != k) {
                    failures.add(what + ": the hook got " + r.hookedValue.get());
                }
                if (received + r.hooked.get() + handedBack != 1) {
                    failures.add(what + ": received " + received + ", hooked " + r.hooked.get()
                            + ", handed back " + handedBack);
                }
                if (!r.tx.isClosed()) {
                    failures.add(what + ": the receiver is gone but the sender is not told");
                }
                done++;
            }
        } finally {
            current.set(new OneshotRound(-1, false, 0, 0));
            if (!failures.isEmpty()) {
                stop.set(true);
            }
            sender.join(10_000);
            stop.set(true);
        }
        if (!failures.isEmpty()) {
            fail("seed " + seed + "L: " + failures.size() + " failures, first: " + failures.peek());
        }
        assertFalse(sender.isAlive(), "seed " + seed + "L: the sender hangs");
    }

    // =====================================================================================
    // A receiver closed by another thread (a controller stopping a consumer, or the child
    // task of a join) while its owner is inside a poll of recv() / changed() / waitFor().
    // close() promises: "A recv() pending on it is woken and fails."
    // =====================================================================================

    @Test
    @Timeout(30)
    void watchReceiverClosedByAnotherThreadWhileItsWaitForRunsFailsThatFutureInsteadOfLeavingItParked() throws Exception {
        var ch = Watch.channel(0);
        Watch.Receiver<Integer> rx = ch.rx();
        var otherRx = ch.tx().subscribe(); // keeps the channel open for sends
        CountDownLatch testing = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        JoinHandle<String> consumer = rt.spawn(() -> {
            try {
                rx.waitFor(v -> {
                    testing.countDown();
                    try {
                        closed.await(); // the controller closes the receiver meanwhile
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                    return false;
                }).await();
                return "completed";
            } catch (IllegalStateException e) {
                return "failed: receiver closed";
            }
        });
        testing.await();
        rx.close(); // the controller stops the consumer
        closed.countDown();
        // The consumer must end (the future fails as its receiver is closed), with no
        // registration left behind. Instead its waitFor() linked itself after the close:
        // it waits for a send that may never come.
        waitUntil(() -> consumer.isFinished() || ch.tx().waitingCount() == 1, "the consumer to end or park");
        assertEquals(0, ch.tx().waitingCount(), "a closed receiver's future is left registered, never woken");
        assertEquals("failed: receiver closed", consumer.await());
        otherRx.close();
    }

    @Test
    @Timeout(30)
    void broadcastReceiverClosedByAnotherThreadWhileItsOwnerPollsRecvStillEndsTheOwner() {
        long seed = seed();
        SplittableRandom random = new SplittableRandom(seed);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int rounds = 0;
        for (; rounds < 200 || System.nanoTime() < deadline && rounds < MAX_ROUNDS * 1_000; rounds++) {
            var ch = Broadcast.<Integer>channel(4);
            Broadcast.Receiver<Integer> rx = ch.rx();
            var keep = ch.tx().subscribe();
            JoinHandle<String> consumer = rt.spawn(() -> {
                try {
                    for (;;) {
                        try {
                            if (rx.recv().await() == null) {
                                return "null";
                            }
                        } catch (Lagged e) {
                            // go on
                        }
                    }
                } catch (IllegalStateException e) {
                    return "closed";
                }
            });
            int sends = 1 + random.nextInt(4);
            for (int i = 0; i < sends; i++) {
                ch.tx().send(i);
                spin(random.nextInt(200));
            }
            spin(random.nextInt(2_000));
            rx.close(); // no send after this: only the close can end the consumer
            int round = rounds;
            // close() unlinked every recv of rx: one linked now was linked after the close.
            waitUntil(() -> consumer.isFinished() || rx.waitingCount() > 0, "round " + round);
            assertEquals(0, rx.waitingCount(), "seed " + seed + "L, round " + rounds
                    + ": the owner's recv linked itself after its receiver was closed and nothing wakes it");
            assertEquals("closed", consumer.await());
            keep.close();
            ch.tx().close();
        }
    }

    @Test
    @Timeout(30)
    void broadcastReceiverClosedByAnotherThreadWhileItsOwnerReadsTakesNoValueFromAnotherReceiver() {
        long seed = seed();
        SplittableRandom random = new SplittableRandom(seed);
        long deadline = System.nanoTime() + BUDGET_NANOS;
        int rounds = 0;
        int capacity = 64;
        for (; rounds < 200 || System.nanoTime() < deadline && rounds < MAX_ROUNDS * 1_000; rounds++) {
            var ch = Broadcast.<Integer>channel(capacity);
            Broadcast.Receiver<Integer> a = ch.rx();
            Broadcast.Receiver<Integer> b = ch.tx().subscribe(); // reads only at the end
            // The consumer: the usual recv() loop, parked between values.
            JoinHandle<Void> reader = rt.spawn(() -> {
                try {
                    while (a.recv().await() != null) {
                        // consume
                    }
                } catch (IllegalStateException closed) {
                    // the controller closed its receiver: the way to stop it
                }
            });
            int closeAfter = random.nextInt(capacity);
            for (int i = 0; i < capacity; i++) {
                ch.tx().send(i);
                if (i == closeAfter) {
                    spin(random.nextInt(400));
                    a.close(); // while the consumer, just woken, reads
                }
                spin(random.nextInt(50));
            }
            reader.await();
            for (int i = 0; i < capacity; i++) {
                Integer v = b.tryRecv();
                if (v == null || v != i) {
                    fail("seed " + seed + "L, round " + rounds + ": the other receiver read " + v + " at position " + i
                            + " (its value was cleared by a second release of the closed receiver's share)");
                }
            }
            assertEquals(0, ch.tx().len(), "seed " + seed + "L, round " + rounds);
            b.close();
        }
    }
}
