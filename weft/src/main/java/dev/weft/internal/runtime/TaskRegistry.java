package dev.weft.internal.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Every live task of a runtime, so that shutdown can cancel them all and report the
 * ones that did not finish. Intrusive doubly linked lists, one per shard (by task
 * id), each under its own lock: adding and removing allocate nothing, and tasks
 * finishing on different threads rarely meet on a lock.
 *
 * <p>The shard lock is a spin lock: its critical sections are a handful of pointer
 * writes. A {@code ReentrantLock} parks a contended thread and unparks it on
 * release, which, measured on the spawn benchmark (W1, thread tasks), made the
 * registry the largest single cost of a spawn: a virtual thread that parks unmounts
 * and must be rescheduled.
 *
 * <p>A future task joins the lists only when its first poll leaves it pending; until
 * that poll it is only counted ({@link #addUnpolled}), and most future tasks finish
 * in that poll and never touch a shard. The lists are written by the spawner and the
 * finisher, two threads, so every add and remove was a cache miss on the shard and on
 * a neighbour task: measured on W1 (a million future tasks spawned from one thread),
 * the spawner spent half its time in {@code add}. The count is two {@link LongAdder}s,
 * tasks in and tasks out (see the fields): the spawner and the workers each update a
 * cell of their own. Shutdown still reaches
 * the counted tasks: they sit in a run queue, and a worker drops a task it is about to
 * poll for the first time once the registry is closed (FutureTask's notes).
 */
final class TaskRegistry {
    private static final VarHandle LOCKED;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(Shard.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Shard[] shards;
    private final int mask;
    /** Set once shutdown begins: no task may join, and each removal wakes the shutdown. */
    private volatile boolean closed;
    private volatile Thread shutdownWaiter;
    /**
     * Future tasks counted in by addUnpolled and out by removeUnpolled: the tasks in
     * neither list are {@code counted - settled}. Two adders, not one: a LongAdder's
     * sum is not a snapshot, and a task's +1 and -1 can fall in different cells, so a
     * single sum could see the -1 without the +1 (a count one too low, even below 0).
     * Read settled first, then counted: every -1 seen happened after its +1, which
     * the later read sees, so the difference can be too high, never too low.
     */
    private final LongAdder counted = new LongAdder();
    private final LongAdder settled = new LongAdder();

    TaskRegistry(int workers) {
        int n = Integer.highestOneBit(Math.max(64, workers * 16) - 1) << 1;
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
        mask = n - 1;
    }

    /**
     * Consecutive ids (a task and the next one spawned, often added and removed at the
     * same moment on two threads) land on shards far apart, so that they do not share
     * a cache line.
     */
    private Shard shardOf(TaskCore<?> task) {
        return shards[(int) ((task.id * 0x9E3779B97F4A7C15L) >>> 40) & mask];
    }

    /** Adds a new task; answers {@code false} if the runtime is shutting down. */
    boolean add(TaskCore<?> task) {
        Shard s = shardOf(task);
        s.lock();
        try {
            if (closed) {
                return false;
            }
            task.registryNext = s.head;
            if (s.head != null) {
                s.head.registryPrev = task;
            }
            s.head = task;
            s.count++;
            return true;
        } finally {
            s.unlock();
        }
    }

    /**
     * Counts a new future task that is not in the lists until a poll leaves it pending;
     * answers {@code false} if the runtime is shutting down. Counted before the check,
     * so that a shutdown that closes the registry meanwhile either refuses the spawn
     * or sees the count (and waits for the task to be dropped).
     */
    boolean addUnpolled() {
        if (closed) {
            return false;
        }
        counted.increment();
        if (closed) {
            removeUnpolled(); // shutdown began meanwhile: it may already count this task
            return false;
        }
        return true;
    }

    /**
     * A task counted by {@link #addUnpolled} was polled once (and, if pending, added
     * before this call) or dropped: it leaves the count.
     */
    void removeUnpolled() {
        settled.increment();
        wakeShutdown();
    }

    /** Whether shutdown has begun: new tasks are refused, unpolled ones dropped. */
    boolean isClosed() {
        return closed;
    }

    void remove(TaskCore<?> task) {
        Shard s = shardOf(task);
        s.lock();
        try {
            TaskCore<?> prev = task.registryPrev;
            TaskCore<?> next = task.registryNext;
            if (prev == null && s.head != task) {
                return; // never added (refused at spawn) or already removed
            }
            if (prev == null) {
                s.head = next;
            } else {
                prev.registryNext = next;
            }
            if (next != null) {
                next.registryPrev = prev;
            }
            task.registryPrev = null;
            task.registryNext = null;
            s.count--;
        } finally {
            s.unlock();
        }
        wakeShutdown();
    }

    private void wakeShutdown() {
        if (closed) {
            Thread w = shutdownWaiter;
            if (w != null) {
                LockSupport.unpark(w);
            }
        }
    }

    /** Refuses new tasks from now on; shutdown calls it before taking its snapshot. */
    void markClosed() {
        for (Shard s : shards) {
            s.lock();
            try {
                closed = true;
            } finally {
                s.unlock();
            }
        }
    }

    /** The live tasks, a snapshot. */
    List<TaskCore<?>> snapshot() {
        List<TaskCore<?>> all = new ArrayList<>();
        for (Shard s : shards) {
            s.lock();
            try {
                for (TaskCore<?> t = s.head; t != null; t = t.registryNext) {
                    all.add(t);
                }
            } finally {
                s.unlock();
            }
        }
        return all;
    }

    int size() {
        // The count before the lists: a task leaves the count only after it joined a
        // list (if it did), so a task moving from one to the other is seen at least once.
        long out = settled.sum(); // first: see the fields' notes
        int n = (int) (counted.sum() - out);
        for (Shard s : shards) {
            s.lock();
            try {
                n += s.count;
            } finally {
                s.unlock();
            }
        }
        return n;
    }

    /**
     * Parks the calling thread until no task is left or the deadline passes (an
     * interrupt does not end it; it is kept for the caller); answers the count left.
     */
    int awaitEmpty(long deadlineNanos) {
        shutdownWaiter = Thread.currentThread();
        boolean interrupted = false;
        try {
            for (;;) {
                int left = size();
                long wait = deadlineNanos - System.nanoTime();
                if (left == 0 || wait <= 0) {
                    return left;
                }
                LockSupport.parkNanos(this, wait);
                // An interrupt would end every later park at once: keep it for the caller.
                interrupted |= Thread.interrupted();
            }
        } finally {
            shutdownWaiter = null;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Shard {
        /** 1 while a thread holds the shard. */
        volatile int locked;
        TaskCore<?> head;
        int count;
        // Padding: shards are allocated together, and two threads working on neighbours
        // would otherwise contend for one cache line (measured: the CAS of the lock
        // became the hottest spot of a thread-task spawn).
        long p1, p2, p3, p4, p5, p6, p7;

        void lock() {
            int spins = 0;
            while ((int) LOCKED.compareAndExchangeAcquire(this, 0, 1) != 0) {
                if (++spins < 64) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield(); // the holder was descheduled mid-section: let it finish
                }
            }
        }

        void unlock() {
            LOCKED.setRelease(this, 0);
        }
    }
}
