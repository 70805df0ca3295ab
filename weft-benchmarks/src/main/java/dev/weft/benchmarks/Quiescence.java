package dev.weft.benchmarks;

import dev.weft.runtime.Runtime;
import java.time.Duration;

/**
 * Waiting, outside the measured time, until a runtime has no live task left, so that
 * no task of one invocation runs on into the next.
 */
final class Quiescence {
    private static final Duration LIMIT = Duration.ofSeconds(10);

    private Quiescence() {
    }

    /**
     * Returns once {@code runtime} has no live task.
     *
     * @throws IllegalStateException if tasks are still alive after 10 s: they leaked, or hang
     */
    static void await(Runtime runtime) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (runtime.metrics().liveTasks() > 0) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(runtime.metrics().liveTasks() + " tasks of " + runtime
                        + " still alive " + LIMIT.toSeconds() + " s after the invocation ended");
            }
            Thread.sleep(0, 100_000);
        }
    }
}
