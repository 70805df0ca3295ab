package dev.weft.time;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.time.ClockAccess;
import dev.weft.internal.time.TimeDriver;
import java.time.Duration;
import java.util.Objects;

/**
 * A runtime's clock, which tests can pause and move (Tokio's {@code time::pause},
 * {@code resume} and {@code advance}, on every kind of runtime).
 *
 * <p>Paused, the clock stands still: {@link Instant#now()} does not move and no
 * timer fires by itself. It moves in two ways:
 * <ul>
 *   <li><b>Auto-advance</b> (on unless switched off with {@link #setAutoAdvance}
 *       or the builder's {@code autoAdvance(false)}): as soon as every task of
 *       the runtime is parked in a Weft await, the clock jumps to the next timer
 *       and fires it. A test that sleeps an hour runs in milliseconds and sees
 *       its events in the same order as in real time. A task that is busy, or
 *       blocked outside Weft (JDK I/O, {@code Thread.sleep}, a lock, a blocking-pool
 *       job), holds the clock back until it parks or ends.</li>
 *   <li><b>{@link #advance(Duration)}</b>: moves the clock forward by a given
 *       amount, timer by timer, letting the runtime settle after each.</li>
 * </ul>
 * Threads outside the runtime (a test's main thread, a JDK executor) are not
 * watched: what they do is outside the runtime and does not hold the clock.
 *
 * <p>Only a runtime built to be paused can be: with {@code startPaused(true)}, or
 * with {@code pausableClock(true)} to pause it later. Knowing when every task is
 * parked takes a shared count that every task updates as it starts, parks, wakes
 * and ends; a runtime that is never paused does not keep it.
 *
 * {@snippet :
 * try (Runtime rt = Runtime.builder().enableTime().startPaused(true).build()) {
 *     rt.blockOn(() -> {
 *         Instant start = Instant.now();
 *         Time.sleep(Duration.ofHours(1)).await();        // returns at once
 *         assert start.elapsed().equals(Duration.ofHours(1));
 *     });
 * }
 * }
 *
 * <p>The paused clock stands on whole milliseconds (the timer resolution): pausing
 * moves it up to the next one, so that a sleep of whole milliseconds made while
 * paused ends exactly where an advance of the same length arrives. Thread-safe.
 */
public final class Clock {
    static {
        ClockAccess.install(new ClockAccess() {
            @Override
            public Clock clockOf(TimeDriver driver) {
                return new Clock(driver);
            }
        });
    }

    private final TimeDriver driver;

    private Clock(TimeDriver driver) {
        this.driver = driver;
    }

    /**
     * The clock of the runtime running the caller.
     *
     * @throws IllegalStateException if not called from a runtime with time enabled
     */
    public static Clock current() {
        return new Clock(Time.driver("Clock.current"));
    }

    /** Now on this clock. */
    public Instant now() {
        return Instant.ofNanos(driver.now());
    }

    /** Whether {@link #pause()} is allowed: the runtime was built with {@code pausableClock} or {@code startPaused}. */
    public boolean isPausable() {
        return driver.isPausable();
    }

    /** Whether the clock stands still. */
    public boolean isPaused() {
        return driver.isPaused();
    }

    /**
     * Stops the clock (moved up to the next whole millisecond).
     *
     * @throws IllegalStateException if the runtime was built without
     *         {@code pausableClock(true)} or {@code startPaused(true)}, or if the clock
     *         is paused already
     */
    public void pause() {
        driver.pause();
    }

    /**
     * Lets the clock run again from where it stands; from then on it moves with real
     * time, behind it by however long it was paused and advanced. An advance in
     * progress fails with {@link IllegalStateException}.
     *
     * @throws IllegalStateException if it is not paused
     */
    public void resume() {
        driver.resume();
    }

    /** Whether the paused clock moves by itself when every task is parked. */
    public boolean isAutoAdvance() {
        return driver.isAutoAdvance();
    }

    /** Switches auto-advance on or off (see the class doc); takes effect at once. */
    public void setAutoAdvance(boolean on) {
        driver.setAutoAdvance(on);
    }

    /**
     * A future that moves the paused clock forward by {@code duration}. It goes timer
     * by timer: the clock moves to the next timer's deadline, that timer fires, and
     * the next step waits until the tasks it woke are parked again. So events happen
     * in the order real time would give them. The future completes when the clock
     * stands at its target and the runtime has settled.
     *
     * <p>The paused clock stands on whole milliseconds, so a target between two is
     * moved up to the next: an advance of 1.5 ms moves the clock 2 ms, and a sleep
     * whose deadline it passed has fired when it completes.
     *
     * <p>Lazy: nothing moves before the first poll. Awaited from a task of the
     * runtime, the awaiting task itself does not hold the clock back.
     *
     * <p>Cancel safety: dropping it stops the advance where it is; the clock does not
     * go back.
     *
     * @return a future that fails with {@link IllegalStateException} at its first
     *     poll if the clock is not paused or another advance is in progress, and if
     *     the clock is resumed before it completes
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public Future<Void> advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a clock cannot go back; advance takes a duration of zero or more, got "
                    + duration);
        }
        long nanos = Instant.saturatedNanos(duration);
        return new Future<>() {
            private TimeDriver.Advance advance;

            /**
             * @throws IllegalStateException on the first poll, if the clock is not
             *         paused or another advance is in progress; later, if the clock
             *         was resumed or the runtime shut down meanwhile
             */
            @Override
            public Poll<Void> poll(Context cx) {
                if (advance == null) {
                    advance = driver.advance(nanos);
                }
                advance.setWaker(cx.waker());
                return advance.isDone() ? Poll.ready(null) : Poll.pending();
            }

            @Override
            public void drop() {
                if (advance != null) {
                    driver.cancelAdvance(advance);
                }
            }
        };
    }

    /** Timers waiting in the runtime's wheel (for tests and metrics). */
    public int pendingTimers() {
        return driver.pendingTimers();
    }

    @Override
    public String toString() {
        return "Clock[" + (isPaused() ? "paused" : "running") + ", " + pendingTimers() + " timers]";
    }
}
