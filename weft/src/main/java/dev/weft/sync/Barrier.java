package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.sync.SpinLock;
import dev.weft.internal.sync.Waiter;
import dev.weft.internal.sync.WaiterList;
import java.util.ArrayList;
import java.util.List;

/**
 * Lets {@code n} tasks wait for each other (Tokio's {@code Barrier}): each calls
 * {@link #arriveAndWait()} (Tokio's {@code wait}: {@code Object.wait()}
 * has the name in Java), and the first {@code n - 1} wait until the {@code n}-th arrives;
 * then all {@code n} go on together, and the barrier starts a new generation.
 *
 * {@snippet :
 * Barrier ready = new Barrier(workers);
 * // in each worker
 * load();
 * if (ready.arriveAndWait().await().isLeader()) {
 *     log("all loaded");          // exactly one task of each generation
 * }
 * compute();
 * }
 *
 * <p><b>Reusable.</b> Once a generation is released, the next {@code n} arrivals form
 * the next one; an arrival never joins a generation that was already released.
 *
 * <p><b>Giving up.</b> A task that stops waiting (its wait future is dropped: a lost
 * select, a timeout, an abort) before its generation is released is <em>not</em>
 * counted as arrived: the generation still needs {@code n} tasks that are actually
 * waiting. (Tokio counts the arrival on the first poll and keeps it when the
 * future is dropped, so there a timed-out wait still counts toward its generation,
 * which can then be released with one task fewer actually waiting; here it cannot.)
 *
 * <p><b>Memory consistency effects:</b> actions in each task before it arrives at the
 * barrier (its wait is first polled) <i>happen-before</i> actions in every task of
 * the same generation after its wait completes.
 */
public final class Barrier {
    /*
     * Implementation notes.
     *
     * A count and an intrusive FIFO (WaiterList) of the waiting futures, under a
     * SpinLock. Every transition is a few field moves under the lock; wakers are
     * called after it is released.
     *
     * `arrived`: tasks of the current generation that are waiting (linked). A wait's
     * first poll takes the lock and arrives: if it makes `n`, it is the leader: it
     * unlinks every waiter, marks each `released`, resets `arrived` to 0 and
     * completes at once; otherwise it links itself. Invariant at every unlock:
     * arrived == waiters.size() < n.
     *
     * `released` is written under the lock before the node is unlinked and never
     * cleared; its owner reads it without the lock (volatile) and takes the lock
     * only while it reads false.
     *
     * Cancellation: a dropped wait that is still linked unlinks itself and takes its
     * arrival back (arrived--). One already released has been counted in a
     * completed generation; dropping it changes nothing (the others are already
     * on their way). So arrival is only final when the generation is.
     *
     * Tested by BarrierTest (leaders per generation, reuse, n == 1, a dropped or
     * aborted wait is not counted, tasks of both kinds, a counting stress test).
     */
    private final int parties;
    private final SpinLock lock = new SpinLock();
    private final WaiterList<Wait> waiters = new WaiterList<>();
    /** Under the lock. */
    private int arrived;
    /** Generations released so far; under the lock. */
    private long generation;

    /**
     * A barrier for {@code n} tasks. With {@code n == 1} every wait completes at once,
     * as leader (as in Tokio).
     *
     * @throws IllegalArgumentException if {@code n < 1} (Tokio treats 0 as 1; here it
     *         is refused as the likely bug it is)
     */
    public Barrier(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a barrier needs at least 1 party, got " + n);
        }
        this.parties = n;
    }

    /** The number of tasks each generation waits for. */
    public int parties() {
        return parties;
    }

    /**
     * A future that arrives at the barrier on its first poll and completes when
     * {@code n} tasks have arrived; exactly one of them gets a result that
     * {@linkplain BarrierWaitResult#isLeader() is the leader}. Lazy: creating it does
     * not arrive.
     *
     * <p>Cancel safety: cancel safe. Dropped before its generation is released, it
     * takes its arrival back: the barrier waits for another task instead. Dropped
     * after the release, it loses nothing for the others (they were already
     * released), but the dropping task was counted in that generation although it
     * never saw the result: a select whose other branch wins can drop it in the
     * moment the last task arrives. A task that then arrives again joins the next
     * generation, one ahead of the others. So do not race a wait against another
     * branch when every task must pass each generation exactly once.
     */
    public Future<BarrierWaitResult> arriveAndWait() {
        return new Wait(this);
    }

    /** Tasks waiting in the current generation (a snapshot). */
    public int waiting() {
        lock.lock();
        try {
            return arrived;
        } finally {
            lock.unlock();
        }
    }

    /** Generations released so far (a snapshot). */
    long generation() {
        lock.lock();
        try {
            return generation;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Barrier[" + waiting() + "/" + parties + " waiting]";
    }

    /** One wait: a node of the barrier's list. Polled by one task at a time. */
    private static final class Wait extends Waiter implements Future<BarrierWaitResult> {
        private static final int INIT = 0;
        private static final int WAITING = 1;
        private static final int DONE = 2;

        private final Barrier barrier;
        /** Owner-only. */
        private int phase = INIT;
        private BarrierWaitResult result;
        /** Set under the lock when the generation is released; never cleared. */
        private volatile boolean released;

        Wait(Barrier barrier) {
            this.barrier = barrier;
        }

        @Override
        public Poll<BarrierWaitResult> poll(Context cx) {
            if (phase == DONE) {
                if (result == null) {
                    throw new IllegalStateException("a dropped barrier wait was polled; call arriveAndWait() again");
                }
                return Poll.ready(result);
            }
            if (!cx.proceed()) {
                return Poll.pending();
            }
            Barrier b = barrier;
            if (phase == WAITING) {
                if (!released) {
                    b.lock.lock();
                    try {
                        if (!released) {
                            if (waker != cx.waker()) {
                                waker = cx.waker();
                            }
                            return Poll.pending();
                        }
                    } finally {
                        b.lock.unlock();
                    }
                }
                return finish(BarrierWaitResult.FOLLOWER);
            }
            List<Waker> wake;
            b.lock.lock();
            try {
                if (++b.arrived < b.parties) {
                    waker = cx.waker();
                    b.waiters.addLast(this);
                    phase = WAITING;
                    return Poll.pending();
                }
                wake = new ArrayList<>(b.arrived - 1);
                for (Wait w = b.waiters.peekFirst(); w != null; w = b.waiters.peekFirst()) {
                    w.released = true;
                    b.waiters.remove(w);
                    if (w.waker != null) {
                        wake.add(w.waker);
                        w.waker = null;
                    }
                }
                b.arrived = 0;
                b.generation++;
            } finally {
                b.lock.unlock();
            }
            WaiterList.wakeAll(wake);
            return finish(BarrierWaitResult.LEADER);
        }

        private Poll<BarrierWaitResult> finish(BarrierWaitResult r) {
            phase = DONE;
            result = r;
            return Poll.ready(r);
        }

        /** Takes the arrival back if the generation was not released yet. */
        @Override
        public void drop() {
            int p = phase;
            phase = DONE;
            if (p != WAITING || released) {
                return;
            }
            Barrier b = barrier;
            b.lock.lock();
            try {
                if (b.waiters.remove(this)) {
                    b.arrived--;
                    waker = null;
                }
            } finally {
                b.lock.unlock();
            }
        }
    }
}
