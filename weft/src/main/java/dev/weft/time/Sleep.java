package dev.weft.time;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.sync.Wakers;
import dev.weft.internal.time.TimeDriver;
import dev.weft.internal.time.TimerEntry;
import java.util.Objects;

/**
 * A future that completes at its deadline (Tokio's {@code Sleep}); made by
 * {@link Time#sleep} and {@link Time#sleepUntil}.
 *
 * <p>Lazy like every future: it starts waiting when first polled, and a poll at or
 * after the deadline completes at once. A pending sleep is a timer in its runtime's
 * wheel (resolution 1 ms; it never completes before its deadline, and in real time
 * usually within a millisecond after it). {@linkplain #reset Reset} moves the
 * deadline; a sleep can be reset after it completed and awaited again.
 *
 * <p>Dropping it takes its timer out of the wheel.
 *
 * <p>Cancel safety: cancel safe; nothing is lost if it is dropped. To keep one
 * deadline across the iterations of a {@code select} loop, keep the sleep and
 * pass {@link Future#borrow(Future) Future.borrow(sleep)}.
 *
 * <p>A sleep is polled by one task at a time; {@link #deadline()} and
 * {@link #isElapsed()} may be read from any thread.
 */
public final class Sleep implements Future<Void> {
    private final TimeDriver driver;
    /** On the runtime clock (System.nanoTime units). */
    private volatile long deadline;
    /** Made on the first poll that has to wait. */
    private TimerEntry entry;
    private volatile boolean elapsed;

    Sleep(TimeDriver driver, long deadline) {
        this.driver = driver;
        this.deadline = deadline;
    }

    /** When this sleep completes. */
    public Instant deadline() {
        return Instant.ofNanos(deadline);
    }

    long deadlineNanos() {
        return deadline;
    }

    /** Whether the deadline has been reached and seen by a poll (or by this call). */
    public boolean isElapsed() {
        if (elapsed) {
            return true;
        }
        TimerEntry e = entry;
        return (e != null && e.isFired()) || driver.now() - deadline >= 0;
    }

    /**
     * Moves the deadline to {@code newDeadline}, whether this sleep is pending or
     * completed; it is pending again until then. A task waiting on it stays
     * registered and is woken at the new deadline.
     */
    public void reset(Instant newDeadline) {
        Objects.requireNonNull(newDeadline, "newDeadline");
        TimerEntry e = entry;
        Waker waiting = e != null && e.isRegistered() ? e.waker() : null;
        resetNanos(newDeadline.nanos());
        if (waiting != null && !e.register(deadline, waiting)) {
            Wakers.wake(waiting); // the new deadline has passed: let the waiter poll and see it
        }
    }

    /** Moves the deadline; the timer is filed again by the next poll. */
    void resetNanos(long newDeadline) {
        TimerEntry e = entry;
        if (e != null) {
            e.cancel();
        }
        deadline = newDeadline;
        elapsed = false;
    }

    /**
     * Completes at the deadline. Takes one unit of the task's cooperative budget.
     */
    @Override
    public Poll<Void> poll(Context cx) {
        if (!cx.proceed()) {
            return Poll.pending();
        }
        return pollDeadline(cx) ? Poll.ready(null) : Poll.pending();
    }

    /** The poll without the budget (for timeouts: a timeout must fire even if its future spends the budget). */
    boolean pollDeadline(Context cx) {
        if (elapsed) {
            return true;
        }
        TimerEntry e = entry;
        if (e != null && e.isRegistered()) {
            e.updateWaker(cx.waker());
            if (!e.isFired()) {
                return false;
            }
        } else if (e != null && e.isFired()) {
            // fired and not reset since
        } else if (driver.now() - deadline < 0) {
            if (e == null) {
                e = entry = new TimerEntry(driver);
            }
            if (e.register(deadline, cx.waker())) {
                return false;
            }
        }
        elapsed = true;
        if (e != null) {
            e.cancel();
        }
        return true;
    }

    /** Takes the timer out of the wheel. */
    @Override
    public void drop() {
        TimerEntry e = entry;
        if (e != null) {
            e.cancel();
        }
    }

    @Override
    public String toString() {
        return "Sleep[deadline in " + (deadline - driver.now()) / 1_000_000 + " ms" + (elapsed ? ", elapsed]" : "]");
    }
}
