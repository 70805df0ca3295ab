package dev.weft.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Weft's work-stealing scheduler for future tasks: a fixed set of platform worker
 * threads, each with a local run queue and a LIFO slot, a global queue, stealing
 * (held back while steals bring little: {@link StealBackoff}), and parked idle
 * workers woken one at a time. See docs/adr/0001-scheduler.md and
 * docs/adr/0005-steal-backoff.md.
 */
final class Scheduler {
    final RuntimeCore runtime;
    final Worker[] workers;
    final InjectQueue inject = new InjectQueue();
    final Idle idle;
    final int eventInterval;
    private volatile boolean stopped;

    Scheduler(RuntimeCore runtime, int workerCount, int eventInterval) {
        this.runtime = runtime;
        this.eventInterval = eventInterval;
        this.idle = new Idle(workerCount, runtime);
        this.workers = new Worker[workerCount];
        for (int i = 0; i < workerCount; i++) {
            workers[i] = new Worker(this, i, runtime.config.threadName(RuntimeConfig.ThreadRole.WORKER));
        }
    }

    void start() {
        for (Worker w : workers) {
            w.start();
        }
    }

    /**
     * Queues a task that was woken (or spawned) for its first or next poll. On one
     * of this scheduler's workers it goes to the LIFO slot; from anywhere else, to
     * the global queue.
     */
    void schedule(FutureTask<?> task) {
        Worker w = Worker.current();
        if (w != null && w.scheduler == this) {
            w.scheduleLocal(task);
        } else {
            scheduleRemote(task);
        }
    }

    /** Queues a task that woke itself during its own poll: it goes behind the others. */
    void scheduleYield(FutureTask<?> task) {
        Worker w = Worker.current();
        if (w != null && w.scheduler == this) {
            w.scheduleYield(task);
        } else {
            scheduleRemote(task);
        }
    }

    private void scheduleRemote(FutureTask<?> task) {
        int before = inject.push(task);
        if (before == 0) {
            if (!idle.notifyOne()) {
                wakeANapper();
            }
        } else if (before == InjectQueue.CLOSED) {
            // The workers are gone: nothing will ever poll it again.
            task.cancelOnStoppedScheduler();
        }
        // Otherwise the queue held tasks already: whoever made it non-empty notified
        // after its push, and the worker that takes them takes a share of the queue
        // and wakes the next one (Idle's notes). A burst spawned from outside the
        // workers (W1) then pays the fence and the read of the idle state once per
        // batch instead of once per task.
    }

    /**
     * Work from outside the workers made the global queue non-empty and found every
     * worker awake and none searching: a worker napping through a steal backoff (which
     * holds back only the other workers' queues, never this one) takes it rather than
     * sleeping on. (Tasks pushed behind it wait for the worker that takes this one or
     * for the nap's end, which the backoff bounds.)
     */
    private void wakeANapper() {
        if (!idle.anyNapping()) {
            return;
        }
        for (Worker w : workers) {
            if (w.napping) {
                LockSupport.unpark(w);
                return;
            }
        }
    }

    boolean hasWork() {
        if (!inject.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (w.hasQueuedWork()) {
                return true;
            }
        }
        return false;
    }

    boolean isStopped() {
        return stopped;
    }

    /**
     * Stops the workers after the tasks they are polling; joins them until the
     * deadline. Tasks still queued are cancelled here (their futures dropped).
     * Answers the workers still alive at the deadline.
     */
    int stop(long deadlineNanos) throws InterruptedException {
        stopped = true;
        idle.notifyAll(workers);
        int alive = 0;
        for (Worker w : workers) {
            if (w == Thread.currentThread()) {
                continue;
            }
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                w.join(Math.max(1, left / 1_000_000));
            }
            if (w.isAlive()) {
                alive++;
            }
        }
        for (FutureTask<?> t = inject.close(); t != null; ) {
            FutureTask<?> next = t.queueNext;
            t.queueNext = null;
            t.cancelOnStoppedScheduler();
            t = next;
        }
        if (alive == 0) {
            for (Worker w : workers) {
                for (FutureTask<?> t = w.lifo; t != null; t = null) {
                    w.lifo = null;
                    t.cancelOnStoppedScheduler();
                }
                for (FutureTask<?> t = w.local.pop(); t != null; t = w.local.pop()) {
                    t.cancelOnStoppedScheduler();
                }
            }
        }
        return alive;
    }

    /**
     * After a {@link #stop} that left workers alive: the tasks they are polling and the
     * tasks still queued on them (LIFO slots, local queues), a racy look. A future task
     * in or before its first poll is in no registry list, so shutdown's report finds it
     * here.
     */
    List<FutureTask<?>> tasksOnWorkers() {
        List<FutureTask<?>> all = new ArrayList<>();
        for (Worker w : workers) {
            for (FutureTask<?> t : new FutureTask<?>[] {w.currentTask, w.lifo}) {
                if (t != null) {
                    all.add(t);
                }
            }
            w.local.collect(all);
        }
        return all;
    }

    int queuedGlobal() {
        return inject.size();
    }
}
