package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.sync.ConditionWait;
import dev.weft.internal.sync.SpinLock;
import dev.weft.internal.sync.Waiter;
import dev.weft.internal.sync.WaiterList;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.Objects;

/**
 * A multi-producer, multi-consumer channel where every receiver sees every value
 * (Tokio's {@code broadcast}): a chat room, a stream of events that several tasks
 * each want in full.
 *
 * {@snippet :
 * var ch = Broadcast.<String>channel(16);
 * Broadcast.Receiver<String> second = ch.tx().subscribe();
 * ch.tx().send("hello");                               // reaches 2 receivers
 * ch.rx().recv().await();                              // "hello"
 * second.recv().await();                               // "hello"
 * }
 *
 * <h2>Capacity and lagging</h2>
 * The channel keeps the last {@code capacity} values in a ring. {@link Sender#send}
 * never waits: when the ring is full it overwrites the oldest value, even if some
 * receiver has not read it yet. That receiver is told: its next receive fails with
 * {@link Lagged}, whose {@link Lagged#skipped() skipped()} says exactly how many
 * values it missed, and the receive after that continues with the oldest value still
 * kept. So a slow receiver never slows the senders down, and never loses values
 * silently. (Tokio rounds the capacity up to a power of two; here it is exact.)
 *
 * <p>A receiver sees the values sent after it subscribed, in the order they were
 * sent (for values sent from several threads, in the order their sends took the
 * channel's lock). A value is kept until every receiver that was subscribed when it
 * was sent has read it (or closed), or until it is overwritten;
 * {@link Sender#len()} counts those values.
 *
 * <h2>Closing</h2>
 * Senders and receivers are {@link AutoCloseable} handles; {@link Sender#clone()},
 * {@link Sender#subscribe()} and {@link Receiver#resubscribe()} make more, and each
 * must be closed (a handle that is simply forgotten keeps
 * counting, as a Rust value that is never dropped would).
 * <ul>
 *   <li>When the last sender is closed, receivers read what is left for them, then
 *       {@link Receiver#recv()} completes with {@code null} (Tokio's
 *       {@code Closed}).</li>
 *   <li>When the last receiver is closed, {@link Sender#send} fails with
 *       {@link SendError} carrying the value back, and {@link Sender#closed()}
 *       completes. A later {@link Sender#subscribe()} opens the channel again.</li>
 * </ul>
 *
 * <h2>Undelivered values</h2>
 * There is no undelivered-value hook: a value is either handed back
 * ({@link SendError}, when no receiver is subscribed), read, overwritten and reported
 * to every receiver that missed it ({@link Lagged}), or left unread by a receiver that
 * closed itself, which chose not to read it.
 *
 * <h2>Threads</h2>
 * A {@link Sender} is thread-safe and may be shared. A {@link Receiver} is used by
 * one task at a time (it holds that task's position in the channel); it may move
 * between tasks and threads through anything that publishes it safely (a spawn, a
 * channel). Receivers read without taking the channel's lock; a receive waits only
 * when nothing is there for it.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it sends a value
 * <i>happen-before</i> actions after that value is received in another thread.
 */
