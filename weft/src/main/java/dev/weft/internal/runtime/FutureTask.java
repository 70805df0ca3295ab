package dev.weft.internal.runtime;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.ContextAccess;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A future spawned as it is: polled by the scheduler's workers, no thread of its
 * own. The task is its own waker.
 */
public final class FutureTask<T> extends TaskCore<T> implements Waker {
    /*
     * Implementation notes.
     *
     * state, an int of flags:
     *   RUNNING    a worker is polling the future
     *   NOTIFIED   the task is in a run queue, or must go back into one when the
     *              poll in progress returns
     *   CANCELLED  abort() was called: the next run drops the future
     *   COMPLETE   finished; every later wake or abort does nothing
     *
     *   idle --wake--> NOTIFIED (queued) --run--> RUNNING --ready--> COMPLETE
     *                                             RUNNING --pending--> idle
     *                          RUNNING --wake--> RUNNING|NOTIFIED --pending--> NOTIFIED (queued again, at the back)
     *
     * A task is queued only by the transition that sets NOTIFIED on a task that is
     * neither RUNNING nor NOTIFIED, so it sits in at most one queue at a time, and only
     * one worker polls it at a time. Abort sets CANCELLED and, on an idle task,
     * NOTIFIED too, queueing it: a worker then drops the future, so a drop never
     * races a poll. A wake during the task's own poll (it yielded, or spent its
     * budget) puts it at the back of the queue, behind the others.
     *
     * cx, the task's Context (its waker and its budget), is made at the first poll and
     * kept only if that poll is pending: most tasks finish in one poll, and a finished
     * task then keeps no Context (24 bytes a task in W1, where a million finished
     * tasks stay alive; see TaskCore's notes on size). Only the polling worker touches
     * it; the state CAS that starts each run orders one run's write before the next.
     *
     * Registration: the task enters the runtime's registry only when its first poll
     * is pending, in the same step that keeps cx; until then the registry only counts
     * it (addUnpolled at spawn, removeUnpolled after the first poll or the drop). So
     * cx != null means "in the registry", and leaveRegistry() takes the task out of
     * whichever of the two holds it. A task that finishes in its first poll (W1: all
     * of them) touches no registry list: see TaskRegistry's notes for the measurement.
     * Shutdown closes the registry, then aborts the tasks in it; an unpolled task is
     * in a run queue instead, and the run that would poll it first drops it once the
     * registry is closed, as abort() would have. A first poll that is pending after
     * the registry closed finds the add refused and drops the future too.
     *
     * Tested by FutureTaskTest and the cancellation cases of JoinHandleTest.
     */
    static final int RUNNING = 1;
    static final int NOTIFIED = 2;
    static final int CANCELLED = 4;
    static final int COMPLETE = 8;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(FutureTask.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile int state = NOTIFIED; // spawned tasks start queued
    /** The future; {@code null} once it completed or was dropped. Touched only by the worker polling it. */
    private Future<T> future;
    /** Made by the first poll, kept if it was pending; see the notes. Touched only by the worker polling it. */
    private Context cx;
    /** Link in the global queue; owned by whoever holds the task queued. */
    FutureTask<?> queueNext;

    FutureTask(RuntimeCore runtime, String name, Future<T> future) {
        super(runtime, name);
        this.future = future;
    }

    @Override
    public String kind() {
        return "future";
    }

    /** Polls the future once; called by a worker that took the task from a queue. */
    void run(Worker worker) {
        int s;
        do {
            s = state;
            if ((s & COMPLETE) != 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, (s | RUNNING) & ~NOTIFIED));
        Context c = cx;
        if ((s & CANCELLED) != 0 || (c == null && runtime.registry.isClosed())) {
            dropOnWorker(worker); // aborted, or never polled and the runtime is shutting down
            return;
        }
        Poll<T> p;
        if (c == null) {
            c = ContextAccess.get().budgeted(this); // first poll: a full budget
        } else {
            ContextAccess.get().refill(c);
        }
        worker.currentTask = this;
        worker.bindings = null;
        try {
            p = future.poll(c);
        } catch (Throwable failure) {
            future = null;
            state = COMPLETE;
            finishFailed(failure);
            return;
        } finally {
            worker.currentTask = null;
            worker.bindings = null;
        }
        if (p.isReady()) {
            future = null;
            state = COMPLETE;
            finishWithValue(p.value());
            return;
        }
        if (cx == null) {
            // Pending after the first poll: the task joins the registry (see the notes).
            if (!runtime.registry.add(this)) {
                dropOnWorker(worker); // shutdown began during the poll; still counted unpolled
                return;
            }
            cx = c;
            runtime.registry.removeUnpolled();
        }
        for (;;) {
            s = state;
            if ((s & CANCELLED) != 0) {
                dropOnWorker(worker);
                return;
            }
            if (STATE.compareAndSet(this, s, s & ~RUNNING)) {
                if ((s & NOTIFIED) != 0) {
                    runtime.scheduler.scheduleYield(this);
                }
                return;
            }
        }
    }

    /**
     * Drops the future on {@code worker}, as its current task: a drop that takes long
     * is then named by a shutdown's report (the workers' current tasks), and
     * {@code Task.currentId()} works inside the drop as inside a poll.
     */
    private void dropOnWorker(Worker worker) {
        worker.currentTask = this;
        worker.bindings = null;
        try {
            dropFuture();
        } finally {
            worker.currentTask = null;
            worker.bindings = null;
        }
    }

    private void dropFuture() {
        Future<T> f = future;
        future = null;
        state = COMPLETE;
        try {
            if (f != null) {
                f.drop();
            }
        } catch (Throwable t) {
            runtime.logDropFailure(this, t);
        } finally {
            finishCancelled(); // reads cx (leaveRegistry): cleared only after
            cx = null;
        }
    }

    @Override
    void leaveRegistry() {
        if (cx != null) {
            super.leaveRegistry();
        } else {
            runtime.registry.removeUnpolled();
        }
    }

    @Override
    public void wake() {
        for (;;) {
            int s = state;
            if ((s & (COMPLETE | NOTIFIED)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | NOTIFIED)) {
                if ((s & RUNNING) == 0) {
                    runtime.scheduler.schedule(this);
                }
                return;
            }
        }
    }

    @Override
    public void abort() {
        for (;;) {
            int s = state;
            if ((s & (COMPLETE | CANCELLED)) != 0) {
                return;
            }
            boolean idle = (s & (RUNNING | NOTIFIED)) == 0;
            if (STATE.compareAndSet(this, s, s | CANCELLED | (idle ? NOTIFIED : 0))) {
                if (idle) {
                    runtime.scheduler.schedule(this);
                }
                return;
            }
        }
    }

    /** The scheduler is gone: drop the future on the calling thread. */
    void cancelOnStoppedScheduler() {
        for (;;) {
            int s = state;
            if ((s & (COMPLETE | RUNNING)) != 0) {
                return; // finished, or a worker that outlived the deadline still polls it
            }
            if (STATE.compareAndSet(this, s, s | CANCELLED | RUNNING)) {
                break;
            }
        }
        dropFuture();
    }

    /** Queues the task for its first poll. */
    void start() {
        runtime.scheduler.schedule(this);
    }
}
