package dev.weft.runtime;

import dev.weft.internal.runtime.RuntimeCore;
import dev.weft.internal.time.TimeDriver;

/**
 * A snapshot of a runtime's counters. Each reading is taken when its method is
 * called, without stopping the runtime, so readings may disagree slightly.
 */
public final class RuntimeMetrics {
    private final RuntimeCore core;

    RuntimeMetrics(RuntimeCore core) {
        this.core = core;
    }

    /** Scheduler worker threads (platform threads polling future tasks). */
    public int workers() {
        return core.workerCount();
    }

    /** Tasks spawned and not finished, of every kind. */
    public int liveTasks() {
        return core.liveTasks();
    }

    /** Future tasks waiting in the global queue. */
    public int globalQueueDepth() {
        return core.globalQueueDepth();
    }

    /** Future tasks waiting in worker {@code worker}'s local queue. */
    public int workerQueueDepth(int worker) {
        if (worker < 0 || worker >= core.workerCount()) {
            throw new IndexOutOfBoundsException("worker " + worker + " of " + core.workerCount());
        }
        return core.workerQueueDepth(worker);
    }

    /** Workers parked for lack of work. */
    public int parkedWorkers() {
        return core.parkedWorkers();
    }

    /** Threads in the blocking pool, busy or idle. */
    public int blockingThreads() {
        return core.blockingThreads();
    }

    /** Idle threads in the blocking pool. */
    public int idleBlockingThreads() {
        return core.idleBlockingThreads();
    }

    /**
     * Timers in the runtime's wheel: sleeps, timeouts, intervals and delay-queue
     * deadlines armed and not yet fired or dropped. 0 on a runtime built without
     * time. A count that only grows is a leak: something arms timers and never
     * awaits or drops them.
     */
    public int pendingTimers() {
        TimeDriver time = core.timeDriver();
        return time == null ? 0 : time.pendingTimers();
    }

    /** Blocking jobs waiting for a thread. */
    public int blockingQueueDepth() {
        return core.blockingQueueDepth();
    }
}
