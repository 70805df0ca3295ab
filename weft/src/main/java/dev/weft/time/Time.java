package dev.weft.time;

import dev.weft.Future;
import dev.weft.internal.runtime.RuntimeCore;
import dev.weft.internal.time.TimeDriver;
import java.time.Duration;
import java.util.Objects;

/**
 * Sleeps, timeouts and intervals on the current runtime's clock (Tokio's
 * {@code tokio::time} functions). Import statically:
 *
 * {@snippet :
 * import static dev.weft.time.Time.*;
 *
 * sleep(Duration.ofMillis(100)).await();
 * String body = timeout(Duration.ofSeconds(5), fetch(url)).await();   // throws Elapsed after 5 s
 * Interval ticks = interval(Duration.ofSeconds(1));
 * }
 *
 * <p>Each function binds the future it makes to the runtime running the caller and
 * reads that runtime's clock for relative deadlines, so it must be called from a
 * task of a runtime with time enabled (see {@code Runtime.Builder.enableTime()};
 * {@code Runtime.main} enables it).
 */
public final class Time {
    private Time() {
    }

    /**
     * A future that completes once {@code duration} has passed (Tokio's {@code sleep}).
     * A zero or negative duration completes on its first poll.
     *
     * <p>Cancel safety: cancel safe.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static Sleep sleep(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        TimeDriver driver = driver("sleep");
        return new Sleep(driver, Instant.saturatedAdd(driver.now(), Instant.saturatedNanos(duration)));
    }

    /**
     * A future that completes at {@code deadline} (Tokio's {@code sleep_until}).
     *
     * <p>Cancel safety: cancel safe.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static Sleep sleepUntil(Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        return new Sleep(driver("sleepUntil"), deadline.nanos());
    }

    /**
     * {@code future}, but failing with {@link Elapsed} if it has not completed within
     * {@code duration}; it is then dropped. The future is polled first on every
     * poll, so one that completes in time never arms a timer at all.
     *
     * <p>The deadline is fixed now, when the timeout is made. A zero or negative
     * duration fails on the first poll at which the future is pending; a timeout
     * first polled after its deadline passed fails as soon as the timer driver
     * sees it (on that poll if the clock is paused), as Tokio's does. A poll made
     * when the task's cooperative budget is already spent (see {@link dev.weft.Context})
     * does not count: the future was refused rather than tried, so the timeout
     * answers at the next poll that finds budget left, as a {@link #sleep} does.
     *
     * <p>Cancel safety: as cancel safe as {@code future}; the timer itself loses
     * nothing. Note that when the time runs out, {@code future} is dropped: whatever
     * it loses when dropped is lost then. Where that matters (a receive that must
     * not lose its place), prefer a {@code select} with a {@link #sleep} branch
     * over the borrowed future, which stays alive for the next round.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static <T> Future<T> timeout(Duration duration, Future<T> future) {
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(future, "future");
        TimeDriver driver = driver("timeout");
        long now = driver.now();
        return new Timeout<>(future, driver, Instant.saturatedAdd(now, Instant.saturatedNanos(duration)), now);
    }

    /**
     * {@code future}, but failing with {@link Elapsed} if it has not completed by
     * {@code deadline}. See {@link #timeout(Duration, Future)}.
     *
     * <p>Cancel safety: as cancel safe as {@code future}; the timer itself loses
     * nothing.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static <T> Future<T> timeoutAt(Instant deadline, Future<T> future) {
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(future, "future");
        TimeDriver driver = driver("timeoutAt");
        return new Timeout<>(future, driver, deadline.nanos(), driver.now());
    }

    /**
     * An interval whose first tick completes at once, then every {@code period}
     * (Tokio's {@code interval}).
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static Interval interval(Duration period) {
        TimeDriver driver = driver("interval");
        return new Interval(driver, driver.now(), Interval.checkPeriod(period));
    }

    /**
     * An interval whose first tick completes at {@code start}, then every
     * {@code period} (Tokio's {@code interval_at}).
     *
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static Interval intervalAt(Instant start, Duration period) {
        Objects.requireNonNull(start, "start");
        return new Interval(driver("intervalAt"), start.nanos(), Interval.checkPeriod(period));
    }

    /** Now on the current runtime's clock: {@link Instant#now()}. */
    public static Instant now() {
        return Instant.now();
    }

    /**
     * Pauses the current runtime's clock: {@link Clock#pause()}.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled, if the runtime was
     *         built without {@code pausableClock(true)} or {@code startPaused(true)}, or if paused already
     */
    public static void pause() {
        Clock.current().pause();
    }

    /**
     * Lets the current runtime's clock run again: {@link Clock#resume()}.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled, or if not paused
     */
    public static void resume() {
        Clock.current().resume();
    }

    /**
     * Moves the current runtime's paused clock forward: {@link Clock#advance(Duration)}.
     *
     * <p>Cancel safety: dropping it stops the advance where it got to; the clock does
     * not go back.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static Future<Void> advance(Duration duration) {
        return Clock.current().advance(duration);
    }

    // ---- finding the clock -----------------------------------------------------------

    static TimeDriver driver(String operation) {
        RuntimeCore rt = RuntimeCore.current(operation);
        TimeDriver d = rt.timeDriver();
        if (d == null) {
            throw new IllegalStateException(operation + " needs the timer driver, and runtime '" + rt.config().name()
                    + "' was built without it. Build it with Runtime.builder().enableTime() (or enableAll());"
                    + " Runtime.main enables it.");
        }
        return d;
    }

    /** The current runtime's timer driver, or {@code null} outside a runtime with time. */
    static TimeDriver driverOrNull() {
        RuntimeCore rt = RuntimeCore.currentOrNull();
        return rt == null ? null : rt.timeDriver();
    }
}
