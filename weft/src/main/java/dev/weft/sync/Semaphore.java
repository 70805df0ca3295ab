package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.sync.BatchSemaphore;

/**
 * A counting semaphore for tasks (Tokio's {@code Semaphore}): limits how many tasks
 * do something at once, a connection pool's size, a rate of work in flight.
 *
 * {@snippet :
 * Semaphore downloads = new Semaphore(10);
 * try (Semaphore.Permit p = downloads.acquire().await()) {
 *     fetch(url);                                        // at most 10 at a time
 * }
 * }
 *
 * <p><b>Fair.</b> Waiters are served strictly in arrival order; a waiter for several
 * permits is served before any later one, even a smaller one that would fit now, and
 * a {@link #tryAcquire()} never takes permits a waiter is waiting for.
 *
 * <p><b>Permits.</b> A {@link Permit} is an object: it is given back by
 * {@link Permit#close()} (try-with-resources), can be handed to another task or
 * thread, or be {@linkplain Permit#forget() forgotten} (the permits are then gone
 * for good, as after {@link #forgetPermits}). {@link #addPermits} adds permits that
 * were never acquired.
 *
 * <p><b>Closing.</b> {@link #close()} makes every acquire still waiting for permits,
 * and every later one, fail with {@link AcquireError}. An acquire that had been
 * handed all its permits before the close (served, but not yet polled since)
 * completes with them: it was served first. Permits already held stay valid and may
 * still be given back.
 *
 * <p><b>Memory consistency effects:</b> actions in a task before it gives permits
 * back (closing a permit, {@link #addPermits}) <i>happen-before</i> actions after an
 * acquire in another task that obtains those permits.
 */
public final class Semaphore {
    /** The most permits a semaphore can hold: 2<sup>30</sup> - 1. */
    public static final int MAX_PERMITS = BatchSemaphore.MAX_PERMITS;

    private final BatchSemaphore permits;

    /**
     * @throws IllegalArgumentException if {@code permits} is negative or above {@link #MAX_PERMITS}
     */
    public Semaphore(int permits) {
        this.permits = new BatchSemaphore(permits);
    }

    /** Permits available now (none while a waiter is queued). */
    public int availablePermits() {
        return permits.availablePermits();
    }

    /**
     * A future of one permit.
     *
     * <p>Cancel safety: if dropped before it completes, it holds no permit (any it was
     * being assigned goes on to the next waiter) and loses its place in the queue.
     *
     * @throws AcquireError (from the future) if the semaphore is or gets closed
     */
    public Future<Permit> acquire() {
        return new Acquiring(this, 1);
    }

    /**
     * A future of {@code n} permits, taken together: nothing is held until all
     * {@code n} are. See {@link #acquire()} for cancel safety.
     *
     * @throws IllegalArgumentException if {@code n} is negative or above {@link #MAX_PERMITS}
     */
    public Future<Permit> acquireMany(int n) {
        return new Acquiring(this, n);
    }

    /**
     * One permit if one is available now and nobody waits, else {@code null}.
     *
     * @throws AcquireError if the semaphore is closed
     */
    public Permit tryAcquire() {
        return tryAcquireMany(1);
    }

    /**
     * {@code n} permits if they are available now and nobody waits, else {@code null}.
     *
     * @throws AcquireError if the semaphore is closed
     * @throws IllegalArgumentException if {@code n} is negative or above {@link #MAX_PERMITS}
     */
    public Permit tryAcquireMany(int n) {
        if (n < 0 || n > MAX_PERMITS) {
            throw new IllegalArgumentException("permits must be between 0 and " + MAX_PERMITS + ", got " + n);
        }
        return switch (permits.tryAcquire(n)) {
            case BatchSemaphore.ACQUIRED -> new Permit(this, n);
            case BatchSemaphore.IS_CLOSED -> throw closed();
            default -> null;
        };
    }

    /**
     * Adds {@code n} permits, which go to the waiters first.
     *
     * @throws IllegalArgumentException if the total would exceed {@link #MAX_PERMITS}
     */
    public void addPermits(int n) {
        permits.release(n);
    }

    /** Removes up to {@code n} available permits for good; answers how many were removed. */
    public int forgetPermits(int n) {
        return permits.forget(n);
    }

