package dev.weft.internal.runtime;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** Blocking or CPU-heavy code on a thread of the runtime's blocking pool. */
public final class BlockingTask<T> extends TaskCore<T> implements Runnable {
    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int CANCELLED = 2;

    private final Callable<T> body;
    /** QUEUED until a pool thread claims it (STARTED) or an abort or shutdown does (CANCELLED). */
    private final AtomicInteger phase = new AtomicInteger(QUEUED);

    BlockingTask(RuntimeCore runtime, String name, Callable<T> body) {
        super(runtime, name);
        this.body = body;
    }

    @Override
    public String kind() {
        return "blocking";
    }

    @Override
    public void run() {
        if (!phase.compareAndSet(QUEUED, STARTED)) {
            return; // cancelled while queued
        }
        ThreadContext tc = ThreadContext.current();
        tc.task = this;
        try {
            finishWithValue(body.call());
        } catch (Throwable failure) {
            finishFailed(failure);
        } finally {
            tc.task = null;
            tc.bindings = null;
            runtime.becameInactive(); // counted since spawnBlocking
        }
    }

    /**
     * Cancels the task if no pool thread has started it (and frees its place in the
     * pool's queue); a running one cannot be stopped safely.
     */
    @Override
    public void abort() {
        if (cancelIfQueued()) {
            runtime.blocking.removeQueued(this);
        }
    }

    /** Answers whether the task was still queued and is now cancelled. */
    boolean cancelIfQueued() {
        if (phase.compareAndSet(QUEUED, CANCELLED)) {
            finishCancelled();
            runtime.becameInactive(); // counted since spawnBlocking; it never ran
            return true;
        }
        return false;
    }
}
