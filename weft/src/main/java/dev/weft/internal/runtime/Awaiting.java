package dev.weft.internal.runtime;

import dev.weft.Future;

/** Where {@link Future#await()} begins: refuses scheduler workers, then parks the thread. */
public final class Awaiting {
    private Awaiting() {
    }

    public static <T> T await(Future<T> f) {
        if (Thread.currentThread() instanceof Worker w) {
            throw awaitOnWorker(w);
        }
        return ThreadContext.current().await(f);
    }

    /**
     * For futures that run code inline when awaited (async blocks): the same checks as
     * an await, before anything runs. Refuses scheduler workers; in an aborted task,
     * drops {@code f} and throws the cancellation.
     */
    public static void checkInlineAwait(Future<?> f) {
        if (Thread.currentThread() instanceof Worker w) {
            throw awaitOnWorker(w);
        }
        ThreadContext.current().checkNotCancelled(f);
    }

    /**
     * The checks of an await, made before blockOn spawns its root: on a scheduler
     * worker it is refused, and in an aborted thread task it throws the cancellation,
     * so that the root never starts where the await that follows would not wait for it.
     */
    public static void checkBeforeBlockOn() {
        if (Thread.currentThread() instanceof Worker w) {
            throw awaitOnWorker(w);
        }
        ThreadTask<?> t = ThreadTask.current();
        if (t != null && t.isCancelled()) {
            throw t.context().cancelledException();
        }
    }

    static IllegalStateException awaitOnWorker(Worker w) {
        FutureTask<?> t = w.currentTask;
        return new IllegalStateException("await() called on scheduler worker " + w.getName()
                + (t == null ? "" : " inside a poll of " + t)
                + ". Awaiting here would block the worker and stall every task queued on it."
                + " Inside a future, compose instead: map, andThen, Join, Select, or return Poll.pending()"
                + " after registering cx.waker(). To write direct-style code that awaits, run it as a thread task:"
                + " Task.spawn(() -> ...), or wrap it in Async.async(() -> ...).");
    }
}
