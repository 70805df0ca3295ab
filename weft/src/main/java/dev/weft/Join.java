package dev.weft;

import dev.weft.internal.future.JoinAll;
import java.util.Arrays;
import java.util.List;

/**
 * Awaiting several futures at once, from one task: Tokio's {@code join!} and
 * {@code try_join!}.
 *
 * <pre>{@code
 * var all = join(fetchUsers(), fetchOrders(), fetchInventory()).await();
 * var users = all.first();
 * var orders = all.second();
 * var inventory = all.third();
 * }</pre>
 *
 * <p>The futures are polled concurrently by the task awaiting the join: no task is
 * spawned for them (an {@link Async#async async block} among them runs as a child
 * task). Writing {@code a.await(); b.await();} instead runs them one after the
 * other: the seed's "accidental sequential execution".
 *
 * <ul>
 *   <li>{@code join}: waits for every future. If some failed, the first failure is
 *       thrown once all are done, the later ones attached as suppressed.</li>
 *   <li>{@code tryJoin}: the first failure drops every future still running and is
 *       thrown at once.</li>
 * </ul>
 * After a wake-up only the futures that were woken are polled again, so a join over
 * many futures costs in proportion to their number.
 *
 * <p>A {@code join} whose futures are all task handles ({@link dev.weft.task.JoinHandle}
 * from a spawn) waits for them in the list's order: the tasks run by themselves, so
 * this loses no concurrency and costs no waker per task. A failure thrown at the end
 * is then the first in the list's order. A {@code tryJoin} always watches every
 * future, so that it fails as soon as one does.
 *
 * <p>A task handle keeps the waker of its latest poll only. So where a join watches
 * every future (a {@code tryJoin}, or a join that mixes handles with other futures),
 * the same handle listed twice is refused with an {@link IllegalArgumentException}
 * (the futures are dropped first); a future built on a handle ({@code h.map(..)})
 * listed twice is not detected and would never be woken for one of the two: list
 * each once.
 */
public final class Join {
    private Join() {
    }

    /** The values of two joined futures. */
    public record Tuple2<A, B>(A first, B second) {
    }

    /** The values of three joined futures. */
    public record Tuple3<A, B, C>(A first, B second, C third) {
    }

    /** The values of four joined futures. */
    public record Tuple4<A, B, C, D>(A first, B second, C third, D fourth) {
    }

    /** The values of five joined futures. */
    public record Tuple5<A, B, C, D, E>(A first, B second, C third, D fourth, E fifth) {
    }

    /**
     * Both values, once both futures completed.
     *
     * <p>Cancel safety: dropping the join drops every future still running; values
     * already produced are lost.
     *
     * @throws IllegalArgumentException if a task handle is listed twice where the join
     *         must watch every future (see the class notes)
     */
    public static <A, B> Future<Tuple2<A, B>> join(Future<A> a, Future<B> b) {
        return all(false, a, b).map(v -> new Tuple2<>(cast(v[0]), cast(v[1])));
    }

    /** Three values. Cancel safety: as {@link #join(Future, Future)}: dropping it drops the futures still running. */
    public static <A, B, C> Future<Tuple3<A, B, C>> join(Future<A> a, Future<B> b, Future<C> c) {
        return all(false, a, b, c).map(v -> new Tuple3<>(cast(v[0]), cast(v[1]), cast(v[2])));
    }

    /** Four values. Cancel safety: as {@link #join(Future, Future)}: dropping it drops the futures still running. */
    public static <A, B, C, D> Future<Tuple4<A, B, C, D>> join(Future<A> a, Future<B> b, Future<C> c, Future<D> d) {
        return all(false, a, b, c, d).map(v -> new Tuple4<>(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3])));
    }

    /** Five values. Cancel safety: as {@link #join(Future, Future)}: dropping it drops the futures still running. */
    public static <A, B, C, D, E> Future<Tuple5<A, B, C, D, E>> join(
            Future<A> a, Future<B> b, Future<C> c, Future<D> d, Future<E> e) {
        return all(false, a, b, c, d, e)
                .map(v -> new Tuple5<>(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3]), cast(v[4])));
    }

    /**
     * Every value, in the order of {@code futures}, once all completed.
     *
     * <p>Cancel safety: as {@link #join(Future, Future)}.
     *
     * @throws IllegalArgumentException if a task handle is listed twice where the join
     *         must watch every future (see the class notes)
     */
    public static <T> Future<List<T>> joinAll(List<? extends Future<? extends T>> futures) {
        return all(false, futures.toArray(new Future<?>[0])).map(Join::asList);
    }

    /**
     * Both values; the first failure drops the other future and is thrown at once.
     *
     * <p>Cancel safety: dropping it drops every future still running.
     *
     * @throws IllegalArgumentException if the same task handle is given twice (see the
     *         class notes)
     */
    public static <A, B> Future<Tuple2<A, B>> tryJoin(Future<A> a, Future<B> b) {
        return all(true, a, b).map(v -> new Tuple2<>(cast(v[0]), cast(v[1])));
    }

    /** Three values, failing fast. Cancel safety: dropping it drops the futures still running. */
    public static <A, B, C> Future<Tuple3<A, B, C>> tryJoin(Future<A> a, Future<B> b, Future<C> c) {
        return all(true, a, b, c).map(v -> new Tuple3<>(cast(v[0]), cast(v[1]), cast(v[2])));
    }

    /** Four values, failing fast. Cancel safety: dropping it drops the futures still running. */
    public static <A, B, C, D> Future<Tuple4<A, B, C, D>> tryJoin(Future<A> a, Future<B> b, Future<C> c, Future<D> d) {
        return all(true, a, b, c, d).map(v -> new Tuple4<>(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3])));
    }

    /** Five values, failing fast. Cancel safety: dropping it drops the futures still running. */
    public static <A, B, C, D, E> Future<Tuple5<A, B, C, D, E>> tryJoin(
            Future<A> a, Future<B> b, Future<C> c, Future<D> d, Future<E> e) {
        return all(true, a, b, c, d, e)
                .map(v -> new Tuple5<>(cast(v[0]), cast(v[1]), cast(v[2]), cast(v[3]), cast(v[4])));
    }

    /**
     * Every value in order; the first failure drops the rest and is thrown at once.
     *
     * <p>Cancel safety: dropping it drops every future still running.
     *
     * @throws IllegalArgumentException if a task handle is listed twice where the join
     *         must watch every future (see the class notes)
     */
    public static <T> Future<List<T>> tryJoinAll(List<? extends Future<? extends T>> futures) {
        return all(true, futures.toArray(new Future<?>[0])).map(Join::asList);
    }

    private static Future<Object[]> all(boolean failFast, Future<?>... futures) {
        for (int i = 0; i < futures.length; i++) {
            if (futures[i] == null) { // the message is built only when thrown: a join of 100,000 paid for 100,000
                throw new NullPointerException("future " + i + " of the join is null");
            }
        }
        return new JoinAll(futures, failFast);
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }

    @SuppressWarnings("unchecked")
    private static <T> List<T> asList(Object[] values) {
        return (List<T>) Arrays.asList(values);
    }
}
