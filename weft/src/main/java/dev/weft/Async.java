package dev.weft;

import dev.weft.internal.Bodies;
import dev.weft.internal.future.AsyncBlock;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * Async blocks: a block of direct-style code as a lazy future, Rust's
 * {@code async { ... }}.
 *
 * <pre>{@code
 * Future<User> user = async(() -> fetchUser(id));    // nothing runs yet
 * User u = user.await();                              // runs inline, on this thread
 *
 * var both = join(async(() -> fetchUsers()),          // each runs as a child task,
 *                 async(() -> fetchOrders())).await(); // concurrently
 * }</pre>
 *
 * <p>Nothing runs until the block is awaited or polled. Awaited alone, it runs
 * inline on the awaiting thread, with no task and no thread created. Polled by a
 * combinator (a {@link Join}, a {@link Select}) or spawned, it runs as a child
 * thread task on the current runtime, which makes the branches of a join truly
 * concurrent; dropping it (a select branch that lost) aborts that child, whose next
 * await then throws {@link dev.weft.task.CancelledException}. The child sees the
 * {@link dev.weft.task.TaskLocal} values of the code that first polled it. The block
 * runs at most once.
 *
 * <p>A failure of the block (checked exceptions included) is the future's failure,
 * thrown as it was thrown.
 */
public final class Async {
    private Async() {
    }

    /**
     * A lazy future of {@code body}'s value.
     *
     * <p>Cancel safety: dropping it aborts the child task running the block, which
     * stops at its next await; what the block had done until then stays done.
     */
    public static <T> Future<T> async(Callable<T> body) {
        return new AsyncBlock<>(Objects.requireNonNull(body, "body"));
    }

    /**
     * A lazy future of a block with no value.
     *
     * <p>Cancel safety: as {@link #async(Callable)}.
     */
    public static Future<Void> async(CheckedRunnable body) {
        return new AsyncBlock<>(Bodies.callable(body));
    }
}
