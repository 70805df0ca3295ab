package dev.weft.test;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A future polled by hand, with a waker that counts its wake-ups: the task of a
 * test. Tokio's {@code tokio_test::task::spawn}.
 *
 * {@snippet :
 * var tx = new CompletableFuture<String>();
 * var h = PollHarness.of(Future.fromStage(tx));
 *
 * assertPending(h.poll());        // nothing yet: it must have kept the waker
 * assertNotWoken(h);
 *
 * tx.complete("hello");
 * assertWoken(h);                 // the completion woke the task
 * assertReadyEq(h.poll(), "hello");
 * }
 * (with {@code import static dev.weft.test.PollAssertions.*}).
 *
 * <h2>What it does</h2>
 * <ul>
 *   <li>{@link #poll()} polls the future once, on the calling thread, with a
 *       {@link Context} whose waker is this harness's own. Before it polls, it
 *       clears the wake count: {@link #wakeCount()} and {@link #isWoken()} say what
 *       happened <em>since the last poll began</em>, so a future that wakes its task
 *       during its own poll (a yield) shows as woken afterwards.</li>
 *   <li>It keeps the future's contract for you: after the future was ready, failed
 *       or was dropped, {@code poll()} refuses with {@link IllegalStateException}
 *       rather than polling a finished future.</li>
 *   <li>{@link #drop()} (and {@link #close()}, so a harness fits in
 *       try-with-resources) drops the future, once.</li>
 *   <li>{@link #enter(Body)} runs code with the harness's context and future, for
 *       what {@code poll()} does not cover: polling a sub-future, calling
 *       {@link Context#proceed()}, polling a finished future on purpose.</li>
 * </ul>
 *
 * <h2>Limits</h2>
 * The harness's context is made by {@link Context#of(Waker)}: it has no cooperative
 * budget, so {@link Context#proceed()} always answers {@code true} under it (only a
 * runtime polls with a budget). The harness is not a runtime: a future that needs
 * one while it is polled (an {@link dev.weft.Async#async async block} polled beside
 * others starts a child task) must be polled from a task, for example inside
 * {@code runtime.blockOn(() -> ...)}; the harness then works there as anywhere else.
 *
 * <h2>Thread safety</h2>
 * A harness is the task of one test: poll, enter and drop it from one thread at a
 * time. Its waker, {@link #wakeCount()}, {@link #isWoken()} and
 * {@link #waitForWake(Duration)} are thread-safe, so the future may be woken from
 * any thread. Memory consistency effects: actions of a thread before it wakes the
 * harness's waker <i>happen-before</i> a {@code wakeCount()}, {@code isWoken()} or
 * {@code waitForWake} call on another thread that sees that wake-up.
 *
 * @param <T> the type of the future's value
 */
public final class PollHarness<T> implements AutoCloseable {
    private enum State { POLLABLE, READY, FAILED, DROPPED }

    private final Future<T> future;
    private final CountingWaker waker = new CountingWaker();
    private final Context cx = Context.of(waker);
    private State state = State.POLLABLE;
    private boolean dropped;
    private int polls;
    private Poll<T> result;
    private Throwable failure;

    private PollHarness(Future<T> future) {
        this.future = future;
    }

    /**
     * A harness for {@code future}. Nothing is polled yet: futures are lazy.
     *
     * @throws NullPointerException if {@code future} is null
     */
    public static <T> PollHarness<T> of(Future<T> future) {
        return new PollHarness<>(Objects.requireNonNull(future, "future"));
    }

    /**
     * Clears the wake count and polls the future once, on the calling thread.
     *
     * <p>An exception thrown by the future's poll (its failure) is rethrown as it
     * was thrown, checked exceptions included; the future is then finished.
     *
     * @return what the future answered
     * @throws IllegalStateException if the future was already ready, failed, or dropped
     * @throws AssertionError if the future's poll returned {@code null}
     */
    public Poll<T> poll() {
        switch (state) {
            case READY -> throw new IllegalStateException("the future was already ready (" + result
                    + "); a future is not polled again after it returned ready."
                    + " Use enter(...) to poll it anyway on purpose");
            case FAILED -> throw new IllegalStateException("the future already failed with " + failure
                    + "; a future is not polled again after it failed", failure);
            case DROPPED -> throw new IllegalStateException("the future was dropped; a dropped future is"
                    + " not polled again");
            case POLLABLE -> {
            }
        }
        waker.clear();
        polls++;
        Poll<T> p;
        try {
            p = future.poll(cx);
        } catch (Throwable t) {
            state = State.FAILED;
            failure = t;
            throw rethrow(t);
        }
        if (p == null) {
            throw new AssertionError("the future's poll returned null; a future must return Poll.pending()"
                    + " or Poll.ready(value)");
        }
        if (p.isReady()) {
            state = State.READY;
            result = p;
        }
        return p;
    }

    /**
     * Whether the future's waker was woken since the last poll (or {@code enter})
     * began. Before the first poll, whether anything woke it at all.
     */
    public boolean isWoken() {
        return waker.count() > 0;
    }

    /**
     * How many times the future's waker was woken since the last poll (or
     * {@code enter}) began. Wakes are idempotent for a real task, so a future may
     * legitimately wake more than once; assert {@link #isWoken()} unless the number
     * is the point.
     */
    public int wakeCount() {
        return waker.count();
    }

    /**
     * Waits until the waker is woken (if it was already, since the last poll,
     * returns at once), or until {@code timeout} has passed. For a future woken by
     * another thread: wait for the condition, never sleep.
     *
     * @return whether the waker was woken, as {@link #isWoken()} then says
     * @throws InterruptedException if the calling thread is interrupted while it waits
     */
    public boolean waitForWake(Duration timeout) throws InterruptedException {
        return waker.waitForWake(Objects.requireNonNull(timeout, "timeout"));
    }

    /** How many times {@link #poll()} polled the future. */
    public int pollCount() {
        return polls;
    }

    /** Whether the future returned ready or failed: it will not be polled again. */
    public boolean isDone() {
        return state == State.READY || state == State.FAILED;
    }

    /** Whether {@link #drop()} (or {@link #close()}) was called. */
    public boolean isDropped() {
        return dropped;
    }

    /**
     * Drops the future: {@code future.drop()}, the first time only; later calls do
     * nothing. After it, {@link #poll()} is refused. As Rust drops a finished future
     * too, this calls {@code future.drop()} even if the future completed; the
     * {@link Future#drop()} contract says that must do nothing.
     */
    public void drop() {
        if (dropped) {
            return;
        }
        dropped = true;
        if (state == State.POLLABLE) {
            state = State.DROPPED;
        }
        future.drop();
    }

    /** Same as {@link #drop()}, so that a harness can live in a try-with-resources block. */
    @Override
    public void close() {
        drop();
    }

    /**
     * Runs {@code body} with the harness's context and its future, after clearing the
     * wake count as a poll does: Tokio-test's {@code enter}. It does not count as a
     * poll and changes no state; whatever {@code body} does to the future is its own
     * business. An exception from {@code body} is rethrown as it was thrown.
     *
     * {@snippet :
     * var h = PollHarness.of(Future.<Integer>never());
     * boolean budgeted = h.enter((cx, future) -> cx.hasBudget());   // false: a test context
     * }
     *
     * @return what {@code body} returned
     */
    public <R> R enter(Body<T, R> body) {
        Objects.requireNonNull(body, "body");
        waker.clear();
        try {
            return body.run(cx, future);
        } catch (Exception e) {
            throw rethrow(e);
        }
    }

    /** The harness's waker, which the future's poll sees as {@code cx.waker()}. */
    public Waker waker() {
        return waker;
    }

    /** The context the harness polls with: its waker and no budget. */
    public Context context() {
        return cx;
    }

    /**
     * The future under test, itself (not a new future). Polling or dropping it
     * directly bypasses the harness's counts; cancel safety is the future's own.
     */
    public Future<T> future() {
        return future;
    }

    @Override
    public String toString() {
        String s = switch (state) {
            case POLLABLE -> polls == 0 ? "not polled" : "pending";
            case READY -> String.valueOf(result);
            case FAILED -> "failed: " + failure;
            case DROPPED -> "dropped";
        };
        return "PollHarness[" + s + ", polls=" + polls + ", wakes since last poll=" + waker.count() + "]";
    }

    /** Code run by {@link #enter(Body)}, given the harness's context and future. */
    @FunctionalInterface
    public interface Body<T, R> {
        /** Runs with {@code cx} (the harness's waker, no budget) and the future under test. */
        R run(Context cx, Future<T> future) throws Exception;
    }

    /** Counts wake-ups; lets a test thread wait for the next one. */
    private static final class CountingWaker implements Waker {
        private final AtomicInteger wakes = new AtomicInteger();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition woken = lock.newCondition();

        @Override
        public void wake() {
            wakes.incrementAndGet();
            lock.lock(); // short and uncontended, and never held while waiting
            try {
                woken.signalAll();
            } finally {
                lock.unlock();
            }
        }

        int count() {
            return wakes.get();
        }

        void clear() {
            wakes.set(0);
        }

        boolean waitForWake(Duration timeout) throws InterruptedException {
            long nanos = timeout.toNanos();
            lock.lock();
            try {
                while (wakes.get() == 0) {
                    if (nanos <= 0L) {
                        return false;
                    }
                    nanos = woken.awaitNanos(nanos);
                }
                return true;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public String toString() {
            return "PollHarness.waker(wakes=" + wakes.get() + ")";
        }
    }

    /** Throws {@code t} as it is, checked or not, without wrapping it. */
    static RuntimeException rethrow(Throwable t) {
        throw PollHarness.<RuntimeException>raise(t);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E raise(Throwable t) throws E {
        throw (E) t;
    }
}
