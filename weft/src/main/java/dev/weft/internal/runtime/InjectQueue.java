package dev.weft.internal.runtime;

import dev.weft.internal.sync.SpinLock;

/**
 * The scheduler's global run queue: tasks woken or spawned from outside the
 * workers, and the overflow of full local queues.
 *
 * <p>It is unbounded by design: every task in it was already admitted (spawned),
 * and each is queued at most once at a time (its state holds one NOTIFIED bit), so
 * its length is bounded by the number of live tasks. It is an intrusive list
 * through {@link FutureTask#queueNext} under a lock: no node is allocated, and
 * workers reach it only every {@code eventInterval} ticks or when their own queue
 * is empty.
 *
 * <p>The lock is a spin lock, as the task registry's: its critical sections are a
 * few pointer writes. When a thread outside the workers spawns a burst (the body of
 * a blockOn, W1), it pushes while the workers pop, and a {@code ReentrantLock}
 * parked and unparked them on that contention (measured: its release was among the
 * hottest frames of W1, with a queue node allocated per contended acquire). A worker
 * whose own queue is empty takes a batch (see {@link #popBatch}), so it comes back
 * less often.
 */
final class InjectQueue {
    private final SpinLock lock = new SpinLock();
    private FutureTask<?> head;
    private FutureTask<?> tail;
    /** Queued tasks; written under the lock, read without it for a cheap emptiness check. */
    private volatile int size;
    private boolean closed;

    /** What {@link #push} answers when the queue is closed (the runtime is gone). */
    static final int CLOSED = -1;

    /** Queues one task. Answers how many tasks were queued before it, or {@link #CLOSED}. */
    int push(FutureTask<?> task) {
        task.queueNext = null;
        return append(task, task, 1);
    }

    /** Queues a linked batch {@code first..last} of {@code n} tasks. Answers {@code false} if the queue was closed. */
    boolean pushBatch(FutureTask<?> first, FutureTask<?> last, int n) {
        return append(first, last, n) != CLOSED;
    }

    private int append(FutureTask<?> first, FutureTask<?> last, int n) {
        lock.lock();
        try {
            if (closed) {
                return CLOSED;
            }
            if (tail == null) {
                head = first;
            } else {
                tail.queueNext = first;
            }
            tail = last;
            int before = size;
            size = before + n;
            return before;
        } finally {
            lock.unlock();
        }
    }

    /** Takes the oldest task, or {@code null}. */
    FutureTask<?> pop() {
        return popBatch(1);
    }

    /**
     * Takes up to {@code max} of the oldest tasks, linked through {@link
     * FutureTask#queueNext} (the last one's link is {@code null}), or {@code null}.
     */
    FutureTask<?> popBatch(int max) {
        if (size == 0) {
            return null;
        }
        lock.lock();
        try {
            FutureTask<?> first = head;
            if (first == null) {
                return null;
            }
            FutureTask<?> last = first;
            int n = 1;
            while (n < max && last.queueNext != null) {
                last = last.queueNext;
                n++;
            }
            head = last.queueNext;
            if (head == null) {
                tail = null;
            }
            last.queueNext = null;
            size = size - n;
            return first;
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
