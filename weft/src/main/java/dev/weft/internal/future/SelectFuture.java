package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.SelectDropException;
import dev.weft.internal.Throwing;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Polls its branches until one is ready; drops the others. The engine of
 * {@code Select}: {@link #pollBranches} works on the caller's own array of branches,
 * so a select keeps its state in itself; this class is the same engine over plain
 * futures, for {@code Select.any}.
 */
public abstract class SelectFuture<R> implements Future<R>, BranchAccess<Future<?>, R> {
    /*
     * Implementation notes.
     *
     * Every poll polls every enabled branch still running, starting at a random one
     * (unless biased), so that a branch that is always ready cannot starve the ones
     * after it. The first ready branch wins: the others are dropped (releasing their
     * waker registrations, queued requests, child tasks) before its handler runs, so
     * the handler may reuse what they held. A branch that throws ends the select the
     * same way, with its exception. A loser whose drop throws fails the select with a
     * SelectDropException that keeps the winner's value (the handler does not run), so
     * a value the winner took (a received message) is handed back, not lost; an Error
     * from a drop is rethrown as it is.
     *
     * Allocation: a select per message in a loop is the common use, so the engine is a
     * static method over the caller's array of branches (a branch slot is nulled when
     * its future is dropped) and a BranchAccess that tells it a branch's future, its
     * precondition and its handler: one constant per kind of select, not an object per
     * select. The access is also what Drops.dropAll reads a branch's future through,
     * so dropping the losers makes no lambda either. A Select therefore costs itself
     * and its copy of the branches (it was that, plus an engine object and an array of
     * the branches' futures, and before that five objects more). When the handler
     * answers the branch's own value (`on(f)`, `v -> v`), the branch's Poll is the
     * select's: it is immutable.
     *
     * Tested by SelectTest (fairness, bias, preconditions, else, a million selects
     * leaving no registration behind).
     */

    /** Every branch still held; {@code null} once dropped. */
    private final Future<?>[] branches;
    private boolean done;

    protected SelectFuture(Future<?>[] branches) {
        this.branches = branches;
    }

    /** What the winning branch's value becomes: the branch's index and value in, the select's value out. */
    protected abstract R handle(int index, Object value) throws Exception;

    @Override
    public final Future<?> future(Future<?> branch) {
        return branch;
    }

    @Override
    public final boolean enabled(Future<?> branch) {
        return true;
    }

    @Override
    public final R handle(Future<?> branch, int index, Object value) throws Exception {
        return handle(index, value);
    }

    @Override
    public Poll<R> poll(Context cx) {
        if (done) {
            throw new IllegalStateException("select polled after it completed");
        }
        done = true; // until it answers pending: a branch that throws also ends it
        Poll<R> p = pollBranches(cx, branches, false, null, this);
        if (p.isPending()) {
            done = false;
        }
        return p;
    }

    /**
     * One poll of a select over {@code branches}: the select's value (ready; every
     * branch has then been dropped and its slot nulled), or pending. A branch that
     * throws ends the select with its exception, the others dropped; a loser's drop
     * that throws after a branch was ready ends it with a {@link SelectDropException}.
     */
    public static <B, R> Poll<R> pollBranches(Context cx, B[] branches, boolean biased,
            Callable<? extends R> otherwise, BranchAccess<? super B, ? extends R> access) {
        int n = branches.length;
        int start = biased || n < 2 ? 0 : ThreadLocalRandom.current().nextInt(n);
        boolean anyEnabled = false;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            B branch = branches[i];
            if (branch == null || !access.enabled(branch)) {
                continue;
            }
            anyEnabled = true;
            Poll<?> p;
            try {
                p = access.future(branch).poll(cx);
            } catch (Throwable t) {
                branches[i] = null;
                throw Throwing.sneaky(Drops.keep(t, Drops.dropAll(branches, access)));
            }
            if (p.isReady()) {
                branches[i] = null;
                Object value = p.value();
                Throwable dropFailure = Drops.dropAll(branches, access);
                if (dropFailure instanceof Error error) {
                    throw error; // out of memory, a stack overflow: not to be wrapped
                }
                if (dropFailure != null) {
                    throw new SelectDropException(i, value, dropFailure);
                }
                R r;
                try {
                    r = access.handle(branch, i, value);
                } catch (Exception e) {
                    throw Throwing.sneaky(e);
                }
                @SuppressWarnings("unchecked")
                Poll<R> same = (Poll<R>) p; // immutable: see "Allocation"
                return r == value ? same : Poll.ready(r);
            }
        }
        if (anyEnabled) {
            return Poll.pending();
        }
        throwIfFailed(Drops.dropAll(branches, access));
        if (otherwise == null) {
            throw new IllegalStateException("every branch of this select is disabled and it has no orElse branch;"
                    + " add .orElse(...) for that case");
        }
        try {
            return Poll.ready(otherwise.call());
        } catch (Exception e) {
            throw Throwing.sneaky(e);
        }
    }

    /** Drops the future of every branch still held and nulls its slot. */
    public static <B> void dropBranches(B[] branches, BranchAccess<? super B, ?> access) {
        throwIfFailed(Drops.dropAll(branches, access));
    }

    private static void throwIfFailed(Throwable failure) {
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
    }

    @Override
    public void drop() {
        done = true;
        dropBranches(branches, this);
    }
}
