package dev.weft.time;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.ContextAccess;
import dev.weft.internal.time.TimeDriver;
import dev.weft.internal.time.TimerEntry;
import java.time.Duration;

/**
 * The future of {@link Time#timeout}: the inner future first, then its deadline.
 *
 * <p>It is its own timer entry: an armed timeout is one object, not a timeout, a
 * sleep and an entry. The entry is filed on the first poll in which the inner
 * future is pending, and taken out when the inner future completes or fails, or
 * when the timeout is dropped.
 */
final class Timeout<T> extends TimerEntry implements Future<T> {
    /*
     * Implementation notes.
     *
     * Arming reads no clock. The deadline was fixed, with one clock read, when the
     * timeout was made; the first pending poll files it, and the driver answers
     * "due already" if its tick has been processed (or, paused, if the clock stands
     * at or past it). A deadline that has passed in real time but not yet in the
     * wheel is filed and fired by the driver at once (register wakes the driver if
     * the deadline is earlier than the one it sleeps towards, and otherwise the
     * driver is already due to run): the Elapsed then comes on the next poll, a
     * driver hop later, as in Tokio. A clock read costs ~30 ns here, as much as
     * the rest of arming (ADR 0003, Measurements). A zero or negative timeout is
     * known to be elapsed without any clock read and fails on its first poll.
     *
     * Firing of the timer and completion of the inner future may race: the inner
     * future is polled first, so one that is ready wins; the entry is cancelled
     * (a no-op if it fired meanwhile).
     *
     * The budget. A task whose budget was spent before this poll gets no answer from
     * the deadline either: the inner future may have said pending only because
     * proceed() refused it (a send to a channel with room), and a timeout of zero
     * would then report "timed out" for an operation that was never tried. Such a
     * poll only makes sure the task is woken and returns pending; the task yields,
     * and the next poll, with a fresh budget, asks both. An inner future that spends
     * the budget during the poll does not hold the deadline back: the deadline is
     * read without the budget, so a future that always spends it still times out.
     */
    private final Future<T> inner;
    private final long deadline;
    private final long start;

    Timeout(Future<T> inner, TimeDriver driver, long deadline, long start) {
        super(driver);
        this.inner = inner;
        this.deadline = deadline;
        this.start = start;
    }

    @Override
    public Poll<T> poll(Context cx) {
        boolean budgetSpentBefore = ContextAccess.get().remaining(cx) == 0; // false without a budget
        Poll<T> p;
        try {
            p = inner.poll(cx);
        } catch (Throwable failure) {
            cancel();
            throw failure;
        }
        if (p.isReady()) {
            cancel();
            return p;
        }
        if (budgetSpentBefore) {
            // The task spent its budget before this poll: the inner future may have
            // answered pending only for that (a send to a channel with room), so it was
            // not given its chance; the deadline waits for the poll after the task's
            // yield, as the inner future does. proceed() wakes the task, whatever the
            // inner future did.
            cx.proceed();
            return Poll.pending();
        }
        // Without the budget: an inner future that spends it during this poll must not
        // keep the timeout from firing.
        boolean timedOut;
        try {
            timedOut = timedOut(cx);
        } catch (IllegalStateException shutDown) {
            // The runtime's timers stopped: the timeout fails, and lets go of its future.
            inner.drop();
            throw shutDown;
        }
        if (timedOut) {
            cancel();
            inner.drop();
            throw new Elapsed(Duration.ofNanos(Math.max(0, deadline - start)));
        }
        return Poll.pending();
    }

    /** Arms the timer on the first pending poll; afterwards, whether it fired. */
    private boolean timedOut(Context cx) {
        if (isRegistered()) {
            updateWaker(cx.waker());
            return isFired(); // read after the waker's store: see TimerEntry's notes
        }
        if (isFired()) {
            return true;
        }
        return deadline - start <= 0 || !register(deadline, cx.waker());
    }

    @Override
    public void drop() {
        try {
            inner.drop();
        } finally {
            cancel();
        }
    }
}
