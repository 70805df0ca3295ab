package dev.weft.runtime;

import dev.weft.CheckedRunnable;
import dev.weft.Future;
import dev.weft.internal.runtime.RuntimeCore;
import dev.weft.internal.time.ClockAccess;
import dev.weft.internal.time.TimeDriver;
import dev.weft.time.Clock;
import dev.weft.task.JoinHandle;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A reference to a runtime that code can carry around: spawn onto it from any
 * thread, inside or outside the runtime. {@link #current()} finds the runtime of
 * the task or thread running the caller. Cheap to copy; thread-safe.
 */
public final class Handle {
    private final RuntimeCore core;

    Handle(RuntimeCore core) {
        this.core = core;
    }

    /**
     * The runtime running the calling task or thread (a task, a worker, a
     * blocking-pool thread, or a thread inside {@link Runtime#blockOn}).
     *
     * @throws IllegalStateException if the caller runs outside every Weft runtime
     */
    public static Handle current() {
        return RuntimeCore.current("Handle.current()").handle();
    }

    /** The current runtime's handle, or empty outside every runtime. */
    public static Optional<Handle> tryCurrent() {
        RuntimeCore core = RuntimeCore.currentOrNull();
        return core == null ? Optional.empty() : Optional.of(core.handle());
    }

    /**
     * Spawns {@code future} as a future task, polled by the runtime's scheduler.
     *
     * @throws IllegalStateException if the runtime is shut down
     */
    public <T> JoinHandle<T> spawn(Future<T> future) {
        return core.spawnFuture(future, null);
    }

    /**
     * Spawns {@code body} as a thread task, on a virtual thread of its own.
     *
     * @throws IllegalStateException if the runtime is shut down
     */
    public <T> JoinHandle<T> spawn(Callable<T> body) {
        return core.spawnThread(body, null, null);
    }

    /**
     * Spawns {@code body}, which has no value, as a thread task.
     *
     * @throws IllegalStateException if the runtime is shut down
     */
    public JoinHandle<Void> spawn(CheckedRunnable body) {
        return core.spawnThread(body, null, null);
    }

    /**
     * Runs {@code body} on the runtime's blocking pool, a platform thread, for
     * blocking or CPU-heavy work.
     *
     * @throws IllegalStateException if the runtime is shut down or the pool's queue is full
     */
    public <T> JoinHandle<T> spawnBlocking(Callable<T> body) {
        return core.spawnBlocking(body, null);
    }

    /**
     * Spawns {@code future} as a future task and parks the calling thread until it is
     * done; see {@link Runtime#blockOn(Future)}.
     */
    public <T> T blockOn(Future<T> future) {
        return Runtime.blockOn(core, future);
    }

    /** Runs {@code body} as a thread task and waits for it; see {@link Runtime#blockOn(Callable)}. */
    public <T> T blockOn(Callable<T> body) {
        return Runtime.blockOn(core, body);
    }

    /** Starts the runtime's shutdown on a thread of its own and returns at once; safe inside its tasks. */
    public void shutdownBackground() {
        core.shutdownInBackground();
    }

    /** Counters describing the runtime now. */
    public RuntimeMetrics metrics() {
        return new RuntimeMetrics(core);
    }

    /** Whether the runtime has begun shutting down. */
    public boolean isShutdown() {
        return core.isShutdown();
    }

    /** The runtime's name. */
    public String name() {
        return core.config().name();
    }

    /** Whether the runtime was built with I/O enabled. */
    public boolean isIoEnabled() {
        return core.config().ioEnabled();
    }

    /** Whether the runtime was built with time enabled. */
    public boolean isTimeEnabled() {
        return core.config().timeEnabled();
    }

    /**
     * The runtime's clock: see {@link Clock}.
     *
     * @throws IllegalStateException if the runtime was built without time
     */
    public Clock clock() {
        TimeDriver driver = core.timeDriver();
        if (driver == null) {
            throw new IllegalStateException("runtime '" + core.config().name() + "' was built without time;"
                    + " build it with Runtime.builder().enableTime() (or enableAll(), or startPaused(true))");
        }
        return ClockAccess.get().clockOf(driver);
    }

    /** The machinery behind this handle; for Weft's own packages. */
    RuntimeCore core() {
        return core;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Handle h && h.core == core;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(core);
    }

    @Override
    public String toString() {
        return "Handle[" + core.config().name() + "]";
    }
}
