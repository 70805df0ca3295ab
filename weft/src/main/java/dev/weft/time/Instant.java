package dev.weft.time;

import dev.weft.internal.time.TimeDriver;
import java.time.Duration;

/**
 * A point on the runtime clock (Tokio's {@code Instant}): monotonic, nanosecond
 * precision, meaningful only relative to other instants of the same JVM.
 *
 * <p>{@link #now()} reads the clock of the runtime running the caller, which tests
 * may {@linkplain Clock#pause() pause} and {@linkplain Clock#advance(Duration)
 * advance}; outside every runtime (or on one without time enabled) it reads
 * {@link System#nanoTime()}. Deadlines of {@link Time#sleepUntil(Instant)} and
 * friends are instants of this clock, so code that computes its deadlines from
 * {@code Instant.now()} behaves the same under a paused clock as in real time.
 *
 * <p>Arithmetic saturates: an instant plus a duration too large to represent is the
 * farthest instant there is, never an overflow into the past. Immutable and
 * thread-safe.
 */
public final class Instant implements Comparable<Instant> {
    /** In {@link System#nanoTime()} units, offset by the runtime clock if it was paused. */
    private final long nanos;

    private Instant(long nanos) {
        this.nanos = nanos;
    }

    /** Now, on the clock of the current runtime (see the class doc). */
    public static Instant now() {
        TimeDriver driver = Time.driverOrNull();
        return new Instant(driver != null ? driver.now() : System.nanoTime());
    }

    static Instant ofNanos(long nanos) {
        return new Instant(nanos);
    }

    long nanos() {
        return nanos;
    }

    /** The time passed since this instant, on the current clock; zero if it lies ahead. */
    public Duration elapsed() {
        return now().durationSince(this);
    }

    /** The time from {@code earlier} to this instant; zero if {@code earlier} is in fact later. */
    public Duration durationSince(Instant earlier) {
        long d = nanos - earlier.nanos;
        return d <= 0 ? Duration.ZERO : Duration.ofNanos(d);
    }

    /** This instant moved forward by {@code d} (backward if negative), saturating. */
    public Instant plus(Duration d) {
        return new Instant(saturatedAdd(nanos, saturatedNanos(d)));
    }

    /** This instant moved back by {@code d}, saturating. */
    public Instant minus(Duration d) {
        return new Instant(saturatedAdd(nanos, -saturatedNanos(d)));
    }

    public boolean isBefore(Instant other) {
        return nanos - other.nanos < 0;
    }

    public boolean isAfter(Instant other) {
        return nanos - other.nanos > 0;
    }

    @Override
    public int compareTo(Instant other) {
        return Long.compare(nanos, other.nanos);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Instant i && i.nanos == nanos;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(nanos);
    }

    /** The instant as {@code Instant[<nanoseconds>]}; only differences between instants mean anything. */
    @Override
    public String toString() {
        return "Instant[" + nanos + "]";
    }

    /** {@code d} in nanoseconds, clamped to the long range instead of throwing. */
    static long saturatedNanos(Duration d) {
        if (d.getSeconds() >= Long.MAX_VALUE / 1_000_000_000L) {
            return Long.MAX_VALUE;
        }
        if (d.getSeconds() <= Long.MIN_VALUE / 1_000_000_000L) {
            return Long.MIN_VALUE + 1;
        }
        return d.toNanos();
    }

    static long saturatedAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return b > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }
}
