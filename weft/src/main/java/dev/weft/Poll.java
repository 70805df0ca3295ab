package dev.weft;

import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.function.Function;

/**
 * The answer of one {@link Future#poll(Context) poll}: either the future's value
 * ({@linkplain #ready(Object) ready}) or {@linkplain #pending() pending}.
 *
 * <p>A pending answer is a promise from the future: it has arranged for the
 * {@linkplain Context#waker() waker} of the context it was polled with to be woken
 * once it can make progress. Returning pending without having arranged a wake-up
 * leaves the task asleep forever.
 *
 * <p>{@code Poll} is immutable and safe to share. The pending instance is a
 * singleton, so {@code poll.isPending()} and {@code poll == Poll.pending()} agree.
 *
 * @param <T> the type of the future's value
 */
public final class Poll<T> {
    private static final Poll<?> PENDING = new Poll<>(null, false);
    private static final Poll<?> READY_NULL = new Poll<>(null, true);

    private final T value;
    private final boolean ready;

    private Poll(T value, boolean ready) {
        this.value = value;
        this.ready = ready;
    }

    /** A ready answer carrying {@code value} (which may be {@code null}). */
    @SuppressWarnings("unchecked")
    public static <T> Poll<T> ready(T value) {
        return value == null ? (Poll<T>) READY_NULL : new Poll<>(value, true);
    }

    /** The pending answer: not done yet, a wake-up has been arranged. */
    @SuppressWarnings("unchecked")
    public static <T> Poll<T> pending() {
        return (Poll<T>) PENDING;
    }

    /** Whether the future completed with a value. */
    public boolean isReady() {
        return ready;
    }

    /** Whether the future is not done yet. */
    public boolean isPending() {
        return !ready;
    }

    /**
     * The value of a ready answer.
     *
     * @throws NoSuchElementException if this answer is pending; check {@link #isReady()} first
     */
    public T value() {
        if (!ready) {
            throw new NoSuchElementException("Poll.value() on a pending poll: check isReady() first");
        }
        return value;
    }

    /** A ready answer with {@code mapper} applied to the value; pending stays pending. */
    public <R> Poll<R> map(Function<? super T, ? extends R> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return ready ? ready(mapper.apply(value)) : pending();
    }

    @Override
    public String toString() {
        return ready ? "Ready(" + value + ")" : "Pending";
    }
}
