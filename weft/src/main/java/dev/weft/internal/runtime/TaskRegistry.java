package dev.weft.internal.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every live task of a runtime, so that shutdown can cancel them all and report the
 * ones that did not finish. Intrusive doubly linked lists, one per shard (by task
 * id), each under its own lock: adding and removing allocate nothing, and tasks
 * finishing on different workers rarely meet on a lock.
 */
final class TaskRegistry {
    private final Shard[] shards;
    private final int mask;
    /** Set once shutdown begins: no task may join, and each removal wakes the shutdown. */
    private volatile boolean closed;
    private volatile Thread shutdownWaiter;

    TaskRegistry(int workers) {
        int n = Integer.highestOneBit(Math.max(16, workers * 4) - 1) << 1;
        shards = new Shard[n];
        for (int i = 0; i < n; i++) {
            shards[i] = new Shard();
        }
        mask = n - 1;
    }

    /** Adds a new task; answers {@code false} if the runtime is shutting down. */
    boolean add(TaskCore<?> task) {
        Shard s = shards[(int) task.id & mask];
        s.lock.lock();
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
            s.lock.unlock();
        }
    }

    void remove(TaskCore<?> task) {
        Shard s = shards[(int) task.id & mask];
        s.lock.lock();
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
            s.lock.unlock();
        }
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
            s.lock.lock();
            try {
                closed = true;
            } finally {
                s.lock.unlock();
            }
        }
    }

    /** The live tasks, a snapshot. */
    List<TaskCore<?>> snapshot() {
        List<TaskCore<?>> all = new ArrayList<>();
        for (Shard s : shards) {
            s.lock.lock();
            try {
                for (TaskCore<?> t = s.head; t != null; t = t.registryNext) {
                    all.add(t);
                }
            } finally {
                s.lock.unlock();
            }
        }
        return all;
    }

    int size() {
        int n = 0;
        for (Shard s : shards) {
            s.lock.lock();
            try {
                n += s.count;
            } finally {
                s.lock.unlock();
            }
        }
        return n;
    }

    /** Parks the calling thread until no task is left or the deadline passes; answers the count left. */
    int awaitEmpty(long deadlineNanos) {
        shutdownWaiter = Thread.currentThread();
        try {
            for (;;) {
                int left = size();
                long wait = deadlineNanos - System.nanoTime();
                if (left == 0 || wait <= 0) {
                    return left;
                }
                LockSupport.parkNanos(this, wait);
            }
        } finally {
            shutdownWaiter = null;
        }
    }

    private static final class Shard {
        final ReentrantLock lock = new ReentrantLock();
        TaskCore<?> head;
        int count;
    }
}