public final class Broadcast {
    /*
     * Implementation notes.
     *
     * One ring of `capacity` slots. Every send fills the slot at `tail % capacity` with
     * a fresh immutable-position Slot {seq = tail, value, remaining} and then moves
     * `tail` on, all under `lock` (a SpinLock; the section is a few stores). A slot is
     * never reused: an overwrite replaces the Slot object, so a reader that holds an old
     * Slot reads a consistent (seq, value) pair. One small allocation per send buys
     * lock-free reads without a seqlock.
     *
     *   ring:  [ seq 8 | seq 9 | seq 6 | seq 7 ]     capacity 4, tail = 10
     *   kept:  positions 6..9 (tail - capacity .. tail - 1)
     *
     * Receiver cursor `next`, moved by its owner (by CAS) and taken by a close (from
     * any task). A receive reads ring[next % capacity] with acquire semantics:
     *   - slot.seq == next: the value; next++ and slot.remaining is decremented.
     *   - slot missing or slot.seq < next: nothing sent yet at `next` ("empty").
     *   - slot.seq > next: overwritten. Then the tail is at least next + capacity + 1,
     *     so the oldest kept position, tail - capacity, is > next: missed = that - next,
     *     next jumps there, and the receive throws Lagged(missed).
     *
     * A send is linearized at the release store of its slot, not at the store of
     * `tail` just after it. Lock-free readers of the tail (lag, len) therefore use
     * publishedTail(): tail, plus one if the slot at `tail` already carries that
     * position, with `tail` read again to make sure no send completed in between.
     * (Reading `tail` alone, Lincheck found a lag of 0 reported for a slot published
     * before its tail moved.) Under the lock, `tail` and the ring always agree.
     *
     * `remaining` = receivers subscribed when the value was sent (read under the lock,
     * so a concurrent subscribe either counts or starts at a later tail). Each of them
     * decrements it once: when reading it, or when closing (for every position in
     * [next, tail) still in the ring). The one that brings it to 0 clears `value` so the
     * value can be collected: every other counted receiver read it before its own
     * decrement, which precedes this one in the atomic's order. Sender.len() counts the
     * kept slots with remaining > 0.
     *
     * A receiver's close, under the lock, lowers `receivers` and takes `next` (getAndSet
     * to CLOSED_NEXT) in one step: a send after it does not count the receiver, and
     * the owner's read of any slot fails its CAS on `next`, so the owner can neither
     * receive a value sent after the close nor release a share that was never counted
     * (with `next` taken after unlocking, it could, and another receiver then found the
     * value cleared). After unlocking, the close releases the shares of [next, tail)
     * it took; each share is released once, by whichever of owner and close moved
     * `next` past it.
     *
     * Waiting. On "empty" a recv takes the lock and re-checks tail: send publishes the
     * slot and moves tail under the lock, so a receiver that finds tail == next under
     * the lock links its Recv node into `waiting` before the next send can look at the
     * list. A send unlinks every waiter (each is entitled to the value) and wakes them
     * after unlocking. The last sender closing brings `senders` to 0 under the lock and
     * does the same; a woken receiver then drains what is left and answers null.
     *
     * Cancellation. A Recv node is linked only while its future is pending. drop()
     * unlinks it under the lock; nothing was taken from the ring (a value leaves only
     * in the poll that returns it), so dropping is cancel safe and leaves no
     * registration behind. Receiver.close() unlinks the node of a recv pending on it.
     *
     * Sender.closed() waits on a second list, `closedWaiting`, woken when the receiver
     * count drops to 0.
     *
     * Senders. `senders` counts open Sender handles under the lock, and 0 is "closed"
     * for the receivers (one field: with a separate flag, a receiver could read a count
     * of 0 while the flag still said open; found by a Lincheck test). A WeakSender is
     * not counted: its upgrade() adds one under the lock unless the count is 0, so once
     * the channel closed for its receivers no sender comes back (Tokio's rule too).
     *
     * Tested by BroadcastTest (per method, close stories, drops, aborts, selects),
     * BroadcastStressTest (counting: each receiver gets every value once, in order, or
     * is told exactly how many it skipped), BroadcastLincheckTest (send, tryRecv,
     * receiver close, receiver len and count, model-checked), BroadcastCloseLincheckTest
     * (a close from another task beside the owner's read and a send) and
     * BroadcastSendersLincheckTest (weak upgrade, sends and the last sender's close
     * against tryRecv, isClosed and the sender count, model-checked).
     */

    private Broadcast() {
    }

    /** The sender and the first receiver of a new channel. */
    public record Pair<T>(Sender<T> tx, Receiver<T> rx) {
    }

    /**
     * A new broadcast channel keeping up to {@code capacity} values, with one sender
     * and one receiver.
     *
     * @throws IllegalArgumentException if {@code capacity} is below 1 or above 2<sup>30</sup>
     */
    public static <T> Pair<T> channel(int capacity) {
        Shared<T> shared = new Shared<>(checkCapacity(capacity), 1);
        return new Pair<>(new Sender<>(shared), new Receiver<>(shared, 0));
    }

    /**
     * A new broadcast channel keeping up to {@code capacity} values, with one sender
     * and no receiver yet (Tokio's {@code broadcast::Sender::new}): receivers come
     * from {@link Sender#subscribe()}, each getting the values sent after it
     * subscribed. Until the first one, sends fail with {@link SendError}, and
     * {@link Sender#isClosed()} answers {@code true} (so {@link Sender#closed()}
     * completes at once).
     *
     * @throws IllegalArgumentException if {@code capacity} is below 1 or above 2<sup>30</sup>
     */
    public static <T> Sender<T> sender(int capacity) {
        return new Sender<>(new Shared<>(checkCapacity(capacity), 0));
    }

