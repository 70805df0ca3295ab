package dev.weft.internal.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * A worker's run queue: a fixed ring that its owner fills and empties, and from
 * which other workers steal half when they run dry.
 */
final class LocalQueue {
    /*
     * Implementation notes.
     *
     * One owner thread pushes at the tail and pops at the head; any number of
     * stealers take a batch from the head. The order is FIFO for everyone (the
     * worker's LIFO slot, outside this class, gives the "run the task just woken
     * next" behaviour), which keeps a busy worker fair to the tasks it queued.
     *
     *   head (CAS by owner pops and stealers)      tail (written by the owner only)
     *     |                                          |
     *   [ t5 | t6 | t7 | t8 |    |    | ... ]   indices grow without bound and are
     *                                            masked into the ring
     *
     * Invariants: 0 <= tail - head <= CAPACITY. Slots in [head, tail) hold queued
     * tasks; the owner writes a slot only at tail, and only when tail - head is below
     * CAPACITY as read by it. head only grows, so a stale head read by the owner is
     * smaller than the true one, and the check stays conservative: the owner never
     * overwrites a slot in [head, tail).
     *
     * A stealer reads head then tail, copies the first half of [head, tail) into its
     * own queue (beyond its tail, unpublished), then CASes head forward over what it
     * copied. If the CAS fails someone else took those tasks; nothing was published
     * and it retries. If it succeeds, those slots were not overwritten meanwhile (the
     * argument above), so the copies are the tasks; it then publishes its own tail.
     *
     * Publication: the owner writes a slot, then releases tail; readers acquire tail
     * before reading slots. A push that overflows (ring full) moves half the ring
     * plus the new task to the global queue in one batch, as Tokio does, so that a
     * spawning burst spreads to idle workers instead of failing.
     *
     * Tested by LocalQueueTest (owner against concurrent stealers, counting every task
     * exactly once).
     */
    static final int CAPACITY = 256;
    private static final int MASK = CAPACITY - 1;

    private static final VarHandle HEAD;
    private static final VarHandle TAIL;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            HEAD = l.findVarHandle(LocalQueue.class, "head", int.class);
            TAIL = l.findVarHandle(LocalQueue.class, "tail", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final FutureTask<?>[] ring = new FutureTask<?>[CAPACITY];
    /** Next slot to take. CAS by the owner and by stealers. */
    private volatile int head;
    /** Next slot to fill. Written by the owner only (release); read by all (acquire). */
    private volatile int tail;

    /** Owner only: queues {@code task} at the tail; on overflow moves half the ring and it to {@code overflow}. */
    void push(FutureTask<?> task, InjectQueue overflow) {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = tail; // owner's own field: its latest value
            if (t - h < CAPACITY) {
                ring[t & MASK] = task; // published by the release of tail below
                TAIL.setRelease(this, t + 1);
                return;
            }
            if (moveHalfToInject(h, t, task, overflow)) {
                return;
            }
            // A stealer moved head meanwhile: there is room now, or less to move.
        }
    }

    private boolean moveHalfToInject(int h, int t, FutureTask<?> task, InjectQueue overflow) {
        int n = CAPACITY / 2;
        if (!HEAD.compareAndSet(this, h, h + n)) {
            return false;
        }
        FutureTask<?> first = ring[h & MASK];
        FutureTask<?> last = first;
        for (int i = 1; i < n; i++) {
            FutureTask<?> next = ring[(h + i) & MASK];
            last.queueNext = next;
            last = next;
        }
        last.queueNext = task;
        task.queueNext = null;
        if (!overflow.pushBatch(first, task, n + 1)) {
            // The global queue closed: the runtime stopped, nothing will poll these again.
            for (FutureTask<?> c = first; c != null; ) {
                FutureTask<?> next = c.queueNext;
                c.queueNext = null;
                c.cancelOnStoppedScheduler();
                c = next;
            }
        }
        return true;
    }

    /** Owner only: takes the oldest task, or {@code null}. */
    FutureTask<?> pop() {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = tail;
            if (h == t) {
                return null;
            }
            FutureTask<?> task = ring[h & MASK];
            if (HEAD.compareAndSet(this, h, h + 1)) {
                return task;
            }
        }
    }

    /**
     * Stealer: moves about half of this queue's tasks into {@code dst} (the
     * stealer's own, empty queue) and returns one of them to run, or {@code null}.
     */
    FutureTask<?> stealInto(LocalQueue dst) {
        for (;;) {
            int h = (int) HEAD.getAcquire(this);
            int t = (int) TAIL.getAcquire(this);
            int available = t - h;
            if (available <= 0) {
                return null;
            }
            int n = Math.min(available - available / 2, CAPACITY / 2);
            int dstTail = dst.tail;
            int dstHead = (int) HEAD.getAcquire(dst);
            n = Math.min(n, CAPACITY - (dstTail - dstHead));
            if (n <= 0) {
                return null;
            }
            for (int i = 0; i < n; i++) {
                dst.ring[(dstTail + i) & MASK] = ring[(h + i) & MASK];
            }
            if (HEAD.compareAndSet(this, h, h + n)) {
                FutureTask<?> run = dst.ring[(dstTail + n - 1) & MASK];
                if (n > 1) {
                    TAIL.setRelease(dst, dstTail + n - 1);
                }
                return run;
            }
        }
    }

    /** Any thread: whether tasks are queued (a racy snapshot). */
    boolean isEmpty() {
        return (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this) <= 0;
    }

    /**
     * Any thread: adds the queued tasks to {@code into}, a racy look meant for a queue
     * whose owner is stuck in a poll (shutdown's report); a task popped meanwhile may
     * appear, so callers skip finished ones.
     */
    void collect(List<? super FutureTask<?>> into) {
        int t = (int) TAIL.getAcquire(this);
        for (int i = (int) HEAD.getAcquire(this); t - i > 0; i++) {
            FutureTask<?> task = ring[i & MASK];
            if (task != null) {
                into.add(task);
            }
        }
    }

    /** Any thread: how many tasks are queued (a racy snapshot). */
    int size() {
        return Math.max(0, (int) TAIL.getAcquire(this) - (int) HEAD.getAcquire(this));
    }
}
