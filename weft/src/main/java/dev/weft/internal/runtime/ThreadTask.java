package dev.weft.internal.runtime;

import dev.weft.CheckedRunnable;
import java.util.concurrent.Callable;

/**
 * Direct-style code on a virtual thread of its own, awaiting futures by parking.
 *
 * <p>The task is also its thread's uncaught-exception handler: that is how code on
 * the thread finds its task ({@link #current()}) without a thread-local. See the
 * implementation notes.
 */
public final class ThreadTask<T> extends TaskCore<T> implements Runnable, Thread.UncaughtExceptionHandler {
    /*
     * Implementation notes.
     *
     * Finding the task of the running thread. A thread-local would cost every thread
     * task a ThreadLocalMap (a 16-slot table) and a weak entry, about 150 bytes and a
     * reference for the collector to process: measured, the largest part of what a
     * thread task added to a bare virtual thread (W1, W7 in weft-benchmarks). So the
     * task is installed as its thread's uncaught-exception handler, a plain field of
     * the Thread that is read without allocation, and current() checks the handler's
     * thread is the calling one. The handler is otherwise unused: run() lets no
     * exception escape; if one ever does (an Error thrown while finishing), it is
     * passed on to the thread group, which is what the JDK does with no handler set.
     * Code that replaces the handler of a thread task's own thread detaches the
     * thread from its task (ThreadContext.current() then answers a context of a
     * thread outside every task); Weft never reads the handler of another thread.
     *
     * The thread context (the waker, the budgeted Context, the await state) is made
     * on first use, by the task's own thread only: a task that never awaits, reads a
     * task-local or asks for its context (a spawn needs only the runtime, found
     * through the task) allocates none. Until then the same field holds the
     * task-local bindings the task starts with, which the context takes over: never
     * both at once, and a field less makes every thread task, finished ones too,
     * 64 bytes instead of 72 (W1 keeps a million of them).
     *
     * Cancellation. abort() writes cancelled, then reads context and wakes it if
     * there is one; the thread writes context, then reads cancelled at the start of
     * every await and after every park. Both fields are volatile, so either abort
     * sees the context and wakes it, or the thread sees cancelled before it parks:
     * no abort is lost. The flag is never cleared (cancellation is sticky). The
     * outcome is "cancelled" once an await has thrown the cancellation (or the task
     * never started); a body that returns or throws without having reached an await
     * since the abort keeps its own outcome.
     *
     * The body is a Callable or, for a body with no value, the CheckedRunnable as
     * given: an adapter to Callable cost every such task an object and one or two
     * frames more on its stack for as long as it is parked (W5). A body given as a
     * CheckedRunnable that is also a Callable is adapted (RuntimeCore), so that it
     * is run, not called.
     *
     * What a finished task keeps. Handles are often held long after their task has
     * finished (a list of a million of them, in W1), so run() lets go of the thread
     * and the context once the outcome is published: a finished thread task is a few
     * words and its outcome, not a terminated virtual thread with its continuation
     * and stack. Completion callbacks run before that, on a thread that still knows
     * its task, as before.
     *
     * Tested by JoinHandleTest (abort while parked, before the first await, after
     * finishing; a finished task does not keep its thread), SingleCarrierTest (abort
     * before start), TaskLocalTest and TaskTest (task-locals, current id and name).
     */
    /** A {@code Callable<T>}, or a {@link CheckedRunnable} whose value is {@code null}; cleared at start. */
    private Object body;
    /** The virtual thread; cleared by run() once the task has finished (see the notes). */
    private Thread thread;
    /** Set once by abort, before it wakes the context; never cleared. */
    private volatile boolean cancelled;
    /** An await of this task threw the cancellation. Owner-only: set on the task's own thread. */
    private boolean cancellationThrown;
    /**
     * The task-local bindings the task starts with (or {@code null}) until its thread
     * context is made, on first use by the task's own thread; then that context, which
     * takes the bindings over. Cleared once the task has finished. One field for both
     * (see the notes).
     */
    private volatile Object context;

    ThreadTask(RuntimeCore runtime, String name, Object body, Bindings inherited) {
        super(runtime, name);
        this.body = body;
        if (inherited != null) {
            this.context = inherited; // published by the thread's start; skipped when null: a volatile write is a fence
        }
        Thread t = runtime.newVirtualThread(this, name);
        t.setUncaughtExceptionHandler(this);
        this.thread = t;
    }

    /** The thread task running on the calling thread, or {@code null}. */
    static ThreadTask<?> current() {
        return of(Thread.currentThread());
    }

    /** The thread task running on {@code t}, the calling thread, or {@code null}. */
    static ThreadTask<?> of(Thread t) {
        return t.getUncaughtExceptionHandler() instanceof ThreadTask<?> task && task.thread == t ? task : null;
    }

    @Override
    public String kind() {
        return "thread";
    }

    void start() {
        thread.start();
    }

    /** This task's thread context, made on first use; called on the task's own thread only. */
    ThreadContext context() {
        Object o = context;
        if (o instanceof ThreadContext c) {
            return c;
        }
        ThreadContext c = new ThreadContext(thread, runtime, this, (Bindings) o);
        context = c; // volatile write before any read of cancelled by an await: see the notes
        return c;
    }

    /** The task-local bindings in force, without making the context for a read. */
    Bindings bindings() {
        Object o = context;
        return o instanceof ThreadContext c ? c.bindings : (Bindings) o;
    }

    boolean isCancelled() {
        return cancelled;
    }

    @Override
    public void run() {
        try {
            runBody();
        } finally {
            release();
            runtime.becameInactive(); // counted from its spawn (RuntimeCore.startThread)
        }
    }

    private void runBody() {
        Object b = body;
        body = null;
        if (cancelled) {
            finishCancelled(); // aborted before it started: the body never runs
            return;
        }
        // The outcome is "cancelled" once an await threw the cancellation. An abort that
        // no await saw (it landed after the last one) changes nothing: the body ran to
        // its end, and its value or failure is the outcome, as for a future task whose
        // completing poll an abort overtook. (Answering "cancelled" then lost the value,
        // a message the body had received included.)
        T value;
        try {
            value = call(b);
        } catch (Throwable failure) {
            if (cancellationThrown) {
                finishCancelled();
            } else {
                finishFailed(failure);
            }
            return;
        }
        if (cancellationThrown) {
            finishCancelled();
        } else {
            finishWithValue(value);
        }
    }

    /** An await of this task is about to throw the cancellation; called on the task's own thread. */
    void cancellationThrown() {
        cancellationThrown = true;
    }

    /** Runs the body; a value-less body is taken as it was given (see the notes). */
    @SuppressWarnings("unchecked")
    private static <T> T call(Object body) throws Exception {
        if (body instanceof Callable<?> c) {
            return (T) c.call();
        }
        ((CheckedRunnable) body).run();
        return null;
    }

    /**
     * Lets go of the thread and the context once the task has finished (see the notes);
     * from here on, this thread is no longer the task's.
     */
    private void release() {
        thread = null;
        if (context != null) {
            context = null; // a volatile write is a full fence: skipped where there is nothing to clear
        }
    }

    @Override
    public void abort() {
        if (!isFinished()) {
            cancelled = true;
            if (context instanceof ThreadContext c) {
                c.wake();
            }
        }
    }

    /** Not expected: {@link #run()} catches everything the body throws. Handled as with no handler. */
    @Override
    public void uncaughtException(Thread t, Throwable e) {
        t.getThreadGroup().uncaughtException(t, e);
    }
}
