package dev.weft.internal.runtime;

import dev.weft.runtime.UnhandledExceptionPolicy;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** A runtime's settings, fixed by its builder. */
public record RuntimeConfig(
        String name,
        int workerThreads,
        int maxBlockingThreads,
        Duration blockingKeepAlive,
        int blockingQueueCapacity,
        String threadNamePrefix,
        Supplier<String> threadNameFn,
        Runnable onThreadStart,
        Runnable onThreadStop,
        UnhandledExceptionPolicy unhandledExceptionPolicy,
        boolean ioEnabled,
        boolean timeEnabled,
        boolean pausableClock,
        boolean startPaused,
        boolean autoAdvance,
        int eventInterval,
        Duration shutdownTimeout,
        AtomicInteger threadCounter) {

    private static final System.Logger LOG = System.getLogger("dev.weft.runtime");

    /** Which kind of platform thread a name is for. */
    public enum ThreadRole { WORKER, BLOCKING, TIMER }

    String threadName(ThreadRole role) {
        if (threadNameFn != null) {
            return threadNameFn.get();
        }
        String kind = switch (role) {
            case WORKER -> "-worker-";
            case BLOCKING -> "-blocking-";
            case TIMER -> "-timer-";
        };
        return threadNamePrefix + kind + threadCounter.incrementAndGet();
    }

    /** Runs the builder's start hook, if any, on the calling runtime thread. See {@link #runHook}. */
    public void runThreadStartHook() {
        runHook(onThreadStart, "onThreadStart");
    }

    /** Runs the builder's stop hook, if any, on the calling runtime thread. See {@link #runHook}. */
    public void runThreadStopHook() {
        runHook(onThreadStop, "onThreadStop");
    }

    /**
     * A hook that throws is logged and the thread goes on: a worker, the timer thread
     * or a blocking thread that died of its hook would strand the tasks, timers or
     * jobs that count on it.
     */
    private void runHook(Runnable hook, String which) {
        if (hook == null) {
            return;
        }
        try {
            hook.run();
        } catch (Throwable t) {
            LOG.log(System.Logger.Level.WARNING, which + " hook of runtime '" + name + "' threw on thread "
                    + Thread.currentThread().getName() + "; the thread runs on regardless", t);
        }
    }
}
