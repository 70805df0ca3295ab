package dev.weft.internal.runtime;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Who is parked, who is searching: decides when to wake an idle worker, so that
 * new work is picked up fast without waking every worker for every task.
 */
final class Idle {
    /*
     * Implementation notes.
     *
     * The scheme is Tokio's. A worker with nothing to run first searches (steals
     * from the others); at most half the workers search at once, so a burst of
     * idleness does not become a storm of stealing. A worker that found nothing
     * parks. Whoever makes work stealable (a push to a local queue or to the global
     * queue) wakes one parked worker, but only if nobody is searching: a searcher
     * will find the work, and if it was the last searcher, it wakes the next one
     * itself when it finds something (so work spreads one worker at a time, never a
     * thundering herd). A push to the global queue notifies only when the queue was
     * empty: a non-empty queue was made so by a push that notified after it, and every
     * task behind it is found by the same worker (it takes a share of the queue) or by
     * the next one that worker wakes; a worker about to park re-checks the queue.
     *
     * State, one int: (unparked << 16) | searching. Transitions that change the set
     * of parked workers take the lock; the fast checks read the int.
     *
     * Lost wake-ups: a parking worker first publishes "parked" (lock + state write),
     * then re-checks every queue; a notifier first publishes its work, then (after a
     * full fence) reads the state. Both sides are sequentially consistent, so either
     * the notifier sees the worker parked and wakes it, or the worker sees the work.
     * Tested by SchedulerTest (bursts from outside the runtime onto parked workers).
     *
     * A worker napping through a steal backoff (StealBackoff) is neither parked nor
     * searching: counted awake, it is not woken by tasks queued on other workers
     * (which it has chosen to leave alone for a while); a task from outside the
     * workers that finds the global queue empty and nobody to notify wakes it directly
     * (Scheduler.wakeANapper). Its nap is timed, so any other task queued meanwhile
     * waits at most for the rest of the backoff (and the park's oversleep). A worker
     * that was the last searcher when it left to nap wakes a parked one first.
     */
    private static final int UNPARKED_ONE = 1 << 16;
    private static final int SEARCHING_MASK = UNPARKED_ONE - 1;

    private final int workers;
    /** Told when a worker parks or wakes (its activity count drives the paused clock). */
    private final RuntimeCore runtime;
    private final AtomicInteger state;
    private final ReentrantLock lock = new ReentrantLock();
    /** Workers napping through a steal backoff (Worker.napping set). */
    private final AtomicInteger nappers = new AtomicInteger();
    /** Parked workers, a stack; guarded by {@link #lock}. */
    private final Worker[] parked;
    private int parkedCount;

    Idle(int workers, RuntimeCore runtime) {
        this.workers = workers;
        this.runtime = runtime;
        this.state = new AtomicInteger(workers * UNPARKED_ONE);
        this.parked = new Worker[workers];
    }

    /**
     * Wakes one parked worker if work was just made stealable and nobody is looking for
     * it. Answers whether some worker is now bound to look (one was searching, or this
     * call woke one); {@code false} when every worker is awake and busy, or napping
     * through a steal backoff.
     */
    boolean notifyOne() {
        VarHandle.fullFence(); // the caller published work: order that before reading who is parked
        int s = state.get();
        if ((s & SEARCHING_MASK) != 0) {
            return true;
        }
        if ((s >>> 16) >= workers) {
            return false;
        }
        Worker w;
        lock.lock();
        try {
            s = state.get();
            if ((s & SEARCHING_MASK) != 0) {
                return true;
            }
            if (parkedCount == 0) {
                return false;
            }
            w = popParked();
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(w);
        return true;
    }

    /** Takes the last parked worker off the stack and counts it back, searching. Under the lock. */
    private Worker popParked() {
        Worker w = parked[--parkedCount];
        parked[parkedCount] = null;
        w.inParkedStack = false;
        w.notified = true;
        state.addAndGet(UNPARKED_ONE + 1);
        runtime.becameActive(); // before the unpark: no moment in which it runs uncounted
        return w;
    }

    /** Wakes every parked worker (shutdown). */
    void notifyAll(Worker[] all) {
        lock.lock();
        try {
            while (parkedCount > 0) {
                popParked();
            }
        } finally {
            lock.unlock();
        }
        for (Worker w : all) {
            LockSupport.unpark(w);
        }
    }

    /** A worker asks to search (steal); refused when half the workers already do. */
    boolean tryStartSearching() {
        for (;;) {
            int s = state.get();
            if (2 * (s & SEARCHING_MASK) >= workers) {
                return false;
            }
            if (state.compareAndSet(s, s + 1)) {
                return true;
            }
        }
    }

    /** A searching worker found work; answers whether it was the last one searching. */
    boolean stopSearching() {
        return (state.getAndDecrement() & SEARCHING_MASK) == 1;
    }

    /** A worker is about to park; answers whether it was the last one searching. */
    boolean park(Worker w, boolean searching) {
        boolean lastSearcher;
        lock.lock();
        try {
            int prev = state.getAndAdd(-UNPARKED_ONE - (searching ? 1 : 0));
            parked[parkedCount++] = w;
            w.inParkedStack = true;
            lastSearcher = searching && (prev & SEARCHING_MASK) == 1;
        } finally {
            lock.unlock();
        }
        runtime.becameInactive();
        return lastSearcher;
    }

    /** A worker that registered as parked found work before sleeping; it comes back searching. */
    void unparkSelf(Worker w) {
        lock.lock();
        try {
            if (!w.inParkedStack) {
                // A notifier already took it off the stack and counted it back; being
                // awake is what it asked for, so its notification is spent.
                w.notified = false;
                return;
            }
            for (int i = 0; i < parkedCount; i++) {
                if (parked[i] == w) {
                    parked[i] = parked[--parkedCount];
                    parked[parkedCount] = null;
                    break;
                }
            }
            w.inParkedStack = false;
            state.addAndGet(UNPARKED_ONE + 1);
            runtime.becameActive();
        } finally {
            lock.unlock();
        }
    }

    /** A worker begins a nap (after setting its {@code napping} flag); a full fence. */
    void startNap() {
        nappers.incrementAndGet();
    }

    void endNap() {
        nappers.decrementAndGet();
    }

    /**
     * Whether some worker may be napping: one read of a word written twice per nap,
     * so that work from outside does not read every worker's flag (on lines their
     * owners write all the time) to find none.
     */
    boolean anyNapping() {
        return nappers.get() != 0;
    }

    int parkedWorkers() {
        return workers - (state.get() >>> 16);
    }
}