    /**
     * Closes the semaphore: acquires still waiting for permits, and later ones, fail
     * with {@link AcquireError} (one already handed its permits completes with them).
     */
    public void close() {
        permits.close();
    }

    public boolean isClosed() {
        return permits.isClosed();
    }

    /** Acquires waiting in the queue now (a snapshot; for tests and diagnostics). */
    int queuedWaiters() {
        return permits.queuedWaiters();
    }

    @Override
    public String toString() {
        return "Semaphore[" + availablePermits() + " available" + (isClosed() ? ", closed]" : "]");
    }

    private static AcquireError closed() {
        return new AcquireError("the semaphore is closed; no permit can be acquired from it any more");
    }

    /**
     * Permits held from a {@link Semaphore}. {@link #close()} gives them back (at most
     * once); {@link #forget()} lets them go for good. Not thread-safe: held by one
     * task at a time, but it may move from one task or thread to another.
     */
    public static final class Permit implements AutoCloseable {
        private final Semaphore semaphore;
        private int count;

        Permit(Semaphore semaphore, int count) {
            this.semaphore = semaphore;
            this.count = count;
        }

        /** How many permits this holds (0 once closed or forgotten). */
        public int count() {
            return count;
        }

        /** The semaphore these permits came from. */
        public Semaphore semaphore() {
            return semaphore;
        }

        /**
         * Splits {@code n} of these permits into a permit of their own.
         *
         * @throws IllegalArgumentException if this permit holds fewer than {@code n}
         */
        public Permit split(int n) {
            if (n < 0 || n > count) {
                throw new IllegalArgumentException("cannot split " + n + " permits off a permit of " + count);
            }
            count -= n;
            return new Permit(semaphore, n);
        }

        /**
         * Takes the permits of {@code other} (from the same semaphore) into this one.
         *
         * @throws IllegalArgumentException if {@code other} comes from another semaphore,
         *     is this permit itself, or the two hold more than {@link #MAX_PERMITS}
         *     together (after {@link Semaphore#addPermits} a semaphore can have handed
         *     out that many)
         */
        public void merge(Permit other) {
            if (other == this) {
                throw new IllegalArgumentException("cannot merge a permit into itself");
            }
            if (other.semaphore != semaphore) {
                throw new IllegalArgumentException("cannot merge permits of two different semaphores");
            }
            if ((long) count + other.count > MAX_PERMITS) {
                throw new IllegalArgumentException("cannot merge a permit of " + other.count + " into one of " + count
                        + ": together they exceed MAX_PERMITS (" + MAX_PERMITS + "); keep them apart");
            }
            count += other.count;
            other.count = 0;
        }

        /** Lets the permits go without giving them back: the semaphore has that many fewer. */
        public void forget() {
            count = 0;
        }

        /**
         * Gives the permits back to the semaphore; later calls do nothing.
         *
         * @throws IllegalArgumentException if the semaphore would then hold more than
         *     {@link #MAX_PERMITS} (permits were added meanwhile); this permit keeps its
         *     permits, to be {@linkplain #split split} or forgotten
         */
        @Override
        public void close() {
            int n = count;
            if (n > 0) {
                semaphore.permits.release(n); // first: if it refuses, the permits are still here
                count = 0;
            }
        }

        @Override
        public String toString() {
            return "Semaphore.Permit[" + count + "]";
        }
    }

    /** The future of {@link #acquire()}: the waiting node itself. */
    private static final class Acquiring extends BatchSemaphore.Acquire implements Future<Permit> {
        private final Semaphore semaphore;

        Acquiring(Semaphore semaphore, int n) {
            super(semaphore.permits, n);
            this.semaphore = semaphore;
        }

        @Override
        public Poll<Permit> poll(Context cx) {
            if (!cx.proceed()) {
                return Poll.pending();
            }
            return switch (pollAcquire(cx)) {
                case BatchSemaphore.ACQUIRED -> Poll.ready(new Permit(semaphore, permits()));
                case BatchSemaphore.PENDING -> Poll.pending();
                default -> throw closed();
            };
        }

        @Override
        public void drop() {
            dropAcquire();
        }

        @Override
        protected String madeBy() {
            return permits() == 1 ? "acquire()" : "acquireMany(" + permits() + ")";
        }
    }
}
