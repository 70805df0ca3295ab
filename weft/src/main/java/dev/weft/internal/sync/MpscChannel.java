package dev.weft.internal.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.runtime.ThreadContext;
import dev.weft.sync.SendError;
import dev.weft.time.Elapsed;
import dev.weft.time.Time;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * The machinery of {@code dev.weft.sync.Mpsc}: one channel, bounded or unbounded,
 * shared by its senders and its one receiver. See
 * {@code docs/adr/0004-waiter-queue-and-sync.md}.
 *
 * @param <T> the type of the values
 */
public final class MpscChannel<T> {
    /*
     * Implementation notes.
     *
     * Overview. Values travel through an MpscQueue (lock-free: producers swap the
     * tail, the one consumer follows `next`). What may enter the queue is decided
     * before the push, by an admission counter:
     *   - bounded:   a BatchSemaphore of `capacity` permits. A send takes a permit
     *                (waiting in the semaphore's FIFO if none is free), then pushes,
     *                which never waits. The receiver gives the permit back when it
     *                takes the value. A reserve() takes permits without pushing.
     *   - unbounded: `count` = (values admitted and not yet taken << 1) | CLOSED,
     *                one CAS per send, one getAndAdd per receive.
     * Either way "permits out" = values in the queue + values between admission and
     * push + reserved slots not yet used, and closing the admission (semaphore
     * close / CLOSED bit) stops new ones atomically with respect to every send.
     *
     *     senders --admit--> [ semaphore | count ] --push--> queue --take--> receiver
     *                                  ^                                      |
     *                                  +--------- permit back on take --------+
     *
     * State.
     *   flags    RX_CLOSED (the receiver closed), TX_GONE (the last sender closed),
     *            DONE (the receiver is done and the channel has a hook: values go to
     *            the hook from now on), CLOSING (the receiver is about to close
     *            admission). Bits are only ever set. TX_GONE and CLOSING are set
     *            before admission closes, so while neither is set admission is
     *            open: the receiver checks that here, in a line of its own (beside
     *            rxWaker, which it writes when its waker changes), before it reads
     *            the semaphore's state, which every send and receive CASes (I2 then
     *            costs no shared-line read while the channel is open).
     *            TX_GONE_AFTER_RX is set with TX_GONE (one CAS) when CLOSING was
     *            already set: the receiver began to close first. It only picks the
     *            words of a SendError's message (closedError).
     *   senders  strong sender handles; sticky at 0 (a weak sender cannot upgrade).
     *   rxWaker  the receiver's waker, set by a pending receive, taken (getAndSet
     *            null) and woken by whoever may have made it ready: a push, the last
     *            sender closing, a slot given back after close, the receiver's own
     *            close() or drain() (a receive of the same task, joined with the
     *            close, or a receive left pending while another task closes).
     *
     * Invariants.
     *   I1  A value is in exactly one place: a send future (or the caller of
     *       trySend / an unbounded send), the queue, the receiver's hands, the hook,
     *       or a SendError. A pushed value is never failed.
     *   I2  The receiver answers "closed and drained" (null) only when admission is
     *       closed and no permit is out (bounded: the semaphore is closed with all
     *       `capacity` permits free, counting those the receiver freed: closedWithAll;
     *       unbounded: count == CLOSED). Since admission is closed nothing new can
     *       come, and since no permit is out nothing admitted is still on its way.
     *   I3  No lost wake-up of the receiver: it writes rxWaker (volatile), then
     *       re-reads the queue and the admission state; a producer links its node
     *       (volatile) or changes the admission state, then reads rxWaker. One of
     *       the two sees the other's write. A receiver that reads its own waker
     *       still in rxWaker skips the write (registerReceiver): only a producer's
     *       (or a closer's) getAndSet takes it out, and whoever takes it after that
     *       read wakes it, during the receiver's poll, which then polls again. This
     *       relies on the reads that follow (the queue's `next`, the admission
     *       state) being volatile: they then sit in one order with the producers'
     *       links and getAndSets even where no store of the receiver's fences them.
     *       One exception, for a push only: when its link landed on the head node
     *       that a thread task marked while it spins watching this queue, and that
     *       task's waker is rxWaker (MpscQueue.push answers the mark, read after the
     *       link), the push leaves both the waker and the wake alone. The spin sees
     *       the chain reach past the head (a push whose link is not the one that
     *       joins it found no mark, and wakes); MpscQueue's notes give the Dekker pair
     *       that covers a spin ending just then. A mark of another waker is no reason
     *       to skip: the spinner's future may no longer receive here (the poll that
     *       set its watch handed the receiver on), and the registered receiver then
     *       needs its wake (found in review). The waker stays registered,
     *       so the receiver's next pending receive does not write rxWaker either
     *       (ADR 0002, "A wake a spinning receiver does not need"). Closes and
     *       give-backs always wake: they link nothing the spin could see.
     *
     * Closing. The receiver's close() closes admission, then sets RX_CLOSED (that
     * order makes "closed" one linearization point for trySend and isClosed; found
     * by MpscLincheckTest when it was the other way round). Waiting sends and
     * reserves then fail with SendError, carrying their values back, and every
     * Sender.closed() future completes. Values already admitted stay
     * readable, unless the channel has a hook: then DONE is set and everything in
     * the queue, and everything pushed later by sends admitted before the close,
     * goes to the hook. The last sender closing sets TX_GONE and closes admission
     * the same way (values stay readable; the receiver drains them, then null).
     * Either close then wakes rxWaker, as a push does: a pending receive may now
     * answer null. The receiver's close wakes it after DONE is set (and drain()
     * after its own pops), so that the woken receive finds DONE and leaves the
     * queue to the drainer; a receive that registers after that wake reads DONE
     * in closedAndIdle(), in I3's order.
     *
     * DONE drains. After DONE the receiver no longer takes values; the consumer
     * role passes to "whoever drains": a push that sees DONE (after its push) and
     * close() itself call drainToHook(), serialized by the `draining` counter (the
     * one that moves it from 0 drains, the others only count, and the drainer
     * loops until the count it saw is back to 0). A drainer that finds the queue
     * busy (a push half done) stops: that producer checks DONE after its link and
     * drains itself. So every value pushed after DONE reaches the hook.
     *
     * Giving slots back. From DEFERRED_MIN_CAPACITY slots on, the receiver gives a
     * slot back with the semaphore's releaseDeferred (a getAndAdd on a padded cell of
     * its own) instead of a CAS on the semaphore's state word, which every send
     * CASes: with the producers on the other core that word crossed cores twice per
     * message (ADR 0004, fourth pass). What a caller may observe is unchanged:
     *   - a send or reserve is never refused, queued or kept waiting while a slot
     *     the receiver freed is unused: an acquire that finds the state word empty
     *     pulls the freed slots in under the semaphore's lock (once per batch), and
     *     while a sender waits every receive hands its slot out at once, FIFO;
     *   - trySend answers "full" only if no slot was free at one instant: while a
     *     sender waits it answers from the state word alone (the slots the receiver
     *     freed are on their way to the waiters, FIFO), otherwise it reads both words
     *     under the lock, where freed slots can only be added;
     *   - capacity() counts the freed slots while no sender waits (read under the
     *     lock), and, like trySend, not while one does. Under concurrent sends and
     *     receives it is a snapshot, as before: it may count a slot a receive freed
     *     after a concurrent send read the state word;
     *   - I2 reads both words once admission is closed; after the close nothing
     *     moves freed slots any more (the lock, and CLOSED set under it), so the
     *     sum is exact. len() is the queue's and does not change.
     * Below DEFERRED_MIN_CAPACITY a pull would take the lock for one or two slots,
     * so the receiver releases directly (W2's capacity 1: a pull per message).
     *
     * Linearizability. Admission (a permit, a count) and the push are two steps,
     * so for an instant a send holds a slot whose value is not in the queue yet,
     * as a reserved permit does. tryRecv answers null then, though the send may
     * have answered "sent" before the tryRecv returned: not linearizable against a
     * sequential channel without permits (MpscLincheckTest found that history and
     * now leaves tryRecv against trySend out; Tokio's try_recv has the same
     * window). Waiting in tryRecv for such sends is not an option: a send future
     * assigned a slot pushes only when its task is next polled. Between a push's
     * swap and its link, tryRecv does wait (MpscQueue.popWaiting), so values
     * already swapped in are never missed.
     *
     * Cancellation.
     *   - A send future dropped before it completed: leaves the semaphore queue,
     *     gives back any permit assigned to it, and hands its value to the hook (or,
     *     without one, leaves it with the caller). It never pushed: the push happens
     *     in the same poll that sees the permit, so "completed" and "pushed" agree.
     *   - A reserve dropped: leaves the queue, gives back what was assigned.
     *   - A receive dropped: nothing to undo. A value leaves the queue only in the
     *     poll that returns it. The receiver's waker may stay registered; at worst
     *     it causes one spurious wake-up (clearing it could remove the registration
     *     of another receive polled by the same task).
     *   - A give-back after close may make the channel idle (I2), so it wakes the
     *     receiver.
     *   - No wake throws (a waker of another task that does is logged: Wakers), so
     *     the only other code a channel operation runs is the hook, which may throw.
     *     The receiver's close wakes a pending receive whatever the hook threw, and
     *     drain() logs a failure of the hook rather than throw away the values it
     *     took.
     *   - A sendTimeout: the inner send keeps its value when dropped, and the
     *     wrapper places it: in the SendError when the time ran out; on any other
     *     failure of the timeout (the runtime's timers stopped), in the hook, or,
     *     without one, in a SendError whose cause is the failure (an Error is
     *     rethrown as it is, carrying that SendError as suppressed). A failure
     *     whose send no longer holds its value (it was pushed, or a closed
     *     channel's SendError carries it) is rethrown as it is.
     *
     * Tested by MpscTest, MpscUnboundedTest (each method and exception, close
     * stories, drops), MpscStressTest (counting under aborts and select losers),
     * MpscLincheckTest (trySend / close / state queries, and the queue under
     * them, model checked), MpscSendersLincheckTest (weak upgrade, trySend and the
     * last sender's close against isClosed and the sender count, model checked),
     * MpscSpinHandOffTest (hand-offs to receivers that spin watching the queue) and
     * SpinMarkOfAnotherThreadTest (a mark of a spinner that no longer receives).
     */
    private static final System.Logger LOG = System.getLogger("dev.weft.sync.Mpsc");
    private static final int RX_CLOSED = 1;
    private static final int TX_GONE = 2;
    private static final int DONE = 4;
    private static final int CLOSING = 8;
    private static final int TX_GONE_AFTER_RX = 16;
    private static final long ADMISSION_CLOSED = 1L;
    private static final long ONE = 2L;
    /** From this capacity on, the receiver gives slots back through the semaphore's deferred release. */
    private static final int DEFERRED_MIN_CAPACITY = 16;

