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
     * close(): sets CLOSED, unlinks and wakes every waiter; their polls then fail and
     * give back whatever they had been assigned. Permits released after close are
     * still counted (a guard dropped after close returns its permit), but no
     * acquire succeeds any more.
     *
     * Wakers are called after the lock is released.
     *
     * Tested by BatchSemaphoreTest (FIFO with mixed sizes, drop while queued or
     * assigned, close) and SemaphoreLincheckTest.
     */
    /** The most permits a semaphore can hold. */
    public static final int MAX_PERMITS = Integer.MAX_VALUE >>> 1;
    private static final long CLOSED = 1L;
    /** Set while the queue of waiters is non-empty; changed under the lock only. */
    private static final long WAITERS = 2L;
    private static final int SHIFT = 2;
    private static final VarHandle STATE;

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

    /**
     * @throws IllegalArgumentException if {@code permits} is negative or above {@link #MAX_PERMITS}
     */
    public BatchSemaphore(int permits) {
        checkCount(permits, "permits");
        this.state = (long) permits << SHIFT;
    }

    private static void checkCount(int n, String what) {
        if (n < 0 || n > MAX_PERMITS) {
            throw new IllegalArgumentException(what + " must be between 0 and " + MAX_PERMITS + ", got " + n);
        }
    }

    public int availablePermits() {
        return available(state);
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
                return NO_PERMITS;
            }
            if (STATE.compareAndSet(this, s, s - need)) {
                return ACQUIRED;
            }
        }
    }

    /**
     * Gives {@code n} permits back (or adds them): to the waiters first, oldest first.
     *
     * @throws IllegalArgumentException if the count would exceed {@link #MAX_PERMITS}
     */
    public void release(int n) {
        if (n == 0) {
            return;
        }
        checkCount(n, "permits released");
        for (long s; ((s = state) & WAITERS) == 0; ) {
            checkRoom(s, n);
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
                checkRoom(s, rem);
                if (STATE.compareAndSet(this, s, (s & ~WAITERS) + add)) {
                    break;
                }
            }
        }
        return wake;
    }

    private static void checkRoom(long s, int n) {
        if (available(s) > MAX_PERMITS - n) {
            throw new IllegalArgumentException("adding " + n + " permits to " + available(s)
                    + " would exceed the maximum of " + MAX_PERMITS);
        }
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
            w.wake();
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

    /** Closes the semaphore: every waiter fails, and so does every later acquire. */
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
            wakers = waiters.drainWakers();
        } finally {
            lock.unlock();
        }
        WaiterList.wakeAll(wakers);
    }

    /**
     * One acquire of {@code permits} permits: the waiting future's node. Subclassed
     * by the public futures that wait for permits (so that waiting costs one object).
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

        protected Acquire(BatchSemaphore semaphore, int permits) {
            checkCount(permits, "permits");
            this.semaphore = semaphore;
            this.permits = permits;
        }

        /** The permits this acquire asks for. */
        protected final int permits() {
            return permits;
        }

        /**
         * Polls for the permits: {@link #ACQUIRED} (they belong to the caller now),
         * {@link #PENDING} (the task will be woken) or {@link #IS_CLOSED}.
         *
         * @throws IllegalStateException if polled again after it acquired
         */
        protected final int pollAcquire(Context cx) {
            if (acquired) {
                throw new IllegalStateException("this acquire already completed; its permits were handed out");
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
                int want = permits;
                for (;;) {
                    long s = sem.state;
                    if ((s & CLOSED) != 0) {
                        return IS_CLOSED;
                    }
                    int take = Math.min(want, available(s));
                    // Takes what is there and, if that is not enough, says "waiters" in
                    // the same CAS: a release from now on takes the lock.
                    long next = s - ((long) take << SHIFT) | (take < want ? WAITERS : 0L);
                    if (STATE.compareAndSet(sem, s, next)) {
                        want -= take;
                        break;
                    }
                }
                if (want == 0) {
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
         * Does nothing if it never waited or already acquired (the permits are then the
         * caller's).
         */
        protected final void dropAcquire() {
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
