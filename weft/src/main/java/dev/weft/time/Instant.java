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
 * <p>Instants compare by their difference, as {@link System#nanoTime()} values
 * do, and arithmetic saturates: a duration is taken as at most about 146 years
 * (2<sup>62</sup> ns) either way, so an instant plus a huge duration (an
 * "infinite" timeout) is far in the future, never an overflow into the past, and
 * {@link #compareTo}, {@link #isBefore} and {@link #isAfter} agree for any two
 * instants less than about 292 years apart. Immutable and thread-safe.
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
        return Long.compare(nanos - other.nanos, 0); // by difference, as isBefore: see the class doc
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

    /** The longest span an instant is moved by: 2<sup>62</sup> ns, about 146 years. */
    static final long MAX_SPAN_NANOS = 1L << 62;

    /** {@code d} in nanoseconds, clamped to {@code ±MAX_SPAN_NANOS} instead of throwing. */
    static long saturatedNanos(Duration d) {
        if (d.getSeconds() >= MAX_SPAN_NANOS / 1_000_000_000L) {
            return MAX_SPAN_NANOS;
        }
        if (d.getSeconds() <= -MAX_SPAN_NANOS / 1_000_000_000L) {
            return -MAX_SPAN_NANOS;
        }
        return d.toNanos();
    }

    /**
     * {@code instant + span}, for a span from {@link #saturatedNanos}. It may wrap
     * around the long range, as System.nanoTime values may: instants are compared by
     * their difference, which the clamped span keeps from wrapping. (Clamping the sum
     * to Long.MAX_VALUE instead put it "before" every instant read later.)
     */
    static long saturatedAdd(long instant, long span) {
        return instant + span;
    }
}
