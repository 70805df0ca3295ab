package dev.weft;

import java.util.concurrent.atomic.AtomicInteger;

/** A waker that counts its wake-ups; thread-safe. For polling futures by hand in tests. */
public final class CountingWaker implements Waker {
    private final AtomicInteger wakes = new AtomicInteger();

    @Override
    public void wake() {
        wakes.incrementAndGet();
    }

    /** Wake-ups so far. */
    public int count() {
        return wakes.get();
    }

    /** Whether it was woken at least once. */
    public boolean isWoken() {
        return wakes.get() > 0;
    }

    /** A context with this waker and no budget. */
    public Context context() {
        return Context.of(this);
    }
}