    private static int checkCapacity(int capacity) {
        if (capacity < 1 || capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("a broadcast channel's capacity must be between 1 and "
                    + MAX_CAPACITY + ", got " + capacity);
        }
        return capacity;
    }

    /** The largest capacity a broadcast channel may have. */
    public static final int MAX_CAPACITY = 1 << 30;

    private static final Object EMPTY = new Object();

    /** One sent value at one position. Replaced, never reused, when overwritten. */
    private static final class Slot<T> {
        private static final VarHandle REMAINING;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(Slot.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final long seq;
        /**
         * Plain: written before the slot is published (release store into the ring) and
         * cleared by the last counted reader, after every other counted reader read it.
         */
        T value;
        /** Counted receivers that have not read or skipped it yet. */
        volatile int remaining;

        Slot(long seq, T value, int remaining) {
            this.seq = seq;
            this.value = value;
            this.remaining = remaining;
        }

        /** One counted receiver is done with it. */
        void release() {
            if ((int) REMAINING.getAndAdd(this, -1) == 1) {
                value = null;
            }
        }
    }

    /** The state shared by the handles of one channel. */
    private static final class Shared<T> {
        private static final VarHandle RING = MethodHandles.arrayElementVarHandle(Slot[].class);

        final Slot<T>[] ring;
        final int capacity;
        final SpinLock lock = new SpinLock();
        /** Pending recv() futures; under lock. */
        final WaiterList<Recv<T>> waiting = new WaiterList<>();
        /** Pending Sender.closed() futures; under lock. */
        final WaiterList<ConditionWait> closedWaiting = new WaiterList<>();
        /** The next position to write. Written under lock; read anywhere. */
        volatile long tail;
        /** Open receivers. Written under lock. */
        volatile int receivers;
        /**
         * Open senders; at 0 every sender is gone, for good (a weak sender cannot
         * upgrade), and that is what "closed" means to the receivers: no flag of its
         * own, so a count and a closed state read lock-free never disagree. Written
         * under lock.
         */
        volatile int senders = 1;

        @SuppressWarnings("unchecked")
        Shared(int capacity, int receivers) {
            this.capacity = capacity;
            this.ring = (Slot<T>[]) new Slot<?>[capacity];
            this.receivers = receivers;
        }

        /** A new sender, unless every sender is gone (then null, for good). */
        Sender<T> upgrade() {
            lock.lock();
            try {
                if (senders == 0) {
                    return null;
                }
                senders++;
            } finally {
                lock.unlock();
            }
            return new Sender<>(this);
        }

        @SuppressWarnings("unchecked")
        Slot<T> slotAt(long position) {
            return (Slot<T>) RING.getAcquire(ring, (int) (position % capacity));
        }

        /**
         * The tail as of one instant, without the lock. A send publishes its slot before
         * it moves `tail`, so a slot at `tail` with that position counts too; reading
         * `tail` twice around the slot makes the pair belong to one instant (no send
         * completed in between, so the slot was not overwritten either).
         */
        long publishedTail() {
            for (;;) {
                long t = tail;
                Slot<T> s = slotAt(t);
                if (tail == t) {
                    return s != null && s.seq == t ? t + 1 : t;
                }
            }
        }

        int send(Sender<T> handle, T value) {
            List<Waker> wake = null;
            int reached;
            lock.lock();
            try {
                // Under the lock, so that a send and a close of the same handle are ordered.
                handle.checkOpen();
                reached = receivers;
                if (reached > 0) {
                    long pos = tail;
                    RING.setRelease(ring, (int) (pos % capacity), new Slot<>(pos, value, reached));
                    tail = pos + 1;
                    if (!waiting.isEmpty()) {
                        wake = waiting.drainWakers();
                    }
                }
            } finally {
                lock.unlock();
            }
            if (reached == 0) {
                throw new SendError("no receiver is subscribed to this broadcast channel: the value was not sent"
                        + " (subscribe() before sending, or treat this as \"nobody is listening\")", value);
            }
            if (wake != null) {
                WaiterList.wakeAll(wake);
            }
            return reached;
        }

