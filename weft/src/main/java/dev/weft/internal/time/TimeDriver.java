package dev.weft.internal.time;

import dev.weft.Waker;
import dev.weft.internal.runtime.ThreadContext;
import dev.weft.internal.sync.SpinLock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * A runtime's timers and clock: the {@link TimerWheel}, the platform thread that
 * fires it, and the clock that tests can pause and advance.
 *
 * <p>See {@code docs/adr/0003-timers-and-paused-clock.md}.
 */
public final class TimeDriver {
    /*
     * Implementation notes.
     *
     * Clock. now() = System.nanoTime() + offset while running, pausedNow while
     * paused. Ticks are milliseconds since `origin`: a deadline's tick is rounded
     * up, the current tick down, so nothing fires before its deadline.
     *
     * Real time. The driver thread fires what is due, then parks until the start of
     * the next expiring slot. `plannedWake` (written under the lock) is the tick it
     * parks towards; an insert with an earlier tick unparks it. While paused,
     * plannedWake is Long.MIN_VALUE: inserts never unpark, time does not move.
     *
     * Paused time. The driver moves the clock only when the runtime is quiescent
     * (the `quiescent` check given by the runtime: nothing that could make progress
     * without the clock moving; see the ADR), and then only to the next slot start
     * or to the target of an advance, whichever comes first. After each step it
     * fires what is due and goes back to waiting for quiescence. The runtime calls
     * signalQuiescent() whenever its activity count drops to zero; the driver reads
     * the state again after every park, and unpark() keeps a permit, so a signal
     * sent before the driver parks is not lost.
     *
     * Firing. Entries are taken out of the wheel and marked FIRED under the lock;
     * their wakers are called after it is released. When a batch holds HAND_OFF_AT
     * or more virtual threads' wakers (a ThreadContext of a virtual thread: each
     * unparks it; a platform thread's, in blockOn or a blocking job, is not one),
     * those are called from a virtual thread started for them, when the clock is
     * not pausable: an unpark from this platform thread goes through the JDK
     * scheduler's external submission queue (a wrapper object, a shared queue and a
     * signal to a carrier, per wake: W5 fires 1,000 a millisecond), while from a
     * virtual thread it is a push onto its carrier's own queue. The woken threads
     * need a carrier to run anyway, so waiting for one to start the waking thread
     * delays them no further. Every other waker (a future task's, a user's) is
     * called here at once: a future task's wake puts it on Weft's own queues and
     * must not wait for a carrier of the JDK's scheduler. A pausable clock calls
     * every waker here, before it looks for quiescence again: the activity count
     * must see each woken task counted back in before the driver reads it
     * (docs/adr/0003). No waker is lost or called twice (each fired entry's waker is
     * read once, here); a handed-off batch may be woken after a later tick's small
     * one. The runtime's threads do not outlive close(): stop() waits (up to its
     * deadline) for every waking thread, after the driver thread itself, and one
     * that does not finish in time is reported (wakingThreads()). A waking thread
     * that cannot be started leaves its batch to the driver thread.
     *
     * Lock. A spin lock (SpinLock): acquired by one CAS, released by a release
     * store. ReentrantLock's release is a full fence, and the armed-timeout path
     * takes the lock twice per operation (register, cancel); no holder parks or
     * calls out, so a waiter only ever waits for a few list operations or one
     * firing batch.
     */
    private static final long TICK_NANOS = 1_000_000;
    private static final System.Logger LOG = System.getLogger("dev.weft.time");
    /** A batch with at least this many thread tasks' wakers has them called from a virtual thread (see the notes). */
    private static final int HAND_OFF_AT = 16;

    private final SpinLock lock = new SpinLock();
    private final TimerWheel wheel;
    private final long origin;
    private final BooleanSupplier quiescent;
    private final Thread thread;
    /** Makes the virtual threads that call the wakers of a large batch (see the notes). */
    private final ThreadFactory wakeThreads;
    /** Waking threads started and not yet finished. */
    private final AtomicInteger waking = new AtomicInteger();
    /** The thread in stop() that waits for the waking threads; set once. */
    private volatile Thread stopping;
    /** Whether pause() is allowed: the runtime keeps the activity count only then. */
    private final boolean pausable;
    private final Runnable onThreadStart;
    private final Runnable onThreadStop;

