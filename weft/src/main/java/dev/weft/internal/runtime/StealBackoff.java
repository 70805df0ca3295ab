package dev.weft.internal.runtime;

/**
 * When a worker that ran out of work may take tasks from another worker's queue: at
 * once, unless its last steals gave it almost nothing to do. Owner-only (one per
 * worker); times are {@link System#nanoTime()} values passed in, so the policy can be
 * tested without a clock. See docs/adr/0005-steal-backoff.md.
 *
 * <p>Why: a steal moves tasks to another core, and the tasks they talk to (the other
 * end of a channel, the holder of a lock) usually stay behind, so every message between
 * them then crosses between the cores. That pays when the stolen tasks bring work;
 * when they run for a few microseconds and wait again (producers feeding one consumer:
 * each sends a message and waits for room), the thief keeps coming back for more, the
 * traffic between the cores costs more than the second core brings, and the workload
 * runs slower on two workers than it would on one.
 *
 * <p>The rule: a steal of fewer than {@link #BACKLOG} tasks after which the thief ran
 * dry again within {@link #SHORT_NANOS} doubles the thief's backoff (from {@link #FIRST_NANOS} up to {@link #MAX_NANOS}); a
 * steal that kept it busy longer, or took a backlog, clears it. For the backoff's length after it ran dry,
 * the worker leaves the other workers' queues alone, except one that holds a backlog of
 * at least {@link #BACKLOG} tasks (looked for when it runs dry, at most every {@link
 * #BACKLOG_LOOK_NANOS}); it still takes from the global queue.
 *
 * <p>Once its usual short spin is over, the worker naps through the rest of its backoff
 * if the look, or the wake-up that brought it back, found tasks queued on another worker
 * ({@link #worthWaiting}), and parks as usual if not. Parked, it would be woken by the
 * next task queued on a sibling (a futex wake that the sibling pays), only to back off
 * again; spinning, it would burn a core through every backoff. So a task queued behind a
 * busy worker waits at most {@link #MAX_NANOS}, plus the nap's oversleep (the kernel's
 * timer slack), longer than it would without the rule.
 */
final class StealBackoff {
    /** A steal whose work ran out sooner than this was not worth the move (ADR 0005). */
    static final long SHORT_NANOS = 20_000;
    /** The backoff after the first short steal; each further one doubles it. */
    static final long FIRST_NANOS = 1_000;
    /** The longest backoff: the most a sibling's queued task waits for this worker. */
    static final long MAX_NANOS = 128_000;
    /** A queue holding at least this many tasks is stolen from even while backing off. */
    static final int BACKLOG = LocalQueue.CAPACITY / 8;
    /** While backing off, how often the worker looks for a backlog. */
    static final long BACKLOG_LOOK_NANOS = 16_000;

    private long backoff;
    /** Whether the worker has stolen since it last ran dry, at {@link #stoleAt}, {@link #stolenTasks} tasks. */
    private boolean stole;
    private long stoleAt;
    private int stolenTasks;
    private long dryAt;
    private long backlogLookAt;
    /** Whether the last look for a backlog, or the last wake-up, found tasks queued on another worker. */
    private boolean othersHaveWork;

    /** Whether {@link #ranDry} needs the time (a steal to judge, or a backoff to time). */
    boolean needsClock() {
        return stole || backoff != 0;
    }

    /** The worker found its own queues empty: judges its last steal, starts the backoff. */
    void ranDry(long now) {
        if (stole) {
            stole = false;
            if (now - stoleAt < SHORT_NANOS && !isBacklog(stolenTasks)) {
                backoff = backoff == 0 ? FIRST_NANOS : Math.min(2 * backoff, MAX_NANOS);
            } else {
                backoff = 0;
            }
        }
        dryAt = now;
    }

    /** What a searching worker may steal, at a moment. */
    enum Allowed {
        /** Tasks from any other worker's queue. */
        ANY,
        /** Only from a queue that holds a backlog ({@link #isBacklog}). */
        BACKLOGS,
        /** Nothing from the other workers' queues (the global queue is always allowed). */
        NONE
    }

    /**
     * What the worker may steal at {@code now}: anything once the backoff since it ran
     * dry is over; before that, a backlog, but looked for only every {@link
     * #BACKLOG_LOOK_NANOS}. Reading another worker's queue is not free for its owner:
     * the owner's next push or pop must take the cache line back, which costs most
     * when the two cores share no cache, so a worker backing off does not watch the
     * others' queues look after look.
     */
    Allowed allowed(long now) {
        if (backoff == 0 || now - dryAt >= backoff) {
            return Allowed.ANY;
        }
        if (now - backlogLookAt >= BACKLOG_LOOK_NANOS) {
            backlogLookAt = now;
            othersHaveWork = false; // until the look reports what it found
            return Allowed.BACKLOGS;
        }
        return Allowed.NONE;
    }

    /** Whether a queue holding {@code queued} tasks is a backlog, stolen from even while backing off. */
    static boolean isBacklog(int queued) {
        return queued >= BACKLOG;
    }

    /** A look for a backlog, or the wake-up of a parked worker, found tasks queued on another worker. */
    void sawQueuedWork() {
        othersHaveWork = true;
    }

    /**
     * Whether, at {@code now}, the worker had better nap through its backoff than park:
     * it is backing off and another worker had tasks queued when it last looked.
     */
    boolean worthWaiting(long now) {
        return othersHaveWork && backoff != 0 && now - dryAt < backoff;
    }

    /** The worker took {@code tasks} tasks from another worker's queue. */
    void stole(long now, int tasks) {
        stole = true;
        stoleAt = now;
        stolenTasks = tasks;
    }

    /** What is left at {@code now} of the backoff since the worker ran dry; 0 when over. */
    long backoffLeft(long now) {
        return Math.max(0, backoff - (now - dryAt));
    }

    /** The current backoff, 0 when none. */
    long backoffNanos() {
        return backoff;
    }
}
