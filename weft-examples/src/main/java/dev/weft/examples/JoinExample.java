package dev.weft.examples;

import static dev.weft.Async.async;
import static dev.weft.Join.join;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrency with join: the seed's {@code fetch_all}.
 *
 * <pre>{@code
 * async fn fetch_all() -> anyhow::Result<()> {
 *     // Run concurrently, wait for all to complete
 *     let (users, orders, inventory) = join!(
 *         fetch_users(),
 *         fetch_orders(),
 *         fetch_inventory(),
 *     );
 *     let users = users?;
 *     let orders = orders?;
 *     let inventory = inventory?;
 *     Ok(())
 * }
 * }</pre>
 *
 * <p>Each fetch is an async block. Awaited alone it would run inline; polled by a
 * {@code join} it runs as a child task, so the three round trips overlap: three
 * calls of 100 ms each take about 100 ms together. A failed fetch is thrown by the
 * join's {@code await()} once all three are done (Rust's {@code ?}); {@code tryJoin}
 * throws at the first failure and drops the others.
 */
public final class JoinExample {

    /** The simulated backend's round trip: how one call waits for its answer. */
    @FunctionalInterface
    public interface Network {
        /** Waits for the answer to {@code call}. */
        void roundTrip(String call) throws Exception;

        /** A round trip of {@code latency}: a {@link Time#sleep sleep} on the runtime's clock. */
        static Network withLatency(Duration latency) {
            return call -> Time.sleep(latency).await();
        }
    }

    private final Network network;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();

    public JoinExample(Network network) {
        this.network = network;
    }

    /**
     * {@code async fn fetch_users()}.
     *
     * <p>Cancel safety: dropping it aborts the call in flight; nothing was received yet, so nothing is lost.
     */
    public Future<List<String>> fetchUsers() {
        return async(() -> call("users", List.of("ada", "grace", "linus")));
    }

    /**
     * {@code async fn fetch_orders()}.
     *
     * <p>Cancel safety: dropping it aborts the call in flight; nothing was received yet, so nothing is lost.
     */
    public Future<List<String>> fetchOrders() {
        return async(() -> call("orders", List.of("order-1", "order-2")));
    }

    /**
     * {@code async fn fetch_inventory()}.
     *
     * <p>Cancel safety: dropping it aborts the call in flight; nothing was received yet, so nothing is lost.
     */
    public Future<Map<String, Integer>> fetchInventory() {
        return async(() -> call("inventory", Map.of("spoons", 12, "forks", 7)));
    }

    /** What {@code fetch_all} gathered. */
    public record Dashboard(List<String> users, List<String> orders, Map<String, Integer> inventory) {
    }

    /** {@code fetch_all}: the three fetches run concurrently. Must run inside a runtime. */
    public Dashboard fetchAll() {
        var all = join(fetchUsers(), fetchOrders(), fetchInventory()).await();
        return new Dashboard(all.first(), all.second(), all.third());
    }

    /** The most calls that were in flight at the same time so far. */
    public int peakInFlight() {
        return peakInFlight.get();
    }

    private <T> T call(String name, T answer) throws Exception {
        peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            network.roundTrip(name);
            return answer;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** The example's observable result. */
    public record Outcome(Dashboard dashboard, int peakInFlight, Duration elapsed) {
    }

    /** Runs {@code fetch_all} over {@code network} on a runtime of its own. */
    public static Outcome run(Network network) {
        JoinExample backend = new JoinExample(network);
        return Runtime.main(() -> {
            long start = System.nanoTime();
            Dashboard d = backend.fetchAll();
            return new Outcome(d, backend.peakInFlight(), Duration.ofNanos(System.nanoTime() - start));
        });
    }

    public static void main(String[] args) {
        Outcome o = run(Network.withLatency(Duration.ofMillis(100)));
        System.out.println("fetched            : " + o.dashboard());
        System.out.println("calls in flight    : at most " + o.peakInFlight() + " at once");
        System.out.println("3 x 100 ms took    : " + o.elapsed().toMillis() + " ms (concurrent: about 100 ms)");
    }
}