    private static final VarHandle FLAGS;
    private static final VarHandle SENDERS;
    private static final VarHandle COUNT;
    private static final VarHandle RX_WAKER;
    private static final VarHandle DRAINING;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FLAGS = l.findVarHandle(MpscChannel.class, "flags", int.class);
            SENDERS = l.findVarHandle(MpscChannel.class, "senders", int.class);
            COUNT = l.findVarHandle(MpscChannel.class, "count", long.class);
            RX_WAKER = l.findVarHandle(MpscChannel.class, "rxWaker", Waker.class);
            DRAINING = l.findVarHandle(MpscChannel.class, "draining", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MpscQueue<T> queue = new MpscQueue<>();
    /** The bounded channel's slots; {@code null} when unbounded. */
    private final BatchSemaphore semaphore;
    /** The semaphore's deferred-release cell, or null: see "Giving slots back". */
    private final long[] freed;
    private final int capacity;
    private final Consumer<? super T> undelivered;
    /** What every recv() answers: see there. */
    private final Recv<T> recv = new Recv<>(this);
    /** RX_CLOSED | TX_GONE | DONE | CLOSING | TX_GONE_AFTER_RX; set by close paths, never cleared. */
    private volatile int flags;
    /** Strong senders; written by CAS (clone, upgrade) and getAndAdd (close). */
    private volatile int senders = 1;
    /** Unbounded only: (admitted, not yet taken << 1) | ADMISSION_CLOSED. */
    private volatile long count;
    /** Set by the receiver before it returns pending; taken by wakeReceiver() (a push may leave it: I3). */
    private volatile Waker rxWaker;
    /** Hook drains asked for; the one that moves it from 0 drains. */
    private volatile int draining;
    /** Guards closedWaiters. */
    private final SpinLock lock = new SpinLock();
    private final WaiterList<ConditionWait> closedWaiters = new WaiterList<>();

    private MpscChannel(int capacity, Consumer<? super T> undelivered) {
        this.capacity = capacity;
        if (capacity >= DEFERRED_MIN_CAPACITY) {
            this.semaphore = BatchSemaphore.withDeferredRelease(capacity);
        } else {
            this.semaphore = capacity > 0 ? new BatchSemaphore(capacity) : null;
        }
        this.freed = semaphore == null ? null : semaphore.deferredCell();
        this.undelivered = undelivered;
    }

    /** A bounded channel of {@code capacity} slots (checked by the caller). */
    public static <T> MpscChannel<T> bounded(int capacity, Consumer<? super T> undelivered) {
        if (capacity < 1 || capacity > BatchSemaphore.MAX_PERMITS) {
            throw new IllegalArgumentException("capacity out of range: " + capacity);
        }
        return new MpscChannel<>(capacity, undelivered);
    }

    /** An unbounded channel. */
    public static <T> MpscChannel<T> unbounded(Consumer<? super T> undelivered) {
        return new MpscChannel<>(0, undelivered);
    }

    // ---- senders -------------------------------------------------------------------

    /** Counts one more strong sender, unless they are all gone (then answers false). */
    public boolean retainSender() {
        for (;;) {
            int n = senders;
            if (n == 0) {
                return false;
            }
            if (SENDERS.compareAndSet(this, n, n + 1)) {
                return true;
            }
        }
    }

    /** One strong sender closed; the last one closes the channel. */
    public void releaseSender() {
        if ((int) SENDERS.getAndAdd(this, -1) == 1) {
            // TX_GONE, and in the same step whether the receiver had begun to close
            // first (for closedError's message).
            for (;;) {
                int f = flags;
                int g = f | TX_GONE | ((f & CLOSING) != 0 ? TX_GONE_AFTER_RX : 0);
                if (FLAGS.compareAndSet(this, f, g)) {
                    break;
                }
            }
            closeAdmission();
            wakeReceiver();
        }
    }

    public int senderCount() {
        return senders;
    }

    private void closeAdmission() {
        if (semaphore != null) {
            semaphore.close();
            return;
        }
        for (;;) {
            long c = count;
            if ((c & ADMISSION_CLOSED) != 0 || COUNT.compareAndSet(this, c, c | ADMISSION_CLOSED)) {
                return;
            }
        }
    }

    private boolean admissionClosed() {
        return semaphore != null ? semaphore.isClosed() : (count & ADMISSION_CLOSED) != 0;
    }

    /**
     * Whether the receiver closed (Tokio's {@code Sender::is_closed}). Linearized
     * with trySend at the admission close: the receiver closes admission before it
     * sets RX_CLOSED, and the last sender sets TX_GONE before it closes admission,
     * so "admission closed and not by the senders" already means the receiver.
     */
    public boolean isReceiverClosed() {
        int f = flags;
        return (f & RX_CLOSED) != 0 || ((f & TX_GONE) == 0 && admissionClosed());
    }

    /**
     * Whether the channel is closed: by the receiver, or because every sender is gone.
     * The second is read from the count itself (releaseSender closes admission only
     * after its decrement), so that a receiver never sees a count of 0 and a channel
     * still open (MpscSendersLincheckTest).
     */
    public boolean isClosed() {
        return senders == 0 || admissionClosed();
    }

    public boolean isBounded() {
        return semaphore != null;
    }

    /** Free slots now (bounded only). */
    public int freeSlots() {
        return semaphore.availablePermits();
    }

    public int capacity() {
        return capacity;
    }

    public boolean hasHook() {
        return undelivered != null;
    }

    /**
     * The error of a send refused because admission is closed; carries {@code value}.
     * It names whoever began to close the channel first: admission closed, so one of
     * CLOSING and TX_GONE is set, and when both are, TX_GONE_AFTER_RX (set with
     * TX_GONE) tells which came first.
     */
    public SendError closedError(Object value) {
        int f = flags;
        boolean byReceiver = (f & CLOSING) != 0 && ((f & TX_GONE) == 0 || (f & TX_GONE_AFTER_RX) != 0);
        String why = byReceiver ? "the receiver closed it" : "every sender was closed";
        String what = value == null ? "no slot was reserved" : "the value was not sent and comes back with this error";
        return new SendError("the mpsc channel is closed (" + why + "); " + what, value);
    }

    // ---- sending -------------------------------------------------------------------

    /** Bounded: takes a slot if one is free now and pushes. */
    public boolean trySend(T value) {
        switch (semaphore.tryAcquire(1)) {
            case BatchSemaphore.ACQUIRED -> {
                push(value);
                return true;
            }
            case BatchSemaphore.NO_PERMITS -> {
                return false;
            }
            default -> throw closedError(value);
        }
    }

    /** Unbounded: admits and pushes, or throws SendError. */
    public void sendUnbounded(T value) {
        for (;;) {
            long c = count;
            if ((c & ADMISSION_CLOSED) != 0) {
                throw closedError(value);
            }
            if (COUNT.compareAndSet(this, c, c + ONE)) {
                break;
            }
        }
        push(value);
    }

    /** Pushes an admitted value (its permit is held): never waits, never fails. */
    public void push(T value) {
        Waker spinner = queue.push(value);
        if (spinner == null || spinner != rxWaker) { // else the registered receiver's spin sees the link (I3)
            wakeReceiver();
        }
        if ((flags & DONE) != 0) {
            drainToHook();
        }
    }

    /** Gives back {@code n} unused slots (a permit closed unused). */
    public void giveBack(int n) {
        semaphore.release(n);
        afterGiveBack();
    }

    /** A slot came back outside a receive: after close that may make the channel idle (I2). */
    void afterGiveBack() {
        if (semaphore.isClosed()) {
            wakeReceiver();
        }
    }

    /** Hands a value that can no longer be sent to the hook, if there is one. */
    public void undeliverable(T value) {
        if (undelivered != null && value != null) {
            undelivered.accept(value);
        }
    }

    private void wakeReceiver() {
        if (rxWaker != null) {
            Waker w = (Waker) RX_WAKER.getAndSet(this, null);
            Wakers.wake(w);
        }
    }

    // ---- receiving (the one consumer) ------------------------------------------------

    private void taken(int n) {
        if (freed != null) {
            semaphore.releaseDeferred(freed, n);
        } else if (semaphore != null) {
            semaphore.release(n);
        } else {
            COUNT.getAndAdd(this, -ONE * n);
        }
    }

    /**
     * Whether a receive that found the queue empty answers null: I2 (admission closed
     * and no permit out), or DONE. DONE is read here too, in the same read of the
     * flags, so that a receive that registers its waker after a close took it out
     * (I3, with DONE in place of a link) still sees the close.
     */
    private boolean closedAndIdle() {
        int f = flags;
        if ((f & DONE) != 0) {
            return true;
        }
        if ((f & (TX_GONE | CLOSING)) == 0) {
            return false; // admission is open: see CLOSING
        }
        if (semaphore != null) {
            return semaphore.closedWithAll(capacity);
        }
        return count == ADMISSION_CLOSED;
    }

    /**
     * I3's registration: after this, a producer that links a value the receiver's next
     * read of the queue misses wakes {@code w}. A waker still registered from an earlier
     * receive (a select whose other branch won leaves it there) is not stored again:
     * reading it there is the same registration, since only a producer's getAndSet
     * takes it out, and that producer then wakes it. This saves the store's fence in a
     * select that finds one of its channels empty round after round (ADR 0004, fifth
     * pass).
     */
    private void registerReceiver(Waker w) {
        if (rxWaker != w) {
            RX_WAKER.setVolatile(this, w);
        }
    }

    /** Pending; a thread task's await may spin watching the queue (I3's exception for pushes). */
    private <R> Poll<R> pendingWatchingQueue(Context cx) {
        if (cx.waker() instanceof ThreadContext tc) {
            tc.watchWhileSpinning(queue);
        }
        return Poll.pending();
    }

    /** One receive: a value, {@code null} once closed and drained, or pending. */
    public Poll<T> pollRecv(Context cx) {
        if (!cx.proceed()) {
            return Poll.pending();
        }
        if ((flags & DONE) != 0) {
            return Poll.ready(null);
        }
        T v = queue.pop();
        if (v == null) {
            if (closedAndIdle()) {
                return Poll.ready(null);
            }
            registerReceiver(cx.waker());
            v = queue.pop();
            if (v == null) {
                return closedAndIdle() ? Poll.ready(null) : pendingWatchingQueue(cx);
            }
        }
        taken(1);
        return Poll.ready(v);
    }

    /** Up to {@code limit} values into {@code into}: their count, 0 once closed and drained, or pending. */
    public Poll<Integer> pollRecvMany(Context cx, Collection<? super T> into, int limit) {
        if (!cx.proceed()) {
            return Poll.pending();
        }
        if ((flags & DONE) != 0) {
            return Poll.ready(0);
        }
        int n = takeInto(into, limit);
        if (n == 0) {
            if (closedAndIdle()) {
                return Poll.ready(0);
            }
            registerReceiver(cx.waker());
            n = takeInto(into, limit);
            if (n == 0) {
                return closedAndIdle() ? Poll.ready(0) : pendingWatchingQueue(cx);
            }
        }
        return Poll.ready(n);
    }

    private int takeInto(Collection<? super T> into, int limit) {
        int n = 0;
        try {
            while (n < limit && queue.popInto(into)) {
                n++;
            }
        } finally {
            if (n > 0) {
                taken(n);
            }
        }
        return n;
    }

    /** A value if one is in the channel now, else {@code null}. */
    public T tryRecv() {
        if ((flags & DONE) != 0) {
            return null;
        }
        T v = queue.popWaiting();
        if (v != null) {
            taken(1);
        }
        return v;
    }

    public boolean isEmpty() {
        return (flags & DONE) != 0 || queue.isEmpty();
    }

    /** What a receive answering null means: done, or closed with nothing on its way (I2). */
    public boolean isClosedAndDrained() {
        return closedAndIdle();
    }

    /**
     * The queue's size. A bounded queue never holds more than `capacity` (a value
     * enters with a permit and gives it back only once popped), so the walk stops
     * there: from another thread it could count pops made while it ran.
     */
    public int len() {
        return (flags & DONE) != 0 ? 0 : queue.size(capacity > 0 ? capacity : Integer.MAX_VALUE);
    }

    /**
     * The receiver closes: admission closes, closed() futures complete; with a hook,
     * what is left goes to it (DONE).
     */
    public void closeReceiver() {
        closeReceiving();
        if (undelivered != null) {
            FLAGS.getAndBitwiseOr(this, DONE);
        }
        // A receive pending on this receiver (joined with this close, or in another
        // task) may answer null now: closed and idle, or DONE. Woken after DONE, so
        // that with a hook it answers null without touching the queue the drain empties;
        // and whatever the hook throws.
        try {
            if (undelivered != null) {
                drainToHook();
            }
        } finally {
            wakeReceiver();
        }
    }

    /** Closes like {@link #closeReceiver()}, but answers what is in the channel now. */
    public List<T> drain() {
        closeReceiving();
        List<T> out = new ArrayList<>();
        if ((flags & DONE) != 0) {
            return out;
        }
        for (T v; (v = queue.popWaiting()) != null; ) {
            out.add(v);
        }
        if (!out.isEmpty()) {
            taken(out.size());
        }
        if (undelivered != null) {
            FLAGS.getAndBitwiseOr(this, DONE);
            try {
                drainToHook();
            } catch (RuntimeException e) {
                // The values taken are the caller's answer: a failing hook must not lose them.
                LOG.log(System.Logger.Level.WARNING, "drain() of an mpsc channel kept the values it took although"
                        + " the undelivered-value hook threw on the values that came after them", e);
            }
        }
        wakeReceiver(); // as in closeReceiver(), once the queue is no longer this call's
        return out;
    }

    private void closeReceiving() {
        if ((flags & RX_CLOSED) != 0) {
            return;
        }
        // Admission first: see isReceiverClosed(). The flag is set before the waiters
        // are drained under the lock, so a closed() future either sees it or is drained.
        FLAGS.getAndBitwiseOr(this, CLOSING); // before admission: see closedAndIdle()
        closeAdmission();
        FLAGS.getAndBitwiseOr(this, RX_CLOSED);
        List<Waker> wakers;
        lock.lock();
        try {
            wakers = closedWaiters.drainWakers();
        } finally {
            lock.unlock();
        }
        WaiterList.wakeAll(wakers);
    }

    /** See "DONE drains" in the notes. */
    private void drainToHook() {
        if ((int) DRAINING.getAndAdd(this, 1) != 0) {
            return;
        }
        Throwable failure = null;
        int missed = 1;
        for (;;) {
            int n = 0;
            for (T v; (v = queue.pop()) != null; ) {
                n++;
                try {
                    undelivered.accept(v);
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    } else {
                        failure.addSuppressed(t);
                    }
                }
            }
            if (n > 0) {
                taken(n);
            }
            missed = (int) DRAINING.getAndAdd(this, -missed) - missed;
            if (missed == 0) {
                break;
            }
        }
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure != null) {
            throw new IllegalStateException("the undelivered-value hook failed", failure);
        }
    }

    // ---- futures -------------------------------------------------------------------

    /** The future of a bounded send. */
    public Future<Void> send(T value) {
        return new Send<>(this, value);
    }

    /** The future of a bounded send that gives up after {@code timeout}. */
    public Future<Void> sendTimeout(T value, Duration timeout) {
        return new SendTimeout<>(this, value, timeout);
    }

    /** The future of {@code n} reserved slots, made into a permit by {@code factory}. */
    public <P> Future<P> reserve(int n, PermitFactory<T, P> factory) {
        return new Reserve<>(this, n, factory);
    }

    /** A permit of {@code n} slots if they are free now (and nobody waits), else null; never waits. */
    public <P> P tryReserve(int n, PermitFactory<T, P> factory) {
        return switch (semaphore.tryAcquire(n)) {
            case BatchSemaphore.ACQUIRED -> factory.make(this, n);
            case BatchSemaphore.NO_PERMITS -> null;
            default -> throw closedError(null);
        };
    }

    /** Makes the public permit of a reserve. */
    @FunctionalInterface
    public interface PermitFactory<T, P> {
        P make(MpscChannel<T> channel, int slots);
    }

    /**
     * The future of one receive. It has no state of its own (the receiver's state is
     * the channel's), so every call answers the same object: a receive per message
     * in a loop, or per select, allocates nothing.
     */
    public Future<T> recv() {
        return recv;
    }

    public Future<Integer> recvMany(Collection<? super T> into, int limit) {
        return new RecvMany<>(this, into, limit);
    }

    public Future<Void> closed() {
        return new ConditionWait(lock, closedWaiters, this::isReceiverClosed);
    }

    /**
     * A send: a one-permit acquire that pushes in the poll that gets the permit. It
     * makes its place in the semaphore's queue (a SlotWait) only when no slot is free
     * at its first poll: a send that finds a slot, the common case, is this small
     * object alone (it used to be the waiting node itself; W9 measured 21 bytes less per
     * message on average without it).
     */
    private static final class Send<T> implements Future<Void> {
        private final MpscChannel<T> chan;
        /** Until it is pushed, failed back, or dropped. */
        private T value;
        /** The waiting node; null until a poll found no free slot. */
        private SlotWait wait;
        /** Owner-only: completed, failed or dropped. */
        private boolean finished;
        /** Dropped by a sendTimeout: the value stays here for the wrapper. */
        private boolean keepValueOnDrop;

        Send(MpscChannel<T> chan, T value) {
            this.chan = chan;
            this.value = value;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (finished) {
                throw new IllegalStateException("this send already completed or was dropped; make a new one");
            }
            if (!cx.proceed()) {
                return Poll.pending();
            }
            int r;
            if (wait != null) {
                r = wait.pollAcquire(cx);
            } else if ((r = chan.semaphore.tryAcquire(1)) == BatchSemaphore.NO_PERMITS) {
                wait = new SlotWait(chan.semaphore);
                r = wait.pollAcquire(cx);
            }
            switch (r) {
                case BatchSemaphore.ACQUIRED -> {
                    T v = value;
                    value = null;
                    finished = true;
                    chan.push(v);
                    return Poll.ready(null);
                }
                case BatchSemaphore.IS_CLOSED -> {
                    T v = value;
                    value = null;
                    finished = true;
                    chan.afterGiveBack();
                    throw chan.closedError(v);
                }
                default -> {
                    return Poll.pending();
                }
            }
        }

        @Override
        public void drop() {
            if (finished) {
                return;
            }
            finished = true;
            T v = null;
            if (!keepValueOnDrop) {
                v = value;
                value = null;
            }
            if (wait != null) {
                wait.dropAcquire();
            }
            chan.afterGiveBack();
            chan.undeliverable(v);
        }
    }

    /** A send's place in the semaphore's queue, for one slot. */
    private static final class SlotWait extends BatchSemaphore.Acquire {
        SlotWait(BatchSemaphore semaphore) {
            super(semaphore, 1);
        }
    }

    /**
     * sendTimeout: a send under Time.timeout. The inner send keeps its value when it
     * is dropped (keepValueOnDrop), and this wrapper places it however the timeout
     * ends: see "Cancellation" in the notes.
     */
    private static final class SendTimeout<T> implements Future<Void> {
        private final MpscChannel<T> chan;
        private final Send<T> send;
        private final Future<Void> timed;
        private final Duration timeout;
        /** Owner-only: completed, failed or dropped. */
        private boolean finished;

        SendTimeout(MpscChannel<T> chan, T value, Duration timeout) {
            this.chan = chan;
            this.send = new Send<>(chan, value);
            this.send.keepValueOnDrop = true;
            this.timeout = timeout;
            this.timed = Time.timeout(timeout, send);
        }

        @Override
        public Poll<Void> poll(Context cx) {
            try {
                Poll<Void> p = timed.poll(cx);
                if (p.isReady()) {
                    finished = true;
                }
                return p;
            } catch (Elapsed e) {
                finished = true;
                SendError err = new SendError("sendTimeout ran out: the mpsc channel stayed full for " + timeout
                        + "; the value was not sent and comes back with this error", takeValue());
                err.initCause(e);
                throw err;
            } catch (RuntimeException | Error e) {
                finished = true;
                // A failure of the send itself leaves it no value: a closed channel's
                // SendError carries it, or it was pushed (the hook threw after the
                // push). Only a send the timeout let go still holds it.
                T v = takeValue();
                if (v == null) {
                    throw e;
                }
                if (chan.undelivered != null) {
                    try {
                        chan.undelivered.accept(v);
                    } catch (Throwable hookFailure) {
                        e.addSuppressed(hookFailure);
                    }
                    throw e;
                }
                SendError err = new SendError("sendTimeout failed with " + e.getClass().getName()
                        + " while it waited for a slot; the value was not sent and comes back with this error", v);
                if (e instanceof Error) {
                    e.addSuppressed(err); // an Error stays what it is; the value rides along
                    throw e;
                }
                err.initCause(e);
                throw err;
            }
        }

        /**
         * The value, if the inner send still holds it, after making sure the send let
         * go of its place and slot (a no-op if the timeout already dropped it).
         */
        private T takeValue() {
            send.drop();
            T v = send.value;
            send.value = null;
            return v;
        }

        @Override
        public void drop() {
            if (finished) {
                return;
            }
            finished = true;
            timed.drop();
            T v = send.value;
            send.value = null;
            chan.undeliverable(v);
        }
    }

    /** A reserve of {@code n} slots. */
    private static final class Reserve<T, P> extends BatchSemaphore.Acquire implements Future<P> {
        private final MpscChannel<T> chan;
        private final PermitFactory<T, P> factory;
        private boolean finished;

        Reserve(MpscChannel<T> chan, int n, PermitFactory<T, P> factory) {
            super(chan.semaphore, n);
            this.chan = chan;
            this.factory = factory;
        }

        @Override
        public Poll<P> poll(Context cx) {
            if (finished) {
                throw new IllegalStateException("this reserve already completed or was dropped; make a new one");
            }
            if (!cx.proceed()) {
                return Poll.pending();
            }
            switch (pollAcquire(cx)) {
                case BatchSemaphore.ACQUIRED -> {
                    finished = true;
                    return Poll.ready(factory.make(chan, permits()));
                }
                case BatchSemaphore.IS_CLOSED -> {
                    finished = true;
                    chan.afterGiveBack();
                    throw chan.closedError(null);
                }
                default -> {
                    return Poll.pending();
                }
            }
        }

        @Override
        public void drop() {
            if (finished) {
                return;
            }
            finished = true;
            dropAcquire();
            chan.afterGiveBack();
        }
    }

    /** Stateless: one per channel, shared by all receives (one receiver polls them). */
    private static final class Recv<T> implements Future<T> {
        private final MpscChannel<T> chan;

        Recv(MpscChannel<T> chan) {
            this.chan = chan;
        }

        @Override
        public Poll<T> poll(Context cx) {
            return chan.pollRecv(cx);
        }
    }

    private static final class RecvMany<T> implements Future<Integer> {
        private final MpscChannel<T> chan;
        private final Collection<? super T> into;
        private final int limit;

        RecvMany(MpscChannel<T> chan, Collection<? super T> into, int limit) {
            this.chan = chan;
            this.into = into;
            this.limit = limit;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            return chan.pollRecvMany(cx, into, limit);
        }
    }

}
