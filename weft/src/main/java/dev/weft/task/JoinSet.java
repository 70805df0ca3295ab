package dev.weft.task;

import dev.weft.internal.Bodies;
import dev.weft.CheckedRunnable;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.runtime.RuntimeCore;
import dev.weft.internal.runtime.TaskCore;
import dev.weft.runtime.Handle;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A set of tasks whose results are taken as they finish, in the order they finish.
 *
 * <pre>{@code
 * try (var set = new JoinSet<Integer>()) {
 *     for (int i = 0; i < 10; i++) {
 *         int n = i;
 *         set.spawn(() -> n * n);
 *     }
 *     int sum = 0;
 *     for (JoinHandle<Integer> done; (done = set.joinNext().await()) != null; ) {
 *         sum += done.await();        // ready at once; throws JoinError if it failed
 *     }
 * }                                   // close() aborts whatever is still running
 * }</pre>
 *
 * <p>Tasks are spawned on the runtime running the caller, or on the handle given to
 * the constructor. The set is meant to be used by one task at a time (its owner),
 * like any future; the tasks in it may finish on any thread.
 *
 * <p>Memory consistency effects: everything a task did <i>happens-before</i> the
 * {@code joinNext} that hands out its finished handle.
 *
 * @param <T> the type of the tasks' values
 */
public final class JoinSet<T> implements AutoCloseable {
    private final Handle handle;
    private final ReentrantLock lock = new ReentrantLock();
    /** Spawned and not finished. Guarded by {@link #lock}. */
    private final Set<TaskCore<T>> running = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Finished and not yet taken, in the order they finished. Guarded by {@link #lock}. */
    private final ArrayDeque<TaskCore<T>> finished = new ArrayDeque<>();
    /** The waker of a pending {@link #joinNext()}. Guarded by {@link #lock}. */
    private Waker waiter;

    /** An empty set whose tasks go to the runtime running the caller. */
    public JoinSet() {
        this(null);
    }

    /** An empty set whose tasks go to {@code handle}'s runtime. */
    public JoinSet(Handle handle) {
        this.handle = handle;
    }

    /** The runtime running the caller, for a set made without a handle. */
    private static RuntimeCore runtime() {
        return RuntimeCore.current("spawning into a JoinSet made without a handle (make it with new JoinSet<>(handle) to spawn from anywhere)");
    }

    /** Spawns a future task into the set; see {@link Task#spawn(Future)}. */
    public AbortHandle spawn(Future<T> future) {
        return add(handle != null ? handle.spawn(future) : runtime().spawnFuture(future, null));
    }

    /** Spawns a thread task into the set; see {@link Task#spawn(Callable)}. */
    public AbortHandle spawn(Callable<T> body) {
        return add(handle != null ? handle.spawn(body) : runtime().spawnThread(body, null, null));
    }

    /** Spawns a thread task with no value into the set. */
    @SuppressWarnings("unchecked")
    public AbortHandle spawn(CheckedRunnable body) {
        return spawn((Callable<T>) (Callable<?>) Bodies.callable(body));
    }

    /** Runs blocking work on the pool, as a member of the set; see {@link Task#spawnBlocking(Callable)}. */
    public AbortHandle spawnBlocking(Callable<T> body) {
        return add(handle != null ? handle.spawnBlocking(body) : runtime().spawnBlocking(body, null));
    }

    private AbortHandle add(JoinHandle<T> h) {
        TaskCore<T> task = (TaskCore<T>) h;
        lock.lock();
        try {
            running.add(task);
        } finally {
            lock.unlock();
        }
        task.onFinish(() -> finished(task));
        return task;
    }

    private void finished(TaskCore<T> task) {
        Waker w;
        lock.lock();
        try {
            if (!running.remove(task)) {
                return; // detached by detachAll
            }
            finished.addLast(task);
            w = waiter;
            waiter = null;
        } finally {
            lock.unlock();
        }
        if (w != null) {
            w.wake();
        }
    }

    /**
     * A future of the next task to finish, as its finished handle (awaiting it gives
     * the value at once, or throws its {@link JoinError}); {@code null} when the set
     * is empty.
     *
     * <p>Cancel safety: cancel safe. A task that finishes while nobody waits stays in
     * the set until a later {@code joinNext} takes it.
     */
    public Future<JoinHandle<T>> joinNext() {
        return this::pollNext;
    }

    private Poll<JoinHandle<T>> pollNext(Context cx) {
        lock.lock();
        try {
            TaskCore<T> done = finished.peekFirst();
            if (done == null && !running.isEmpty()) {
                waiter = cx.waker();
                return Poll.pending();
            }
            if (done != null && !cx.proceed()) {
                return Poll.pending();
            }
            finished.pollFirst();
            return Poll.ready(done);
        } finally {
            lock.unlock();
        }
    }

    /** The next finished task's handle, without waiting; {@code null} if none has finished. */
    public JoinHandle<T> tryJoinNext() {
        lock.lock();
        try {
            return finished.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * A future of every task's value, in the order they finish. If one task failed or
     * was cancelled, the others are aborted and its {@link JoinError} is thrown.
     *
     * <p>Cancel safety: values taken before the drop are lost; the tasks not yet
     * joined stay in the set.
     */
    public Future<List<T>> joinAll() {
        List<T> values = new ArrayList<>();
        return cx -> {
            for (;;) {
                Poll<JoinHandle<T>> p = pollNext(cx);
                if (p.isPending()) {
                    return Poll.pending();
                }
                JoinHandle<T> done = p.value();
                if (done == null) {
                    return Poll.ready(values);
                }
                try {
                    values.add(done.poll(Context.of(Waker.noop())).value());
                } catch (JoinError e) {
                    abortAll();
                    throw e;
                }
            }
        };
    }

    /** Aborts every task in the set; they stay in it until joined. */
    public void abortAll() {
        List<TaskCore<T>> snapshot;
        lock.lock();
        try {
            snapshot = new ArrayList<>(running);
        } finally {
            lock.unlock();
        }
        for (TaskCore<T> t : snapshot) {
            t.abort();
        }
    }

    /**
     * Aborts every task and waits until all have finished, discarding their outcomes.
     *
     * <p>Cancel safety: the aborts are done at the first poll; dropping the wait
     * leaves the finished tasks in the set.
     */
    public Future<Void> shutdown() {
        return new Future<>() {
            private boolean aborted;

            @Override
            public Poll<Void> poll(Context cx) {
                if (!aborted) {
                    aborted = true;
                    abortAll();
                }
                for (;;) {
                    Poll<JoinHandle<T>> p = pollNext(cx);
                    if (p.isPending()) {
                        return Poll.pending();
                    }
                    if (p.value() == null) {
                        return Poll.ready(null);
                    }
                }
            }
        };
    }

    /** Removes every task from the set without aborting it; they run on, detached. */
    public void detachAll() {
        lock.lock();
        try {
            running.clear();
            finished.clear();
        } finally {
            lock.unlock();
        }
    }

    /** Tasks in the set: running, or finished and not yet joined. */
    public int size() {
        lock.lock();
        try {
            return running.size() + finished.size();
        } finally {
            lock.unlock();
        }
    }

    /** Whether the set holds no task. */
    public boolean isEmpty() {
        return size() == 0;
    }

    /** Aborts every task still in the set (without waiting), like dropping a Tokio {@code JoinSet}. */
    @Override
    public void close() {
        abortAll();
    }
}
