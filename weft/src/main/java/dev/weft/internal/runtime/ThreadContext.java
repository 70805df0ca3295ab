package dev.weft.internal.runtime;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.ContextAccess;
import dev.weft.task.CancelledException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * What Weft knows about a thread that is not a scheduler worker: the runtime and
 * task it serves, if any, and how it awaits (its waker unparks it).
 */
public final class ThreadContext implements Waker {
    /*
     * Implementation notes.
     *
     * notified: (wakes << 2) | how the thread waits: RUNNING (running, spinning or
     * polling), PARKED or PARKED_UNCOUNTED. Every wake adds one to the count (its
     * upper 30 bits, wrapping) and makes the thread RUNNING; only the thread itself
     * moves RUNNING -> PARKED(_UNCOUNTED), by CAS. The awaiting loop reads the word
     * before each poll (`seen`); after a pending poll it waits until the word is no
     * longer `seen` (spinning, or parked after a CAS seen -> seen | PARKED), then
     * polls again. A wake that lands before the park changed the word, so the CAS to
     * a parked state fails and none is lost; extra wakes fold into one poll. wake()
     * unparks only a thread it finds parked: a wake of a running (or spinning) thread
     * is one CAS, no unpark.
     *
     * Why a count rather than a flag that the woken thread clears (the first design):
     * the thread never writes the word after a wake, it only reads it (it writes only
     * to park, and to count the wake a watched spin replaced, below). A clear was a
     * store and a full fence on a line the waker had just written, on the critical
     * path of every hand-off (ping-pong, W2: see ADR 0002, "fewer writes per
     * hand-off"), and a flag needed that fence to be a Dekker pair with the next
     * poll.
     * With the count no fence is needed on the thread's side: the read of `seen` is
     * volatile, so the poll that follows sees what any waker before it published; a
     * waker after it changes the word. Nested awaits need nothing either: a wake that
     * an await inside an outer poll consumed still changed the word the outer await
     * read before its poll, so the outer polls again (a watched spin that ends on its
     * sign moves the count itself for the same reason: see below). (The count wraps: a
     * wake would be missed only if a multiple of 2^30 wakes landed between an await's
     * read of `seen` and its check, the awaits nested in its poll included: not a
     * case.)
     *
     * PARKED is used by the threads of a runtime's tasks (thread tasks, blocking
     * jobs), which the runtime counts as active unless they are parked in an await
     * (its paused clock auto-advances only when nothing is active; docs/adr/0003).
     * Such a thread moves seen -> seen | PARKED by CAS and then stops counting itself;
     * a wake that finds PARKED counts the thread back in *before* its CAS (which adds
     * one to the count and makes the state RUNNING) makes the thread runnable (and
     * takes the count back if the CAS fails), so there is no moment at which the
     * thread may run uncounted. Threads outside every task park in PARKED_UNCOUNTED,
     * which the count ignores.
     *
     * Spinning before parking. A park and its unpark cost a virtual-thread switch on
     * each side (microseconds; more for a platform thread, or when the carrier itself
     * has to be woken), and an answer from a task on another carrier often comes
     * sooner (ping-pong over channels). So before it parks, the loop spins for up to
     * MAX_SPIN_NANOS reading the word, in state RUNNING: a spinning thread is running,
     * so it stays counted as active (the paused clock cannot move under it), and a wake
     * or an abort ends the spin as it would end a park (the count moves). A spin pays
     * only if the waker runs elsewhere meanwhile: when the waker waits for the very
     * carrier the spinner holds (both tasks on one carrier, sixteen lock waiters on
     * two), it only delays the wake. So each thread keeps a score, a moving average
     * of how often its spins ended in a wake (each spin weighs 1/8), spins while the
     * score is at least a quarter, and below that parks at once, probing with one
     * spin every PROBE_EVERY parks so that it notices when spinning pays again. A
     * thread starts just below the mark, so its first spin is the probe at its
     * PROBE_EVERY-th park: most tasks park a few times in their life (a sleep, one
     * receive), and a spin on each first park made 100,000 sleeping tasks burn about
     * 2 us of CPU each (W5: 420 ms wall and 715 ms CPU, against 225 and 386 for the
     * virtual-thread peer); a loop that parks on every round starts to spin after
     * its first few dozen rounds. Where the JVM has one CPU, or virtual threads one
     * carrier, nothing spins.
     *
     * Watching a sign while spinning (ADR 0002, "A wake a spinning receiver does not
     * need", and "The mark on the queue's head"). A wake costs the waker a read and a
     * CAS on this word, which the spinner reads: lines that cross the cores after the
     * value itself did. A pending poll that knows where its progress will show (a
     * channel receive: the queue's next link) hands that SpinWatch to the await
     * (watchWhileSpinning), which then spins reading the sign beside the word, with
     * the watch told when the spin starts and when it ends without the sign
     * (watchStarted, watchEnded). The queue marks its head node with this context
     * meanwhile, and a producer whose link lands on a node marked with the waker it
     * would wake (the channel's registered one) leaves the wake out: the spin sees
     * the chain reach past the head. The producer reads the mark on the node it has
     * just written, and the registered waker, which it read before too; nothing of
     * the receiver's context crosses the cores for it. The mark names the spinner
     * because a spin may watch a queue its future no longer waits on: the poll that
     * set the watch may have handed the receiver to another task, whose wake must not
     * be left out (found in review). The pair is a Dekker one, per spin, and
     * SpinWatch states it: the spinner marks, then reads the sign; leaving because
     * its time is up, it unmarks, then reads the sign once more (leaving on a wake,
     * it unmarks and polls again anyway); the producer links, then reads the mark. A
     * producer that read the mark linked before the unmark, and the last read sees
     * its link. One whose link does not join the chain to the head (it linked behind
     * a producer that has swapped the tail but not linked yet) finds no mark on the
     * node it linked to, and wakes.
     *
     * A spin that ends on its sign moves the count itself (a CAS that adds one wake),
     * exactly as the wake it replaced would have. An await nested in an outer poll may
     * spin on a queue the outer future waits on too; the outer await then sees the
     * word move and polls again (found in review: with the count left as it was, the
     * outer await parked with the value in the queue). The watch is for one spin: the
     * await drops it before each poll and before it parks, so a watch left by a branch
     * that lost a select does not keep a later spin watching a queue nobody waits on
     * (the queue's value would end every spin at once), and a parked thread holds no
     * queue. It is a plain field, read and written by the thread only.
     *
     * The budget's slice (ADR 0002, "The budget as a time slice"). A thread task
     * spends one unit of its budget (Context.BUDGET) per await that does not park,
     * and a spent budget yields the carrier, as a future task goes to the back of
     * its run queue. But a virtual thread's yield costs far more than a future
     * task's: an unmount and a mount (0.4-1.3 us), and the thread often comes back
     * on the other carrier, with its working set left behind. W3's consumer,
     * yielding every 128 receives, took 1.6x as long as with the slice below with
     * the cores sharing a cache and 1.7x with them apart. So a spent budget yields
     * only once the thread's turn on its carrier has lasted SLICE_TICKS (48 ticks,
     * 49 us); before that it refills the budget and goes on. A turn starts when the
     * context is made, after a park in an await and after a yield; a park outside
     * Weft (a JDK lock, a sleep) does not start one, which can only make a yield
     * come early. A task that never parks then holds its carrier for a slice and at
     * most one budget of awaits at a time, where it held it for 128 awaits before
     * (and only while another virtual thread waits: see yieldCarrier); a yield
     * costs 1-3% of a slice. A future that takes the last unit itself (proceed())
     * and is ready gets a fresh budget within the slice, so that the next await
     * does not start with the budget spent: a yieldNow there would otherwise be
     * taken for the budget's own wake and, within the slice, not yield (found in
     * review). Past the slice that next await's proceed() yields before its work,
     * as in a future task. The clock is read once per spent budget, once per park
     * in an await and once per yield (twice when it ends in the timed park). It
     * counts in ticks of 1,024 ns in an int, as does the last fair yield, so that
     * the two take the 8 bytes of the long they replaced. An int difference of 2^31
     * to 2^32 ticks (36-73 minutes) reads as "long ago" (ticksSince); past 2^32
     * ticks it wraps and may read as recent once, which costs one slice more or a
     * plain yield in place of the timed park. A yieldNow polled in the same poll
     * that spent the budget (a select over both) wakes the task as the budget
     * does, so the wake alone cannot say a yield was asked: yieldNow tells the
     * await itself (askYield, a boolean in the context's spare bytes), and the await
     * then yields whatever the slice says (found as a gap; BudgetSliceTest). An await
     * nested later in that same poll clears the flag as it starts, and the outer await
     * then decides from the wake and the budget alone, as before.
     *
     * A thread task's cancelled flag lives in its ThreadTask (an abort may come
     * before the task has a context); abort() sets it before it wakes, so the woken
     * loop sees it. The context finds the flag through its task field: only a thread
     * task's own context holds a ThreadTask there (a blocking-pool thread's holds its
     * BlockingTask), so no separate owner field is kept.
     *
     * Size. 100,000 sleeping thread tasks (W5) keep a context each while parked, and
     * a young collection copies them all: the context is 56 bytes (12 of header, six
     * references, the word, two shorts, two ints of ticks and two booleans, with 2
     * bytes to spare since the wake count replaced a depth counter); an owner field,
     * ints for the two spin counters, or longs for the two times, would make it 64.
     *
     * Where a context comes from: a thread task makes its own on first use and
     * finds it through its task (ThreadTask's notes say how, and why not through a
     * thread-local); every other thread (a blockOn caller, a blocking-pool thread)
     * has one in a thread-local, made on first use.
     *
     * Tested by FutureTest (ready first poll, wake from another thread while
     * spinning or parked, interrupt of a thread outside every task, a wake taken by
     * an await nested in the outer future's poll), JoinHandleTest
     * (abort while spinning or parked, interrupt of a thread task), ClockTest (the
     * activity count), SingleCarrierTest (no starvation on one carrier, by ready
     * awaits or by a future that spends the budget itself; a yieldNow after an await
     * that spent the last unit), VirtualThreadQueueTest (the yield's question: is
     * anything queued for a carrier), BudgetSliceClockTest (the slice's int clock),
     * BudgetSliceTest (the slice itself, on a stopped clock: no yield within it, one
     * within a budget past it, a new turn after a park and after a yield),
     * MpscSpinHandOffTest (a spin that watches a queue, against pushes that leave the
     * wake out), SpinWatchNestedAwaitTest (a push left to an await nested in the
     * outer poll) and SpinWatchMarkTest (a spin ended by another wake takes its mark
     * away).
     */
    private static final ThreadLocal<ThreadContext> CURRENT = ThreadLocal.withInitial(ThreadContext::new);
    private static final VarHandle NOTIFIED;
    /** The budget's clock counts {@code System.nanoTime()} in ticks of 2^10 = 1,024 ns (see the notes). */
    private static final int TICK_SHIFT = 10;
    /** A thread whose budget ran out yields only once its turn has lasted this long (48 ticks, 49 us). */
    private static final int SLICE_TICKS = 50_000 >> TICK_SHIFT;
    /** At most this often (1 ms) a yield ends in a timed park; see {@link #yieldCarrier()}. */
    private static final int FAIR_YIELD_TICKS = 1_000_000 >> TICK_SHIFT;
    /**
     * Tests only: with {@code -Dweft.internal.budgetClock=manual} a test may stop the
     * budget's clock ({@link #stopBudgetClock()}), so that "within the slice" and "past
     * it" are told apart by ticks the test sets, not by timing (BudgetSliceTest). In
     * every other JVM it is a constant false and the JIT drops the branch.
     */
    private static final boolean MANUAL_CLOCK = "manual".equals(System.getProperty("weft.internal.budgetClock"));
    /** {@link #stoppedAt} while the clock runs. */
    private static final long CLOCK_RUNS = Long.MIN_VALUE;
    /** With {@link #MANUAL_CLOCK}: the tick the clock is stopped at, or {@link #CLOCK_RUNS}. */
    private static volatile long stoppedAt = CLOCK_RUNS;
    /** {@link #notified}'s low bits: the thread runs, polls or spins. */
    private static final int RUNNING = 0;
    /** {@link #notified}'s low bits: a task's thread parked in an await, not counted as active. */
    private static final int PARKED = 1;
    /** {@link #notified}'s low bits: a thread outside every task parked in an await. */
    private static final int PARKED_UNCOUNTED = 2;
    private static final int WAIT_BITS = 3;
    /** One wake in {@link #notified}'s count. */
    private static final int ONE_WAKE = 4;
    /** The longest spin before a park; zero where a spin cannot be answered (one CPU or carrier). */
    private static final long MAX_SPIN_NANOS = canSpin() ? 2_000 : 0;
    /** {@link #spinScore} of a thread whose spins always end in a wake. */
    private static final int SCORE_ONE = 1024;
    /** Below this score a thread parks without spinning, except for a probe. */
    private static final int SCORE_TO_SPIN = 256;
    /** A thread that stopped spinning probes with a spin every this many parks. */
    private static final int PROBE_EVERY = 32;

