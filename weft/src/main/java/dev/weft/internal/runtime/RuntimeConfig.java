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
        boolean startPaused,
        boolean autoAdvance,
        int eventInterval,
        Duration shutdownTimeout,
        AtomicInteger threadCounter) {

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

    void runThreadStartHook() {
        if (onThreadStart != null) {
            onThreadStart.run();
        }
    }

    void runThreadStopHook() {
        if (onThreadStop != null) {
            onThreadStop.run();
        }
    }
}
