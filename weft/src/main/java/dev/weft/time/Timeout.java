package dev.weft.time;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.time.TimeDriver;
import java.time.Duration;

/** The future of {@link Time#timeout}: the inner future first, then its deadline. */
final class Timeout<T> implements Future<T> {
    private final Future<T> inner;
    private final TimeDriver driver;
    private final long deadline;
    private final long start;
    /** Made on the first poll in which the inner future is pending. */
    private Sleep sleep;

    Timeout(Future<T> inner, TimeDriver driver, long deadline, long start) {
        this.inner = inner;
        this.driver = driver;
        this.deadline = deadline;
        this.start = start;
    }

    @Override
    public Poll<T> poll(Context cx) {
        Poll<T> p;
        try {
            p = inner.poll(cx);
        } catch (Throwable failure) {
            dropSleep();
            throw failure;
        }
        if (p.isReady()) {
            dropSleep();
            return p;
        }
        Sleep s = sleep;
        if (s == null) {
            s = sleep = new Sleep(driver, deadline);
        }
        // Without the budget: an inner future that spends it must not keep the timeout from firing.
        if (s.pollDeadline(cx)) {
            inner.drop();
            throw new Elapsed(Duration.ofNanos(Math.max(0, deadline - start)));
        }
        return Poll.pending();
    }

    @Override
    public void drop() {
        try {
            inner.drop();
        } finally {
            dropSleep();
        }
    }

    private void dropSleep() {
        Sleep s = sleep;
        if (s != null) {
            s.drop();
        }
    }
}