    private volatile boolean paused;
    private volatile long pausedNow;
    private volatile long offset;
    private volatile boolean autoAdvance;
    private volatile boolean stopped;
    /** The tick the driver sleeps towards; guarded by {@link #lock}. */
    private long plannedWake = Long.MAX_VALUE;
    /** The advance in progress, or {@code null}; guarded by {@link #lock}. */
    private Advance advance;

    /**
     * @param pausable      whether the clock may be paused: the runtime keeps the
     *                      activity count behind {@code quiescent} only then
     * @param quiescent     answers whether nothing in the runtime can make progress
     *                      unless the clock moves (consulted only while paused)
     * @param onThreadStart run on the driver thread when it starts
     * @param onThreadStop  run on the driver thread before it exits
     */
    public TimeDriver(String threadName, boolean pausable, boolean startPaused, boolean autoAdvance,
            BooleanSupplier quiescent, Runnable onThreadStart, Runnable onThreadStop) {
        this(threadName, pausable, startPaused, autoAdvance, quiescent, onThreadStart, onThreadStop,
                Thread.ofVirtual().name(threadName + "-wakes").factory());
    }

    /** As the public constructor, with the factory of the waking threads (tests hold them back). */
    TimeDriver(String threadName, boolean pausable, boolean startPaused, boolean autoAdvance,
            BooleanSupplier quiescent, Runnable onThreadStart, Runnable onThreadStop, ThreadFactory wakeThreads) {
        if (startPaused && !pausable) {
            throw new IllegalArgumentException("a clock that starts paused must be pausable");
        }
        this.pausable = pausable;
        this.origin = System.nanoTime();
        this.wheel = new TimerWheel(0);
        this.quiescent = quiescent;
        this.autoAdvance = autoAdvance;
        this.onThreadStart = onThreadStart;
        this.onThreadStop = onThreadStop;
        if (startPaused) {
            this.pausedNow = origin;
            this.paused = true;
            this.plannedWake = Long.MIN_VALUE;
        }
        this.thread = new Thread(this::run, threadName);
        this.wakeThreads = wakeThreads;
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    // ---- the clock ---------------------------------------------------------------

    /** The runtime clock, in {@link System#nanoTime()} units. */
    public long now() {
        return paused ? pausedNow : System.nanoTime() + offset;
    }

    public boolean isPaused() {
        return paused;
    }

    public boolean isAutoAdvance() {
        return autoAdvance;
    }

    public void setAutoAdvance(boolean on) {
        autoAdvance = on;
        LockSupport.unpark(thread);
    }

    /** Whether {@link #pause()} is allowed. */
    public boolean isPausable() {
        return pausable;
    }

    /**
     * Stops the clock, moving it up to the next whole millisecond first.
     *
     * @throws IllegalStateException if the clock is not pausable, or paused already
     */
    public void pause() {
        if (!pausable) {
            throw new IllegalStateException("this runtime's clock cannot be paused: build the runtime with"
                    + " Runtime.builder().pausableClock(true) or startPaused(true). Pausing is opt-in because"
                    + " knowing when every task waits (auto-advance, advance) costs every task a little while"
                    + " the clock runs.");
        }
        lock.lock();
        try {
            if (paused) {
                throw new IllegalStateException("the clock is paused already; call resume() before pausing it again");
            }
            // On a whole tick, so that a sleep of whole milliseconds made while paused
            // ends exactly where an advance of the same length arrives.
            pausedNow = origin + (nowTick(System.nanoTime() + offset) + 1) * TICK_NANOS;
            paused = true;
            plannedWake = Long.MIN_VALUE;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(thread);
    }

    /**
     * Lets the clock run again from where it stands; an advance in progress fails.
     *
     * @throws IllegalStateException if it is not paused
     */
    public void resume() {
        Advance interrupted;
        lock.lock();
        try {
            if (!paused) {
                throw new IllegalStateException("the clock is not paused; resume() only undoes pause()");
            }
            offset = pausedNow - System.nanoTime();
            paused = false;
            plannedWake = Long.MAX_VALUE;
            interrupted = advance;
            advance = null;
        } finally {
            lock.unlock();
        }
        if (interrupted != null) {
            interrupted.fail(new IllegalStateException("the clock was resumed while advancing it; the advance stopped at "
                    + (now() - interrupted.start) / TICK_NANOS + " ms of the requested " + interrupted.requestedMillis() + " ms"));
        }
        LockSupport.unpark(thread);
    }

    /**
     * Starts moving the paused clock forward by {@code nanos}, timer by timer; the
     * returned advance completes once the target is reached and the runtime is
     * quiescent again.
     *
     * @throws IllegalStateException if the clock is not paused, or another advance is in progress
     */
    public Advance advance(long nanos) {
        Advance a;
        lock.lock();
        try {
            if (!paused) {
                throw new IllegalStateException("advance() needs a paused clock: build the runtime with startPaused(true),"
                        + " or with pausableClock(true) and call Time.pause() first");
            }
            if (advance != null) {
                throw new IllegalStateException("another advance of this clock is in progress; await it before"
                        + " advancing again");
            }
            // To a whole tick, as the paused clock always stands: a target between two
            // ticks would pass a deadline whose tick the wheel has not processed yet.
            long target = satAdd(pausedNow, nanos);
            long aligned = origin + deadlineTick(target) * TICK_NANOS; // wraps only within a tick of Long.MAX_VALUE
            a = new Advance(pausedNow, aligned >= target ? aligned : target);
            advance = a;
        } finally {
            lock.unlock();
        }
        LockSupport.unpark(thread);
        return a;
    }

    /** Stops {@code a} where it got to, if it is still in progress. */
    public void cancelAdvance(Advance a) {
        lock.lock();
        try {
            if (advance == a) {
                advance = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /** The runtime is quiescent, maybe: the driver looks again if the clock is paused. */
    public void signalQuiescent() {
        if (paused) {
            LockSupport.unpark(thread);
        }
    }

    // ---- timers ------------------------------------------------------------------

    /**
     * Called through {@link TimerEntry#register}. Reads no clock: answers {@code false}
     * if the deadline's tick has been processed or, while paused, if the clock stands
     * at or past it; a deadline that has passed only in real time is filed, and the
     * driver, which is due to run by then, fires it.
     */
    boolean register(TimerEntry e, long deadlineNanos) {
        long tick = deadlineTick(deadlineNanos);
        boolean wake;
        lock.lock();
        try {
            if (stopped) {
                throw new IllegalStateException("the runtime of this timer is shut down; its timers no longer fire");
            }
            long earliest = paused ? wheel.nextExpiration() : 0; // only the paused clock needs it
            if ((paused && deadlineNanos - pausedNow <= 0) || !wheel.insert(e, tick)) {
                return false;
            }
            e.setStateRelease(TimerEntry.FILED);
            if (paused) {
                // Auto-advance looks for the next timer when the runtime becomes quiescent;
                // a timer armed while it already is (from a thread outside its tasks)
                // must wake the driver, which otherwise parks with nothing to advance to.
                wake = autoAdvance && wheel.nextExpiration() < earliest;
            } else {
                wake = tick < plannedWake;
                if (wake) {
                    plannedWake = tick;
                }
            }
        } finally {
            lock.unlock();
        }
        if (wake) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Called through {@link TimerEntry#cancel}; answers the state it left: IDLE, or FIRED if the driver came first. */
    int cancel(TimerEntry e) {
        lock.lock();
        try {
            if (e.state() == TimerEntry.FILED) {
                wheel.remove(e);
                e.setStateRelease(TimerEntry.IDLE);
                return TimerEntry.IDLE;
            }
            return e.state();
        } finally {
            lock.unlock();
        }
    }

    /** Timers in the wheel. */
    public int pendingTimers() {
        lock.lock();
        try {
            return wheel.size();
        } finally {
            lock.unlock();
        }
    }

    /** The deadline of the earliest timer's slot, on the runtime clock, or {@link Long#MAX_VALUE}. */
    long nextDeadlineNanos() {
        lock.lock();
        try {
            long t = wheel.nextExpiration();
            return t == Long.MAX_VALUE ? t : origin + t * TICK_NANOS;
        } finally {
            lock.unlock();
        }
    }

    private long deadlineTick(long deadlineNanos) {
        long d = deadlineNanos - origin;
        return d <= 0 ? 0 : Math.floorDiv(d - 1, TICK_NANOS) + 1;
    }

    private long nowTick(long nowNanos) {
        return Math.floorDiv(nowNanos - origin, TICK_NANOS);
    }

    // ---- the driver thread -------------------------------------------------------

    public Thread thread() {
        return thread;
    }

    /**
     * Stops the driver thread and waits for it, then for the threads it started to
     * call wakers, until {@code deadlineNanos} (System.nanoTime).
     */
    public void stop(long deadlineNanos) throws InterruptedException {
        stopTimers();
        LockSupport.unpark(thread);
        long left = deadlineNanos - System.nanoTime();
        if (left > 0 && thread.isAlive() && thread != Thread.currentThread()) { // a waker may close the runtime
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        }
        // Then the waking threads the driver started (none starts once its thread has
        // ended; if it outlived the deadline, it is reported alive anyway).
        stopping = Thread.currentThread();
        try {
            while (waking.get() > 0 && (left = deadlineNanos - System.nanoTime()) > 0) {
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for the timer's waking threads");
                }
            }
        } finally {
            stopping = null; // a waking thread that ends later unparks no one
        }
    }

    /**
     * The first step of a shutdown, before the runtime waits for its tasks: from now
     * on no timer is armed and none fires, and the owners of the timers still filed
     * are woken to fail. Later calls do nothing more.
     */
    public void stopTimers() {
        Advance interrupted;
        List<Waker> owners = new ArrayList<>();
        lock.lock();
        try {
            stopped = true;
            interrupted = advance;
            advance = null;
            // Timers still filed will never fire: their owners are woken, find them
            // unfiled, and their next poll fails ("shut down") instead of waiting for
            // ever (a blocking job, a thread outside the runtime, a future polled by
            // hand: waiters the shutdown does not cancel).
            wheel.drainAll(e -> {
                e.setUnfiled();
                Waker w = e.waker;
                if (w != null) {
                    owners.add(w);
                }
            });
        } finally {
            lock.unlock();
        }
        if (interrupted != null) {
            interrupted.fail(new IllegalStateException("the runtime shut down while its clock was being advanced"));
        }
        for (Waker w : owners) {
            wake(w); // one that throws is logged; the others are woken, and the shutdown goes on
        }
    }

    private void run() {
        onThreadStart.run();
        try {
            List<TimerEntry> due = new ArrayList<>();
            while (!stopped) {
                fireDue(due);
                if (paused) {
                    stepPausedClock();
                } else {
                    sleepUntilNextTimer();
                }
            }
        } finally {
            onThreadStop.run();
        }
    }

    private void fireDue(List<TimerEntry> due) {
        lock.lock();
        try {
            wheel.advance(nowTick(now()), e -> {
                e.setFired();
                due.add(e);
            });
        } finally {
            lock.unlock();
        }
        int n = due.size();
        if (n == 0) {
            return;
        }
        // Virtual threads' wakers apart from the others (future tasks', platform
        // threads', users'), which are called here at once: see the notes.
        Waker[] threads = new Waker[n];
        int t = 0;
        for (int i = 0; i < n; i++) {
            Waker w = due.get(i).waker;
            if (w instanceof ThreadContext c && c.onVirtualThread() && !pausable) {
                threads[t++] = w;
            } else if (w != null) {
                wake(w);
            }
        }
        due.clear();
        if (t >= HAND_OFF_AT && startWakingThread(threads)) {
            return; // see the notes: wakes from a carrier
        }
        wakeAll(threads);
    }

    /** Starts a virtual thread that calls {@code wakers}; {@code false} if none could be started. */
    private boolean startWakingThread(Waker[] wakers) {
        waking.incrementAndGet();
        try {
            wakeThreads.newThread(() -> {
                try {
                    wakeAll(wakers);
                } finally {
                    wakingThreadDone();
                }
            }).start();
            return true;
        } catch (Throwable t) { // out of memory for a thread: this thread calls them
            wakingThreadDone();
            return false;
        }
    }

    private void wakingThreadDone() {
        if (waking.decrementAndGet() == 0) {
            Thread s = stopping;
            if (s != null) {
                LockSupport.unpark(s);
            }
        }
    }

    /** Threads started to call a batch's wakers that have not finished (see the notes). */
    public int wakingThreads() {
        return waking.get();
    }

    /** Calls every non-null waker of {@code wakers}. */
    private static void wakeAll(Waker[] wakers) {
        for (Waker w : wakers) {
            if (w == null) {
                return; // the array is filled from the front
            }
            wake(w);
        }
    }

    private static void wake(Waker w) {
        try {
            w.wake();
        } catch (Throwable t) {
            // One waker that throws must not keep the others from firing.
            LOG.log(System.Logger.Level.WARNING, "a timer's waker threw; the other timers fire as usual", t);
        }
    }

    private void sleepUntilNextTimer() {
        long next;
        lock.lock();
        try {
            if (paused || stopped) {
                return;
            }
            next = wheel.nextExpiration();
            plannedWake = next;
        } finally {
            lock.unlock();
        }
        if (next == Long.MAX_VALUE) {
            LockSupport.park(this);
        } else {
            long wait = origin + next * TICK_NANOS - now();
            if (wait > 0) {
                LockSupport.parkNanos(this, wait);
            }
        }
    }

    /** One step of the paused clock: wait for quiescence, then move to the next event. */
    private void stepPausedClock() {
        Advance a;
        lock.lock();
        try {
            a = advance;
        } finally {
            lock.unlock();
        }
        if ((a == null && !autoAdvance) || !isQuiescent()) {
            LockSupport.park(this);
            return;
        }
        long next = nextDeadlineNanos();
        if (a == null) {
            if (next == Long.MAX_VALUE) {
                LockSupport.park(this); // nothing to advance to: a new timer or a signal wakes us
            } else {
                moveTo(next);
            }
            return;
        }
        if (next < a.target) {
            moveTo(next);
        } else if (pausedNow < a.target) {
            moveTo(a.target); // fired next round; completed once that settles
        } else {
            lock.lock();
            try {
                if (advance == a) {
                    advance = null;
                }
            } finally {
                lock.unlock();
            }
            a.complete();
        }
    }

    /** The runtime is quiescent: read twice around the queue check (see the ADR and RuntimeCore). */
    private boolean isQuiescent() {
        return quiescent.getAsBoolean();
    }

    private void moveTo(long nanos) {
        lock.lock();
        try {
            if (paused && nanos > pausedNow) {
                pausedNow = nanos;
            }
        } finally {
            lock.unlock();
        }
    }

    private static long satAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }

    /** An advance of the paused clock in progress; completes once its target is reached and settled. */
    public static final class Advance {
        final long start;
        final long target;
        private volatile Waker waker;
        /** null while running; a sentinel when done; the failure otherwise. */
        private volatile Object outcome;
        private static final Object DONE = new Object();

        Advance(long start, long target) {
            this.start = start;
            this.target = target;
        }

        long requestedMillis() {
            return (target - start) / TICK_NANOS;
        }

        /** Whether it finished; throws the failure if it failed. */
        public boolean isDone() {
            Object o = outcome;
            if (o instanceof RuntimeException failure) {
                throw failure;
            }
            return o != null;
        }

        /** Keeps {@code w} to wake when the advance finishes. */
        public void setWaker(Waker w) {
            waker = w;
        }

        void complete() {
            outcome = DONE;
            wakeWaiter();
        }

        void fail(RuntimeException failure) {
            outcome = failure;
            wakeWaiter();
        }

        private void wakeWaiter() {
            Waker w = waker;
            if (w != null) {
                w.wake();
            }
        }
    }
}
