package dev.weft;

import dev.weft.internal.future.SelectFuture;
import dev.weft.internal.future.BranchAccess;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Racing futures: the first to be ready wins, the others are dropped. Tokio's
 * {@code select!}, as a future.
 *
 * <pre>{@code
 * String body = select(
 *         on(fetchData(url), result -> result),
 *         on(shutdown.changed(), __ -> "shutting down"))
 *     .await();
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Each poll polls every enabled branch, starting at a random one so that no
 *       branch is starved; {@link #biased()} polls them in order instead (for
 *       priorities, or to make a test deterministic).</li>
 *   <li>The first branch to be ready wins. Every other branch is
 *       {@linkplain Future#drop() dropped} before the winner's handler runs; its
 *       value is the select's value. A branch that throws ends the select with its
 *       exception, after dropping the others. If dropping a loser throws once a
 *       branch is ready, the handler does not run and the select throws a
 *       {@link SelectDropException} that keeps the winner's value.</li>
 *   <li>{@link Branch#when(boolean) when(false)} disables a branch before the select
 *       starts (Rust's {@code , if precondition}); a disabled branch's future is
 *       never polled, and is dropped with the select. When every branch is
 *       disabled, the {@link #orElse(Callable) orElse} branch gives the value
 *       (Rust's {@code else =>}); without one, the select throws
 *       {@link IllegalStateException}.</li>
 *   <li>Handlers run on the thread polling the select, inside its poll. Keep them
 *       short; in a future task they must not block or await.</li>
 * </ul>
 *
 * <h2>Cancel safety</h2>
 * A losing branch is dropped, so a select in a loop is only as safe as its
 * branches: use branches whose methods say <em>cancel safe</em> (a receive, a
 * {@code JoinHandle}, a notification). To keep one long-running future across the
 * iterations of a loop (Rust's {@code &mut fut}), make it once, outside the loop,
 * and pass {@link Future#borrow(Future) Future.borrow(fut)} to each select: the
 * select polls it but does not drop it when it loses. A {@code JoinHandle} needs no
 * borrowing: dropping one only detaches it, and it can be polled again.
 * <p>What each kind of future loses when dropped:
 * <ul>
 *   <li>{@link dev.weft.task.JoinHandle#await()} and its poll: nothing; the task runs on.</li>
 *   <li>{@link dev.weft.task.JoinSet#joinNext()}: nothing; finished tasks stay in the set.</li>
 *   <li>{@link Async#async async blocks}: not cancel safe. The child task runs on to its
 *       next await, concurrently with the caller, and stops there; what it did before
 *       stays done, and a value it had already produced (a message it received) is
 *       lost with the block. Put the cancel-safe future itself in the branch.</li>
 *   <li>{@link Join}: every joined future still running is dropped.</li>
 *   <li>{@link Future#ready}, {@link Future#never}, {@link dev.weft.task.Task#yieldNow()}: nothing.</li>
 *   <li>{@link dev.weft.time.Time#sleep sleep} / {@link dev.weft.time.Sleep}: nothing; its timer
 *       leaves the wheel. Borrow a {@code Sleep} to keep one deadline across rounds.</li>
 *   <li>{@link dev.weft.time.Interval#tick()}: nothing; the tick stays due for the next call.</li>
 *   <li>{@link dev.weft.time.Time#timeout timeout(d, f)}: whatever {@code f} loses when dropped.</li>
 *   <li>{@link dev.weft.time.Clock#advance advance}: the clock stops where it got to.</li>
 *   <li>{@link dev.weft.util.DelayQueue#next()}: nothing; values leave the queue only when returned.</li>
 *   <li>{@link dev.weft.sync.Semaphore#acquire()}, {@link dev.weft.sync.Mutex#lock()},
 *       {@link dev.weft.sync.RwLock#read()} / {@link dev.weft.sync.RwLock#write() write()}: the
 *       place in the queue; no permit or lock is kept (one being handed over goes to the next
 *       waiter).</li>
 * </ul>
 *
 * @param <R> the type of the select's value
 */
public final class Select<R> implements Future<R> {
    /**
     * A copy of the caller's branches, which is also the running select's state: the
     * engine nulls a branch's slot when it drops its future (a select per message is
     * common, so no list and no engine object: see SelectFuture).
     */
    private final Branch<? extends R>[] branches;
    private boolean biased;
    private Callable<? extends R> otherwise;
    /** Polled at least once: configuration is closed. */
    private boolean started;
    /** Completed (ready or failed): every branch has been dropped. */
    private boolean done;

    private Select(Branch<? extends R>[] branches) {
        if (branches.length == 0) {
            throw new IllegalArgumentException("a select needs at least one branch");
        }
        for (Branch<? extends R> b : branches) {
            Objects.requireNonNull(b, "branch");
        }
        this.branches = branches;
    }

    /** What a winning branch's value becomes. */
    @FunctionalInterface
    public interface Handler<T, R> {
        /** Makes the select's value from the winning branch's value. */
        R handle(T value) throws Exception;
    }

    /** One branch of a select: a future and the handler of its value. */
    public static final class Branch<R> {
        private final Future<?> future;
        private final Handler<Object, ? extends R> handler;
        private boolean enabled = true;
        /** Its select was polled: the precondition is fixed. */
        private boolean sealed;

        @SuppressWarnings("unchecked")
        private <T> Branch(Future<T> future, Handler<? super T, ? extends R> handler) {
            this.future = Objects.requireNonNull(future, "future");
            this.handler = (Handler<Object, ? extends R>) Objects.requireNonNull(handler, "handler");
        }

        /** Enables this branch only if {@code precondition} holds (Rust's {@code , if precondition}). */
        public Branch<R> when(boolean precondition) {
            if (sealed) {
                throw new IllegalStateException("when(..) on a branch of a select that was already polled;"
                        + " set the preconditions before the select is first awaited or polled");
            }
            this.enabled = this.enabled && precondition;
            return this;
        }
    }

    /** A branch: when {@code future} wins, {@code handler} makes the select's value from its value. */
    public static <T, R> Branch<R> on(Future<T> future, Handler<? super T, ? extends R> handler) {
        return new Branch<>(future, handler);
    }

    /** A branch whose value, when it wins, is the select's value. */
    public static <T> Branch<T> on(Future<T> future) {
        return new Branch<>(future, value -> value);
    }

    /**
     * A select over {@code branches}, polled in random order.
     *
     * <p>Cancel safety: dropping the select drops every branch; see the class documentation.
     */
    @SafeVarargs
    public static <R> Select<R> select(Branch<? extends R>... branches) {
        return new Select<>(branches.clone());
    }

    /**
     * A select over {@code branches} that polls them in the order given: Tokio's
     * {@code biased;}. The same as {@code select(...).biased()}, but reads in one call
     * and lets the compiler infer the value's type from the branches.
     *
     * <p>Cancel safety: dropping the select drops every branch; see the class documentation.
     */
    @SafeVarargs
    public static <R> Select<R> selectBiased(Branch<? extends R>... branches) {
        Select<R> s = new Select<>(branches.clone());
        s.biased = true;
        return s;
    }

    /**
     * A select over a list of branches; see {@link #select(Branch[])}.
     *
     * <p>Cancel safety: dropping the select drops every branch; see the class documentation.
     */
    @SuppressWarnings("unchecked")
    public static <R> Select<R> select(List<? extends Branch<? extends R>> branches) {
        return new Select<>(branches.toArray(new Branch[0]));
    }

    /**
     * A future of the first of {@code futures} to complete, with its index; the
     * others are dropped. For a select over a list built at run time.
     *
     * <p>Cancel safety: dropping it drops every future.
     */
    @SuppressWarnings("unchecked")
    public static <T> Future<Winner<T>> any(List<? extends Future<? extends T>> futures) {
        if (futures.isEmpty()) {
            throw new IllegalArgumentException("a select needs at least one branch");
        }
        Future<?>[] all = futures.toArray(new Future<?>[0]);
        for (Future<?> f : all) {
            Objects.requireNonNull(f, "future");
        }
        return new SelectFuture<Winner<T>>(all) {
            @Override
            protected Winner<T> handle(int index, Object value) {
                return new Winner<>(index, (T) value);
            }
        };
    }

    /** The value of the future that won {@link #any(List)}, and its index in the list. */
    public record Winner<T>(int index, T value) {
    }

    /** Polls the branches in the order given, first to last, instead of from a random one. */
    public Select<R> biased() {
        checkNotStarted("biased()");
        this.biased = true;
        return this;
    }

    /** The value of the select when every branch is disabled (Rust's {@code else =>}). */
    public Select<R> orElse(Callable<? extends R> otherwise) {
        checkNotStarted("orElse(...)");
        this.otherwise = Objects.requireNonNull(otherwise, "otherwise");
        return this;
    }

    private void checkNotStarted(String what) {
        if (started) {
            throw new IllegalStateException(what + " after the select was first polled; configure it before awaiting");
        }
    }

    @Override
    public Poll<R> poll(Context cx) {
        if (done) {
            throw new IllegalStateException("select polled after it completed");
        }
        if (!started) {
            started = true;
            for (Branch<? extends R> b : branches) {
                b.sealed = true; // the engine reads each precondition on every poll
            }
        }
        done = true; // until it answers pending: a branch that throws also ends it
        Poll<R> p = SelectFuture.pollBranches(cx, branches, biased, otherwise, Select.<R>access());
        if (p.isPending()) {
            done = false;
        }
        return p;
    }

    @SuppressWarnings("unchecked")
    private static <R> BranchAccess<Branch<?>, R> access() {
        return (BranchAccess<Branch<?>, R>) (BranchAccess<?, ?>) BRANCHES; // handle() answers the handler's R
    }

    /** How the engine reads a Branch. */
    private static final BranchAccess<Branch<?>, Object> BRANCHES = new BranchAccess<>() {
        @Override
        public Future<?> future(Branch<?> branch) {
            return branch.future;
        }

        @Override
        public boolean enabled(Branch<?> branch) {
            return branch.enabled;
        }

        @Override
        public Object handle(Branch<?> branch, int index, Object value) throws Exception {
            return branch.handler.handle(value);
        }
    };

    /**
     * Awaits the winning branch and returns the value its handler made.
     *
     * <p>Cancel safety: see the class documentation.
     */
    @Override
    public R await() {
        return Future.super.await();
    }

    @Override
    public void drop() {
        done = true; // a poll after the drop is refused, not answered from dropped branches
        SelectFuture.dropBranches(branches, BRANCHES);
    }
}
