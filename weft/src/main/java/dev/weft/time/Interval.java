package dev.weft.time;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.time.TimeDriver;
import java.time.Duration;
import java.util.Objects;

/**
 * Ticks at a fixed period (Tokio's {@code Interval}); made by {@link Time#interval}
 * and {@link Time#intervalAt}.
 *
 * {@snippet :
 * Interval every = Time.interval(Duration.ofSeconds(1));
 * for (;;) {
 *     every.tick().await();      // the first tick completes at once
 *     report();
 * }
 * }
 *
 * <p>Each completed {@link #tick()} gives the instant the tick was due (not when it
 * was seen) and schedules the next one a period later. When ticks were missed, the
 * {@linkplain #setMissedTickBehavior missed-tick behaviour} decides what follows;
 * the default is {@link MissedTickBehavior#BURST}.
 *
 * <p>Not thread-safe: used by one task at a time, as a {@code &mut Interval} is.
 */
public final class Interval {
    /** A tick later than this counts as missed (Tokio's threshold). */
    private static final long MISSED_AFTER_NANOS = 5_000_000;

    private final TimeDriver driver;
    private final Sleep next;
    private final long period;
    private MissedTickBehavior behavior = MissedTickBehavior.BURST;

    Interval(TimeDriver driver, long start, long period) {
        this.driver = driver;
        this.next = new Sleep(driver, start);
        this.period = period;
    }

    static long checkPeriod(Duration period) {
        Objects.requireNonNull(period, "period");
        if (period.isZero() || period.isNegative()) {
            throw new IllegalArgumentException("an interval's period must be positive, got " + period);
        }
        return Instant.saturatedNanos(period);
    }

    /**
     * A future that completes at the next tick with the instant it was due.
     *
     * <p>Cancel safety: cancel safe. The schedule lives in the interval, not in the
     * returned future: if it is dropped before it completes (a {@code select} branch
     * that lost), no tick is consumed, and the next {@code tick()} waits for the same
     * one. Each poll takes one unit of the task's cooperative budget, so a burst of
     * missed ticks cannot starve other tasks.
     */
    public Future<Instant> tick() {
        return this::pollTick;
    }

    /** The poll behind {@link #tick()}, for use inside a hand-written future. */
    public Poll<Instant> pollTick(Context cx) {
        if (!cx.proceed()) {
            return Poll.pending();
        }
        if (!next.pollDeadline(cx)) {
            return Poll.pending();
        }
        long due = next.deadlineNanos();
        long now = driver.now();
        long following = now - due > MISSED_AFTER_NANOS
                ? behavior.next(due, now, period)
                : due + period;
        next.resetNanos(following);
        return Poll.ready(Instant.ofNanos(due));
    }

    /** Starts the schedule again: the next tick is a period from now. */
    public void reset() {
        next.resetNanos(driver.now() + period);
    }

    /** Starts the schedule again: the next tick completes at once. */
    public void resetImmediately() {
        next.resetNanos(driver.now());
    }

    /** Starts the schedule again: the next tick is {@code after} from now. */
    public void resetAfter(Duration after) {
        next.resetNanos(Instant.saturatedAdd(driver.now(), Instant.saturatedNanos(after)));
    }

    /** Starts the schedule again: the next tick is at {@code at}. */
    public void resetAt(Instant at) {
        next.resetNanos(at.nanos());
    }

    /** The period between two ticks. */
    public Duration period() {
        return Duration.ofNanos(period);
    }

    /** When the next tick is due. */
    public Instant nextTick() {
        return next.deadline();
    }

    public MissedTickBehavior missedTickBehavior() {
        return behavior;
    }

    public void setMissedTickBehavior(MissedTickBehavior behavior) {
        this.behavior = Objects.requireNonNull(behavior, "behavior");
    }

    /** Takes the pending tick's timer out of the wheel; the interval can still be used. */
    public void drop() {
        next.drop();
    }

    @Override
    public String toString() {
        return "Interval[period " + period() + ", next tick in " + (next.deadlineNanos() - driver.now()) / 1_000_000 + " ms]";
    }
}
