package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.Throwing;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Polls its enabled branches until one is ready; drops the others. The engine of
 * {@code Select}.
 */
public final class SelectFuture<R> implements Future<R> {
    /*
     * Implementation notes.
     *
     * Every poll polls every enabled branch still running, starting at a random one
     * (unless biased), so that a branch that is always ready cannot starve the ones
     * after it. The first ready branch wins: the others are dropped (releasing their
     * waker registrations, queued requests, child tasks) before its handler runs, so
     * the handler may reuse what they held. A branch that throws ends the select the
     * same way, with its exception.
     *
     * Allocation: one select costs this object and the array of its branches; the
     * handler is one object for all branches (it gets the index), and `enabled` is
     * null when every branch is enabled. A select per message in a loop is the
     * common use, so this matters (it was five objects more per select).
     *
     * Tested by SelectTest (fairness, bias, preconditions, else, a million selects
     * leaving no registration behind).
     */
    /** Every branch still held, enabled or not; {@code null} once dropped. */
    private final Future<?>[] branches;
    /** Which branches are polled; {@code null} when all are. */
    private final boolean[] enabled;
    private final Handler<? extends R> handler;
    private final boolean biased;
    private final Callable<? extends R> otherwise;
    private boolean done;

    /** What a winning branch's value becomes: the branch's index and value in, the select's value out. */
    @FunctionalInterface
    public interface Handler<R> {
        R apply(int index, Object value) throws Exception;
    }

    /**
     * @param branches  the futures
     * @param enabled   which branches are polled (the others are only dropped with the
     *                  select), or {@code null} for all of them
     * @param handler   makes the value of whichever branch wins (it gets the index)
     * @param otherwise the else branch, or {@code null}
     */
    public SelectFuture(Future<?>[] branches, boolean[] enabled, Handler<? extends R> handler, boolean biased,
            Callable<? extends R> otherwise) {
        this.branches = branches;
        this.enabled = enabled;
        this.handler = handler;
        this.biased = biased;
        this.otherwise = otherwise;
    }

    @Override
    public Poll<R> poll(Context cx) {
        if (done) {
            throw new IllegalStateException("select polled after it completed");
        }
        int n = branches.length;
        int start = biased || n < 2 ? 0 : ThreadLocalRandom.current().nextInt(n);
        boolean anyEnabled = false;
        for (int k = 0; k < n; k++) {
            int i = start + k < n ? start + k : start + k - n;
            Future<?> branch = branches[i];
            if (branch == null || (enabled != null && !enabled[i])) {
                continue;
            }
            anyEnabled = true;
            Poll<?> p;
            try {
                p = branch.poll(cx);
            } catch (Throwable t) {
                branches[i] = null;
                done = true;
                throw Throwing.sneaky(Drops.keep(t, Drops.dropAll(branches)));
            }
            if (p.isReady()) {
                branches[i] = null;
                finish();
                try {
                    return Poll.ready(handler.apply(i, p.value()));
                } catch (Exception e) {
                    throw Throwing.sneaky(e);
                }
            }
        }
        if (anyEnabled) {
            return Poll.pending();
        }
        finish();
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

    private void finish() {
        done = true;
        drop();
    }

    @Override
    public void drop() {
        Throwable failure = Drops.dropAll(branches);
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
    }
}
