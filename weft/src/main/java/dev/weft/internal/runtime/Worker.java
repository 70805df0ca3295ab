package dev.weft.internal.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A scheduler worker: a platform thread that polls future tasks from its own run
 * queue, its LIFO slot, the global queue, and what it steals from the others.
 */
public final class Worker extends Thread {
    /** Tasks run from the LIFO slot in a row, while others wait, before the slot's task is queued instead (Tokio: 3). */
    private static final int MAX_LIFO_POLLS = 3;
    /**
     * How long a searching worker that found nothing keeps looking before it parks.
     * A park and the unpark that ends it cost microseconds on both sides (a futex wait
     * and wake); tasks handing messages to each other across workers leave one of
     * them without work for about that long, again and again. ADR 0001, "A short
     * spin before parking".
     */
    private static final long SPIN_BEFORE_PARK_NANOS = 2_000;
    /** {@code onSpinWait} calls between two looks at the other queues while spinning. */
    private static final int PAUSES_PER_LOOK = 32;

    final Scheduler scheduler;
    final LocalQueue local = new LocalQueue();
    /** The task woken last by a task on this worker; runs next. Owner-only. */
    FutureTask<?> lifo;
    /** When this worker may steal again. Owner-only (package-private for tests). */
    final StealBackoff stealBackoff = new StealBackoff();
    /** Whether this worker is counted as searching in {@link Idle}. Owner-only. */
    private boolean searching;
    /** Whether this worker is napping through a steal backoff (set and cleared by the worker). */
    volatile boolean napping;
    /** Set (under the idle lock) by whoever takes this worker off the parked stack; cleared by the worker. */
    volatile boolean notified;
    /** Guarded by the idle lock. */
    boolean inParkedStack;
    private int tick;
    private int seed;

    /** The task being polled, for task ids, task-locals and dumps. Owner-only. */
    FutureTask<?> currentTask;
    /** Task-local bindings of the poll in progress. Owner-only. */
    Bindings bindings;

    Worker(Scheduler scheduler, int index, String name) {
        super(name);
        this.scheduler = scheduler;
        this.seed = 0x9E3779B9 * (index + 1);
        setDaemon(true);
    }

    /** The worker running on this thread, or {@code null}. */
    static Worker current() {
        return Thread.currentThread() instanceof Worker w ? w : null;
    }

    /** The runtime this worker belongs to. */
    public RuntimeCore runtime() {
        return scheduler.runtime;
    }

    @Override
    public void run() {
        RuntimeCore rt = scheduler.runtime;
        rt.config.runThreadStartHook();
        try {
            while (!scheduler.isStopped()) {
                FutureTask<?> task = next();
                if (task == null) {
                    if (stealBackoff.needsClock()) {
                        stealBackoff.ranDry(System.nanoTime());
                    }
                    task = steal();
                    if (task == null && searching) {
                        task = spinForWork();
                    }
                }
                if (task != null) {
                    runTask(task);
                } else {
                    parkIdle();
                }
            }
            cancelQueued();
        } finally {
            rt.config.runThreadStopHook();
        }
    }

    /**
     * The scheduler stopped: what is still queued here will never be polled. A worker
     * that outlived the shutdown's deadline (a poll that blocked) gets here when that
     * poll returns, so the tasks it queued meanwhile end too; for the others, the
     * scheduler's stop does the same after joining them.
     */
    private void cancelQueued() {
        for (;;) {
            // The LIFO slot first, each time: a drop below may wake a task, which this
            // worker then queues there.
            FutureTask<?> t = lifo;
            if (t != null) {
                lifo = null;
            } else if ((t = local.pop()) == null) {
                return;
            }
            t.cancelOnStoppedScheduler();
        }
    }

    private FutureTask<?> next() {
        if (++tick % scheduler.eventInterval == 0) {
            // Now and then the global queue first, so that a worker busy with its own
            // queue does not starve tasks woken from outside.
            FutureTask<?> t = scheduler.inject.pop();
            if (t != null) {
                return t;
            }
        }
        FutureTask<?> t = local.pop();
        return t != null ? t : takeFromInject();
    }

    /**
     * Called with an empty local queue: takes a share of the global queue (its length
     * divided among the workers, at most half a local queue), queues all but the first
     * locally and answers the first. A burst spawned from outside the workers then costs
     * a worker one lock per batch instead of one per task (Tokio does the same).
     */
    private FutureTask<?> takeFromInject() {
        InjectQueue inject = scheduler.inject;
        int share = inject.size() / scheduler.workers.length + 1;
        FutureTask<?> first = inject.popBatch(Math.min(share, LocalQueue.CAPACITY / 2));
        if (first != null) {
            for (FutureTask<?> t = first.queueNext; t != null; ) {
                FutureTask<?> next = t.queueNext;
                t.queueNext = null;
                local.push(t, inject);
                t = next;
            }
            first.queueNext = null;
        }
        return first;
    }

    /**
     * Called while searching, after a steal found nothing: looks again for {@link
     * #SPIN_BEFORE_PARK_NANOS} before the worker parks. Only searching workers spin,
     * at most half of them, so a runtime that runs out of work spends at most that
     * long per worker before it sleeps. A worker backing off from stealing while
     * another worker has tasks queued ({@link StealBackoff#worthWaiting}) naps
     * through the rest of its backoff instead, then looks again.
     */
    private FutureTask<?> spinForWork() {
        long deadline = System.nanoTime() + SPIN_BEFORE_PARK_NANOS;
        for (;;) {
            for (int i = 0; i < PAUSES_PER_LOOK; i++) {
                Thread.onSpinWait();
            }
            FutureTask<?> t = steal();
            if (t != null) {
                return t;
            }
            if (!searching || scheduler.isStopped()) {
                return null; // refused a place among the searchers (after a nap), or stopping: park
            }
            long now = System.nanoTime();
            if (now - deadline >= 0) {
                if (!stealBackoff.worthWaiting(now)) {
                    return null;
                }
                napThroughBackoff(stealBackoff.backoffLeft(now));
            }
        }
    }