    static {
        try {
            NOTIFIED = MethodHandles.lookup().findVarHandle(ThreadContext.class, "notified", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Thread thread;
    /** (wakes << 2) | RUNNING, PARKED or PARKED_UNCOUNTED; see the notes. */
    private volatile int notified;
    private final Context cx;
    /** A task's thread was interrupted while parked; its status is given back when the await ends. */
    private boolean interruptedMeanwhile;
    /** When this thread's turn on its carrier began (last park or yield), in ticks; see {@link #budgetSpent()}. */
    private int turnStart;
    /** When this thread last yielded with a timed park, in ticks; see {@link #yieldCarrier()}. */
    private int lastFairYield;
    /**
     * How often this thread's recent spins ended in a wake, of {@link #SCORE_ONE} (see the
     * notes). This and the next are shorts to keep a context at 56 bytes (see the notes).
     */
    private short spinScore = SCORE_TO_SPIN - 1;
    /** Parks without a spin since the last spin; see {@link #PROBE_EVERY}. */
    private short parksWithoutSpin;
    /** What the latest pending poll asked the next spin to watch; owner-written (see the notes). */
    private SpinWatch watched;
    /** A yieldNow in the current poll asked for a yield; owner-written (see the notes on the slice). */
    private boolean yieldAsked;

    /** The runtime this thread serves, or {@code null}. */
    RuntimeCore runtime;
    /** The task this thread runs (a thread task or a blocking task), or {@code null}. */
    TaskCore<?> task;
    /** Task-local bindings in force. */
    Bindings bindings;

    private ThreadContext() {
        this.thread = Thread.currentThread();
        this.cx = Context.of(this);
    }

    /** The context of a thread task, made by {@link ThreadTask#context()} on the task's thread. */
    ThreadContext(Thread thread, RuntimeCore runtime, ThreadTask<?> task, Bindings bindings) {
        this.thread = thread;
        this.runtime = runtime;
        this.task = task;
        this.bindings = bindings;
        this.cx = ContextAccess.get().budgeted(this);
        this.turnStart = ticks();
        this.lastFairYield = turnStart - FAIR_YIELD_TICKS; // its first yield may be the timed park
    }

    /** The context of the calling thread, made on first use. */
    public static ThreadContext current() {
        ThreadTask<?> t = ThreadTask.current();
        return t != null ? t.context() : CURRENT.get();
    }

    private static boolean canSpin() {
        int cpus = Runtime.getRuntime().availableProcessors();
        return cpus > 1 && Integer.getInteger("jdk.virtualThreadScheduler.parallelism", cpus) > 1;
    }

    /** Whether this is the context of a virtual thread (a thread task's, or a virtual thread's outside every task). */
    public boolean onVirtualThread() {
        return thread.isVirtual();
    }

    /**
     * Asks the spin after this pending poll to watch {@code w} too. Meant for the
     * thread itself, during a poll of its await that is about to return pending; a
     * call from another thread (a future polled elsewhere with this waker) is ignored.
     */
    public void watchWhileSpinning(SpinWatch w) {
        if (Thread.currentThread() == thread) {
            watched = w;
        }
    }

    /**
     * Tells the await polling now that its future asked for a yield (Task.yieldNow), so
     * that a budget spent in the same poll does not hide it (see the notes). Meant for
     * the thread itself, during a poll of its await; a call from another thread is ignored.
     */
    public void askYield() {
        if (Thread.currentThread() == thread) {
            yieldAsked = true;
        }
    }

    @Override
    public void wake() {
        for (;;) {
            int s = notified;
            int woken = (s & ~WAIT_BITS) + ONE_WAKE; // RUNNING
            int waiting = s & WAIT_BITS;
            if (waiting == RUNNING) {
                if (NOTIFIED.compareAndSet(this, s, woken)) {
                    return; // running or spinning: it sees the word change before it could park
                }
            } else if (waiting == PARKED) {
                // Count the thread back in before it can run (see the notes).
                RuntimeCore rt = runtime;
                rt.becameActive();
                if (NOTIFIED.compareAndSet(this, s, woken)) {
                    LockSupport.unpark(thread);
                    return;
                }
                rt.becameInactive(); // it was woken meanwhile; look again
            } else if (NOTIFIED.compareAndSet(this, s, woken)) {
                LockSupport.unpark(thread);
                return;
            }
        }
    }

    /**
     * Whether this thread's task was aborted (sticky); always {@code false} outside a
     * thread task. Only a thread task's own context holds a ThreadTask as its task.
     */
    private boolean isCancelled() {
        return task instanceof ThreadTask<?> t && t.isCancelled();
    }

    /** Throws the cancellation (after dropping {@code f}) if this thread's task was aborted. */
    void checkNotCancelled(Future<?> f) {
        if (isCancelled()) {
            throw cancel(f);
        }
    }

    /** Runs {@code f} to completion on this thread; see {@link Future#await()}. */
    <T> T await(Future<T> f) {
        if (isCancelled()) {
            throw cancel(f);
        }
        try {
            for (;;) {
                int seen = notified; // before the poll: a wake after this read changes the word
                if (watched != null) {
                    watched = null; // left by an earlier poll: this one says afresh what to watch
                }
                if (yieldAsked) {
                    yieldAsked = false; // asked in an earlier poll that answered ready
                }
                int budgetBefore = budgetLeft();
                Poll<T> p = f.poll(cx);
                if (p.isReady()) {
                    if (budgetLeft() == budgetBefore) {
                        spendOne(); // the future took no unit itself: the await is the operation
                    } else if (ContextAccess.get().exhausted(cx) && inSlice()) {
                        // It took the last unit itself. Within the slice the next await starts
                        // afresh; past it, that await's proceed() yields before its work.
                        ContextAccess.get().refill(cx);
                    }
                    return p.value();
                }
                if (yieldAsked) {
                    yieldAsked = false;
                    yieldCarrier(); // a yieldNow: the wake may be the budget's too, but a yield was asked
                } else if (ContextAccess.get().exhausted(cx)) {
                    budgetSpent(); // the future found the budget spent and woke this task
                } else if (notified != seen) {
                    // Woken during its own poll (it yielded): let the other virtual threads
                    // on this carrier run before polling again, as a future task goes to the
                    // back of its run queue.
                    yieldCarrier();
                }
                if (parkUntilWoken(seen)) {
                    throw interrupted(f);
                }
                if (isCancelled()) {
                    throw cancel(f);
                }
            }
        } finally {
            if (interruptedMeanwhile && task != null) {
                interruptedMeanwhile = false;
                Thread.currentThread().interrupt();
            }
            // An await nested in an outer poll needs nothing here: a wake it consumed
            // changed the word the outer await read before its poll (see the notes).
        }
    }

    private int budgetLeft() {
        return ContextAccess.get().remaining(cx);
    }

    private void spendOne() {
        if (cx.hasBudget()) {
            ContextAccess access = ContextAccess.get();
            access.consume(cx);
            if (access.exhausted(cx)) {
                budgetSpent();
            }
        }
    }

    /**
     * The budget ran out: yields the carrier if this thread's turn on it has lasted a
     * slice ({@link #SLICE_TICKS}), else starts a new budget and keeps the carrier (see
     * the notes).
     */
    private void budgetSpent() {
        if (inSlice()) {
            ContextAccess.get().refill(cx);
        } else {
            yieldCarrier();
        }
    }

    /** Whether this thread's turn on its carrier has lasted less than a slice. */
    private boolean inSlice() {
        return ticksSince(turnStart, ticks()) < SLICE_TICKS;
    }

    /** The budget's clock: {@code System.nanoTime()} in ticks of 1,024 ns, wrapping as an int. */
    private static int ticks() {
        if (MANUAL_CLOCK) {
            long stopped = stoppedAt;
            if (stopped != CLOCK_RUNS) {
                return (int) stopped;
            }
        }
        return (int) (System.nanoTime() >> TICK_SHIFT);
    }

    /** Tests: stops the budget's clock where it is now (see {@link #MANUAL_CLOCK}). */
    static void stopBudgetClock() {
        requireManualClock();
        stoppedAt = (int) (System.nanoTime() >> TICK_SHIFT);
    }

    /** Tests: moves the stopped budget clock on by {@code ticks}. */
    static void advanceBudgetClock(int ticks) {
        requireManualClock();
        long stopped = stoppedAt;
        if (stopped == CLOCK_RUNS) {
            throw new IllegalStateException("the budget clock runs; stop it before advancing it");
        }
        stoppedAt = (int) stopped + ticks; // an int, wrapping as the running clock does
    }

    /** Tests: lets the budget clock run again. */
    static void restartBudgetClock() {
        requireManualClock();
        stoppedAt = CLOCK_RUNS;
    }

    /** The slice, in ticks, for tests that advance the clock past it. */
    static int sliceTicks() {
        return SLICE_TICKS;
    }

    private static void requireManualClock() {
        if (!MANUAL_CLOCK) {
            throw new IllegalStateException("the budget clock can only be stopped in a JVM started with"
                    + " -Dweft.internal.budgetClock=manual (the single-carrier surefire execution)");
        }
    }

    /**
     * Ticks from {@code since} to {@code now}; {@link Integer#MAX_VALUE} (long ago) when
     * the difference is negative, which only 2^31 to 2^32 ticks (36-73 minutes) give:
     * the int wrapped. (Past 2^32 ticks the difference is small again: see the notes.)
     */
    static int ticksSince(int since, int now) {
        int d = now - since;
        return d >= 0 ? d : Integer.MAX_VALUE;
    }

    /**
     * Lets the other virtual threads on this carrier run; the budget and the turn start
     * afresh.
     *
     * <p>{@code Thread.yield()} alone is not fair on the JDK's virtual-thread
     * scheduler: the yielding thread goes back to its carrier's own queue, which the
     * carrier serves before the queue of threads woken from platform threads (by a
     * scheduler worker, a timer, a pool thread). With one carrier, a thread task that
     * keeps yielding would starve all of those. So once a millisecond at most
     * ({@link #FAIR_YIELD_TICKS}) the yield is followed by a timed park, whose wake-up
     * is queued behind theirs: a spinning task lets every waiting one run at least once
     * a millisecond. A timed park costs tens of microseconds, hence not on every yield.
     * The plain yield comes first because the timed park alone does not let the
     * carrier's own queue go first: its wake-up can be taken before a thread queued
     * there (seen in SingleCarrierTest: a yieldNow now and then let a just-spawned
     * thread task wait).
     *
     * <p>A virtual thread yields only if the JDK's scheduler has something queued for a
     * carrier (a virtual thread waiting to run, usually): with nothing queued, a yield
     * would unmount and remount this one and nothing else would run, while a task on
     * the other carrier, spinning for this one's next hand-off, may give up and park.
     * Where the JDK cannot tell, it yields.
     */
    private void yieldCarrier() {
        if (cx.hasBudget()) {
            ContextAccess.get().refill(cx);
        }
        boolean virtual = thread.isVirtual();
        if (virtual && !VirtualThreadQueue.mayHaveWaiting()) {
            return;
        }
        Thread.yield(); // the carrier's own queue first: a timed park's wake-up may beat it
        int now = ticks();
        if (virtual && ticksSince(lastFairYield, now) >= FAIR_YIELD_TICKS) {
            lastFairYield = now;
            LockSupport.parkNanos(this, 1); // no wake of a running thread unparks it: no permit to take first
            now = ticks();
        }
        turnStart = now;
    }

    /**
     * Parks until woken, that is until {@link #notified} is no longer {@code seen} (the
     * word read before the pending poll; its low bits are RUNNING), or, while it spins
     * watching {@link #watched}, until the watch shows progress. Interrupts are not
     * Weft's cancellation: a task's thread keeps waiting and gets its interrupt status
     * back when the await ends; a thread outside every task (a test's, a caller of
     * blockOn) answers {@code true}: give up.
     */
    private boolean parkUntilWoken(int seen) {
        SpinWatch w = watched;
        if (notified == seen && shouldSpin()) {
            boolean woken;
            if (w != null) {
                woken = spinWatching(seen, w);
            } else {
                woken = spinUntilWoken(seen);
            }
            int score = spinScore; // an average over the last few spins: each weighs 1/8
            spinScore = (short) (woken ? score + ((SCORE_ONE - score) >> 3) : score - (score >> 3));
            if (woken) {
                return false; // kept the carrier: the budget goes on (the next poll drops the watch)
            }
        }
        if (w != null) {
            watched = null; // holds nothing while parked; a park wakes only by a wake
        }
        if (task != null) {
            int parked = seen | PARKED;
            if (NOTIFIED.compareAndSet(this, seen, parked)) { // else a wake came in between
                runtime.becameInactive();
                while (notified == parked) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        interruptedMeanwhile = true;
                    }
                }
                if (cx.hasBudget()) { // parking gave the carrier away: a new turn and budget
                    turnStart = ticks();
                    ContextAccess.get().refill(cx);
                }
            }
        } else {
            int parked = seen | PARKED_UNCOUNTED;
            if (NOTIFIED.compareAndSet(this, seen, parked)) { // else a wake came in between
                while (notified == parked) {
                    LockSupport.park(this);
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        NOTIFIED.compareAndSet(this, parked, seen); // else woken meanwhile: a poll is due anyway
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** Whether to spin before this park: while recent spins paid, and now and then to probe. */
    private boolean shouldSpin() {
        if (MAX_SPIN_NANOS == 0) {
            return false;
        }
        if (spinScore >= SCORE_TO_SPIN || ++parksWithoutSpin >= PROBE_EVERY) {
            parksWithoutSpin = 0;
            return true;
        }
        return false;
    }

    /**
     * Spins RUNNING (counted) for up to {@link #MAX_SPIN_NANOS}, watching {@code w} and
     * the word; answers whether to poll again (a wake came, or {@code w} shows progress).
     */
    private boolean spinWatching(int seen, SpinWatch w) {
        w.watchStarted(this); // producers may leave out a wake of this thread from here (see the notes)
        long start = System.nanoTime();
        do {
            if (w.looksReady()) {
                return countedSign(seen);
            }
            if (notified != seen) {
                w.watchEnded();
                return true; // woken
            }
            Thread.onSpinWait();
        } while (System.nanoTime() - start < MAX_SPIN_NANOS);
        w.watchEnded(); // producers wake from here; one that read the mark linked before it
        return w.looksReady() && countedSign(seen);
    }

    /** The spin saw its sign: it counts as the wake it replaced (see the notes). Answers true. */
    private boolean countedSign(int seen) {
        NOTIFIED.compareAndSet(this, seen, seen + ONE_WAKE); // else woken meanwhile: moved anyway
        return true;
    }

    /** Spins RUNNING (counted) for up to {@link #MAX_SPIN_NANOS}; answers whether a wake came. */
    private boolean spinUntilWoken(int seen) {
        long start = System.nanoTime();
        do {
            Thread.onSpinWait();
            if (notified != seen) {
                return true;
            }
        } while (System.nanoTime() - start < MAX_SPIN_NANOS);
        return false;
    }

    /** A thread outside every task was interrupted while awaiting: drop the future and give up. */
    private CancelledException interrupted(Future<?> f) {
        return dropping(f, new CancelledException("thread '" + thread.getName()
                + "' was interrupted while awaiting; the future was dropped (the interrupt status is kept)"));
    }

    /** Drops the awaited future of a cancelled task. */
    private CancelledException cancel(Future<?> f) {
        return dropping(f, cancelledException());
    }

    /** Drops {@code f} on the way out with {@code e}; a failing drop is kept as suppressed. */
    private static CancelledException dropping(Future<?> f, CancelledException e) {
        try {
            f.drop();
        } catch (Throwable t) {
            e.addSuppressed(t);
        }
        return e;
    }

    /**
     * The cancellation an await of this thread's task throws now; the task's outcome
     * is "cancelled" from here on (ThreadTask.runBody).
     */
    CancelledException cancelledException() {
        TaskCore<?> t = task;
        if (t instanceof ThreadTask<?> tt) {
            tt.cancellationThrown();
        }
        String who = t == null ? "this task" : "task " + t.id + (t.name == null ? "" : " '" + t.name + "'");
        return new CancelledException(who + " was cancelled (aborted, or its runtime shut down); "
                + "every await in it now throws, so let the exception travel up");
    }
}
