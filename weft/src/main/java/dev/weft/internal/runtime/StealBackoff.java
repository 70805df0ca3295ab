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
 * <p>The rule: a steal of fewer than {@link #LARGE_STEAL} tasks (a steal takes half of a
 * queue, rounded up: from a queue of fewer than 31) after which the thief ran dry again
 * within {@link #SHORT_NANOS} doubles the thief's backoff (from {@link #FIRST_NANOS} up
 * to {@link #MAX_NANOS}); a steal that kept it busy longer, or took more, clears it. For
 * the backoff's length from the moment the steal was judged, the worker leaves the
 * other workers' queues alone, except one that holds a backlog of at least {@link
 * #BACKLOG} tasks; it still takes from the global queue. It looks for a backlog when the
 * window opens, after a nap, and otherwise at most every {@link #BACKLOG_LOOK_NANOS}
 * while it spins. The window is not restarted by dry spells without a steal (work from
 * the global queue, a task woken on the worker).
 *
 * <p>When its usual short spin is over, the worker naps (a timed park, out of the
 * searchers) through the rest of the window if its last look found tasks queued on
 * another worker, or if a wake-up brought it back (work was queued somewhere; {@link
 * #worthWaiting}), and parks as usual if not. Parked, it would be woken by the next
 * task queued on a sibling (a futex wake that the sibling pays), only to back off again;
 * spinning through every backoff would burn a core. A timed park oversleeps by the
 * kernel's timer slack (80-100 us measured on the machine this was written on, whatever
 * the request), so every window that ends in a nap lasts at least that long. A nap ends
 * early when a task from outside the workers finds nobody else to take it ({@code
 * Scheduler.wakeANapper}).
 *
 * <p>What it costs a task queued behind a busy worker: each steal from that worker's
 * queue that is judged short puts the next one off by up to {@link #MAX_NANOS} plus the
 * nap's oversleep (about 220 us here); a queue of {@code k} tasks that its owner does
 * not get to (a poll that blocks) drains in about log2(k) steals, that far apart.
 */
final class StealBackoff {
    /** A steal whose work ran out sooner than this was not worth the move (ADR 0005). */
    static final long SHORT_NANOS = 20_000;
    /** The backoff after the first short steal; each further one doubles it. */
    static final long FIRST_NANOS = 1_000;
    /** The longest backoff. */
    static final long MAX_NANOS = 128_000;
    /** A queue holding at least this many tasks is stolen from even while backing off. */
    static final int BACKLOG = LocalQueue.CAPACITY / 8;
    /** A steal of at least this many tasks (half a backlog's queue) is worth its move however soon they end. */
    static final int LARGE_STEAL = BACKLOG / 2;
    /** While backing off and spinning, how often the worker looks for a backlog. */
    static final long BACKLOG_LOOK_NANOS = 16_000;

    private long backoff;
    /** Whether the worker is holding back, until {@link #mayStealAt}. */
    private boolean holdingBack;
    private long mayStealAt;
    /** Whether the worker has stolen since it last ran dry, at {@link #stoleAt}, {@link #stolenTasks} tasks. */
    private boolean stole;
    private long stoleAt;
    private int stolenTasks;
    private long backlogLookAt;
    /** Whether the next call of {@link #allowed} while holding back looks for a backlog, however recent the last look. */
    private boolean lookDue = true;
    /** Whether the last look for a backlog found tasks queued on another worker (or a wake-up suggested so). */
    private boolean othersHaveWork;

    /** Whether {@link #ranDry} has a steal to judge (and so needs the time). */
    boolean needsClock() {
        return stole;
    }

    /** The worker found its own queues empty: judges the steal it made since it last did. */
    void ranDry(long now) {
        if (!stole) {
            return;
        }
        stole = false;
        if (now - stoleAt < SHORT_NANOS && stolenTasks < LARGE_STEAL) {
            backoff = backoff == 0 ? FIRST_NANOS : Math.min(2 * backoff, MAX_NANOS);
            holdingBack = true;
            mayStealAt = now + backoff;
            lookDue = true; // what the worker waits for is decided by what is queued now
        } else {
            backoff = 0;
            holdingBack = false;
        }
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
     * What the worker may steal at {@code now}: anything once the backoff is over;
     * before that, a backlog, looked for when due ({@link #lookAgain}) and otherwise
     * only every {@link #BACKLOG_LOOK_NANOS}. Reading another worker's queue is not
     * free for its owner: the owner's next push or pop must take the cache line back,
     * which costs most when the two cores share no cache, so a worker backing off does
     * not watch the others' queues look after look.
     */
    Allowed allowed(long now) {
        if (!holdingBack) {
            return Allowed.ANY;
        }
        if (now - mayStealAt >= 0) {
            holdingBack = false; // and no more clock reads until the next short steal
            return Allowed.ANY;
        }
        if (lookDue || now - backlogLookAt >= BACKLOG_LOOK_NANOS) {
            lookDue = false;
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

    /** A look for a backlog found tasks queued on another worker, or a wake-up suggests so. */
    void sawQueuedWork() {
        othersHaveWork = true;
    }

    /** The worker woke from a nap: while it holds back, its next look for work is due at once. */
    void lookAgain() {
        lookDue = true;
    }

    /**
     * Whether, at {@code now}, the worker had better nap through its backoff than park:
     * it is backing off, and another worker had tasks queued when it last looked (or a
     * wake-up since suggested so).
     */
    boolean worthWaiting(long now) {
        return othersHaveWork && backoffLeft(now) > 0;
    }

    /** The worker took {@code tasks} tasks from another worker's queue. */
    void stole(long now, int tasks) {
        stole = true;
        stoleAt = now;
        stolenTasks = tasks;
    }

    /** What is left of the backoff at {@code now}; 0 when there is none or it is over. */
    long backoffLeft(long now) {
        return holdingBack ? Math.max(0, mayStealAt - now) : 0;
    }

    /**
     * Whether the worker may be holding back from the other workers' queues: when not,
     * everything is allowed without reading the clock; when so, ask {@link #allowed}.
     */
    boolean mayHoldBack() {
        return holdingBack;
    }

    /** The length of the last backoff, 0 when the last steal was worth it (it may be over: see {@link #backoffLeft}). */
    long backoffNanos() {
        return backoff;
    }
}
