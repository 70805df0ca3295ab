package dev.weft.task;

import dev.weft.CheckedRunnable;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.runtime.RuntimeCore;
import dev.weft.internal.runtime.TaskCore;
import dev.weft.internal.runtime.ThreadContext;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * Spawning tasks on the current runtime, and what a task can ask about itself:
 * Tokio's {@code tokio::spawn} and {@code tokio::task}.
 *
 * <p>Which kind of task to spawn:
 * <ul>
 *   <li>{@link #spawn(Future)}, a <em>future task</em>: no thread and no stack of
 *       its own, polled by the runtime's work-stealing scheduler. The cheapest; write
 *       it with combinators ({@code map}, {@code andThen}, {@code Join},
 *       {@code Select}) or a hand-written {@code poll}.</li>
 *   <li>{@link #spawn(Callable)}, a <em>thread task</em>: direct-style Java on a
 *       virtual thread, awaiting futures with {@code .await()}. Ordinary code, real
 *       stack traces, any JDK call (a blocking JDK call parks only the virtual
 *       thread).</li>
 *   <li>{@link #spawnBlocking(Callable)}: CPU-heavy or blocking work (long
 *       computations, JDK calls that pin a carrier) on a bounded pool of platform
 *       threads, so it starves neither kind of task.</li>
 * </ul>
 *
 * <p>Every spawn needs a runtime: these methods use the one running the caller
 * and throw {@link IllegalStateException} outside every runtime (use
 * {@code runtime.spawn(...)} there). A spawned task does not see its spawner's
 * {@link TaskLocal} values.
 *
 * <p><b>A thread task's own thread.</b> Weft finds the task of a thread task's
 * virtual thread through that thread's uncaught-exception handler (no thread-local:
 * see {@code ThreadTask}). Do not replace it with
 * {@code Thread.currentThread().setUncaughtExceptionHandler(...)} inside a thread
 * task: the thread then no longer knows its task, so an abort cannot reach its
 * awaits, and {@link #currentId()} and task-locals are gone. There is no need to: an
 * exception the body throws already reaches the task's {@link JoinHandle}.
 */
public final class Task {
    private Task() {
    }

    /**
     * Spawns {@code future} as a future task on the current runtime. It starts at
     * once; the handle gives its value.
     *
     * @throws IllegalStateException outside a runtime, or if the runtime is shut down
     */
    public static <T> JoinHandle<T> spawn(Future<T> future) {
        return RuntimeCore.current("Task.spawn").spawnFuture(future, null);
    }

    /**
     * Spawns {@code body} as a thread task on the current runtime: a virtual thread
     * of its own, started at once.
     *
     * @throws IllegalStateException outside a runtime, or if the runtime is shut down
     */
    public static <T> JoinHandle<T> spawn(Callable<T> body) {
        return RuntimeCore.current("Task.spawn").spawnThread(body, null, null);
    }

    /**
     * Spawns {@code body}, which has no value, as a thread task.
     *
     * @throws IllegalStateException outside a runtime, or if the runtime is shut down
     */
    public static JoinHandle<Void> spawn(CheckedRunnable body) {
        return RuntimeCore.current("Task.spawn").spawnThread(body, null, null);
    }

    /**
     * Runs {@code body} on the current runtime's blocking pool: a platform thread
     * for work that would otherwise block a worker or pin a carrier. Aborting it has
     * effect only while it waits for a thread.
     *
     * @throws IllegalStateException outside a runtime, if it is shut down, or if the
     *         pool's queue is full
     */
    public static <T> JoinHandle<T> spawnBlocking(Callable<T> body) {
        return RuntimeCore.current("Task.spawnBlocking").spawnBlocking(body, null);
    }

    /**
     * A future that is pending once (after waking its task), then ready: awaiting it
     * lets the other tasks run first. In a future task the task goes to the back of
     * its worker's queue; in a thread task the virtual thread yields its carrier if
     * another virtual thread is queued for one (with none queued there is nobody to
     * let run, and it goes on at once).
     *
     * <p>Cancel safety: cancel safe; it holds nothing.
     */
    public static Future<Void> yieldNow() {
        return new YieldNow();
    }

    /** A builder for a task with a name. */
    public static Builder builder() {
        return new Builder();
    }

    /** The id of the task running the caller, if any. */
    public static OptionalLong currentId() {
        TaskCore<?> t = RuntimeCore.currentTask();
        return t == null ? OptionalLong.empty() : OptionalLong.of(t.id());
    }

    /** The name of the task running the caller, if it is a task and has a name. */
    public static Optional<String> currentName() {
        TaskCore<?> t = RuntimeCore.currentTask();
        return t == null ? Optional.empty() : t.name();
    }

    private static final class YieldNow implements Future<Void> {
        private boolean yielded;

        @Override
        public Poll<Void> poll(Context cx) {
            if (yielded) {
                return Poll.ready(null);
            }
            yielded = true;
            if (cx.waker() instanceof ThreadContext tc) {
                tc.askYield(); // its await yields even if this poll also spent the budget
            }
            cx.waker().wake();
            return Poll.pending();
        }
    }

    /** Spawns one task with a name, which shows in errors, reports and thread names. */
    public static final class Builder {
        private String name;

        private Builder() {
        }

        /** The task's name. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /** As {@link Task#spawn(Future)}, named. */
        public <T> JoinHandle<T> spawn(Future<T> future) {
            return RuntimeCore.current("Task.builder().spawn").spawnFuture(future, name);
        }

        /** As {@link Task#spawn(Callable)}, named; the virtual thread gets the name too. */
        public <T> JoinHandle<T> spawn(Callable<T> body) {
            return RuntimeCore.current("Task.builder().spawn").spawnThread(body, name, null);
        }

        /** As {@link Task#spawn(CheckedRunnable)}, named. */
        public JoinHandle<Void> spawn(CheckedRunnable body) {
            return RuntimeCore.current("Task.builder().spawn").spawnThread(body, name, null);
        }

        /** As {@link Task#spawnBlocking(Callable)}, named. */
        public <T> JoinHandle<T> spawnBlocking(Callable<T> body) {
            return RuntimeCore.current("Task.builder().spawnBlocking").spawnBlocking(body, name);
        }
    }
}
