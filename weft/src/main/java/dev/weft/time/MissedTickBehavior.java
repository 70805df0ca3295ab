package dev.weft.time;

/**
 * What an {@link Interval} does when ticks were missed: when {@link Interval#tick()}
 * was not awaited for longer than a period, or the task was late to run
 * (Tokio's {@code MissedTickBehavior}). A tick counts as missed once it is more
 * than 5 ms late; smaller lateness is ordinary scheduling noise and changes
 * nothing.
 *
 * <p>For a period of 10 ms, ticks due at 10, 20, 30, 40, 50 ms, and a task that
 * was busy until 35 ms: the tick due at 10 completes at 35. Then
 * <ul>
 *   <li>{@link #BURST}: the ticks due at 20 and 30 complete at once, at 35, then 40, 50;</li>
 *   <li>{@link #DELAY}: 45, 55: the schedule restarts a period after the late tick;</li>
 *   <li>{@link #SKIP}: 40, 50: the missed ticks are dropped, the original grid kept.</li>
 * </ul>
 */
public enum MissedTickBehavior {
    /** Tick as fast as possible until caught up with the original schedule. The default. */
    BURST,
    /** Start the schedule again from the late tick: the next one is a full period after it. */
    DELAY,
    /** Drop the missed ticks; the next tick is the next one on the original grid. */
    SKIP;

    /** The deadline after a tick that was due at {@code due} and completed, late, at {@code now}. */
    long next(long due, long now, long period) {
        return switch (this) {
            case BURST -> due + period;
            case DELAY -> now + period;
            case SKIP -> now + period - Math.floorMod(now - due, period);
        };
    }
}
