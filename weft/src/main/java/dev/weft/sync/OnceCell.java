package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.Throwing;
import dev.weft.internal.sync.BatchSemaphore;
import dev.weft.internal.sync.SpinLock;
import dev.weft.internal.sync.Waiter;
import dev.weft.internal.sync.WaiterList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A cell written at most once, whose value may be computed asynchronously (Tokio's
 * {@code OnceCell}): a lazily opened connection, a configuration loaded on first
 * use.
 *
 * {@snippet :
 * OnceCell<Config> config = new OnceCell<>();
 * Config c = config.getOrInit(() -> loadConfig()).await();  // loadConfig() runs once
 * }
 *
 * <p><b>One initializer at a time.</b> {@link #getOrInit} runs its initializer only
 * if the cell is empty and no other initializer is running; the other callers wait
 * in arrival order. If the initializer fails, or its future is dropped (the waiting
 * task was aborted, lost a select), the next waiter runs its own initializer. The
 * failure reaches only the awaiter whose initializer failed, so {@code getOrInit}
 * is also Tokio's {@code get_or_try_init}: a fallible initializer is a future that
 * may throw.
 *
 * <p>Values are never {@code null}. {@code take()} is not offered: a cell that can
 * be emptied again is a different tool ({@link Watch}, a {@code Mutex<Optional>}).
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it stores the
 * value ({@link #set}, or the initializer's completion in {@link #getOrInit})
 * <i>happen-before</i> actions after any read that sees the value
 * ({@link #get()}, {@link #isInitialized()}, the completion of {@link #getOrInit} or
 * {@link #waitForValue()}).
 *
 * @param <T> the type of the value
 */
public final class OnceCell<T> {
    /*
     * Implementation notes.
     *
     * `value` is written once (volatile). Who may write it is decided by a
     * BatchSemaphore with one permit, as in Tokio: an initializer runs while holding
     * the permit, and set() takes it with tryAcquire. After the value is stored the
     * semaphore is closed: every queued getOrInit wakes, fails to acquire, and reads
     * the value; later ones see the value before they ever queue. If an
     * initializer fails or is dropped, the permit is released and the semaphore
     * hands it to the oldest queued getOrInit (FIFO, no barging), whose initializer
     * runs next.
     *
     * Order of a completion: value = v, then drain the waitForValue() list
     * (waiters, under `lock`), then close() (which wakes the permit waiters), then
     * wake the drained waiters. A waitForValue() poll reads `value` under the lock
     * before it links itself, so it either sees the value or is linked before the
     * drain: no lost wake-up.
     *
     * No wake throws: a waker of another task that does is logged (Wakers), so a
     * completion always wakes every waiter, and set() and the initializer's poll
     * never fail for someone else's waker. Every phase change still comes before the
     * release, the first thing that calls other code.
     *
     * GetOrInit moves ACQUIRING -> RUNNING -> DONE. Dropped while ACQUIRING: it
     * leaves the semaphore's queue and gives back a permit it had been assigned.
     * Dropped while RUNNING: it drops the initializer's future and releases the
     * permit. A poll that finds the value set while queued also leaves the queue.
     *
     * Tested by OnceCellTest (every method; concurrent getOrInit with failing and
     * dropped initializers; a counting stress test with random aborts: exactly one
     * value, initializer runs = failures + aborts + 1; wakers that throw on the
     * completion and on a failing initializer's give-back).
     */
    private volatile T value;
    private final BatchSemaphore permit;
    private final SpinLock lock = new SpinLock();
    private final WaiterList<ValueWait<T>> waiters = new WaiterList<>();

    /** An empty cell. */
    public OnceCell() {
        permit = new BatchSemaphore(1);
    }

    /**
     * A cell that holds {@code value} already (Tokio's {@code new_with(Some(v))}).
     *
     * @throws NullPointerException if {@code value} is null
     */
    public OnceCell(T value) {
        this.value = Objects.requireNonNull(value, "value");
        permit = new BatchSemaphore(0);
        permit.close();
    }

    /** The value, or {@code null} if the cell is empty. Never waits. */
    public T get() {
        return value;
    }

    /** Whether the cell holds a value. */
    public boolean isInitialized() {
        return value != null;
    }

    /**
     * Stores {@code value} if the cell is empty and no initializer is running; wakes
     * everyone waiting for the value.
     *
     * @throws NullPointerException if {@code value} is null
     * @throws SetError carrying {@code value}, if the cell already holds a value
     *         ({@link SetError#isAlreadyInitialized()}), or is being written: a
     *         {@link #getOrInit} initializer is running, or another {@code set} is
     *         storing its value at this moment ({@link SetError#isInitializing()})
     */
    public void set(T value) {
        Objects.requireNonNull(value, "value");
        switch (permit.tryAcquire(1)) {
            case BatchSemaphore.ACQUIRED -> complete(value);
            case BatchSemaphore.IS_CLOSED -> throw alreadySet(value);
            default -> {
                if (this.value != null) {
                    throw alreadySet(value); // a set or an initializer stored its value meanwhile
                }
                throw new SetError("this OnceCell is being written (a getOrInit initializer is running, or another"
                        + " set is storing its value); the value was not stored. Use getOrInit to wait for the value"
                        + " instead", value, true);
            }
        }
    }

    private static SetError alreadySet(Object value) {
        return new SetError("this OnceCell already holds a value; it is written at most once", value, false);
    }

    /** Stores the value; the caller holds the permit, which the close makes moot. */
    private void complete(T v) {
        value = v;
        List<Waker> wake;
        lock.lock();
        try {
            wake = waiters.drainWakers();
        } finally {
            lock.unlock();
        }
        permit.close(); // wakes the queued getOrInit futures
        WaiterList.wakeAll(wake);
    }

    /**
     * A future of the value: at once if the cell holds one; otherwise, once no other
     * initializer is running, it calls {@code init} and awaits the future it returns,
     * and stores its value. While another initializer runs, it waits; if that one
     * fails or is dropped, the oldest waiter runs its own {@code init}.
     *
     * <p>A failing initializer (its supplier or its future throws, or its value is
     * null) fails only this future, with that exception
     * ({@link NullPointerException} for a null value); the cell stays empty and the
     * next waiter tries.
     *
     * <p>Cancel safety: cancel safe for the cell. Dropped while waiting, it leaves
     * the queue; dropped while its initializer runs, the initializer's future is
     * dropped (whatever it was doing is abandoned) and the next waiter runs its own.
     *
     * @throws NullPointerException if {@code init} is null
     */
    public Future<T> getOrInit(Supplier<? extends Future<? extends T>> init) {
        return new GetOrInit<>(this, Objects.requireNonNull(init, "init"));
    }

    /**
     * A future that completes with the value once the cell holds one, set by
     * someone else ({@link #set} or another task's {@link #getOrInit}); at once if it
     * holds one now. Tokio's {@code OnceCell::wait} ({@code Object.wait()} has that
     * name in Java). It runs no initializer.
     *
     * <p>Cancel safety: cancel safe; dropping it only unregisters it.
     */
    public Future<T> waitForValue() {
        return new ValueWait<>(this);
    }

    /** Queued getOrInit and waitForValue futures (a snapshot), for tests. */
    int waiterCount() {
        int valueWaiters;
        lock.lock();
        try {
            valueWaiters = waiters.size();
        } finally {
            lock.unlock();
        }
        return valueWaiters + permit.queuedWaiters();
    }

    @Override
    public String toString() {
        T v = value;
        return v == null ? "OnceCell[empty]" : "OnceCell[" + v + "]";
    }

    /** The future of {@link #getOrInit}. */
    private static final class GetOrInit<T> extends BatchSemaphore.Acquire implements Future<T> {
        private static final int ACQUIRING = 0;
        private static final int RUNNING = 1;
        private static final int DONE = 2;

        private final OnceCell<T> cell;
        private final Supplier<? extends Future<? extends T>> init;
        /** Owner-only. */
        private int phase = ACQUIRING;
        private Future<? extends T> running;

        GetOrInit(OnceCell<T> cell, Supplier<? extends Future<? extends T>> init) {
            super(cell.permit, 1);
            this.cell = cell;
            this.init = init;
        }

        @Override
        public Poll<T> poll(Context cx) {
            if (phase == RUNNING) {
                return pollInitializer(cx);
            }
            if (phase == DONE) {
                T v = cell.value;
                if (v == null) {
                    throw new IllegalStateException("this getOrInit future failed or was dropped; call getOrInit again");
                }
                return Poll.ready(v);
            }
            if (!cx.proceed()) {
                return Poll.pending();
            }
            T v = cell.value;
            if (v != null) {
                phase = DONE;
                dropAcquire(); // it may still be queued: the close that follows the store has not unlinked it yet
                return Poll.ready(v);
            }
            switch (pollAcquire(cx)) {
                case BatchSemaphore.PENDING:
                    return Poll.pending();
                case BatchSemaphore.IS_CLOSED:
                    phase = DONE;
                    return Poll.ready(cell.value); // closed only after the value was stored
                default:
                    break;
            }
            v = cell.value;
            if (v != null) { // defensive: only the permit's holder stores a value, and it never gives the permit back
                phase = DONE;
                cell.permit.release(1);
                return Poll.ready(v);
            }
            phase = RUNNING;
            try {
                running = Objects.requireNonNull(init.get(), "the OnceCell initializer returned a null future");
            } catch (Throwable t) {
                throw giveUp(t);
            }
            return pollInitializer(cx);
        }

        private Poll<T> pollInitializer(Context cx) {
            Poll<? extends T> p;
            try {
                p = running.poll(cx);
            } catch (Throwable t) {
                throw giveUp(t);
            }
            if (p.isPending()) {
                return Poll.pending();
            }
            T v = p.value();
            if (v == null) {
                throw giveUp(new NullPointerException(
                        "the OnceCell initializer completed with null; values are never null"));
            }
            running = null;
            phase = DONE;
            cell.complete(v);
            return Poll.ready(v);
        }

        /**
         * The initializer failed with {@code cause}: the permit goes to the next waiter,
         * then {@code cause} is thrown (declared as returned, for {@code throw giveUp(t)}).
         */
        private RuntimeException giveUp(Throwable cause) {
            running = null;
            phase = DONE;
            cell.permit.release(1);
            return Throwing.sneaky(cause);
        }

        @Override
        public void drop() {
            int p = phase;
            phase = DONE;
            if (p == ACQUIRING) {
                dropAcquire();
            } else if (p == RUNNING) {
                Future<? extends T> f = running;
                running = null;
                try {
                    f.drop();
                } finally {
                    cell.permit.release(1); // the initializer's drop may throw; the permit goes on
                }
            }
        }
    }

    /** The future of {@link #waitForValue()}: a node of the cell's waiter list. */
    private static final class ValueWait<T> extends Waiter implements Future<T> {
        private final OnceCell<T> cell;

        ValueWait(OnceCell<T> cell) {
            this.cell = cell;
        }

        @Override
        public Poll<T> poll(Context cx) {
            if (!cx.proceed()) {
                return Poll.pending();
            }
            OnceCell<T> c = cell;
            T v = c.value;
            if (v == null) {
                c.lock.lock();
                try {
                    v = c.value;
                    if (v == null) {
                        if (waker != cx.waker()) {
                            waker = cx.waker();
                        }
                        if (!isLinked()) {
                            c.waiters.addLast(this);
                        }
                        return Poll.pending();
                    }
                } finally {
                    c.lock.unlock();
                }
            }
            return Poll.ready(v);
        }

        @Override
        public void drop() {
            OnceCell<T> c = cell;
            c.lock.lock();
            try {
                c.waiters.remove(this);
                waker = null;
            } finally {
                c.lock.unlock();
            }
        }
    }
}
