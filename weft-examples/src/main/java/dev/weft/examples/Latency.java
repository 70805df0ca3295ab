package dev.weft.examples;

import dev.weft.Future;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A stand-in for the latency of a network or a disk, used by the examples until
 * Weft has timers of its own: <b>Weft's {@code sleep} arrives with the time
 * module</b>, and these helpers will then be {@code Sleep.sleep(d)}.
 *
 * <p>Until then a JDK delayed executor completes a {@link CompletableFuture} on
 * another thread, and {@link Future#fromStage} turns it into a Weft future. A thread
 * task awaiting it parks (its virtual thread gives the carrier back); a future task
 * polling it is woken when it completes. Neither blocks a scheduler worker.
 *
 * <p>As Tokio's {@code sleep}, the deadline is fixed when the future is made, not
 * when it is first polled.
 */
final class Latency {
    private Latency() {
    }

    /** A future that completes {@code d} from now: the examples' {@code sleep(d)}. */
    static Future<Void> sleep(Duration d) {
        return after(d, () -> null);
    }

    /** A future of {@code value.get()}, computed on another thread {@code d} from now. */
    static <T> Future<T> after(Duration d, Supplier<T> value) {
        return Future.fromStage(CompletableFuture.supplyAsync(value,
                CompletableFuture.delayedExecutor(d.toNanos(), TimeUnit.NANOSECONDS)));
    }
}
