package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.sync.BatchSemaphore;

/**
 * A lock for state that tasks share across awaits (Tokio's {@code Mutex}): the
 * seed's {@code Arc<Mutex<HashMap<..>>>}.
 *
 * {@snippet :
 * Mutex<Map<String, String>> state = new Mutex<>(new HashMap<>());
 * try (var map = state.lock().await()) {          // waits without blocking a thread
 *     map.get().put(key, value);
 * }                                               // released here
 * }
 *
 * <p><b>Which lock?</b> Hold this one when the critical section awaits something (a
 * database call, a send): waiting for it parks a thread task or suspends a future
 * task instead of blocking a thread. When the section is short and never awaits,
 * a {@code java.util.concurrent.locks.ReentrantLock} or {@code synchronized} is
 * cheaper and fine: the seed's "use std's Mutex for short synchronous sections".
 *
 * <p><b>Fair.</b> Waiters get the lock in arrival order; a {@link #tryLock()} never
 * takes it from a waiter. Not reentrant: a task that locks it twice waits for itself.
 *
 * <p><b>Guards.</b> {@link #lock()} gives a {@link Guard}, which unlocks when closed
 * (try-with-resources). A guard is an object, not a scope: it may be handed to
 * another task, which then unlocks it (Tokio's {@code OwnedMutexGuard}).
 *
 * <p><b>Memory consistency effects:</b> actions in a task before it closes a guard
 * <i>happen-before</i> actions after the next acquisition of the lock, in any task.
 *
 * @param <T> the type of the guarded value
 */
public final class Mutex<T> {
    private final BatchSemaphore semaphore = new BatchSemaphore(1);
    private T value;

    /** A mutex guarding {@code value} (which may be {@code null}). */
    public Mutex(T value) {
        this.value = value;
    }

    /**
     * A future of the lock.
     *
     * <p>Cancel safety: if dropped before it completes, the lock is not held and the
     * place in the queue is lost; if the lock was being handed to it, it goes on to
     * the next waiter.
     */
    public Future<Guard<T>> lock() {
        return new Locking<>(this);
    }

    /** The lock if it is free now and nobody waits for it, else {@code null}. */
    public Guard<T> tryLock() {
        return semaphore.tryAcquire(1) == BatchSemaphore.ACQUIRED ? new Guard<>(this) : null;
    }

    /**
     * Waits for the lock on the calling thread: {@code lock().await()}, for code
     * outside the runtime (Tokio's {@code blocking_lock}).
     *
     * @throws IllegalStateException if called on a scheduler worker (inside a poll)
     */
    public Guard<T> blockingLock() {
        return lock().await();
    }

    /** Whether someone holds the lock now (a snapshot). */
    public boolean isLocked() {
        return semaphore.availablePermits() == 0;
    }

    @Override
    public String toString() {
        return "Mutex[" + (isLocked() ? "locked" : "unlocked") + "]";
    }

    /**
     * The held lock: access to the value until {@link #close()}. Not thread-safe: used
     * by one task at a time, which may hand it to another.
     *
     * @param <T> the type of the guarded value
     */
    public static final class Guard<T> implements AutoCloseable {
        private Mutex<T> mutex;

        Guard(Mutex<T> mutex) {
            this.mutex = mutex;
        }

        /**
         * The guarded value.
         *
         * @throws IllegalStateException if this guard was closed
         */
        public T get() {
            return held().value;
        }

        /**
         * Replaces the guarded value.
         *
         * @throws IllegalStateException if this guard was closed
         */
        public void set(T newValue) {
            held().value = newValue;
        }

        /** The mutex this guard locks. */
        public Mutex<T> mutex() {
            return held();
        }

        private Mutex<T> held() {
            Mutex<T> m = mutex;
            if (m == null) {
                throw new IllegalStateException("this guard was closed: the lock is no longer held; lock again");
            }
            return m;
        }

        /** Unlocks; the next waiter gets the lock. Later calls do nothing. */
        @Override
        public void close() {
            Mutex<T> m = mutex;
            if (m != null) {
                mutex = null;
                m.semaphore.release(1);
            }
        }
    }

    private static final class Locking<T> extends BatchSemaphore.Acquire implements Future<Guard<T>> {
        private final Mutex<T> mutex;

        Locking(Mutex<T> mutex) {
            super(mutex.semaphore, 1);
            this.mutex = mutex;
        }

        @Override
        public Poll<Guard<T>> poll(Context cx) {
            if (!cx.proceed()) {
                return Poll.pending();
            }
            // A mutex is never closed, so the answer is acquired or pending.
            return pollAcquire(cx) == BatchSemaphore.ACQUIRED ? Poll.ready(new Guard<>(mutex)) : Poll.pending();
        }

        @Override
        public void drop() {
            dropAcquire();
        }

        @Override
        protected String madeBy() {
            return "lock()";
        }
    }
}
