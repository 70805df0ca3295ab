package dev.weft.internal.sync;

import dev.weft.Context;
import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * A fair semaphore whose waiters are wakers: the one waiter queue under
 * {@code Mutex}, {@code RwLock}, {@code Semaphore} and the bounded mpsc channel.
 * See {@code docs/adr/0004-waiter-queue-and-sync.md}.
 */
public final class BatchSemaphore {
    /*
     * Implementation notes.
     *
     * state = (available permits << 2) | WAITERS | CLOSED, a long so that the
     * permits keep an int's range beside the two bits. Fast paths (tryAcquire, an
     * acquire that can be served at once, a release when no one waits,
     * availablePermits) use only this word.
     *
     * waiters: FIFO of Acquire nodes, oldest at the head, guarded by `lock`. Each
     * node has `needed`: permits it still waits for. release(n) hands permits to the
     * head first: a node whose need is met is unlinked (needed = 0) and its waker
     * collected; only what is left over when the queue is empty goes back to state.
     *
     * Invariant (at every unlock): waiters non-empty <=> WAITERS set, and WAITERS set
     * => available == 0. An enqueuer takes what is available and sets WAITERS in one
     * CAS (under the lock) before it links itself; whoever empties the queue (a
     * release, a drop, close) clears WAITERS, in the same CAS that adds what is left
     * over. So a CAS on the fast path that finds permits never overtakes a waiter:
     * FIFO, no barging.
     *
     * Lock-free release. release(n) CASes the permits into the counter when WAITERS
     * is clear, and takes the lock only when it is set. No wake-up is lost: if the
     * releaser's CAS comes first, the enqueuer's CAS (which must then see the new
     * state) takes those permits instead of waiting; if the enqueuer's comes first,
     * the releaser's CAS fails, it sees WAITERS and hands the permits out under the
     * lock, where the node is already linked. A release while WAITERS is clear can
     * have no one to serve, so FIFO holds. (Before this path every release locked:
     * one CAS and a store more on each receive of the bounded mpsc channel.)
     *
     * A node moves: new -> queued (linked, needed > 0) -> assigned (unlinked by a
     * release, needed == 0) -> acquired (its poll saw needed == 0; the permits now
     * belong to the caller). Dropped while queued or assigned, it gives back
     * `permits - needed` (all of them once assigned), which feeds the next waiters.
     *
     * Deferred release (only when made by withDeferredRelease; the bounded mpsc
     * channel's receiver). One releaser that gives back a permit per message need
     * not CAS `state`, the word every acquire CASes: releaseDeferred(cell, n) adds to
     * a counter of its own, `freed`, on a cache line of its own (the middle of a
     * padded long[]), and the releaser never reads this object's line. The cell
     * holds (freed permits << 1) | MARK. "Free" permits are then
     * available(state) + freed; what waits in `freed` reaches the acquirers thus:
     *   - an acquire that finds too few in `state` and no WAITERS takes the lock,
     *     moves all of `freed` into `state`, and tries again (tryAcquire's slow
     *     path; enqueue does the same before it decides to wait). So no acquire is
     *     refused or queued while freed permits would serve it, and the amortized
     *     cost is one locked move per batch of permits the receiver freed.
     *   - an enqueuer that finds the queue empty sets MARK in the same CAS that
     *     takes `freed`, before it sets WAITERS; a releaseDeferred whose getAndAdd
     *     sees MARK hands its permits (and whatever is in `freed`) out at once under
     *     the lock, to the waiters first. A release ordered before the mark was
     *     taken by the enqueuer, one ordered after sees the mark: no waiter is left
     *     waiting for a permit the releaser already freed. An enqueuer that finds
     *     waiters leaves `freed` alone (MARK is set, so what is there is on its way
     *     to the older waiters: taking it would be barging). MARK is cleared under
     *     the lock where WAITERS is (the queue empty: assignLocked, close) and after
     *     an enqueue that did not need to wait. Invariant at every unlock:
     *     WAITERS <=> MARK. So while anyone waits, everything in `freed` was added
     *     by a releaser that saw MARK and is on its way to hand it out: it is not
     *     free (tryAcquire refuses, availablePermits leaves it out).
     *   - Permits leave `freed` only under the lock and only while not CLOSED (and
     *     CLOSED is set under the lock; a releaseDeferred that saw MARK before a
     *     close finds CLOSED once it has the lock and leaves its permits where they
     *     are: close() has drained the waiters). A reader holding the lock therefore sees
     *     `freed` only grow between its reads: "too few in state, then freed empty"
     *     held at the moment `state` was read, which makes tryAcquire's NO_PERMITS
     *     linearizable, and availablePermits reads freed before and after state
     *     (equal: that was its value at the read of state). Once CLOSED is seen
     *     nothing leaves `freed` and no acquire succeeds, so the free count only
     *     grows: closedWithAll reads state, then freed, without the lock, and a sum
     *     equal to the number asked for was exact at the second read.
     *     (DeferredReleaseLincheckTest found the first availablePermits, state then
     *     freed under the lock, counting a permit twice.)
     * Nothing is flushed before the releaser waits: an acquirer pulls what it needs.
     * The price: an acquire that finds the state word empty takes the lock to pull,
     * even when `freed` turns out empty, so a trySend loop on a full channel locks
     * once per try, a send that must wait locks twice (its try, then its enqueue),
     * and availablePermits locks. A lock-free "freed is empty" check first would not
     * be linearizable: a permit can enter `freed` and be pulled into `state` between
     * the two reads, and "full" would then be an answer true at no instant.
     * The releaser gives back only permits that were acquired (the channel's
     * receiver frees the slot of a value it took), so the pull cannot overflow
     * (see "No overflow" below). forget() takes from `state` only (no
     * deferred-release user forgets permits).
     * Measured on W3 (bounded mpsc fan-in): see ADR 0004, "Fourth pass".
     *
     * close(): sets CLOSED, unlinks and wakes every waiter; their polls then fail and
     * give back whatever they had been assigned. Permits released after close are
     * still counted (a guard dropped after close returns its permit), but no
     * acquire succeeds any more.
     *
     * No overflow. Nothing here checks that a release fits: each user keeps the
     * permits it has in all (free, held, and assigned to waiters) at or below
     * MAX_PERMITS, so no give-back can overflow. Mutex (1), RwLock (maxReaders),
     * OnceCell (1) and the bounded mpsc channel (its capacity) have fixed totals and
     * give back only what they acquired; Semaphore tracks its total (the initial
     * count plus those added, less those forgotten) and refuses an addPermits that
     * would pass MAX_PERMITS before it releases anything. A check here could only fail on a give-back that must not
     * fail (a drop, a guard's close, a poll failing after a close), and in
     * assignLocked it would fail after waiters had been unlinked, leaving them never
     * woken. (Until Semaphore kept its total, addPermits could fill the semaphore
     * while permits were held or assigned, and the give-backs then had to be capped
     * on a closed semaphore and were refused on an open one: a Permit's close threw,
     * a dropped acquire's drop threw.)
     *
     * Wakers are called after the lock is released, with every change already made,
     * through Wakers: a waker that throws is logged and never reaches the releaser,
     * so no release, drop or close throws for another task's waker.
     *
     * Tested by BatchSemaphoreTest (FIFO with mixed sizes, drop while queued or
     * assigned, close, a give-back filling a closed semaphore to the maximum, a
     * waker that throws in a release, logged; deferred release: pulls, hand-outs to
     * waiters, a releaser caught between its getAndAdd and the lock, against a
     * newcomer, the count and a close), SemaphoreLincheckTest and DeferredReleaseLincheckTest (try-acquires,
     * deferred and plain releases, close and the count; it has no waiting acquires,
     * so MARK is covered by the unit tests and by the channel's stress tests).
     */
    /** The most permits a semaphore can hold. */
    public static final int MAX_PERMITS = Integer.MAX_VALUE >>> 1;
    private static final long CLOSED = 1L;
    /** Set while the queue of waiters is non-empty; changed under the lock only. */
    private static final long WAITERS = 2L;
    private static final int SHIFT = 2;
    private static final VarHandle STATE;
    private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(long[].class);
    /** The index of `freed` in its padded cell: 56 bytes of the array on either side (tests read it). */
    static final int FREED = 7;
    private static final int CELL_LENGTH = 15;
    private static final long MARK = 1L;

