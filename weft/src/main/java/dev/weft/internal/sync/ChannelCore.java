package dev.weft.internal.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.Throwing;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The machinery of the multi-producer multi-consumer {@code dev.weft.sync.Channel}:
 * a lock, a bounded buffer, and two waiter lists. See
 * {@code docs/adr/0004-waiter-queue-and-sync.md}.
 *
 * @param <T> the type of the values
 */
public final class ChannelCore<T> {
    /*
     * Implementation notes.
     *
     * Overview. One SpinLock guards everything: `buffer` (an ArrayDeque, oldest
     * first), `senders` (waiting Sending nodes, each holding its value) and
     * `receivers` (waiting Receiving nodes). Every critical section is a few pointer
     * moves; wakers and the undelivered hook are called after unlocking. The
     * structure follows the ADR (a lock and two lists), not a lock-free segment
     * queue as in Jox or kotlinx: cancellation is then an O(1) unlink and there
     * are no broken cells to skip.
     *
     *   capacity 3, full, two senders waiting:
     *
     *     buffer:    [a b c]            (receivers take from the left)
     *     senders:   (d) -> (e)         (the oldest sender moves in when a slot frees)
     *     receivers: empty
     *
     * Invariants (at every unlock):
     *   I1  receivers non-empty  =>  buffer empty and senders empty.
     *   I2  senders non-empty    =>  buffer.size() >= capacity.
     * So the two lists are never both non-empty, a newcomer (trySend, tryRecv, a
     * first poll) never overtakes a waiter, and a value never waits in a list while
     * its counterpart waits in the other.
     *
     * buffer.size() may exceed capacity only through a give-back (below): such a
     * value was already counted as sent, and it goes to the head of the buffer (see
     * "Giving back in order"). While it does, no sender moves in (I2 holds).
     *
     * Send (under the lock): closed -> fail. Else a waiting receiver -> unlink the
     * oldest, store the value in it, outcome HANDED, wake it (it completes with that
     * value without touching the buffer). Else room -> append. Else (full, or
     * capacity 0) link the Sending node, which keeps its value.
     *
     * Receive (under the lock): buffer non-empty -> take its head, and if that left
     * room, move the oldest waiting sender's value to the tail (outcome TAKEN, wake
     * it). Else a waiting sender (only with capacity 0, by I2) -> take its value
     * directly (rendezvous). Else closed -> null. Else link the Receiving node.
     * Each event wakes exactly the one node it completed: no thundering herd.
     *
     * Node outcome: a volatile int, 0 while linked. Only the lock holder unlinks a
     * node and sets its outcome (after storing the value), so the owner may read it
     * without the lock: outcome != 0 means unlinked, and the value is visible.
     *   Sending:   0 -> TAKEN (a receiver has the value) | FAILED (close/cancel)
     *   Receiving: 0 -> HANDED (value stored in the node) | CLOSED (no value)
     * The owner's own `phase` (NEW, WAITING, DONE) is touched by the owner only.
     *
     * Close: state CLOSED; every waiting sender fails (its poll throws SendError
     * carrying the value back), every waiting receiver is woken (its next poll
     * takes a value if one was given back meanwhile, else answers null). The
     * buffer stays readable. Cancel: the same, and the buffer is emptied into the
     * hook (or answered to the caller when there is no hook).
     *
     * Closed and drained. A receive answers null only when the channel is closed,
     * the buffer is empty and no value is out in a receive that may still give it
     * back: `handedOut` counts values stored in Receiving nodes (HANDED) and not yet
     * returned by their poll or given back by their drop. While it is above zero, a
     * receive on a closed, empty channel links and waits; the give-back hands it the
     * value, and the return that brings the count to zero wakes every receiver still
     * linked, which then answers null. (Answering null at once let a second receiver
     * see "closed and drained", and its loop end, before a select's losing receive
     * put its value back into the buffer, where nobody read it.) The count moves by
     * an atomic add: up under the lock when a value is handed, down outside it when
     * a poll returns one, so the common hand-off takes no second lock; the return
     * that reaches zero on a closed channel takes the lock to wake the drain's
     * waiters, after its decrement, so a receive that links under the lock either
     * sees the count at zero or is linked before that wake looks.
     *
     * Giving back in order. A value is handed to a waiting receive only while the
     * buffer is empty (I1), so every value buffered later was sent after it: a
     * value given back belongs ahead of every buffered one that was not given back.
     * Among given-back values, the order they come back in is the drops' (two
     * losing select branches, oldest first, would swap two values put each at the
     * front). So each hand-out is stamped from `handOuts` (a counter under the
     * lock; a value handed on by a give-back keeps its stamp), and the given-back
     * values at the head of the buffer keep their stamps in `returnedStamps`, newest
     * first, `returned` of them. putBack inserts a value among them by its stamp
     * (taking the older ones off the head and putting them back: they are as many
     * as there are receives that lost a value at once), and a take from the head
     * drops the head's stamp while `returned` is above 0. The buffer stays one
     * deque, so len, capacity checks, isEmpty and "closed and drained" read it as
     * before; the normal path adds a counter increment per hand-out and a compare
     * per take, and no allocation.
     *
     *   handed: 1 -> r1, 2 -> r2; buffered: [3]; r1 dropped, then r2:
     *     buffer [1 3]    returnedStamps {0}
     *     buffer [1 2 3]  returnedStamps {1 0}   (2 goes behind 1, which is older)
     *
     * Cancellation (drop):
     *   - Sending dropped while linked: unlinked. Dropped unlinked with outcome
     *     TAKEN: nothing (delivered). Dropped in any other state before it
     *     completed (never polled, polled but out of budget, failed by close but
     *     not yet polled): its value goes to the hook if there is one. A value
     *     passed to send() therefore ends in exactly one place: a receiver, a
     *     SendError, or the hook (or, without a hook, back with its caller).
     *   - Receiving dropped while linked: unlinked; it consumed no event, so there
     *     is nothing to pass on. Dropped with outcome HANDED (the value was stored
     *     in it under the lock, but no poll returned it): the value is given back,
     *     to the oldest waiting receiver if there is one (I1: buffer then empty),
     *     else to the head of the buffer, in order. After cancel() it goes to the
     *     hook if there is one. A value is thus never lost by a receive's drop.
     *
     * Tested by ChannelTest (per method, capacities 0/1/N/unbounded, poll-level
     * give-back), ChannelCancellationTest (drops, aborts, select losses),
     * ChannelStressTest (counting) and ChannelLincheckTest /
     * ChannelRecvDropLincheckTest (model checking of try*, close and the
     * poll-once-then-drop paths).
     */

