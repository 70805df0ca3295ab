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
 *
 * <p><b>Not cancel safe, even around cancel-safe calls.</b> Polled beside others,
 * the block's child task runs on its own, not only while it is polled (where a Rust
 * {@code async} block runs only inside its polls). So a block dropped by a select
 * may already have finished its work: {@code on(async(() -> rx.recv().await()), h)}
 * loses every message whose receive completed in the child before the select
 * chose another branch. And the drop only aborts the child: the code it is running
 * goes on, concurrently with the caller, until its next await throws. In a select,
 * put the cancel-safe future itself in the branch ({@code on(rx.recv(), h)}), or
 * spawn the work and select on its {@code JoinHandle}, whose drop only detaches it.
 */
public final class Async {
    private Async() {
    }

    /**
     * A lazy future of {@code body}'s value.
     *
     * <p>Cancel safety: not cancel safe. Dropping it aborts the child task running the
     * block, which goes on until its next await and stops there; what the block had
     * done until then, a value it received included, stays done and is lost with it
     * (see the class documentation).
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