    /** {@link #tryAcquire} and {@link Acquire#pollAcquire} answers. */
    public static final int ACQUIRED = 0;
    public static final int NO_PERMITS = 1;
    public static final int IS_CLOSED = 2;
    public static final int PENDING = 3;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(BatchSemaphore.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** (permits << SHIFT) | WAITERS | CLOSED; see the notes. */
    private volatile long state;
    private final SpinLock lock = new SpinLock();
    private final WaiterList<Acquire> waiters = new WaiterList<>();
    /** (freed << 1) | MARK at index FREED, or null without deferred release; see the notes. */
    private final long[] cell;

    /**
     * @throws IllegalArgumentException if {@code permits} is negative or above {@link #MAX_PERMITS}
     */
    public BatchSemaphore(int permits) {
        this(permits, false);
    }

    private BatchSemaphore(int permits, boolean deferred) {
        checkCount(permits, "permits");
        this.state = (long) permits << SHIFT;
        this.cell = deferred ? new long[CELL_LENGTH] : null;
    }

    /**
     * A semaphore whose one releaser may give permits back through
     * {@link #releaseDeferred}; see "Deferred release" in the notes.
     */
    public static BatchSemaphore withDeferredRelease(int permits) {
        return new BatchSemaphore(permits, true);
    }

    /** The cell the releaser passes to {@link #releaseDeferred} (it keeps it so as not to read this object). */
    public long[] deferredCell() {
        return cell;
    }

    private static void checkCount(int n, String what) {
        if (n < 0 || n > MAX_PERMITS) {
            throw new IllegalArgumentException(what + " must be between 0 and " + MAX_PERMITS + ", got " + n);
        }
    }

    /** Free permits now; with deferred release, also those the releaser freed (read under the lock). */
    public int availablePermits() {
        if (cell == null) {
            return available(state);
        }
        lock.lock();
        try {
            for (;;) {
                // Under the lock `freed` only grows: equal before and after the read of
                // state, it held that value at that read (see the notes).
                int before = freed(cell);
                long s = state;
                int after = freed(cell);
                if (before == after) {
                    // While someone waits, what is in `freed` is on its way to the waiters
                    // (its releaser saw MARK): not free, as tryAcquire says.
                    return (s & WAITERS) != 0 ? available(s) : available(s) + after;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether closed with exactly {@code n} permits free (counting freed ones): see the notes. */
    public boolean closedWithAll(int n) {
        long s = state;
        return (s & CLOSED) != 0 && available(s) + (cell == null ? 0 : freed(cell)) == n;
    }

    private static int freed(long[] cell) {
        return (int) ((long) CELL.getVolatile(cell, FREED) >>> 1);
    }

    private static int available(long s) {
        return (int) (s >>> SHIFT);
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** Waiters in the queue (a snapshot). */
    public int queuedWaiters() {
        lock.lock();
        try {
            return waiters.size();
        } finally {
            lock.unlock();
        }
    }

    /** Takes {@code n} permits if they are all available now: {@link #ACQUIRED}, {@link #NO_PERMITS} or {@link #IS_CLOSED}. */
    public int tryAcquire(int n) {
        long need = (long) n << SHIFT;
        for (;;) {
            long s = state;
            if ((s & CLOSED) != 0) {
                return IS_CLOSED;
            }
            if (s < need) { // the two flag bits never make up a permit
                return cell == null || (s & WAITERS) != 0 ? NO_PERMITS : tryAcquireFreed(n);
            }
            if (STATE.compareAndSet(this, s, s - need)) {
                return ACQUIRED;
            }
        }
    }

    /** tryAcquire's slow path with deferred release: under the lock, freed permits first. */
    private int tryAcquireFreed(int n) {
        long need = (long) n << SHIFT;
        lock.lock();
        try {
            long s = state;
            if ((s & CLOSED) != 0) {
                return IS_CLOSED;
            }
            if ((s & WAITERS) != 0) {
                return NO_PERMITS;
            }
            for (;;) {
                addToState(takeFreedLocked(false));
                s = state; // neither CLOSED nor WAITERS can change while the lock is held
                if (s < need) {
                    if (freed(cell) == 0) {
                        return NO_PERMITS; // freed was empty at the read of state: see the notes
                    }
                } else if (STATE.compareAndSet(this, s, s - need)) {
                    return ACQUIRED;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Empties `freed` (setting MARK if asked, else keeping it) and answers how many it held. Under the lock. */
    private int takeFreedLocked(boolean mark) {
        for (;;) {
            long d = (long) CELL.getVolatile(cell, FREED);
            long next = mark ? MARK : d & MARK;
            if (d == next || CELL.compareAndSet(cell, FREED, d, next)) {
                return (int) (d >>> 1);
            }
        }
    }

    /** Clears MARK (the queue is empty and WAITERS clear). Under the lock. */
    private void clearMarkLocked() {
        for (;;) {
            long d = (long) CELL.getVolatile(cell, FREED);
            if ((d & MARK) == 0 || CELL.compareAndSet(cell, FREED, d, d & ~MARK)) {
                return;
            }
        }
    }

    private void addToState(int n) {
        if (n == 0) {
            return;
        }
        for (;;) {
            long s = state;
            if (STATE.compareAndSet(this, s, s + ((long) n << SHIFT))) {
                return;
            }
        }
    }

    /**
     * Gives {@code n} permits back as the one deferred releaser: counted in
     * {@code cell} (this semaphore's {@link #deferredCell()}), handed out at once only
     * if someone waits. See "Deferred release" in the notes.
     */
    public void releaseDeferred(long[] cell, int n) {
        checkCount(n, "permits released");
        long old = (long) CELL.getAndAdd(cell, FREED, (long) n << 1);
        if ((old & MARK) != 0) {
            Object wake;
            lock.lock();
            try {
                if ((state & CLOSED) != 0) {
                    return; // close() drained the waiters; the permits stay counted in `freed`
                }
                wake = assignLocked(takeFreedLocked(false));
            } finally {
                lock.unlock();
            }
            wake(wake);
        }
    }

    /**
     * Gives {@code n} permits back (or adds them): to the waiters first, oldest first.
     * The caller keeps the permits this semaphore has in all at or below
     * {@link #MAX_PERMITS} (see "No overflow" in the notes): nothing checks it here.
     *
     * @throws IllegalArgumentException if {@code n} is negative or above {@link #MAX_PERMITS}
     */
    public void release(int n) {
        if (n == 0) {
            return;
        }
        checkCount(n, "permits released");
        for (long s; ((s = state) & WAITERS) == 0; ) {
            if (STATE.compareAndSet(this, s, s + ((long) n << SHIFT))) {
                return; // no one waits: see "Lock-free release"
            }
        }
        lock.lock();
        Object wake;
        try {
            wake = assignLocked(n);
        } finally {
            lock.unlock();
        }
        wake(wake);
    }

    /**
     * Hands {@code n} permits to the waiters, then the counter; clears WAITERS if
     * the queue is empty after that (also for {@code n == 0}, after a node left).
     * Under the lock. Answers the wakers to call: {@code null}, one {@link Waker}, or
     * a list.
     */
    private Object assignLocked(int n) {
        Object wake = null;
        int rem = n;
        Acquire w;
        while (rem > 0 && (w = waiters.peekFirst()) != null) {
            int need = w.needed;
            if (rem < need) {
                w.needed = need - rem;
                rem = 0;
                break;
            }
            rem -= need;
            w.needed = 0;
            waiters.remove(w);
            wake = collect(wake, w.waker);
            w.waker = null;
        }
        if (waiters.isEmpty()) {
            long add = (long) rem << SHIFT;
            for (;;) {
                long s = state;
                if (STATE.compareAndSet(this, s, (s & ~WAITERS) + add)) {
                    break;
                }
            }
            if (cell != null) {
                clearMarkLocked();
            }
        }
        return wake;
    }

    @SuppressWarnings("unchecked")
    private static Object collect(Object wake, Waker w) {
        if (w == null) {
            return wake;
        }
        if (wake == null) {
            return w;
        }
        List<Waker> list;
        if (wake instanceof Waker single) {
            list = new ArrayList<>(4);
            list.add(single);
        } else {
            list = (List<Waker>) wake;
        }
        list.add(w);
        return list;
    }

    @SuppressWarnings("unchecked")
    private static void wake(Object wake) {
        if (wake instanceof Waker w) {
            Wakers.wake(w);
        } else if (wake != null) {
            WaiterList.wakeAll((List<Waker>) wake);
        }
    }

    /**
     * Takes up to {@code n} available permits away for good (Tokio's
     * {@code forget_permits}); answers how many.
     */
    public int forget(int n) {
        checkCount(n, "permits to forget");
        for (;;) {
            long s = state;
            int take = Math.min(n, available(s));
            if (STATE.compareAndSet(this, s, s - ((long) take << SHIFT))) {
                return take;
            }
        }
    }

    /**
     * Closes the semaphore: every waiter still in the queue fails, and so does every
     * later acquire. One already unlinked with all its permits (served before the
     * close, not yet polled) completes with them: the close comes after its acquire,
     * and the bounded channel relies on it (a send that had its slot still pushes).
     */
    public void close() {
        List<Waker> wakers;
        lock.lock();
        try {
            for (;;) {
                long s = state;
                if (STATE.compareAndSet(this, s, (s | CLOSED) & ~WAITERS)) {
                    break;
                }
            }
            if (cell != null) {
                clearMarkLocked();
            }
            wakers = waiters.drainWakers();
        } finally {
            lock.unlock();
        }
        WaiterList.wakeAll(wakers);
    }

    /**
     * One acquire of {@code permits} permits: the waiting future's node. Subclassed
     * by the public futures that wait for permits, so that waiting costs one object;
     * the mpsc send subclasses it only when it has to wait (most sends find a slot).
     * Polled by one task at a time.
     */
    public abstract static class Acquire extends Waiter {
        private final BatchSemaphore semaphore;
        private final int permits;
        /** Permits still awaited while queued; 0 once assigned. Written under the lock. */
        private volatile int needed;
        /** Owner-only: linked at some point and not yet resolved (acquired, dropped, failed). */
        private boolean queued;
        /** Owner-only: the permits were handed to the caller. */
        private boolean acquired;
        /** Owner-only: dropped; a later poll is refused. */
        private boolean dropped;

        protected Acquire(BatchSemaphore semaphore, int permits) {
            checkCount(permits, "permits");
            this.semaphore = semaphore;
            this.permits = permits;
        }

        /** The permits this acquire asks for. */
        protected final int permits() {
            return permits;
        }

        /** How the user made this future, for the errors of a misused one: {@code "acquire()"}, {@code "lock()"}. */
        protected String madeBy() {
            return "acquire()";
        }

        /**
         * Polls for the permits: {@link #ACQUIRED} (they belong to the caller now),
         * {@link #PENDING} (the task will be woken) or {@link #IS_CLOSED}.
         *
         * @throws IllegalStateException if polled again after it acquired, or after it
         *     was dropped
         */
        protected final int pollAcquire(Context cx) {
            if (acquired || dropped) {
                throw new IllegalStateException("this " + madeBy() + " future "
                        + (acquired ? "already completed and handed out what it acquired"
                                : "was dropped (cancelled); polling it again would take what nobody gives back")
                        + "; call " + madeBy() + " again for a new one");
            }
            BatchSemaphore sem = semaphore;
            if (queued) {
                if (needed == 0) {
                    return acquiredNow();
                }
                int result;
                Object giveBack = null;
                sem.lock.lock();
                try {
                    if (needed == 0) {
                        result = ACQUIRED;
                    } else if (linked) {
                        if (waker != cx.waker()) {
                            waker = cx.waker();
                        }
                        result = PENDING;
                    } else {
                        // Unlinked without being served: the semaphore was closed. Give
                        // back what had been assigned before that.
                        giveBack = sem.assignLocked(permits - needed);
                        waker = null;
                        result = IS_CLOSED;
                    }
                } finally {
                    sem.lock.unlock();
                }
                if (result == ACQUIRED) {
                    return acquiredNow();
                }
                if (result == IS_CLOSED) {
                    queued = false;
                    wake(giveBack);
                }
                return result;
            }
            long need = (long) permits << SHIFT;
            long s = sem.state;
            if ((s & CLOSED) != 0) {
                return IS_CLOSED;
            }
            if (s >= need && STATE.compareAndSet(sem, s, s - need)) {
                acquired = true;
                return ACQUIRED;
            }
            return enqueue(cx);
        }

        private int acquiredNow() {
            queued = false;
            acquired = true;
            return ACQUIRED;
        }

        /** Takes what is available and joins the queue for the rest. */
        private int enqueue(Context cx) {
            BatchSemaphore sem = semaphore;
            sem.lock.lock();
            try {
                if (sem.isClosed()) {
                    return IS_CLOSED; // CLOSED is set under the lock: it stays clear below
                }
                // Deferred release: the freed permits count as available, and MARK makes
                // every later releaseDeferred hand its permits out under the lock. With
                // waiters queued MARK is set already and what is in `freed` is on its way
                // to them (its releaser saw MARK and waits for this lock): not ours.
                int freed = sem.cell == null || !sem.waiters.isEmpty() ? 0 : sem.takeFreedLocked(true);
                int want = permits;
                for (;;) {
                    long s = sem.state;
                    int take = Math.min(want, available(s) + freed);
                    // Takes what is there and, if that is not enough, says "waiters" in
                    // the same CAS: a release from now on takes the lock.
                    long next = s + ((long) (freed - take) << SHIFT) | (take < want ? WAITERS : 0L);
                    if (STATE.compareAndSet(sem, s, next)) {
                        want -= take;
                        break;
                    }
                }
                if (want == 0) {
                    if (sem.cell != null && sem.waiters.isEmpty()) {
                        sem.clearMarkLocked();
                    }
                    acquired = true;
                    return ACQUIRED;
                }
                needed = want;
                waker = cx.waker();
                sem.waiters.addLast(this);
                queued = true;
                return PENDING;
            } finally {
                sem.lock.unlock();
            }
        }

        /**
         * The future was dropped: leaves the queue and gives back whatever was assigned.
         * Does nothing more if it never waited or already acquired (the permits are then
         * the caller's). A later poll is refused.
         */
        protected final void dropAcquire() {
            dropped = true;
            if (!queued) {
                return;
            }
            queued = false;
            BatchSemaphore sem = semaphore;
            Object wake;
            sem.lock.lock();
            try {
                sem.waiters.remove(this);
                waker = null;
                // Also with nothing assigned: the queue may be empty now (WAITERS).
                wake = sem.assignLocked(permits - needed);
            } finally {
                sem.lock.unlock();
            }
            wake(wake);
        }
    }
}
