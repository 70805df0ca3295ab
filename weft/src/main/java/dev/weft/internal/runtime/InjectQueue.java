package dev.weft.internal.runtime;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The scheduler's global run queue: tasks woken or spawned from outside the
 * workers, and the overflow of full local queues.
 *
 * <p>It is unbounded by design: every task in it was already admitted (spawned),
 * and each is queued at most once at a time (its state holds one NOTIFIED bit), so
 * its length is bounded by the number of live tasks. It is an intrusive list
 * through {@link FutureTask#queueNext} under a lock: no node is allocated, and
 * workers reach it only every {@code eventInterval} ticks or when their own queue
 * is empty, so the lock is rarely contended.
 */
final class InjectQueue {
    private final ReentrantLock lock = new ReentrantLock();
    private FutureTask<?> head;
    private FutureTask<?> tail;
    /** Queued tasks; written under the lock, read without it for a cheap emptiness check. */
    private volatile int size;
    private boolean closed;

    /** Queues one task. Answers {@code false} if the queue was closed (the runtime is gone). */
    boolean push(FutureTask<?> task) {
        task.queueNext = null;
        return pushBatch(task, task, 1);
    }

    /** Queues a linked batch {@code first..last} of {@code n} tasks. */
    boolean pushBatch(FutureTask<?> first, FutureTask<?> last, int n) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            if (tail == null) {
                head = first;
            } else {
                tail.queueNext = first;
            }
            tail = last;
            size = size + n;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the oldest task, or {@code null}. */
    FutureTask<?> pop() {
        if (size == 0) {
            return null;
        }
        lock.lock();
        try {
            FutureTask<?> task = head;
            if (task == null) {
                return null;
            }
            head = task.queueNext;
            if (head == null) {
                tail = null;
            }
            task.queueNext = null;
            size = size - 1;
            return task;
        } finally {
            lock.unlock();
        }
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** Refuses further pushes and hands back what was queued, as a linked list. */
    FutureTask<?> close() {
        lock.lock();
        try {
            closed = true;
            FutureTask<?> all = head;
            head = null;
            tail = null;
            size = 0;
            return all;
        } finally {
            lock.unlock();
        }
    }
}