        /** Values kept for at least one receiver. */
        int queued() {
            long t = publishedTail();
            int n = 0;
            for (long p = Math.max(0, t - capacity); p < t; p++) {
                Slot<T> s = slotAt(p);
                if (s != null && s.seq == p && s.remaining > 0) {
                    n++;
                }
            }
            return n;
        }

        boolean noneQueued() {
            long t = publishedTail();
            // Newest first: the newest value is the likeliest to be still unread.
            for (long p = t - 1; p >= Math.max(0, t - capacity); p--) {
                Slot<T> s = slotAt(p);
                if (s != null && s.seq == p && s.remaining > 0) {
                    return false;
                }
            }
            return true;
        }

        Receiver<T> subscribe() {
            lock.lock();
            try {
                receivers++;
                return new Receiver<>(this, tail);
            } finally {
                lock.unlock();
            }
        }

        /** Waiters to wake; null if none. */
        List<Waker> closeReceiver(Receiver<T> rx) {
            List<Waker> wake = null;
            long end;
            long from;
            lock.lock();
            try {
                if (rx.handleClosed) {
                    return null;
                }
                end = tail;
                // Take the read position in the same locked step as the count: a send
                // after this one counts the others only, and the owner's take() of its
                // slot now fails its CAS. (Taken after unlocking, an owner already past
                // checkOpen() could read, and release, a slot that never counted it;
                // BroadcastCloseLincheckTest.)
                from = (long) Receiver.NEXT.getAndSet(rx, Receiver.CLOSED_NEXT); // see Receiver.take
                int left = --receivers;
                if (left == 0 && !closedWaiting.isEmpty()) {
                    wake = closedWaiting.drainWakers();
                }
                // Every recv of this receiver still waiting (a select or a join may
                // have several): woken, they fail. A walk of the list, only when one of
                // its futures may be in it.
                if (rx.registeredFutures > 0) {
                    List<Waker> mine = waiting.drainWakers(w -> w.rx == rx);
                    if (wake == null) {
                        wake = mine;
                    } else {
                        wake.addAll(mine);
                    }
                }
                rx.handleClosed = true; // last: whoever sees it closed sees its effects
            } finally {
                lock.unlock();
            }
            // Give up our share of every value sent before the close and still kept for us.
            for (long p = Math.max(from, end - capacity); p < end; p++) {
                Slot<T> s = slotAt(p);
                if (s != null && s.seq == p) {
                    s.release();
                }
            }
            return wake;
        }

        void closeSender(Sender<T> handle) {
            List<Waker> wake = null;
            lock.lock();
            try {
                if (handle.handleClosed) {
                    return;
                }
                if (--senders == 0) {
                    wake = waiting.drainWakers();
                }
                handle.handleClosed = true;
            } finally {
                lock.unlock();
            }
            if (wake != null) {
                WaiterList.wakeAll(wake);
            }
        }

        /** Number of pending recv() registrations (for tests). */
        int waitingCount() {
            lock.lock();
            try {
                return waiting.size();
            } finally {
                lock.unlock();
            }
        }

