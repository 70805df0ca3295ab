package dev.weft.examples;

import dev.weft.runtime.Runtime;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Time;
import java.time.Duration;

/**
 * Spawning tasks: the seed's "Spawning Tasks".
 *
 * <pre>{@code
 * #[tokio::main]
 * async fn main() {
 *     let handle = task::spawn(async {
 *         // runs concurrently on the Tokio thread pool
 *         expensive_computation().await
 *     });
 *     let result = handle.await.expect("task panicked");
 *
 *     // spawn_blocking for CPU-heavy synchronous work
 *     let blocked = task::spawn_blocking(|| {
 *         heavy_sync_computation()
 *     }).await.expect("blocking task panicked");
 * }
 * }</pre>
 *
 * <p>{@code Task.spawn(() -> ...)} starts a <em>thread task</em> at once (on a virtual
 * thread); {@code handle.await()} gives its value or throws a {@link JoinError}
 * ("task panicked"). {@code Task.spawnBlocking} runs on a platform thread of the
 * runtime's blocking pool.
 */
public final class SpawnExample {
    private SpawnExample() {
    }

    /** An async computation: it waits for something (simulated latency), then computes. */
    static long expensiveComputation() {
        Time.sleep(Duration.ofMillis(10)).await();
        return 6L * 7L;
    }

    /** CPU-heavy synchronous work: the sum of the primes below {@code limit}. */
    static long heavySyncComputation(int limit) {
        boolean[] composite = new boolean[limit];
        long sum = 0;
        for (int i = 2; i < limit; i++) {
            if (!composite[i]) {
                sum += i;
                for (long j = (long) i * i; j < limit; j += i) {
                    composite[(int) j] = true;
                }
            }
        }
        return sum;
    }

    /** The example's observable result: values, where each ran, and a panicked task's error. */
    record Outcome(long result, boolean spawnedOnVirtualThread, long blocked, boolean blockingOnVirtualThread,
            String blockingThread, boolean panicked, String panicCause) {
    }

    public static Outcome run() {
        return Runtime.main(() -> {
            JoinHandle<Long> handle = Task.spawn(() -> expensiveComputation());
            JoinHandle<Boolean> where = Task.spawn(() -> Thread.currentThread().isVirtual());
            long result = handle.await();                 // throws JoinError if the task panicked

            record Blocked(long value, boolean virtual, String thread) {
            }
            Blocked blocked = Task.spawnBlocking(() -> new Blocked(heavySyncComputation(2_000_000),
                    Thread.currentThread().isVirtual(), Thread.currentThread().getName())).await();

            // A task that fails: its handle throws a JoinError whose cause is the task's exception.
            JoinHandle<Long> failing = Task.spawn(() -> {
                throw new IllegalStateException("the computation went wrong");
            });
            boolean panicked = false;
            String cause = null;
            try {
                failing.await();
            } catch (JoinError e) {
                panicked = e.isFailed();
                cause = e.getCause().getMessage();
            }
            return new Outcome(result, where.await(), blocked.value(), blocked.virtual(), blocked.thread(),
                    panicked, cause);
        });
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("spawned task       : " + o.result() + " (virtual thread: " + o.spawnedOnVirtualThread() + ")");
        System.out.println("spawnBlocking      : " + o.blocked() + " (on " + o.blockingThread() + ", virtual: "
                + o.blockingOnVirtualThread() + ")");
        System.out.println("failed task        : JoinError, failed=" + o.panicked() + ", cause: " + o.panicCause()
                + " (the runtime's default policy also logs it on stderr, as Rust prints a panic)");
    }
}
