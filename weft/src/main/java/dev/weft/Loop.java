package dev.weft;

import dev.weft.internal.future.LoopFuture;
import java.util.Objects;
import java.util.function.Function;

/**
 * A future that repeats an asynchronous step until the step says it is done: a
 * loop written without a thread, for future tasks.
 *
 * <pre>{@code
 * // Sum the numbers a source hands out, one future per number, until it runs dry.
 * Future<Integer> total = Loop.loop(0, sum ->
 *         source.next().map(n -> n == null ? Loop.done(sum) : Loop.next(sum + n)));
 * }</pre>
 *
 * <p>Each iteration takes one unit of the task's cooperative budget, so a loop whose
 * steps are always ready still lets the other tasks run. The loop holds one step at
 * a time: a million iterations poll no deeper than one, where a chain of a million
 * {@code andThen} calls would overflow the stack.
 */
public final class Loop {
    private Loop() {
    }

    /** What a step decided: go on with a new state, or stop with a value. */
    public sealed interface Step<S, T> permits Next, Done {
    }

    /** Go on with {@code state}. */
    public record Next<S, T>(S state) implements Step<S, T> {
    }

    /** Stop with {@code value}. */
    public record Done<S, T>(T value) implements Step<S, T> {
    }

    /** A step that continues the loop with {@code state}. */
    public static <S, T> Step<S, T> next(S state) {
        return new Next<>(state);
    }

    /** A step that ends the loop with {@code value}. */
    public static <S, T> Step<S, T> done(T value) {
        return new Done<>(value);
    }

    /**
     * A future that awaits {@code step.apply(state)} again and again, from
     * {@code initial}, until a step is {@link #done(Object) done}.
     *
     * <p>Cancel safety: dropping it drops the step in progress; the state of the
     * iterations before is lost with it.
     */
    public static <S, T> Future<T> loop(S initial, Function<? super S, ? extends Future<Step<S, T>>> step) {
        return new LoopFuture<>(initial, Objects.requireNonNull(step, "step"));
    }
}
