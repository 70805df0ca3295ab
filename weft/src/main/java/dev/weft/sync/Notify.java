package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.sync.SpinLock;
import dev.weft.internal.sync.Waiter;
import dev.weft.internal.sync.WaiterList;
import dev.weft.internal.sync.Wakers;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Wakes one task, or all waiting tasks, with no data attached (Tokio's
 * {@code Notify}): the building block for "something changed, look again".
 *
 * {@snippet :
 * Notify changed = new Notify();
 * // consumer
 * while (true) {
 *     while ((item = queue.poll()) != null) handle(item);
 *     changed.notified().await();
 * }
 * // producer
 * queue.add(item);
 * changed.notifyOne();
 * }
 *
 * <p><b>One permit.</b> {@link #notifyOne()} wakes the task that has waited longest;
 * if none waits, it stores a permit (at most one; more calls do not add up), and the
 * next {@link #notified()} completes at once by consuming it. So a notification sent
 * just before the consumer starts waiting is not lost.
 *
 * <p><b>Everyone.</b> {@link #notifyWaiters()} wakes every waiter registered at the
 * time of the call and every {@link Notified} created before the call, even one not
 * polled yet; it stores no permit, so later waiters are not affected.
 *
 * <p>Only registered waiters receive {@code notifyOne}: a {@link Notified} registers
 * on its first poll, or earlier with {@link Notified#enable()}.
 *
 * <p><b>Newest first.</b> {@link #notifyLast()} is {@code notifyOne()} that wakes the
 * task that has waited the shortest time instead (a stack of waiters, for when the
 * most recent waiter is the one whose caches are still warm). With no waiter it
 * stores the same single permit.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it calls
 * {@code notifyOne()}, {@code notifyLast()} or {@code notifyWaiters()} <i>happen-before</i> actions after
 * the completion of a {@link Notified} that this call completed (or that consumed the
 * permit it stored).
 */
public final class Notify {
    /*
     * Implementation notes.
     *
     * Overview. Tokio's design: a state word with lock-free fast paths for the
     * common permit hand-off, and an intrusive FIFO of waiters (WaiterList) behind a
     * SpinLock for the rest. Written afresh in Java.
     *
     * State word (long):
     *
     *   | notifyWaiters calls (62 bits) | phase (2 bits) |
     *   phase: EMPTY (no waiter, no permit), WAITING (the list is non-empty),
     *          NOTIFIED (one stored permit, the list is empty)
     *
     * Invariants, at every unlock: phase == WAITING <=> waiters non-empty. The
     * generation (call count) changes only under the lock, as does any move into or
     * out of WAITING. Two lock-free CASes exist: notifyOne EMPTY -> NOTIFIED, and a
     * first poll NOTIFIED -> EMPTY (it consumes the permit). Both keep the
     * generation, so every locked writer uses CAS too, and re-reads on failure.
     *
     * A Notified remembers the generation when it is created. On its first poll (or
     * enable()) it completes if the generation moved (a notifyWaiters happened since
     * it was created: Tokio's semantics), else consumes a permit if there is one,
     * else links itself (phase -> WAITING). notifyOne pops the oldest waiter and
     * writes `notification = ONE` into it (notifyLast: the newest, and LAST),
     * notifyWaiters drains the list writing ALL
     * and bumps the generation; both under the lock, wakers called after unlock.
     * `notification` is written once, under the lock, before the node is unlinked;
     * the owner reads it without the lock (volatile), and only takes the lock when it
     * reads NONE.
     *
     * Cancellation (drop). INIT: nothing registered, nothing to do. WAITING and
     * still linked: unlink (phase -> EMPTY if the list empties). Chosen by
     * notifyOne but not yet completed (notification == ONE): the notification is
     * passed on, under the lock, to the next oldest waiter, or stored as the permit;
     * chosen by notifyLast (LAST): likewise, to the next newest. Chosen by
     * notifyWaiters (ALL): nothing to pass on. So no notifyOne/notifyLast is lost.
     * enable() completes nothing: a permit it takes is held as a notifyOne choice
     * (notification = ONE, phase REGISTERED, not linked), and a notification found
     * stays REGISTERED; only a poll moves to DONE. So a Notified dropped after an
     * enable() that answered true passes its notification on too.
     *
     * A notify that finds a permit already stored does not add one, but it still
     * CASes the word (to itself): the taker's CAS then reads a write that follows
     * everything the notifier did before, as "happens-before ... the completion of a
     * Notified that consumed the permit it stored" promises for each of the notifiers.
     * A plain read would publish nothing.
     *
     * Tested by NotifyTest (each path; drops; 100k select losses leave no waiter;
     * counting stress with random drops: N notifyOne give N completions) and
     * NotifyLincheckTest (notifyOne / notifyLast / poll-once / drop / notifyWaiters,
     * model checked).
     */
    private static final long PHASE = 3;
    private static final long EMPTY = 0;
    private static final long WAITING = 1;
    private static final long NOTIFIED = 2;
    private static final long GENERATION_ONE = 4;

    private static final int NONE = 0;
    private static final int ONE = 1;
    private static final int ALL = 2;
    private static final int LAST = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Notify.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Written by CAS only (see the notes): lock-free fast paths race with the locked ones. */
    private volatile long state;
    private final SpinLock lock = new SpinLock();
    private final WaiterList<Notified> waiters = new WaiterList<>();

    /** A notify with no waiter and no permit. */
    public Notify() {
    }

    /**
     * A future that completes when this notify is notified. It takes part in every
     * {@link #notifyWaiters()} made after this call, even before its first poll; it
     * takes part in {@link #notifyOne()} and {@link #notifyLast()} once it is
     * registered (its first poll, or {@link Notified#enable()}). A stored permit
     * completes it at once.
     *
     * <p>Cancel safety: cancel safe. Dropping it unregisters it; if
     * {@code notifyOne()} or {@code notifyLast()} had already chosen it (or its
     * {@link Notified#enable()} took the stored permit) and no poll completed it, the
     * notification passes on to the next waiter in the same order (or becomes the
     * stored permit), so none is lost. It does lose its
     * place in the queue: a new {@code notified()} starts at the back.
     */
    public Notified notified() {
        return new Notified(this, state & ~PHASE);
    }

    /**
     * Wakes the waiter that has waited longest; if none waits, stores a permit (at
     * most one) for the next {@link #notified()}.
     */
    public void notifyOne() {
        notify(ONE);
    }

    /**
     * Wakes the waiter that has waited the shortest time; if none waits, stores a
     * permit (at most one) for the next {@link #notified()}, as {@link #notifyOne()}
     * does.
     */
    public void notifyLast() {
        notify(LAST);
    }

    /** notifyOne ({@code ONE}, oldest waiter) or notifyLast ({@code LAST}, newest). */
    private void notify(int which) {
        long s = state;
        for (;;) {
            long phase = s & PHASE;
            if (phase == NOTIFIED) {
                // A permit is stored already; they do not add up. The CAS writes the word
                // all the same, so that what this thread did before is published to
                // whoever takes the permit (see the notes).
                if (STATE.compareAndSet(this, s, s)) {
                    return;
                }
                s = state;
                continue;
            }
            if (phase == WAITING) {
                break;
            }
            if (STATE.compareAndSet(this, s, s | NOTIFIED)) {
                return;
            }
            s = state;
        }
        Waker w;
        lock.lock();
        try {
            w = notifyLocked(which);
        } finally {
            lock.unlock();
        }
        Wakers.wake(w);
    }

    /**
     * Under the lock: pops the oldest ({@code ONE}) or newest ({@code LAST}) waiter
     * and marks it notified, or stores the permit. Answers the waker to call after
     * unlocking, or null.
     */
    private Waker notifyLocked(int which) {
        for (;;) {
            long s = state;
            if ((s & PHASE) == WAITING) {
                Notified n = which == LAST ? waiters.pollLast() : waiters.pollFirst();
                n.notification = which;
                Waker w = n.waker;
                n.waker = null;
                if (waiters.isEmpty()) {
                    // WAITING is left only under the lock, so a plain CAS cannot fail.
                    STATE.compareAndSet(this, s, s & ~PHASE);
                }
                return w;
            }
            if (STATE.compareAndSet(this, s, (s & ~PHASE) | NOTIFIED)) {
                return null;
            }
        }
    }

    /**
     * Wakes every waiter registered now, and completes every {@link Notified} created
     * before this call (even if not polled yet). Stores no permit; a stored permit
     * stays stored.
     */
    public void notifyWaiters() {
        List<Waker> wake = null;
        lock.lock();
        try {
            for (;;) {
                long s = state;
                if ((s & PHASE) == WAITING) {
                    wake = new ArrayList<>(waiters.size());
                    for (Notified n = waiters.peekFirst(); n != null; n = waiters.peekFirst()) {
                        n.notification = ALL;
                        waiters.remove(n);
                        if (n.waker != null) {
                            wake.add(n.waker);
                            n.waker = null;
                        }
                    }
                    // Not drainWakers: notification must be written before each node is unlinked.
                    STATE.compareAndSet(this, s, (s + GENERATION_ONE) & ~PHASE);
                    break;
                }
                if (STATE.compareAndSet(this, s, s + GENERATION_ONE)) {
                    break;
                }
            }
        } finally {
            lock.unlock();
        }
        if (wake != null) {
            WaiterList.wakeAll(wake);
        }
    }

    /** Waiters registered now (a snapshot), for tests. */
    int waiterCount() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether a permit is stored (a snapshot), for tests. */
    boolean hasPermit() {
        return (state & PHASE) == NOTIFIED;
    }

    @Override
    public String toString() {
        long s = state;
        long phase = s & PHASE;
        return "Notify[" + (phase == NOTIFIED ? "permit stored" : phase == WAITING ? "waiters queued" : "empty") + "]";
    }

    /**
     * The future of one {@link Notify#notified()} call. Polled by one task at a time.
     *
     * <p>Cancel safety: see {@link Notify#notified()}.
     */
    public static final class Notified extends Waiter implements Future<Void> {
        private static final int INIT = 0;
        private static final int REGISTERED = 1;
        private static final int DONE = 2;
        private static final int DROPPED = 3;

        private final Notify notify;
        /** The notifyWaiters generation at creation (the state word with its phase bits clear). */
        private final long generation;
        /** Owner-only. */
        private int phase = INIT;
        /**
         * NONE until a notifier chooses this waiter: written once, under the lock, before
         * unlinking; or by the owner, when its enable() takes the stored permit (not linked).
         */
        private volatile int notification = NONE;

        Notified(Notify notify, long generation) {
            this.notify = notify;
            this.generation = generation;
        }

        /**
         * Completes once notified. Takes one unit of the task's cooperative budget.
         *
         * @throws IllegalStateException if polled after {@link #drop()}
         */
        @Override
        public Poll<Void> poll(Context cx) {
            if (phase == DONE) {
                return Poll.ready(null);
            }
            if (phase == DROPPED) {
                throw new IllegalStateException("a dropped Notified was polled; make a new one with notified()");
            }
            if (!cx.proceed()) {
                return Poll.pending();
            }
            return register(cx.waker()) ? Poll.ready(null) : Poll.pending();
        }

        /**
         * Registers this future as a waiter without polling it (Tokio's
         * {@code Notified::enable}): from now on {@link Notify#notifyOne()} can choose
         * it, and a stored permit is taken for it. Answers whether it is notified
         * already (the next poll then completes at once). Does nothing more if it was
         * registered already. A notification it answers true for is held, not spent:
         * dropped before a poll completes it, this future passes a {@code notifyOne},
         * {@code notifyLast} or stored permit on, as any dropped waiter does.
         *
         * <p>Use it to avoid missing a {@code notifyOne} between checking a condition
         * and the first poll: enable, check, then await.
         *
         * @throws IllegalStateException if called after {@link #drop()}
         */
        public boolean enable() {
            if (phase == DROPPED) {
                throw new IllegalStateException("enable() of a dropped Notified; make a new one with notified()");
            }
            if (phase == DONE) {
                return true;
            }
            return register(null);
        }

        /**
         * Whether this future is notified: its next poll completes. Before its first
         * poll or {@link #enable()}, that is when {@link Notify#notifyWaiters()} was called
         * since it was made; a permit stored by {@link Notify#notifyOne()} counts only once a
         * poll or {@code enable()} has taken it (until then another waiter may).
         */
        public boolean isNotified() {
            return switch (phase) {
                case DONE -> true;
                case REGISTERED -> notification != NONE;
                case INIT -> (notify.state & ~PHASE) != generation;
                default -> false; // dropped
            };
        }

        /**
         * Answers whether it is notified; else it is registered with {@code w}. A poll
         * ({@code w} not null) that answers true completes the future (DONE); enable()
         * ({@code w} null) only holds the notification, which a drop still passes on.
         */
        private boolean register(Waker w) {
            if (phase == REGISTERED) {
                if (notification != NONE) {
                    if (w != null) {
                        phase = DONE;
                    }
                    return true;
                }
                if (w == null) {
                    return false;
                }
                Notify n = notify;
                n.lock.lock();
                try {
                    if (notification == NONE) {
                        if (waker != w) {
                            waker = w;
                        }
                        return false;
                    }
                } finally {
                    n.lock.unlock();
                }
                phase = DONE;
                return true;
            }
            // INIT: lock-free first, for the permit and for a notifyWaiters since creation.
            Notify n = notify;
            long s = n.state;
            if ((s & ~PHASE) != generation) {
                phase = DONE;
                return true;
            }
            if ((s & PHASE) == NOTIFIED && STATE.compareAndSet(n, s, s & ~PHASE)) {
                return tookPermit(w);
            }
            n.lock.lock();
            try {
                for (;;) {
                    s = n.state;
                    if ((s & ~PHASE) != generation) {
                        phase = DONE;
                        return true;
                    }
                    long p = s & PHASE;
                    if (p == NOTIFIED) {
                        if (STATE.compareAndSet(n, s, s & ~PHASE)) {
                            return tookPermit(w);
                        }
                    } else if (p == WAITING || STATE.compareAndSet(n, s, s | WAITING)) {
                        waker = w;
                        n.waiters.addLast(this);
                        phase = REGISTERED;
                        return false;
                    }
                }
            } finally {
                n.lock.unlock();
            }
        }

        /**
         * This future took the stored permit. A poll completes with it; enable() holds it
         * as if notifyOne() had chosen this future (it is not linked), so that a drop
         * before the poll stores it again or passes it to a waiter, as it would a chosen
         * one's notification.
         */
        private boolean tookPermit(Waker w) {
            if (w != null) {
                phase = DONE;
            } else {
                notification = ONE;
                phase = REGISTERED;
            }
            return true;
        }

        /**
         * Unregisters this future. If {@link Notify#notifyOne()} or
         * {@link Notify#notifyLast()} had chosen it and it had not completed yet, the
         * notification goes to the next waiter (the next oldest, or the next newest),
         * or becomes the stored permit.
         */
        @Override
        public void drop() {
            int p = phase;
            phase = DROPPED;
            if (p != REGISTERED) {
                return;
            }
            int got = notification;
            if (got == ALL) {
                return;
            }
            Notify n = notify;
            Waker pass = null;
            n.lock.lock();
            try {
                if (got == NONE) {
                    if (n.waiters.remove(this)) {
                        waker = null;
                        if (n.waiters.isEmpty()) {
                            for (;;) {
                                long s = n.state;
                                if (STATE.compareAndSet(n, s, s & ~PHASE)) {
                                    break;
                                }
                            }
                        }
                    }
                    got = notification; // chosen meanwhile?
                }
                if (got == ONE || got == LAST) {
                    pass = n.notifyLocked(got);
                }
            } finally {
                n.lock.unlock();
            }
            Wakers.wake(pass);
        }

        @Override
        public String toString() {
            return "Notified[" + (isNotified() ? "notified" : phase == DROPPED ? "dropped" : "waiting") + "]";
        }
    }
}