    /**
     * Sleeps until the steal backoff is over, out of the searchers: a task queued on
     * another worker meanwhile wakes a parked worker as usual, if there is one, and
     * costs its worker no futex wake for this one; a task from outside the workers
     * that finds the global queue empty wakes this one when nobody else will look
     * ({@link Scheduler}'s {@code wakeANapper}). A timed park rather than a spin: a
     * spin through every backoff cost a runtime whose tasks wake now and then (timers)
     * twice the CPU (ADR 0005). The park oversleeps by the kernel's timer slack (80-100
     * us measured here), which lengthens the backoff.
     */
    private void napThroughBackoff(long nanos) {
        searching = false;
        if (scheduler.idle.stopSearching()) {
            // It was the last searcher, and tasks are queued on another worker: a parked
            // worker that is not backing off may take them now.
            scheduler.idle.notifyOne();
        }
        napping = true;
        scheduler.idle.startNap();
        try {
            // Either a push from outside sees the count and this flag and unparks this
            // worker, or this read sees its task.
            if (scheduler.inject.isEmpty()) {
                LockSupport.parkNanos(this, nanos);
            }
        } finally {
            scheduler.idle.endNap();
            napping = false;
        }
        clearInterrupt();
        stealBackoff.lookAgain();
    }

    private FutureTask<?> steal() {
        if (!searching) {
            if (!scheduler.idle.tryStartSearching()) {
                return null;
            }
            searching = true;
        }
        Worker[] all = scheduler.workers;
        int n = all.length;
        int start = nextRandom(n);
        StealBackoff.Allowed allowed = stealBackoff.mayHoldBack()
                ? stealBackoff.allowed(System.nanoTime())
                : StealBackoff.Allowed.ANY;
        for (int i = 0; i < n && allowed != StealBackoff.Allowed.NONE; i++) {
            Worker victim = all[(start + i) % n];
            if (victim == this) {
                continue;
            }
            if (allowed == StealBackoff.Allowed.BACKLOGS) {
                int queued = victim.local.size();
                if (queued == 0) {
                    continue;
                }
                stealBackoff.sawQueuedWork();
                if (!StealBackoff.isBacklog(queued)) {
                    continue;
                }
            }
            FutureTask<?> t = victim.local.stealInto(local);
            if (t != null) {
                stealBackoff.stole(System.nanoTime(), local.size() + 1); // the queue was empty before
                return t;
            }
        }
        return takeFromInject();
    }

    private void runTask(FutureTask<?> task) {
        if (searching) {
            searching = false;
            if (scheduler.idle.stopSearching()) {
                // The last searcher found work: there may be more, let one more look.
                scheduler.idle.notifyOne();
            }
        }
        task.run(this);
        clearInterrupt();
        for (int polls = 0; ; polls++) {
            FutureTask<?> next = lifo;
            if (next == null) {
                return;
            }
            lifo = null;
            if (polls >= MAX_LIFO_POLLS && hasOtherWork()) {
                // Tasks waking each other through the slot would hold this worker while
                // others wait in the queues: let them go first. (With nothing waiting, a
                // chain keeps the slot: queueing it would only wake an idle worker to
                // steal a task this one is about to run.)
                local.push(next, scheduler.inject);
                scheduler.idle.notifyOne();
                return;
            }
            next.run(this);
            clearInterrupt();
        }
    }

    /**
     * A poll that interrupted its own thread (or was interrupted) must not leave the
     * status to the next task's poll, nor to this worker's park, which would then
     * return at once, again and again, on an idle worker.
     */
    private static void clearInterrupt() {
        Thread.interrupted(); // a read of a field when the status is clear
    }

    private boolean hasOtherWork() {
        return !local.isEmpty() || !scheduler.inject.isEmpty();
    }

    private void parkIdle() {
        boolean wasSearching = searching;
        searching = false;
        scheduler.idle.park(this, wasSearching);
        if (scheduler.hasWork() || scheduler.isStopped()) {
            scheduler.idle.unparkSelf(this);
            searching = true;
            stealBackoff.sawQueuedWork();
            return;
        }
        while (!notified && !scheduler.isStopped()) {
            LockSupport.park(this);
            clearInterrupt(); // an interrupt from outside would otherwise make this loop spin
        }
        notified = false;
        searching = true; // whoever woke this worker counted it as searching
        // Woken because work was queued somewhere, most often on the other workers'
        // queues: if it holds back from those, it naps the rest of its backoff rather
        // than parking again, only to be woken by the next such task (a futex wake that
        // worker pays). The guess costs at most a nap that finds nothing.
        stealBackoff.sawQueuedWork();
    }

    /** Called by this worker: where a task it wakes or spawns goes. */
    void scheduleLocal(FutureTask<?> task) {
        FutureTask<?> prev = lifo;
        lifo = task;
        if (prev != null) {
            local.push(prev, scheduler.inject);
            scheduler.idle.notifyOne();
        }
    }

    /** Called by this worker: a task that yielded goes to the back of the queue. */
    void scheduleYield(FutureTask<?> task) {
        local.push(task, scheduler.inject);
        scheduler.idle.notifyOne();
    }

    private int nextRandom(int bound) {
        int x = seed;
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        seed = x;
        return (x & Integer.MAX_VALUE) % bound;
    }

    /** Whether this worker's own queues hold work (for the parking re-check). */
    boolean hasQueuedWork() {
        return !local.isEmpty();
    }
}
