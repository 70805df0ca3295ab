package dev.weft.examples;

import static dev.weft.Async.async;
import static dev.weft.Select.on;
import static dev.weft.Select.select;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Clock;
import dev.weft.time.Instant;
import dev.weft.time.Time;
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
 * it; when the {@link Time#sleep sleep} wins, dropping the fetch aborts that child,
 * whose await then throws {@link CancelledException}. When the fetch wins, the
 * dropped sleep takes its timer out of the runtime's wheel. The fetch's failure
 * travels as an exception, as Rust's {@code Err}; so does the timeout.
 *
 * <p>{@link #run()} starts its runtime with the clock paused (Tokio's
 * {@code start_paused}): as soon as every task is waiting, the clock jumps to the
 * next timer, so the five seconds of the silent server pass at once, and exactly.
 * On a runtime with a running clock ({@code Runtime.main}) they are five real
 * seconds. For a {@code select} with a timeout branch kept across the rounds of a
 * loop, see {@link TimeoutExample}.
 */
public final class SelectExample {
    private SelectExample() {
    }

    /**
     * {@code fetch_with_timeout}: the fetch's body, or {@link TimeoutException} if it
     * takes more than five seconds. Must run on a runtime with time enabled.
     */
    static String fetchWithTimeout(Future<String> fetch) throws TimeoutException {
        return select(
                on(fetch, body -> body),
                on(Time.sleep(Duration.ofSeconds(5)), __ -> {
                    throw new TimeoutException("timeout");
                }))
            .await();
    }

    /** A simulated server: it answers when {@link #answer} is completed, which may be never. */
    static final class Server {
        final CompletableFuture<String> answer = new CompletableFuture<>();
        /** Completed by the fetch when it was cancelled while waiting for the answer. */
        final CompletableFuture<String> fetchCancelled = new CompletableFuture<>();

        /** {@code fetch_data(url)}: sends the request, then waits for the answer. */
        Future<String> fetchData(String url) {
            return async(() -> {
                try {
                    return Future.fromStage(answer).await() + " from " + url;
                } catch (CancelledException e) {
                    fetchCancelled.complete(e.getMessage());  // the loser's child task was aborted here
                    throw e;                                  // let the cancellation travel up
                }
            });
        }
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

    /**
     * The example's observable result. The durations are read on the runtime's clock;
     * {@code timersLeft} counts the timers still in its wheel after both races.
     */
    record Outcome(String fastServer, Duration fastServerTook, String slowServer, Duration slowServerTook,
            String slowFetchCancelled, int timersLeft, int biasedShutdownWins, int rounds, int fairShutdownWins,
            List<String> collected) {
    }

    /** Runs the example on a runtime whose clock starts paused: the five-second timeout takes no real time. */
    public static Outcome run() {
        try (Runtime rt = Runtime.builder().startPaused(true).build()) {
            return run(rt);
        }
    }

    /** Runs the example on {@code runtime}, which must have time enabled. */
    public static Outcome run(Runtime runtime) {
        return runtime.blockOn(() -> {
            // 1. The server answers: the fetch wins, the sleep is dropped and leaves the timer wheel.
            Server fast = new Server();
            fast.answer.complete("200 OK");
            Instant start = Instant.now();
            String ok = fetchWithTimeout(fast.fetchData("https://example.com"));
            Duration fastTook = start.elapsed();

            // 2. The server never answers: the sleep wins, the fetch's child task is cancelled.
            Server slow = new Server();
            String timedOut;
            start = Instant.now();
            try {
                timedOut = fetchWithTimeout(slow.fetchData("https://example.org"));
            } catch (TimeoutException e) {
                timedOut = "Err(" + e.getMessage() + ")";
            }
            Duration slowTook = start.elapsed();
            String cancelled = Future.fromStage(slow.fetchCancelled).await();
            int timersLeft = Clock.current().pendingTimers();

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

            return new Outcome(ok, fastTook, timedOut, slowTook, cancelled, timersLeft, biased, rounds, fair, both);
        });
    }

    public static void main(String[] args) {
        long realStart = System.nanoTime();
        Outcome o = run();
        long realMillis = (System.nanoTime() - realStart) / 1_000_000;
        System.out.println("server answers     : " + o.fastServer() + " after " + o.fastServerTook().toMillis() + " ms");
        System.out.println("server is silent   : " + o.slowServer() + " after " + o.slowServerTook().toMillis()
                + " ms on the paused clock (the whole example took " + realMillis + " ms of real time)");
        System.out.println("the losing fetch   : " + o.slowFetchCancelled());
        System.out.println("timers left        : " + o.timersLeft() + " (each losing sleep left the wheel)");
        System.out.println("biased select      : shutdown won " + o.biasedShutdownWins() + " of " + o.rounds());
        System.out.println("fair select        : shutdown won " + o.fairShutdownWins() + " of " + o.rounds());
        System.out.println("if / else branches : collected " + o.collected() + ", then else => break");
    }
}
