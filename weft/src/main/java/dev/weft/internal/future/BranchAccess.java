package dev.weft.internal.future;

import dev.weft.Future;

/**
 * How {@link SelectFuture#pollBranches} reads one kind of branch: its future, its
 * precondition, its handler. One constant per kind of select, so that the engine
 * needs no object per select.
 *
 * @param <B> the type of a branch
 * @param <R> the type of the select's value
 */
public interface BranchAccess<B, R> extends Drops.Holder<B> {
    @Override
    Future<?> future(B branch);

    boolean enabled(B branch);

    /** What the winning branch's value becomes. */
    R handle(B branch, int index, Object value) throws Exception;
}
