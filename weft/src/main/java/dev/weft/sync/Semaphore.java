package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.sync.BatchSemaphore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
 * <p><b>At most {@link #MAX_PERMITS} in all.</b> A semaphore never has more than
 * {@code MAX_PERMITS} permits counting every one that exists: free, held by
 * {@link Permit}s, and handed to acquires that have not completed yet. That total is
 * the initial count plus those added, less those forgotten; {@link #addPermits}
 * refuses to pass the maximum. So giving permits back never fails: closing a permit,
 * or dropping an acquire that had been handed permits, always has room.
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
    /*
     * Implementation notes.
     *
     * The permits and the fair queue are a BatchSemaphore (the one under Mutex,
     * RwLock, OnceCell and the bounded mpsc channel); this class adds the Permit
     * objects and `total`: how many permits the semaphore has in all, initial +
     * added - forgotten (forgetPermits and Permit.forget). A permit that exists is
     * free, held (a Permit, or an acquire that completed), or assigned to an acquire
     * that is queued or served but not yet polled. Invariant:
     *
     *     permits that exist <= total <= MAX_PERMITS
     *
     * so no give-back can overflow the BatchSemaphore (which therefore checks none:
     * see its "No overflow"). Under concurrency the order keeps it: addPermits raises
     * `total` (a CAS refusing to pass MAX_PERMITS) before it releases the permits,
     * and a forget lowers `total` after the permits are gone. A race between them
     * can only make addPermits refuse what would fit a moment later, never let one
     * through that does not. (Checking only the free count, as before, let
     * addPermits fill the semaphore while permits were held or assigned; giving
     * those back then failed: a Permit's close was refused, and the drop of an
     * acquire that had been handed permits threw.)
     *
     * Permit.close sets its count to 0 before it releases, so a second close finds
     * nothing to give back. A release never throws: a waiter's waker that does is
     * logged (Wakers).
     *
     * Tested by SemaphoreTest (the refusals of addPermits with permits held and with
     * an acquire assigned but not polled, forget lowering the total, a full
     * semaphore's give-backs, a close that meets a throwing waker).
     */
    /** The most permits a semaphore can hold: 2<sup>30</sup> - 1. */
    public static final int MAX_PERMITS = BatchSemaphore.MAX_PERMITS;
    private static final VarHandle TOTAL;

    static {
        try {
            TOTAL = MethodHandles.lookup().findVarHandle(Semaphore.class, "total", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BatchSemaphore permits;
    /**
     * Permits in all: initial + added - forgotten; see the notes. Raised by a CAS in
     * addPermits, lowered by getAndAdd in forgetPermits and Permit.forget.
     */
    private volatile int total;

    /**
     * @throws IllegalArgumentException if {@code permits} is negative or above {@link #MAX_PERMITS}
     */
    public Semaphore(int permits) {
        this.permits = new BatchSemaphore(permits);
        this.total = permits;
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
     * <p>The semaphore's permits in all, free or not, may not exceed
     * {@link #MAX_PERMITS} (see the class doc): permits that are held, or handed to
     * acquires that have not completed, count too, since they will be given back.
     *
     * @throws IllegalArgumentException if {@code n} is negative, or if the semaphore
     *     would then have more than {@link #MAX_PERMITS} permits in all (nothing is
     *     added)
     */
    public void addPermits(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot add a negative number of permits (" + n
                    + "); forgetPermits removes permits");
        }
        if (n == 0) {
            return;
        }
        for (;;) {
            int t = total;
            if (n > MAX_PERMITS - t) {
                throw new IllegalArgumentException(tooMany(n, t));
            }
            if (TOTAL.compareAndSet(this, t, t + n)) {
                break; // raised before the permits exist: see the notes
            }
        }
        permits.release(n);
    }

    private String tooMany(int n, int t) {
        int free = Math.min(availablePermits(), t); // a snapshot beside t, which a racing add may pass
        return "cannot add " + n + " permits: this semaphore has " + t + " in all (" + free + " free, "
                + (t - free) + " held or handed to acquires, to be given back), and " + n + " more would exceed"
                + " MAX_PERMITS (" + MAX_PERMITS + ")";
    }

    /**
     * Removes up to {@code n} available permits for good; answers how many were
     * removed. Permits that are held, or handed to waiting acquires, are not touched
     * ({@link Permit#forget()} forgets held ones). The permits removed no longer
     * count towards {@link #MAX_PERMITS}.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public int forgetPermits(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("cannot forget a negative number of permits (" + n + ")");
        }
        int removed = permits.forget(Math.min(n, MAX_PERMITS)); // never more exist
        forgotten(removed);
        return removed;
    }

    /** Lowers the total after {@code n} permits are gone for good: see the notes. */
    private void forgotten(int n) {
        if (n > 0) {
            TOTAL.getAndAdd(this, -n);
        }
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
         *     or is this permit itself
         */
        public void merge(Permit other) {
            if (other == this) {
                throw new IllegalArgumentException("cannot merge a permit into itself");
            }
            if (other.semaphore != semaphore) {
                throw new IllegalArgumentException("cannot merge permits of two different semaphores");
            }
            count += other.count; // both from one semaphore, which never has more than MAX_PERMITS
            other.count = 0;
        }

        /**
         * Lets the permits go without giving them back: the semaphore has that many
         * fewer, and they no longer count towards its {@link #MAX_PERMITS}.
         */
        public void forget() {
            int n = count;
            count = 0;
            semaphore.forgotten(n);
        }

        /**
         * Gives the permits back to the semaphore, to its waiters first; later calls
         * do nothing. Never refused: the semaphore always has room for them.
         */
        @Override
        public void close() {
            int n = count;
            if (n > 0) {
                count = 0; // first: a second close finds nothing
                semaphore.permits.release(n);
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
