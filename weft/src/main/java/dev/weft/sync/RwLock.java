package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.sync.BatchSemaphore;

/**
 * A reader-writer lock for tasks (Tokio's {@code RwLock}): many readers at once,
 * or one writer.
 *
 * {@snippet :
 * RwLock<Config> config = new RwLock<>(Config.defaults());
 * try (var c = config.read().await()) { use(c.get()); }
 * try (var c = config.write().await()) { c.set(c.get().withTimeout(5)); }
 * }
 *
 * <p><b>Fair and write-preferring.</b> Requests are served in arrival order: a
 * reader that arrives after a waiting writer waits behind it, so a stream of readers
 * cannot starve a writer. Underneath, a read takes one permit and a write takes all
 * {@link #maxReaders()} of them from one fair queue.
 *
 * <p><b>Reader limit.</b> At most {@link #maxReaders()} read guards at once
 * (default 2<sup>28</sup> - 1; a smaller limit makes further readers wait).
 *
 * <p><b>Guards</b> are objects that may move between tasks, closed by
 * try-with-resources. A {@link WriteGuard} can be {@linkplain WriteGuard#downgrade()
 * downgraded} to a read guard without letting a writer in between.
 *
 * <p><b>Memory consistency effects:</b> actions in a task before it closes a write
 * guard <i>happen-before</i> actions after any later acquisition of the lock; actions
 * before closing a read guard happen-before actions after a later write acquisition.
 *
 * @param <T> the type of the guarded value
 */
public final class RwLock<T> {
    /*
     * Implementation notes.
     *
     * One BatchSemaphore of maxReaders permits (see its notes and ADR 0004): a read
     * takes one, a write all of them, from one fair queue; the total is fixed, so no
     * release can overflow. A guard forgets its lock before it releases, so a second
     * close releases nothing. downgrade releases maxReaders - 1 and keeps one for the
     * read guard it returns. A release never throws: a waiter's waker that does is
     * logged (Wakers), so downgrade always hands its read guard over.
     */
    /** The default {@link #maxReaders()}. */
    public static final int DEFAULT_MAX_READERS = (1 << 28) - 1;

    private final BatchSemaphore semaphore;
    private final int maxReaders;
    private T value;

    public RwLock(T value) {
        this(value, DEFAULT_MAX_READERS);
    }

    /**
     * @throws IllegalArgumentException if {@code maxReaders} is less than 1 or above
     *         {@link Semaphore#MAX_PERMITS}
     */
    public RwLock(T value, int maxReaders) {
        if (maxReaders < 1 || maxReaders > BatchSemaphore.MAX_PERMITS) {
            throw new IllegalArgumentException("maxReaders must be between 1 and " + BatchSemaphore.MAX_PERMITS
                    + ", got " + maxReaders);
        }
        this.semaphore = new BatchSemaphore(maxReaders);
        this.maxReaders = maxReaders;
        this.value = value;
    }

    /** How many read guards may be held at once. */
    public int maxReaders() {
        return maxReaders;
    }

    /**
     * A future of a read guard.
     *
     * <p>Cancel safety: if dropped before it completes, no lock is held and the place
     * in the queue is lost.
     */
    public Future<ReadGuard<T>> read() {
        return new Acquiring<>(this, 1, false);
    }

    /**
     * A future of the write guard.
     *
     * <p>Cancel safety: if dropped before it completes, no lock is held (read permits it
     * had gathered go on to the next waiters) and the place in the queue is lost.
     */
    public Future<WriteGuard<T>> write() {
        return new Acquiring<>(this, maxReaders, true);
    }

    /** A read guard if one can be had now without waiting behind anyone, else {@code null}. */
    public ReadGuard<T> tryRead() {
        return semaphore.tryAcquire(1) == BatchSemaphore.ACQUIRED ? new ReadGuard<>(this) : null;
    }

    /** The write guard if the lock is free now and nobody waits, else {@code null}. */
    public WriteGuard<T> tryWrite() {
        return semaphore.tryAcquire(maxReaders) == BatchSemaphore.ACQUIRED ? new WriteGuard<>(this) : null;
    }

    /**
     * {@code read().await()}, for code outside the runtime (Tokio's {@code blocking_read}).
     *
     * @throws IllegalStateException if called on a scheduler worker (inside a poll)
     */
    public ReadGuard<T> blockingRead() {
        return read().await();
    }

