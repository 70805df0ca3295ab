package dev.weft.examples;

import static dev.weft.Async.async;
import static dev.weft.Select.on;
import static dev.weft.Select.select;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Racing futures with select: the seed's {@code fetch_with_timeout}, a biased
 * select, and the {@code else} branch.
 *
 * <pre>{@code
 * async fn fetch_with_timeout() -> Result<String, &'static str> {
 *     select! {
 *         result = fetch_data("https://example.com") => {
 *             result.map_err(|_| "fetch failed")
 *         }
 *         _ = sleep(Duration::from_secs(5)) => {
 *             Err("timeout")
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>The first branch to be ready wins and the others are <em>dropped</em>. The
 * fetch below is an async block, so it runs as a child task while the select polls
 * it; when the timeout wins, dropping the fetch aborts that child, whose await then
 * throws {@link CancelledException}. The fetch's failure travels as an exception,
 * as Rust's {@code Err}; so does the timeout.
 */
public final class SelectExample {
    private SelectExample() {
    }

    /** {@code fetch_with_timeout}: the fetch's body, or {@link TimeoutException} if the deadline comes first. */
    static String fetchWithTimeout(Future<String> fetch, Future<Void> deadline) throws TimeoutException {
        return select(
                on(fetch, body -> body),
                on(deadline, __ -> {
                    throw new TimeoutException("timeout");
                }))
            .await();
    }

    /** A simulated server: it answers when {@link #answer} is completed, which may be never. */
    static final class Server {
        final CompletableFuture<Void> requestReceived = new CompletableFuture<>();
        final CompletableFuture<String> answer = new CompletableFuture<>();
        /** Completed by the fetch when it was cancelled while waiting for the answer. */
        final CompletableFuture<String> fetchCancelled = new CompletableFuture<>();

        /** {@code fetch_data(url)}: sends the request, then waits for the answer. */
        Future<String> fetchData(String url) {
            return async(() -> {
                requestReceived.complete(null);
                try {
                    return Future.fromStage(answer).await() + " from " + url;
                } catch (CancelledException e) {
                    fetchCancelled.complete(e.getMessage());  // the loser's child task was aborted here
                    throw e;                                  // let the cancellation travel up
                }
            });
        }
    }

    /**
     * The deadline of a fetch: it starts when the request is out (so that, in this
     * example, there always is a running fetch to cancel), and fires {@code d} later.
     */
    static Future<Void> deadline(Server server, Duration d) {
        return Future.fromStage(server.requestReceived).andThen(__ -> Latency.sleep(d));
    }

    /** Two branches ready at once: a biased select always takes the first, shutdown before work. */
    static String nextEvent(Future<String> shutdown, Future<String> work) {
        return select(on(shutdown, s -> "shutdown: " + s), on(work, w -> "work: " + w)).biased().await();
    }

    /**
     * Collects the values of two tasks with preconditions and an else branch:
     * <pre>{@code
     * loop {
     *     select! {
     *         v = &mut a, if !a_done => { a_done = true; seen.push(v) }
     *         v = &mut b, if !b_done => { b_done = true; seen.push(v) }
     *         else => break,
     *     }
     * }
     * }</pre>
     * A {@code JoinHandle} is cancel safe, so the same handles go into every select.
     */
    static List<String> collectBoth(JoinHandle<String> a, JoinHandle<String> b) {
        boolean[] done = new boolean[2];
        List<String> seen = new ArrayList<>();
        for (;;) {
            String v = select(
                    on(a, x -> { done[0] = true; return x; }).when(!done[0]),
                    on(b, x -> { done[1] = true; return x; }).when(!done[1]))
                .orElse(() -> null)                            // else => break
                .await();
            if (v == null) {
                return seen;
            }
            seen.add(v);
        }
    }

    /** The example's observable result. */
    record Outcome(String fastServer, String slowServer, String slowFetchCancelled, int biasedShutdownWins,
            int rounds, int fairShutdownWins, List<String> collected) {
    }

    public static Outcome run() {
        return Runtime.main(() -> {
            // 1. The server answers: the fetch wins, the deadline is dropped.
            Server fast = new Server();
            fast.answer.complete("200 OK");
            String ok = fetchWithTimeout(fast.fetchData("https://example.com"), deadline(fast, Duration.ofSeconds(5)));

            // 2. The server never answers: the deadline wins, the fetch's child task is cancelled.
            Server slow = new Server();
            String timedOut;
            try {
                timedOut = fetchWithTimeout(slow.fetchData("https://example.org"),
                        deadline(slow, Duration.ofMillis(50)));
            } catch (TimeoutException e) {
                timedOut = "Err(" + e.getMessage() + ")";
            }
            String cancelled = Future.fromStage(slow.fetchCancelled).await();

            // 3. Biased and fair selects over two branches that are both ready.
            int rounds = 1_000;
            int biased = 0;
            int fair = 0;
            for (int i = 0; i < rounds; i++) {
                if (nextEvent(Future.ready("ctrl-c"), Future.ready("job")).startsWith("shutdown")) {
                    biased++;
                }
                String e = select(on(Future.ready("ctrl-c"), s -> "shutdown"), on(Future.ready("job"), w -> "work"))
                        .await();
                if (e.equals("shutdown")) {
                    fair++;
                }
            }

            // 4. Preconditions and else.
            List<String> both = collectBoth(Task.spawn(() -> "a"), Task.spawn(() -> "b"));

            return new Outcome(ok, timedOut, cancelled, biased, rounds, fair, both);
        });
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("server answers     : " + o.fastServer());
        System.out.println("server is silent   : " + o.slowServer());
        System.out.println("the losing fetch   : " + o.slowFetchCancelled());
        System.out.println("biased select      : shutdown won " + o.biasedShutdownWins() + " of " + o.rounds());
        System.out.println("fair select        : shutdown won " + o.fairShutdownWins() + " of " + o.rounds());
        System.out.println("if / else branches : collected " + o.collected() + ", then else => break");
    }
}
