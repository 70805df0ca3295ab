package dev.weft.examples;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.JoinSet;

/**
 * A set of tasks joined as they finish: Tokio's {@code JoinSet}.
 *
 * <pre>{@code
 * let mut set = JoinSet::new();
 * for i in 1..=10 { set.spawn(async move { i * i }); }
 * let mut sum = 0;
 * while let Some(res) = set.join_next().await { sum += res?; }
 * }</pre>
 *
 * <p>{@code joinNext()} gives each task's finished handle in the order the tasks
 * finish, and {@code null} once the set is empty. Closing the set (like dropping a
 * Tokio {@code JoinSet}) aborts what is still running; {@code joinAll()} aborts the
 * rest when one task fails.
 */
public final class JoinSetExample {
    private JoinSetExample() {
    }

    /** The example's observable result. */
    record Outcome(int sumOfSquares, int joined, String failure, int leftAfterShutdown) {
    }

    public static Outcome run() {
        return Runtime.main(() -> {
            int sum = 0;
            int joined = 0;
            try (var set = new JoinSet<Integer>()) {
                for (int i = 1; i <= 10; i++) {
                    int n = i;
                    set.spawn(() -> n * n);
                }
                for (JoinHandle<Integer> done; (done = set.joinNext().await()) != null; ) {
                    sum += done.await();                 // ready at once; throws JoinError if the task failed
                    joined++;
                }
            }

            // One task fails: joinAll throws its JoinError and aborts the others, which wait forever.
            String failure;
            int left;
            try (var set = new JoinSet<Integer>()) {
                set.spawn(() -> Future.<Integer>never().await());
                set.spawn(() -> Future.<Integer>never().await());
                set.spawn(() -> {
                    throw new IllegalArgumentException("bad input");
                });
                try {
                    set.joinAll().await();
                    failure = "none";
                } catch (JoinError e) {
                    failure = e.getCause().getMessage();
                }
                set.shutdown().await();                  // abort the rest and wait until all have ended
                left = set.size();
            }
            return new Outcome(sum, joined, failure, left);
        });
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("joinNext loop      : sum of squares 1..10 = " + o.sumOfSquares() + " from " + o.joined()
                + " tasks");
        System.out.println("joinAll            : failed with '" + o.failure() + "', tasks left after shutdown: "
                + o.leftAfterShutdown() + " (the WARNING above is the runtime's default policy logging the failed"
                + " task, as Rust prints a panic)");
    }
}
