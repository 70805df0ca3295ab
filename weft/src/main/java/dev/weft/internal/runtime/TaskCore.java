package dev.weft.internal.runtime;

import dev.weft.Context;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.task.AbortHandle;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What every kind of task shares: id and name, the outcome, the one waker of whoever
 * awaits the handle, completion callbacks, and the links of the runtime's task
 * registry. A task object is its own {@link JoinHandle}, so a spawn allocates no
 * separate handle.
 */
public abstract sealed class TaskCore<T> implements JoinHandle<T>
        permits FutureTask, ThreadTask, BlockingTask {
    /*
     * Implementation notes.
     *
     * outcome: null while the task runs; then exactly once (CAS) one of NULL_VALUE,
     * the value itself, a Failure, or CANCELLED. Who finishes a task: the worker
     * polling a future task, the virtual thread of a thread task, the pool thread
     * of a blocking task, or the pool's shutdown for a blocking task never started.
     *
     * Waking the awaiter: the awaiter writes joinWaker then re-reads outcome; the
     * finisher writes outcome then reads joinWaker. Both are volatile, so at least
     * one sees the other's write: the awaiter sees the outcome, or the finisher wakes
     * it. A second wake is harmless.
     *
     * callbacks: a Treiber stack of Callback nodes; finishing swaps in CALLBACKS_DONE
     * and runs what it took; a callback added after that runs at once. The root task
     * of a blockOn, whose failure the caller rethrows, starts with RETHROWN_ROOT as the
     * bottom node of its stack instead of null: the flag costs no field of its own.
     *
     * Size. W1 holds a million finished tasks alive at once, and a young collection
     * copies every one of them, so the bytes a task keeps matter more than the bytes
     * it allocates and drops. With compressed oops a FutureTask is 12 bytes of header,
     * the long id, seven references here and four ints/references in FutureTask: 64
     * bytes. One more field (the boolean that RETHROWN_ROOT replaces) made it 72.
     */
    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    private static final Object NULL_VALUE = new Object();
    private static final Object CANCELLED = new Object();
    private static final Callback CALLBACKS_DONE = new Callback(null, null);
    /** The bottom of the callback stack of a task whose failure its spawner rethrows; runs nothing. */
    private static final Callback RETHROWN_ROOT = new Callback(null, null);

    private static final VarHandle OUTCOME;
    private static final VarHandle CALLBACKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OUTCOME = l.findVarHandle(TaskCore.class, "outcome", Object.class);
            CALLBACKS = l.findVarHandle(TaskCore.class, "callbacks", Callback.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final String name;
    final RuntimeCore runtime;
    private volatile Object outcome;
    private volatile Waker joinWaker;
    private volatile Callback callbacks;

    /** Registry links; guarded by the registry shard's lock. */
    TaskCore<?> registryPrev;
    TaskCore<?> registryNext;

    TaskCore(RuntimeCore runtime, String name) {
        this.id = NEXT_ID.getAndIncrement();
        this.name = name;
        this.runtime = runtime;
    }

    /**
     * Called before the task starts when whoever spawned it rethrows its failure (the
     * body of blockOn): the unhandled-exception policy then stays silent about it.
     */
    final void markFailureRethrown() {
        callbacks = RETHROWN_ROOT;
    }

    private boolean isFailureRethrown() {
        Callback c = callbacks;
        while (c != null && c != RETHROWN_ROOT) {
            c = c.next;
        }
        return c == RETHROWN_ROOT;
    }

    /** What kind of task this is, for reports and dumps. */
    public abstract String kind();

    // ---- JoinHandle ------------------------------------------------------------

    @Override
    public final Poll<T> poll(Context cx) {
        Object o = outcome;
        if (o == null) {
            joinWaker = cx.waker();
            o = outcome;
            if (o == null) {
                return Poll.pending();
            }
        }
        if (!cx.proceed()) {
            return Poll.pending();
        }
        return Poll.ready(unwrap(o));
    }

    @Override
    public final T await() {
        return Awaiting.await(this);
    }

    @SuppressWarnings("unchecked")
    private T unwrap(Object o) {
        if (o == NULL_VALUE) {
            return null;
        }
        if (o == CANCELLED) {
            throw new JoinError(id, name, null);
        }
        if (o instanceof Failure f) {
            throw new JoinError(id, name, f.cause);
        }
        return (T) o;
    }

    @Override
    public final void drop() {
        joinWaker = null;
    }

    @Override
    public final boolean isFinished() {
        return outcome != null;
    }

    @Override
    public final long id() {
        return id;
    }

    @Override
    public final Optional<String> name() {
        return Optional.ofNullable(name);
    }

    @Override
    public final AbortHandle abortHandle() {
        return this;
    }

    @Override
    public final CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        onFinish(() -> {
            Object o = outcome;
            if (o instanceof Failure || o == CANCELLED) {
                cf.completeExceptionally(o == CANCELLED ? new JoinError(id, name, null)
                        : new JoinError(id, name, ((Failure) o).cause));
            } else {
                cf.complete(unwrap(o));
            }
        });
        return cf;
    }

    // ---- finishing -------------------------------------------------------------

    final void finishWithValue(T value) {
        finish(value == null ? NULL_VALUE : value);
    }

    final void finishFailed(Throwable cause) {
        if (OUTCOME.compareAndSet(this, null, new Failure(cause))) {
            // Reported before anyone can see the task finished, so that a program ending
            // right after (close(), exit) cannot lose the report.
            if (!isFailureRethrown()) {
                runtime.onTaskFailed(this, cause);
            }
            published();
        }
    }

    final void finishCancelled() {
        finish(CANCELLED);
    }

    private void finish(Object o) {
        if (OUTCOME.compareAndSet(this, null, o)) {
            published();
        }
    }

    /** The outcome is set: leave the registry, wake the awaiter, run the callbacks. */
    private void published() {
        leaveRegistry();
        Waker w = joinWaker;
        if (w != null) {
            try {
                w.wake();
            } catch (Throwable t) { // a user's waker: the callbacks below must still run
                runtime.logWakerFailure(this, t);
            }
        }
        Callback c = (Callback) CALLBACKS.getAndSet(this, CALLBACKS_DONE);
        for (; c != null; c = c.next) {
            if (c.action != null) { // not RETHROWN_ROOT
                runCallback(c.action);
            }
        }
    }

    /** Called once the outcome is set: the task leaves the registry (FutureTask: or its count). */
    void leaveRegistry() {
        runtime.registry.remove(this);
    }

    /** Runs {@code action} once the task has finished: at once if it has. */
    public final void onFinish(Runnable action) {
        for (;;) {
            Callback head = callbacks;
            if (head == CALLBACKS_DONE) {
                runCallback(action);
                return;
            }
            if (CALLBACKS.compareAndSet(this, head, new Callback(action, head))) {
                return;
            }
        }
    }

    private void runCallback(Runnable action) {
        try {
            action.run();
        } catch (Throwable t) {
            runtime.logCallbackFailure(this, t);
        }
    }

    @Override
    public String toString() {
        Object o = outcome;
        String state = o == null ? "running" : o == CANCELLED ? "cancelled" : o instanceof Failure ? "failed" : "done";
        return kind() + " task " + id + (name == null ? "" : " '" + name + "'") + " (" + state + ")";
    }

    private record Failure(Throwable cause) {
    }

    private record Callback(Runnable action, Callback next) {
    }
}