        int closedWaitingCount() {
            lock.lock();
            try {
                return closedWaiting.size();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The sending half: thread-safe, may be shared, and {@linkplain #clone() cloned}
     * for more senders. The channel closes for its receivers when the last sender is
     * {@linkplain #close() closed}.
     *
     * <p><b>Memory consistency effects:</b> actions before {@link #send} <i>happen-before</i>
     * actions after the receive of that value in another thread.
     */
    public static final class Sender<T> implements AutoCloseable {
        private final Shared<T> shared;
        /** This handle was closed. Written under the channel's lock, once. */
        volatile boolean handleClosed;

        Sender(Shared<T> shared) {
            this.shared = shared;
        }

        /**
         * Sends {@code value} to every receiver subscribed now, without waiting: if the
         * ring is full, the oldest value is overwritten (receivers that had not read it
         * will be told, with {@link Lagged}).
         *
         * @return how many receivers the value reached
         * @throws SendError if no receiver is subscribed; the value comes back with it
         *     (Tokio's {@code SendError}); it is not kept for later subscribers
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this sender was closed
         */
        public int send(T value) {
            Objects.requireNonNull(value, "value");
            return shared.send(this, value);
        }

        /** A new receiver that gets every value sent from now on. */
        public Receiver<T> subscribe() {
            checkOpen();
            return shared.subscribe();
        }

        /** Receivers open now (a snapshot). */
        public int receiverCount() {
            return shared.receivers;
        }

        /**
         * Values the channel keeps for at least one receiver that has not read them yet
         * (a snapshot; at most the capacity). O(capacity).
         */
        public int len() {
            return shared.queued();
        }

        /** Whether {@link #len()} is 0. */
        public boolean isEmpty() {
            return shared.noneQueued();
        }

        /** Whether every receiver is gone (a send would fail now). */
        public boolean isClosed() {
            return shared.receivers == 0;
        }

        /** Whether {@code other} sends into the same channel. */
        public boolean sameChannel(Sender<?> other) {
            return other.shared == shared;
        }

        /** Senders open now, this one included unless closed (a snapshot; Tokio's {@code strong_count}). */
        public int strongCount() {
            return shared.senders;
        }

        /**
         * A weak sender (Tokio's {@code downgrade}): it does not keep the channel open,
         * and {@linkplain WeakSender#upgrade() upgrades} to a sender while some sender
         * is still open.
         */
        public WeakSender<T> downgrade() {
            return new WeakSender<>(shared);
        }

        /**
         * A future that completes when every receiver is gone (Tokio's
         * {@code Sender::closed}): at once if none is open now. A producer can select on
         * it to stop producing for nobody.
         *
         * <p>Cancel safety: cancel safe; dropping it only forgets its registration.
         */
        public Future<Void> closed() {
            Shared<T> s = shared;
            return new ConditionWait(s.lock, s.closedWaiting, () -> s.receivers == 0);
        }

        /**
         * Another sender for the same channel (Tokio's {@code clone}); it must be closed
         * too before the channel closes for the receivers.
         *
         * @throws IllegalStateException if this sender was closed
         */
        @Override
        public Sender<T> clone() {
            Shared<T> s = shared;
            s.lock.lock();
            try {
                checkOpen();
                s.senders++;
            } finally {
                s.lock.unlock();
            }
            return new Sender<>(s);
        }

        /**
         * Closes this sender. When it is the last one, receivers read what is left for
         * them and then {@link Receiver#recv()} completes with {@code null}. Later calls
         * do nothing.
         */
        @Override
        public void close() {
            shared.closeSender(this);
        }

        /** Pending closed() registrations on the channel (for tests). */
        int closedWaitingCount() {
            return shared.closedWaitingCount();
        }

        private void checkOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this broadcast sender was closed; use another sender "
                        + "(clone() one before closing this one)");
            }
        }

        @Override
        public String toString() {
            return "Broadcast.Sender[" + shared.receivers + " receivers" + (handleClosed ? ", closed]" : "]");
        }
    }

    /**
     * A sender that does not keep a broadcast channel open (Tokio's
     * {@code broadcast::WeakSender}): a task that only sometimes has something to say
     * holds one, so that the channel still closes for the receivers when the real
     * senders are gone. Thread-safe.
     *
     * @param <T> the type of the values
     */
    public static final class WeakSender<T> {
        private final Shared<T> shared;

        WeakSender(Shared<T> shared) {
            this.shared = shared;
        }

        /**
         * A new sender, counted like a {@linkplain Sender#clone() clone} and to be closed
         * like one; {@code null} once every sender has closed (from then on, for good).
         */
        public Sender<T> upgrade() {
            return shared.upgrade();
        }

        /** Senders open now (a snapshot); at 0, {@link #upgrade()} answers {@code null} for good. */
        public int strongCount() {
            return shared.senders;
        }

        @Override
        public String toString() {
            return "Broadcast.WeakSender[" + shared.senders + " senders]";
        }
    }

    /**
     * A receiving half: its own position in the channel. Used by one task at a time;
     * more receivers come from {@link Sender#subscribe()} and {@link #resubscribe()}.
     *
     * <p><b>Memory consistency effects:</b> actions before the send of a value
     * <i>happen-before</i> actions after this receiver receives it.
     */
    public static final class Receiver<T> implements AutoCloseable {
        static final VarHandle NEXT;
        /** {@link #next} once the receiver is closed: nothing is read from here on. */
        static final long CLOSED_NEXT = Long.MIN_VALUE;

        static {
            try {
                NEXT = MethodHandles.lookup().findVarHandle(Receiver.class, "next", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final Shared<T> shared;
        /**
         * The next position to read. Moved by the owner's reads (CAS), taken by a close
         * from any task (getAndSet to CLOSED_NEXT): see {@link #take()}.
         */
        volatile long next;
        /** Closed (by its owner or another task). Written under the channel's lock, once. */
        volatile boolean handleClosed;
        /**
         * This receiver's recv futures that registered and have not unregistered (some
         * may have been unlinked by a send since); under the lock. At 0, closing has no
         * waiter of its own to look for in the list.
         */
        int registeredFutures;

        Receiver(Shared<T> shared, long next) {
            this.shared = shared;
            this.next = next;
        }

        /**
         * A future of the next value for this receiver; {@code null} once every sender
         * is gone and every value left for this receiver was read.
         *
         * <p>Each poll takes one unit of the task's cooperative budget. A receiver that
         * fell behind fails the future with {@link Lagged} (the missed count); the next
         * {@code recv()} continues with the oldest value still kept.
         *
         * {@snippet :
         * for (String m; (m = rx.recv().await()) != null; ) {
         *     handle(m);
         * }
         * }
         *
         * <p>Cancel safety: cancel safe. A value leaves the channel for this receiver only
         * in the poll that returns it; if the future is dropped before, the next
         * {@code recv()} gets that value, and no registration is left behind (a
         * {@code select} in a loop is fine).
         *
         * @throws IllegalStateException (from the future) if this receiver was closed
         */
        public Future<T> recv() {
            return new Recv<>(this);
        }

        /**
         * Waits for the next value on a thread outside the runtime's workers (Tokio's
         * {@code blocking_recv}): the same as {@code recv().await()}.
         *
         * @return the value; {@code null} once every sender is gone and every value left
         *     for this receiver was read
         * @throws Lagged if this receiver fell behind; the next call continues with the
         *     oldest value still kept
         * @throws IllegalStateException if this receiver was closed, or if called on a
         *     scheduler worker
         */
        public T blockingRecv() {
            return recv().await();
        }

        /** Senders open now (a snapshot; Tokio's {@code sender_strong_count}); 0 for good once it is 0. */
        public int senderStrongCount() {
            return shared.senders;
        }

        /**
         * The next value if there is one now, else {@code null}: the channel is empty
         * for this receiver, or closed and drained (tell them apart with
         * {@link #isClosed()}: once it answers true, a {@code null} here means drained).
         *
         * @throws Lagged if this receiver fell behind; the next call continues with the
         *     oldest value still kept
         * @throws IllegalStateException if this receiver was closed
         */
        public T tryRecv() {
            checkOpen();
            Object r = take();
            return r == EMPTY ? null : cast(r);
        }

        @SuppressWarnings("unchecked")
        private static <T> T cast(Object o) {
            return (T) o;
        }

        /**
         * The lock-free read: a value, EMPTY, or Lagged thrown. The owner moves
         * {@code next} by CAS, because a close from another task takes it (getAndSet
         * to CLOSED_NEXT) to give up this receiver's share of every slot from there:
         * each slot's share is released exactly once, by whichever of the two moved
         * past it. (With plain writes, a close racing a read released the same slot
         * twice, and another receiver found its value cleared.)
         */
        Object take() {
            long n = next;
            if (n == CLOSED_NEXT) {
                throw closedWhileReading();
            }
            Slot<T> s = shared.slotAt(n);
            if (s == null || s.seq < n) {
                return EMPTY;
            }
            if (s.seq == n) {
                T v = s.value; // this receiver's share is still held: not cleared yet
                if (!NEXT.compareAndSet(this, n, n + 1)) {
                    throw closedWhileReading(); // the close took next, and released this slot
                }
                s.release();
                return v;
            }
            // Overwritten, so publishedTail() >= s.seq + 1 >= n + capacity + 1: oldest > n.
            long oldest = shared.publishedTail() - shared.capacity;
            if (!NEXT.compareAndSet(this, n, oldest)) {
                throw closedWhileReading();
            }
            throw new Lagged(oldest - n);
        }

        private static IllegalStateException closedWhileReading() {
            return new IllegalStateException("this broadcast receiver was closed while it was reading;"
                    + " subscribe a new one to receive");
        }

        /**
         * Values sent that this receiver has not received yet, counting those it will be
         * told it missed: above the capacity, the next receive fails with {@link Lagged}.
         */
        public long len() {
            long n = next;
            return n == CLOSED_NEXT ? 0 : shared.publishedTail() - n;
        }

        /** Whether {@link #len()} is 0. */
        public boolean isEmpty() {
            return len() == 0;
        }

        /** Whether every sender is gone (values left for this receiver can still be read). */
        public boolean isClosed() {
            return shared.senders == 0;
        }

        /** Whether {@code other} receives from the same channel. */
        public boolean sameChannel(Receiver<?> other) {
            return other.shared == shared;
        }

        /**
         * A new receiver of the same channel starting at its tail: it gets the values
         * sent from now on, not those this one has yet to read (Tokio's
         * {@code resubscribe}).
         *
         * @throws IllegalStateException if this receiver was closed
         */
        public Receiver<T> resubscribe() {
            checkOpen();
            return shared.subscribe();
        }

        /**
         * Closes this receiver: it no longer holds values back (its share of every value
         * it had not read is given up), and when it was the last one, sends fail and
         * {@link Sender#closed()} completes. A {@code recv()} pending on it is woken and
         * fails. Another task may close it while its owner waits or reads: the owner's
         * receive then fails with {@link IllegalStateException} (a value it had already
         * read stays read). Later calls do nothing.
         */
        @Override
        public void close() {
            if (handleClosed) {
                return;
            }
            List<Waker> wake = shared.closeReceiver(this);
            if (wake != null) {
                WaiterList.wakeAll(wake);
            }
        }

        void checkOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this broadcast receiver was closed; subscribe a new one to receive");
            }
        }

        /** Pending recv() registrations on the channel (for tests). */
        int waitingCount() {
            return shared.waitingCount();
        }

        @Override
        public String toString() {
            return "Broadcast.Receiver[" + len() + " unread" + (handleClosed ? ", closed]" : "]");
        }
    }

    /** The future of {@link Receiver#recv()}: the waiter node itself. */
    private static final class Recv<T> extends Waiter implements Future<T> {
        private final Receiver<T> rx;
        /** Owner-only: linked at some point and not yet known to be unlinked. */
        private boolean registered;

        Recv(Receiver<T> rx) {
            this.rx = rx;
        }

        @Override
        public Poll<T> poll(Context cx) {
            rx.checkOpen();
            if (!cx.proceed()) {
                return Poll.pending();
            }
            Shared<T> s = rx.shared;
            for (;;) {
                Object r;
                try {
                    r = rx.take();
                } catch (Lagged e) {
                    unregister();
                    throw e;
                }
                if (r != EMPTY) {
                    unregister();
                    return Poll.ready(cast(r));
                }
                s.lock.lock();
                try {
                    // Closed by another task since this poll began: the close, under this
                    // lock, did not see this future; linked now, nothing would wake it.
                    rx.checkOpen();
                    if (s.tail != rx.next) {
                        continue; // a send came in between: read it (unlocks in finally)
                    }
                    if (s.senders == 0) {
                        unlinkLocked(s);
                        return Poll.ready(null);
                    }
                    waker = cx.waker();
                    if (!isLinked()) {
                        s.waiting.addLast(this);
                        if (!registered) {
                            registered = true;
                            rx.registeredFutures++;
                        }
                    }
                    return Poll.pending();
                } finally {
                    s.lock.unlock();
                }
            }
        }

        @SuppressWarnings("unchecked")
        private static <T> T cast(Object o) {
            return (T) o;
        }

        private void unlinkLocked(Shared<T> s) {
            s.waiting.remove(this);
            waker = null;
            if (registered) {
                registered = false;
                rx.registeredFutures--;
            }
        }

        private void unregister() {
            if (registered) {
                Shared<T> s = rx.shared;
                s.lock.lock();
                try {
                    unlinkLocked(s);
                } finally {
                    s.lock.unlock();
                }
            }
        }

        /** Leaves the waiter list; nothing was taken from the channel. */
        @Override
        public void drop() {
            unregister();
        }
    }

}