    /** {@link #trySend} answers. */
    public static final int SENT = 0;
    public static final int FULL = 1;
    public static final int CLOSED = 2;
    private static final int WAITING = 3;

    private static final int OPEN = 0;
    private static final int STATE_CLOSED = 1;
    private static final int STATE_CANCELLED = 2;

    // Node outcomes (0 = linked or never linked).
    private static final int TAKEN = 1;
    private static final int FAILED = 2;
    private static final int HANDED = 1;
    private static final int WOKEN_CLOSED = 2;

    // Owner phases.
    private static final int NEW = 0;
    private static final int LINKED = 1;
    private static final int DONE = 2;

    private final SpinLock lock = new SpinLock();
    private final int capacity;
    private final ArrayDeque<T> buffer;
    private final WaiterList<Sending<T>> senders = new WaiterList<>();
    private final WaiterList<Receiving<T>> receivers = new WaiterList<>();
    private final Consumer<? super T> undelivered;
    /** The error a failing send throws, made of the message and the value. */
    private final ErrorFactory closedError;
    /** OPEN, STATE_CLOSED or STATE_CANCELLED; written under the lock, read anywhere. */
    private volatile int state;
    /** Values handed to receives and not yet returned or given back: see "Closed and drained". */
    private volatile int handedOut;
    /** Hand-outs so far, the stamp of the next one: see "Giving back in order". Under the lock. */
    private long handOuts;
    /**
     * The stamps of the given-back values at the head of the buffer, newest first:
     * {@code returnedStamps[returned - 1]} is the head's. Under the lock.
     */
    private long[] returnedStamps = NO_STAMPS;
    /** How many values at the head of the buffer were given back. Under the lock. */
    private int returned;

