package dev.weft;

import dev.weft.internal.Throwing;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A future a test completes by hand: pending until {@link #complete} or {@link #fail},
 * which wake the waker of its latest poll. Counts its polls and drops, and refuses
 * (by failing the test) to be polled after it completed or was dropped.
 */
public final class ManualFuture<T> implements Future<T> {
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicInteger drops = new AtomicInteger();
    private volatile Waker waker;
    private volatile boolean done;
    private volatile T value;
    private volatile Throwable failure;
    private volatile boolean returnedReady;

    @Override
    public Poll<T> poll(Context cx) {
        polls.incrementAndGet();
        if (drops.get() > 0) {
            throw new AssertionError("a dropped future was polled");
        }
        if (returnedReady) {
            throw new AssertionError("a future that returned ready was polled again");
        }
        waker = cx.waker();
        if (!done) {
            return Poll.pending();
        }
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
        returnedReady = true;
        return Poll.ready(value);
    }

    @Override
    public void drop() {
        drops.incrementAndGet();
    }

    /** Makes it ready with {@code v} and wakes the latest poller. */
    public void complete(T v) {
        value = v;
        done = true;
        wakeLatest();
    }

    /** Makes its next poll throw {@code t} and wakes the latest poller. */
    public void fail(Throwable t) {
        failure = t;
        done = true;
        wakeLatest();
    }

    private void wakeLatest() {
        Waker w = waker;
        if (w != null) {
            w.wake();
        }
    }

    /** The waker of the latest poll, or null if never polled. */
    public Waker waker() {
        return waker;
    }

    public int polls() {
        return polls.get();
    }

    public int drops() {
        return drops.get();
    }

    public boolean isDropped() {
        return drops.get() > 0;
    }
}
