package dev.weft.examples;

import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import dev.weft.runtime.UnhandledExceptionPolicy;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Time;
import java.time.Duration;

/**
 * Pitfall: blocking the runtime.
 *
 * <pre>{@code
 * // Wrong: heavy work (or std::thread::sleep) inside an async task stalls its worker.
 * tokio::spawn(async { heavy_sync_computation() });
 * // Right: give it to the blocking pool.
 * let n = tokio::task::spawn_blocking(|| heavy_sync_computation()).await?;
 * }</pre>
 *
 * <p>In Weft, CPU-heavy or blocking code goes to {@code Task.spawnBlocking}, a
 * platform thread of a bounded pool. A thread task may call blocking JDK methods
 * (it is a virtual thread: it parks and gives its carrier back), but a long
 * computation there still occupies a carrier; the blocking pool is the place.
 *
 * <p>The worst case, a future task that waits inside its {@code poll}, would block
 * a scheduler worker and every task queued behind it. Weft refuses it: an
 * {@code await()} on a worker throws an {@link IllegalStateException} saying what to
 * do instead. Inside a future, compose ({@code map}, {@code andThen}, join, select).
 */
public final class BlockingExample {
    private BlockingExample() {
    }

    /** A slow lookup: the answer arrives 20 ms later (simulated latency, a timer of the runtime). */
    static Future<Integer> slowLookup() {
        return Time.sleep(Duration.ofMillis(20)).map(__ -> 21);
    }

    /** Wrong: a future whose poll awaits. Spawned as a future task, it runs on a worker: refused. */
    static Future<Integer> awaitsInsidePoll() {
        return cx -> Poll.ready(slowLookup().await() * 2);
    }

    /** Right: the same computation, composed; the task is woken when the lookup is done. */
    static Future<Integer> composed() {
        return slowLookup().map(n -> n * 2);
    }

    /** The example's observable result. */
    record Outcome(long primeSum, String blockingThread, boolean blockingThreadIsVirtual, Throwable refusal,
            int composed) {
    }

    public static Outcome run() {
        try (Runtime rt = Runtime.builder()
                .workerThreads(2)
                .enableTime()                                        // for the lookup's sleep
                .unhandledException(UnhandledExceptionPolicy.IGNORE) // the failure is shown below, not logged
                .build()) {
            return rt.blockOn(() -> {
                record Crunched(long sum, String thread, boolean virtual) {
                }
                Crunched c = Task.spawnBlocking(() -> new Crunched(SpawnExample.heavySyncComputation(5_000_000),
                        Thread.currentThread().getName(), Thread.currentThread().isVirtual())).await();

                JoinHandle<Integer> refused = Task.spawn(awaitsInsidePoll());
                Throwable refusal = null;
                try {
                    refused.await();
                } catch (JoinError e) {
                    refusal = e.getCause();
                }
                int ok = Task.spawn(composed()).await();
                return new Outcome(c.sum(), c.thread(), c.virtual(), refusal, ok);
            });
        }
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("spawnBlocking      : " + o.primeSum() + " on " + o.blockingThread() + " (virtual: "
                + o.blockingThreadIsVirtual() + ")");
        System.out.println("await inside poll  : " + o.refusal());
        System.out.println("composed instead   : " + o.composed());
    }
}
