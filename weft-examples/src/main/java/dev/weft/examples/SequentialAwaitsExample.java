package dev.weft.examples;

import static dev.weft.Join.join;

import dev.weft.runtime.Runtime;
import java.time.Duration;

/**
 * Pitfall: accidental sequential execution.
 *
 * <pre>{@code
 * let a = foo().await;   // runs foo to the end...
 * let b = bar().await;   // ...and only then starts bar
 *
 * let (a, b) = join!(foo(), bar());   // both at once
 * }</pre>
 *
 * <p>In Weft as in Rust, {@code a.await(); b.await();} is sequential: the second
 * future is not even started before the first is done. The fetches below are those
 * of {@link JoinExample}; the backend counts how many calls are in flight at once.
 */
public final class SequentialAwaitsExample {
    private SequentialAwaitsExample() {
    }

    /** The accidental version: three awaits in a row. */
    static JoinExample.Dashboard fetchAllSequentially(JoinExample backend) {
        var users = backend.fetchUsers().await();
        var orders = backend.fetchOrders().await();
        var inventory = backend.fetchInventory().await();
        return new JoinExample.Dashboard(users, orders, inventory);
    }

    /** The fix: one join. */
    static JoinExample.Dashboard fetchAllConcurrently(JoinExample backend) {
        var all = join(backend.fetchUsers(), backend.fetchOrders(), backend.fetchInventory()).await();
        return new JoinExample.Dashboard(all.first(), all.second(), all.third());
    }

    /** One way of fetching, measured. */
    record Measured(JoinExample.Dashboard dashboard, int peakInFlight, Duration elapsed) {
    }

    /** The example's observable result: the same data, fetched one way and the other. */
    record Outcome(Measured sequential, Measured joined) {
    }

    /** Fetches sequentially over {@code sequentialNetwork}, then with a join over {@code joinedNetwork}. */
    static Outcome run(JoinExample.Network sequentialNetwork, JoinExample.Network joinedNetwork) {
        return Runtime.main(() -> {
            JoinExample first = new JoinExample(sequentialNetwork);
            long t0 = System.nanoTime();
            var seq = fetchAllSequentially(first);
            long t1 = System.nanoTime();
            JoinExample second = new JoinExample(joinedNetwork);
            var joined = fetchAllConcurrently(second);
            long t2 = System.nanoTime();
            return new Outcome(new Measured(seq, first.peakInFlight(), Duration.ofNanos(t1 - t0)),
                    new Measured(joined, second.peakInFlight(), Duration.ofNanos(t2 - t1)));
        });
    }

    public static void main(String[] args) {
        JoinExample.Network network = JoinExample.Network.withLatency(Duration.ofMillis(100));
        Outcome o = run(network, network);
        System.out.println("sequential awaits  : " + o.sequential().elapsed().toMillis() + " ms, at most "
                + o.sequential().peakInFlight() + " call in flight");
        System.out.println("join               : " + o.joined().elapsed().toMillis() + " ms, at most "
                + o.joined().peakInFlight() + " calls in flight");
        System.out.println("same data          : " + o.sequential().dashboard().equals(o.joined().dashboard()));
    }
}