    private static final long[] NO_STAMPS = {};

    private static final VarHandle HANDED_OUT;

    static {
        try {
            HANDED_OUT = MethodHandles.lookup().findVarHandle(ChannelCore.class, "handedOut", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Makes the exception a send on a closed channel throws. */
    @FunctionalInterface
    public interface ErrorFactory {
        RuntimeException closed(Object value);
    }

    /**
     * @param capacity    0 for a rendezvous, {@code Integer.MAX_VALUE} for unbounded
     * @param undelivered the hook for values that can no longer be delivered, or null
     * @param closedError the exception a send on a closed channel throws
     */
    public ChannelCore(int capacity, Consumer<? super T> undelivered, ErrorFactory closedError) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0 (0 is a rendezvous channel), got " + capacity);
        }
        this.capacity = capacity;
        this.buffer = new ArrayDeque<>(Math.min(capacity, 16));
        this.undelivered = undelivered;
        this.closedError = Objects.requireNonNull(closedError, "closedError");
    }

    public int capacity() {
        return capacity;
    }

    public boolean isClosed() {
        return state != OPEN;
    }

    /** Whether a receive would answer null now: closed, empty, and no value out in a receive. */
    public boolean isClosedAndDrained() {
        if (state == OPEN) {
            return false;
        }
        lock.lock();
        try {
            return buffer.isEmpty() && handedOut == 0;
        } finally {
            lock.unlock();
        }
    }

    /** Values in the buffer now (a snapshot). */
    public int len() {
        lock.lock();
        try {
            return buffer.size();
        } finally {
            lock.unlock();
        }
    }

    /** Senders waiting now (a snapshot). */
    public int waitingSenders() {
        lock.lock();
        try {
            return senders.size();
        } finally {
            lock.unlock();
        }
    }

    /** Receivers waiting now (a snapshot). */
    public int waitingReceivers() {
        lock.lock();
        try {
            return receivers.size();
        } finally {
            lock.unlock();
        }
    }

    // ---- send --------------------------------------------------------------------

    /** {@link #SENT}, {@link #FULL} or {@link #CLOSED}; never waits. */
    public int trySend(T value) {
        return offer(value, null, null);
    }

    public Future<Void> send(T value) {
        return new Sending<>(this, value);
    }

    /**
     * The send step: {@link #SENT}, {@link #CLOSED}, {@link #FULL} (when {@code node}
     * is null) or {@link #WAITING} (node linked with {@code waker}).
     */
    private int offer(T value, Sending<T> node, Waker waker) {
        Receiving<T> r;
        Waker wake;
        lock.lock();
        try {
            if (state != OPEN) {
                return CLOSED;
            }
            r = receivers.pollFirst();
            if (r == null) {
                if (buffer.size() < capacity) {
                    buffer.addLast(value);
                    return SENT;
                }
                if (node == null) {
                    return FULL;
                }
                node.waker = waker;
                senders.addLast(node);
                return WAITING;
            }
            hand(r, value, handOuts++);
            wake = r.waker;
            r.waker = null;
        } finally {
            lock.unlock();
        }
        Wakers.wake(wake);
        return SENT;
    }

    // ---- receive -----------------------------------------------------------------

    /** A value if one can be taken now, else null. */
    @SuppressWarnings("unchecked")
    public T tryRecv() {
        return (T) take(null, null);
    }

    public Future<T> recv() {
        return new Receiving<>(this);
    }

    /** What {@link #take} answers when it linked the node. */
    private static final Object LINKED_NODE = new Object();

    /**
     * The receive step: a value; {@link #LINKED_NODE} when {@code node} was given and
     * is now waiting; null when there is nothing (closed and drained, or nothing now
     * and no node given).
     */
    private Object take(Receiving<T> node, Waker waker) {
        T v;
        Waker wake = null;
        lock.lock();
        try {
            Sending<T> moved;
            v = buffer.pollFirst();
            if (v != null) {
                if (returned != 0) {
                    returned--; // the head was given back: its stamp goes too
                }
                // A slot is free now (unless the buffer held given-back extras): the
                // oldest waiting sender moves in.
                moved = buffer.size() < capacity ? senders.pollFirst() : null;
                if (moved != null) {
                    buffer.addLast(moved.value);
                }
            } else {
                // Empty buffer and a waiting sender: capacity 0 (I2), a rendezvous.
                moved = senders.pollFirst();
                if (moved != null) {
                    v = moved.value;
                } else {
                    if (node != null && (state == OPEN || handedOut > 0)) {
                        node.waker = waker;
                        receivers.addLast(node);
                        return LINKED_NODE;
                    }
                    return null;
                }
            }
            if (moved != null) {
                wake = moved.waker;
                moved.waker = null;
                moved.outcome = TAKEN;
            }
        } finally {
            lock.unlock();
        }
        Wakers.wake(wake);
        return v;
    }

    /**
     * Stores {@code value} in the waiting receive {@code r}, unlinked by the caller,
     * with the stamp of its first hand-out. Under the lock.
     */
    private void hand(Receiving<T> r, T value, long stamp) {
        r.value = value;
        r.stamp = stamp;
        r.outcome = HANDED;
        HANDED_OUT.getAndAdd(this, 1);
    }

    /**
     * A receive's poll returned the value handed to it. The last one out of a closed
     * channel wakes the receives that wait for the drain to end: they answer null.
     */
    private void handedValueReturned() {
        if ((int) HANDED_OUT.getAndAdd(this, -1) == 1 && state != OPEN) {
            List<Waker> wakers;
            lock.lock();
            try {
                wakers = handedOut == 0 && buffer.isEmpty() ? releaseReceivers() : List.of();
            } finally {
                lock.unlock();
            }
            WaiterList.wakeAll(wakers);
        }
    }

    /** Unlinks every waiting receive as woken by the close, and answers their wakers. Under the lock. */
    private List<Waker> releaseReceivers() {
        List<Waker> wakers = new ArrayList<>(receivers.size());
        for (Receiving<T> n; (n = receivers.pollFirst()) != null; ) {
            n.outcome = WOKEN_CLOSED;
            wakers.add(n.waker);
            n.waker = null;
        }
        return wakers;
    }

    /**
     * A value handed to a receive that was dropped before returning it: to the oldest
     * waiting receiver, else the head of the buffer, behind the values given back
     * that were handed out before it (after cancel(): the hook, if any).
     */
    private void giveBack(T value, long stamp) {
        Waker wake = null;
        List<Waker> drained = null;
        boolean toHook = false;
        lock.lock();
        try {
            HANDED_OUT.getAndAdd(this, -1);
            if (state == STATE_CANCELLED && undelivered != null) {
                toHook = true;
                if (handedOut == 0) {
                    drained = releaseReceivers(); // the receives waiting for this value: the end
                }
            } else {
                Receiving<T> r = receivers.pollFirst();
                if (r != null) {
                    hand(r, value, stamp);
                    wake = r.waker;
                    r.waker = null;
                } else {
                    putBack(value, stamp);
                }
            }
        } finally {
            lock.unlock();
        }
        Wakers.wake(wake);
        if (drained != null) {
            WaiterList.wakeAll(drained);
        }
        if (toHook) {
            undelivered.accept(value);
        }
    }

    /**
     * Puts a given-back value into the head of the buffer, in stamp order among the
     * values given back before it (they are all at the head: see "Giving back in
     * order"). Under the lock. Allocates only when a value goes behind others.
     */
    private void putBack(T value, long stamp) {
        int ahead = 0; // given-back values handed out before this one: they stay ahead of it
        while (ahead < returned && returnedStamps[returned - 1 - ahead] < stamp) {
            ahead++;
        }
        if (returned == returnedStamps.length) {
            returnedStamps = Arrays.copyOf(returnedStamps, Math.max(4, 2 * returned));
        }
        int at = returned - ahead;
        System.arraycopy(returnedStamps, at, returnedStamps, at + 1, ahead);
        returnedStamps[at] = stamp;
        returned++;
        if (ahead == 0) {
            buffer.addFirst(value);
            return;
        }
        Object[] older = new Object[ahead];
        for (int i = 0; i < ahead; i++) {
            older[i] = buffer.pollFirst();
        }
        buffer.addFirst(value);
        for (int i = ahead - 1; i >= 0; i--) {
            @SuppressWarnings("unchecked")
            T o = (T) older[i];
            buffer.addFirst(o);
        }
    }

    // ---- close -------------------------------------------------------------------

    /** Closes for sending; waiting senders fail, waiting receivers wake. Answers whether this call closed it. */
    public boolean close() {
        return shut(STATE_CLOSED, null);
    }

    /**
     * Closes and empties the buffer: the values go to the hook if there is one (and
     * the answer is empty), else they are answered, oldest first.
     */
    public List<T> cancel() {
        List<T> out = new ArrayList<>();
        shut(STATE_CANCELLED, out);
        if (undelivered != null && !out.isEmpty()) {
            deliverToHook(out);
            return new ArrayList<>();
        }
        return out;
    }

    private boolean shut(int newState, List<T> emptied) {
        List<Waker> wakers;
        boolean changed;
        lock.lock();
        try {
            int s = state;
            changed = s < newState;
            if (changed) {
                state = newState;
            }
            if (emptied != null) {
                emptied.addAll(buffer);
                buffer.clear();
                returned = 0;
            }
            wakers = releaseReceivers();
            for (Sending<T> n; (n = senders.pollFirst()) != null; ) {
                n.outcome = FAILED;
                wakers.add(n.waker);
                n.waker = null;
            }
        } finally {
            lock.unlock();
        }
        WaiterList.wakeAll(wakers);
        return changed;
    }

    /** Every value to the hook, even when it throws for some (the first failure is rethrown after). */
    private void deliverToHook(List<T> values) {
        Throwable failure = null;
        for (T v : values) {
            try {
                undelivered.accept(v);
            } catch (Throwable e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
    }


    // ---- the futures: each is its own waiter node ---------------------------------

    /** The future of {@link #send}: holds the value while it waits. Polled by one task at a time. */
    private static final class Sending<T> extends Waiter implements Future<Void> {
        private final ChannelCore<T> core;
        private final T value;
        /** 0 while linked or never linked; TAKEN or FAILED once unlinked. Written under the lock. */
        private volatile int outcome;
        /** Owner-only: NEW, LINKED or DONE. */
        private int phase;

        Sending(ChannelCore<T> core, T value) {
            this.core = core;
            this.value = value;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (phase == DONE) {
                throw new IllegalStateException("send future polled after it completed; make a new one with send(value)");
            }
            if (!cx.proceed()) {
                return Poll.pending();
            }
            int o;
            if (phase == NEW) {
                int r = core.offer(value, this, cx.waker());
                if (r == WAITING) {
                    phase = LINKED;
                    return Poll.pending();
                }
                o = r == SENT ? TAKEN : FAILED;
            } else {
                o = outcome;
                if (o == 0) {
                    SpinLock lock = core.lock;
                    lock.lock();
                    try {
                        o = outcome;
                        if (o == 0 && waker != cx.waker()) {
                            waker = cx.waker();
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (o == 0) {
                        return Poll.pending();
                    }
                }
            }
            phase = DONE;
            if (o == TAKEN) {
                return Poll.ready(null);
            }
            throw core.closedError.closed(value);
        }

        @Override
        public void drop() {
            int p = phase;
            if (p == DONE) {
                return;
            }
            phase = DONE;
            int o = outcome;
            if (p == LINKED && o == 0) {
                SpinLock lock = core.lock;
                lock.lock();
                try {
                    o = outcome;
                    if (o == 0) {
                        core.senders.remove(this);
                        waker = null;
                    }
                } finally {
                    lock.unlock();
                }
            }
            if (o != TAKEN && core.undelivered != null) {
                core.undelivered.accept(value);
            }
        }

        @Override
        public String toString() {
            return "Channel.send(" + value + ")";
        }
    }

    /** The future of {@link #recv}: a value may be handed to it while it waits. Polled by one task at a time. */
    private static final class Receiving<T> extends Waiter implements Future<T> {
        private final ChannelCore<T> core;
        /** The value handed over; written under the lock before outcome = HANDED. */
        private T value;
        /** The stamp of the value's first hand-out; written with it. */
        private long stamp;
        /** 0 while linked or never linked; HANDED or WOKEN_CLOSED once unlinked. Written under the lock. */
        private volatile int outcome;
        /** Owner-only: NEW, LINKED or DONE. */
        private int phase;

        Receiving(ChannelCore<T> core) {
            this.core = core;
        }

        @Override
        public Poll<T> poll(Context cx) {
            if (phase == DONE) {
                throw new IllegalStateException("receive future polled after it completed; make a new one with recv()");
            }
            if (!cx.proceed()) {
                return Poll.pending();
            }
            if (phase == LINKED) {
                int o = outcome;
                if (o == 0) {
                    SpinLock lock = core.lock;
                    lock.lock();
                    try {
                        o = outcome;
                        if (o == 0 && waker != cx.waker()) {
                            waker = cx.waker();
                        }
                    } finally {
                        lock.unlock();
                    }
                    if (o == 0) {
                        return Poll.pending();
                    }
                }
                if (o == HANDED) {
                    phase = DONE;
                    T v = value;
                    value = null;
                    core.handedValueReturned();
                    return Poll.ready(v);
                }
                // Woken by close: unlinked with no value. Look again: a value may have
                // been given back to the buffer meanwhile; else the answer is null.
                outcome = 0;
                phase = NEW;
            }
            Object v = core.take(this, cx.waker());
            if (v == LINKED_NODE) {
                phase = LINKED;
                return Poll.pending();
            }
            phase = DONE;
            @SuppressWarnings("unchecked")
            T value = (T) v;
            return Poll.ready(value);
        }

        @Override
        public void drop() {
            int p = phase;
            if (p == DONE) {
                return;
            }
            phase = DONE;
            if (p != LINKED) {
                return;
            }
            int o = outcome;
            if (o == 0) {
                SpinLock lock = core.lock;
                lock.lock();
                try {
                    o = outcome;
                    if (o == 0) {
                        core.receivers.remove(this);
                        waker = null;
                    }
                } finally {
                    lock.unlock();
                }
            }
            if (o == HANDED) {
                T v = value;
                value = null;
                core.giveBack(v, stamp);
            }
        }

        @Override
        public String toString() {
            return "Channel.recv()";
        }
    }

    @Override
    public String toString() {
        int len = len();
        int s = state;
        return "len=" + len + ", capacity=" + (capacity == Integer.MAX_VALUE ? "unbounded" : capacity)
                + (s == STATE_CANCELLED ? ", cancelled" : s == STATE_CLOSED ? ", closed" : "");
    }
}
