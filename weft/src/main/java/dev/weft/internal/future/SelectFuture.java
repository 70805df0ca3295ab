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
public abstract class SelectFuture<R> implements Future<R> {
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
     * handlers are this object's handle() (a subclass knows them), and `enabled` is
     * null when every branch is enabled. A select per message in a loop is the
     * common use, so this matters (it was five objects more per select, then one: a
     * handler lambda beside this object). When the handler answers the branch's own
     * value (`on(f)`, `v -> v`), the branch's Poll is the select's: it is immutable.
     *
     * Tested by SelectTest (fairness, bias, preconditions, else, a million selects
     * leaving no registration behind).
     */
    /** Every branch still held, enabled or not; {@code null} once dropped. */
    private final Future<?>[] branches;
    /** Which branches are polled; {@code null} when all are. */
    private final boolean[] enabled;
    private final boolean biased;
    private final Callable<? extends R> otherwise;
    private boolean done;

    /**
     * @param branches  the futures
     * @param enabled   which branches are polled (the others are only dropped with the
     *                  select), or {@code null} for all of them
     * @param otherwise the else branch, or {@code null}
     */
    protected SelectFuture(Future<?>[] branches, boolean[] enabled, boolean biased, Callable<? extends R> otherwise) {
        this.branches = branches;
        this.enabled = enabled;
        this.biased = biased;
        this.otherwise = otherwise;
    }

    /** What the winning branch's value becomes: the branch's index and value in, the select's value out. */
    protected abstract R handle(int index, Object value) throws Exception;

    /** Drops every future of a select that was never polled. */
    public static void dropAll(Future<?>[] futures) {
        Throwable failure = Drops.dropAll(futures);
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
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
                Object value = p.value();
                R r;
                try {
                    r = handle(i, value);
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
        dropAll(branches);
    }
}
