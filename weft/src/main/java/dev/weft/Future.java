package dev.weft;

import dev.weft.internal.future.AndThen;
import dev.weft.internal.future.FromStage;
import dev.weft.internal.future.Immediate;
import dev.weft.internal.future.MapFuture;
import dev.weft.internal.future.Never;
import dev.weft.internal.future.PollFn;
import dev.weft.internal.future.Recover;
import dev.weft.internal.runtime.Awaiting;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A value that will be there later: lazy, poll-based, cancelled by drop.
 *
 * <h2>Lazy</h2>
 * Creating a future does nothing. It makes progress only while something polls
 * it: {@link #await()} on the calling thread, a task it was spawned as
 * ({@code Task.spawn(future)}), or a combinator ({@link Join}, {@link Select})
 * polled by either. A future that nobody polls never runs; that is the seed's
 * first pitfall, and it holds here exactly as in Rust.
 *
 * <h2>Poll</h2>
 * {@link #poll(Context)} either returns {@link Poll#ready(Object)} with the value,
 * or {@link Poll#pending()} after arranging for {@code cx.waker()} to be woken
 * once it can make progress. A future is polled by one task at a time; it need
 * not be thread-safe. It is not polled again after it returned ready. A poll
 * may throw: the future has then failed, and whoever awaits it sees the
 * exception (checked exceptions included, as they were thrown).
 *
 * <h2>Drop</h2>
 * A future abandoned before it completes (a {@link Select} branch that lost, an
 * aborted task) is {@linkplain #drop() dropped}: one call that releases
 * everything it holds (waker registrations, a queued lock request, a child
 * task) and guarantees that none of its side effects happens afterwards (except
 * an {@link Async#async async block} polled as a child task: its child runs on to
 * its next await, see {@link Async}). This is how cancellation works. Every method that returns a future says in its
 * <em>Cancel safety</em> section what is lost, if anything, when that future is
 * dropped before it completes.
 *
 * <h2>Await</h2>
 * {@link #await()} runs the future to completion on the calling thread, parking
 * the thread while the future is pending. On a thread task (a virtual thread)
 * parking gives the carrier thread back, so this is Weft's {@code .await}.
 * Awaiting inside a {@code poll} running on a scheduler worker would block that
 * worker and every task queued behind it; Weft refuses it with an
 * {@link IllegalStateException}.
 *
 * @param <T> the type of the value
 */
@FunctionalInterface
public interface Future<T> {

    /**
     * Tries to make progress.
     *
     * @param cx the waker to wake once progress is possible, and the task's budget
     * @return the value, or pending after a wake-up was arranged
     */
    Poll<T> poll(Context cx);

    /**
     * Abandons this future before it completes and releases what it holds. After
     * {@code drop()} the future is not polled again and none of its side effects
     * happens any more (an async block's child task runs on to its next await: see
     * {@link Async}). Dropping a completed or already dropped future does nothing.
     *
     * <p>The default holds nothing and does nothing.
     */
    default void drop() {
    }

    /**
     * Runs this future to completion on the calling thread and returns its value.
     *
     * <p>Polls; if pending, parks until woken, then polls again. A first poll that
     * is ready returns at once without parking. Inside a thread task, an await
     * of an aborted task drops this future and throws
     * {@link dev.weft.task.CancelledException}, and so does every later await of
     * that task. A task's thread ignores interrupts while it waits (it gets its
     * interrupt status back when the await ends); a thread outside every task is
     * stopped by one: the future is dropped and {@code CancelledException} thrown,
     * with the interrupt status kept. The {@code blocking*} methods of the
     * {@code sync} package await, so they behave the same.
     *
     * <p>Cancel safety: this call is where a thread task is cancelled; what is lost
     * then is what the future itself loses when dropped.
     *
     * @return the value
     * @throws IllegalStateException if called on a scheduler worker, inside a poll
     * @throws dev.weft.task.CancelledException if the calling task was aborted, or a
     *     thread outside every task was interrupted while it waited
     */
    default T await() {
        return Awaiting.await(this);
    }

    /**
     * A future of {@code mapper} applied to this future's value.
     *
     * <p>Cancel safety: as cancel safe as this future; the mapper runs only once the
     * value is there.
     */
    default <R> Future<R> map(Function<? super T, ? extends R> mapper) {
        return new MapFuture<>(this, Objects.requireNonNull(mapper, "mapper"));
    }

    /**
     * A future that awaits this one, then the future {@code next} makes of its value
     * (a flat map: "then await another").
     *
     * <p>Cancel safety: dropping it drops whichever of the two is running. If this
     * future had completed, its value is lost with the dropped second future.
     *
     * <p>Each {@code map} and {@code andThen} wraps the future before it, and a poll
     * goes through every wrapper: a chain built in a loop (thousands of
     * {@code f = f.andThen(...)}) makes polls as deep as the chain, and a deep
     * enough one overflows the stack. Repeat a step with {@link Loop#loop} instead,
     * which runs one step at a time at constant depth.
     */
    default <R> Future<R> andThen(Function<? super T, ? extends Future<R>> next) {
        return new AndThen<>(this, Objects.requireNonNull(next, "next"));
    }

    /**
     * A future with this one's value, or, if it fails, the value {@code handler}
     * makes of the exception. An exception thrown by the handler fails the future.
     * Cancellation of a thread task is not an error and is not recovered.
     *
     * <p>Cancel safety: as cancel safe as this future.
     */
    default Future<T> recover(Function<? super Throwable, ? extends T> handler) {
        return new Recover<>(this, Objects.requireNonNull(handler, "handler"));
    }

    /**
     * A future that is ready at once with {@code value}.
     *
     * <p>Cancel safety: cancel safe; it holds nothing.
     */
    static <T> Future<T> ready(T value) {
        return Immediate.value(value);
    }

    /**
     * A future that fails at once with {@code error} (checked or not).
     *
     * <p>Cancel safety: cancel safe; it holds nothing.
     */
    static <T> Future<T> failed(Throwable error) {
        return Immediate.failure(Objects.requireNonNull(error, "error"));
    }

    /**
     * A future that never completes; a branch that keeps a {@link Select} waiting.
     *
     * <p>Cancel safety: cancel safe; it holds nothing.
     */
    static <T> Future<T> never() {
        return Never.instance();
    }

    /**
     * A future from a poll function: Rust's {@code poll_fn}. The function is called
     * on each poll, with the same contract as {@link #poll(Context)}.
     *
     * <p>Cancel safety: the function is simply not called again; it decides what
     * state it keeps.
     */
    static <T> Future<T> pollFn(Function<Context, Poll<T>> poll) {
        return new PollFn<>(Objects.requireNonNull(poll, "poll"));
    }

    /**
     * A view of {@code future} for a select in a loop (Rust's {@code &mut fut}):
     * polling the view polls {@code future}; dropping the view does <em>not</em> drop
     * it. The caller keeps owning {@code future}, polls it again in the next
     * iteration, and drops it when it is no longer wanted.
     *
     * <pre>{@code
     * Future<Report> report = async(() -> buildReport());     // made once
     * Interval ticks = Time.interval(Duration.ofSeconds(1));
     * while (true) {
     *     var done = select(on(Future.borrow(report), r -> r),
     *                       on(ticks.tick(), t -> null)).await();
     *     if (done != null) break;                             // a tick did not cancel it
     * }
     * }</pre>
     *
     * <p>Cancel safety: dropping the view loses nothing; the borrowed future keeps its
     * state.
     */
    static <T> Future<T> borrow(Future<T> future) {
        Objects.requireNonNull(future, "future");
        return future::poll;
    }

    /**
     * A future that completes when {@code stage} does, with its value or its
     * exception (unwrapped from {@code CompletionException}).
     *
     * <p>Cancel safety: cancel safe; dropping it leaves the stage alone (it is not
     * cancelled) and forgets the wake-up it had registered. The callback it attached
     * to the stage stays there until the stage completes ({@code CompletionStage}
     * offers no way to remove one), holding a few bytes but not this future.
     */
    static <T> Future<T> fromStage(CompletionStage<T> stage) {
        return new FromStage<>(Objects.requireNonNull(stage, "stage"));
    }
}
