package dev.weft.task;

import dev.weft.Future;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The handle of a spawned task: a future of its value, and the means to abort it.
 *
 * <p>Awaiting (or polling) the handle gives the task's value, or throws a
 * {@link JoinError} saying the task was cancelled or failed, with its exception as
 * the cause. A handle may be awaited again after it completed; it gives the same
 * outcome.
 *
 * <p>Dropping a handle ({@link #drop()}) detaches the task: it runs on, and its
 * outcome goes nowhere (a failure is still reported by the runtime's unhandled
 * exception policy). It does <em>not</em> cancel the task; use {@link #abort()}.
 *
 * <p>The same handle type serves the three kinds of task:
 * <ul>
 *   <li>a <em>future task</em> ({@code spawn(Future)}) is polled by Weft's scheduler;
 *       abort drops its future after the poll in progress, if any, returns;</li>
 *   <li>a <em>thread task</em> ({@code spawn(Callable)}) runs on a virtual thread;
 *       abort wakes it, and the await it is parked in, or the next one it reaches,
 *       throws {@link CancelledException}; its {@code finally} blocks run;</li>
 *   <li>a <em>blocking task</em> ({@code spawnBlocking}) runs on a pool thread;
 *       abort cancels it only if it has not started yet: Java offers no safe way
 *       to stop running blocking code.</li>
 * </ul>
 * Aborting a task that has finished does nothing: its outcome stands.
 *
 * <p>Not for implementation outside Weft. Thread-safe, except that one task at a
 * time may poll the handle, as with any future.
 *
 * <p>Memory consistency effects: everything the task did <i>happens-before</i> an
 * await or poll of its handle that sees it finished.
 *
 * @param <T> the type of the task's value
 */
public interface JoinHandle<T> extends Future<T>, AbortHandle {

    /**
     * Awaits the task's value.
     *
     * <p>Cancel safety: cancel safe. Dropping the wait loses nothing: the task runs
     * on, and a later await of the same handle gets its outcome.
     *
     * @throws JoinError if the task was cancelled or failed
     * @throws dev.weft.task.CancelledException if the awaiting task itself was
     *     aborted (as every await does; the awaited task runs on)
     */
    @Override
    T await();

    /**
     * Cancels the task. A task that has not started never runs; a running one stops
     * at its next await (thread task) or after its current poll (future task). The
     * handle then completes with a cancelled {@link JoinError}. A task that ends
     * before the abort takes effect (a future task in the poll that completes it, a
     * thread task that reaches no await before its body returns) keeps its own
     * outcome: its value or its failure is not lost.
     */
    @Override
    void abort();

    /** Detaches the task: it keeps running, and this handle stops waiting for it. */
    @Override
    void drop();

    /** The task's name, if it was given one. */
    Optional<String> name();

    /** An abort handle for this task. */
    AbortHandle abortHandle();

    /**
     * A {@code CompletableFuture} completed with the task's value, or exceptionally
     * with its {@link JoinError}. Cancelling the returned future does not cancel the
     * task; call {@link #abort()}.
     */
    CompletableFuture<T> toCompletableFuture();
}