    /**
     * {@code write().await()}, for code outside the runtime (Tokio's {@code blocking_write}).
     *
     * @throws IllegalStateException if called on a scheduler worker (inside a poll)
     */
    public WriteGuard<T> blockingWrite() {
        return write().await();
    }

    @Override
    public String toString() {
        int free = semaphore.availablePermits();
        String state = free == maxReaders ? "unlocked" : free == 0 ? "locked" : (maxReaders - free) + " readers";
        return "RwLock[" + state + "]";
    }

    /** A held read lock. Not thread-safe; may move between tasks. */
    public static final class ReadGuard<T> implements AutoCloseable {
        private RwLock<T> lock;

        ReadGuard(RwLock<T> lock) {
            this.lock = lock;
        }

        /**
         * The guarded value. Other readers see it at the same time: do not mutate it
         * through a read guard.
         *
         * @throws IllegalStateException if this guard was closed
         */
        public T get() {
            RwLock<T> l = lock;
            if (l == null) {
                throw new IllegalStateException("this read guard was closed; read again");
            }
            return l.value;
        }

        /**
         * The lock this guard holds (Tokio's {@code OwnedRwLockReadGuard::rwlock}), for
         * code that was handed the guard alone.
         *
         * @throws IllegalStateException if this guard was closed
         */
        public RwLock<T> rwlock() {
            RwLock<T> l = lock;
            if (l == null) {
                throw new IllegalStateException("this read guard was closed: it holds no lock; read again");
            }
            return l;
        }

        /** Releases the read lock; later calls do nothing. */
        @Override
        public void close() {
            RwLock<T> l = lock;
            if (l != null) {
                lock = null;
                l.semaphore.release(1);
            }
        }
    }

    /** The held write lock. Not thread-safe; may move between tasks. */
    public static final class WriteGuard<T> implements AutoCloseable {
        private RwLock<T> lock;

        WriteGuard(RwLock<T> lock) {
            this.lock = lock;
        }

        private RwLock<T> held() {
            RwLock<T> l = lock;
            if (l == null) {
                throw new IllegalStateException("this write guard was closed or downgraded; lock again");
            }
            return l;
        }

        /**
         * The guarded value.
         *
         * @throws IllegalStateException if this guard was closed or downgraded
         */
        public T get() {
            return held().value;
        }

        /**
         * Replaces the guarded value.
         *
         * @throws IllegalStateException if this guard was closed or downgraded
         */
        public void set(T newValue) {
            held().value = newValue;
        }

        /**
         * The lock this guard holds (Tokio's {@code OwnedRwLockWriteGuard::rwlock}), for
         * code that was handed the guard alone.
         *
         * @throws IllegalStateException if this guard was closed or downgraded
         */
        public RwLock<T> rwlock() {
            return held();
        }

        /**
         * Turns this write lock into a read lock atomically: no writer gets in between,
         * and readers waiting at the head of the queue may now join. This guard is
         * closed by it.
         *
         * @throws IllegalStateException if this guard was closed or downgraded
         */
        public ReadGuard<T> downgrade() {
            RwLock<T> l = held();
            lock = null;
            l.semaphore.release(l.maxReaders - 1); // keeps the one permit of the read guard
            return new ReadGuard<>(l);
        }

        /** Releases the write lock; later calls do nothing. */
        @Override
        public void close() {
            RwLock<T> l = lock;
            if (l != null) {
                lock = null;
                l.semaphore.release(l.maxReaders);
            }
        }
    }

    private static final class Acquiring<T, G> extends BatchSemaphore.Acquire implements Future<G> {
        private final RwLock<T> lock;
        private final boolean write;

        Acquiring(RwLock<T> lock, int permits, boolean write) {
            super(lock.semaphore, permits);
            this.lock = lock;
            this.write = write;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Poll<G> poll(Context cx) {
            if (!cx.proceed()) {
                return Poll.pending();
            }
            if (pollAcquire(cx) != BatchSemaphore.ACQUIRED) {
                return Poll.pending(); // never closed: pending is the only other answer
            }
            return Poll.ready((G) (write ? new WriteGuard<>(lock) : new ReadGuard<>(lock)));
        }

        @Override
        public void drop() {
            dropAcquire();
        }

        @Override
        protected String madeBy() {
            return write ? "write()" : "read()";
        }
    }
}
