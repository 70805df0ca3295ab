package dev.weft.examples;

import static dev.weft.Select.on;
import static dev.weft.Select.select;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import dev.weft.time.Elapsed;
import dev.weft.time.Instant;
import dev.weft.time.Sleep;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Best practice: "Prefer {@code select!} with a timeout branch over
 * {@code tokio::time::timeout} for more control over cancellation."
 *
 * <pre>{@code
 * // timeout: when the time is up, the download is dropped, and the chunks it had with it.
 * match timeout(Duration::from_secs(5), download(&server)).await {
 *     Ok(file) => save(file),
 *     Err(_elapsed) => start_again(),
 * }
 *
 * // select with a timeout branch: the same download lives across the rounds;
 * // each time the timer fires, look at its progress and decide.
 * let mut download = download(&server);
 * let check = sleep(Duration::from_secs(5));
 * tokio::pin!(check);
 * let mut last = 0;
 * loop {
 *     select! {
 *         file = &mut download => break Ok(file),
 *         _ = &mut check => {
 *             if download.received() == last { break Err(download.partial()) }  // stalled: cancel, keep the part
 *             last = download.received();
 *             check.as_mut().reset(check.deadline() + Duration::from_secs(5));   // progressing: 5 s more
 *         }
 *     }
 * }
 * }</pre>
 *
 * <p>{@link Time#timeout Time.timeout(d, future)} is one line, and right when the
 * future loses nothing by being dropped. But when the time is up the future is
 * dropped with everything it held: the chunks of a half-read message, a request's
 * place in a queue. The only choice left is to start again.
 *
 * <p>A select whose other branch is a {@link Sleep} leaves the decision to the
 * caller. The download is made once, outside the loop, and each round passes
 * {@link Future#borrow(Future) Future.borrow(download)}, so losing a round does not
 * drop it; the sleep is borrowed too, and {@linkplain Sleep#reset reset} after it
 * fires. When the timer fires the loop can read the download's progress, report
 * it, give it more time, or cancel it on purpose, keeping what it had received.
 * Both futures belong to the loop, which drops them when it ends. An
 * {@link dev.weft.time.Interval Interval}'s {@code tick()} serves as well as a
 * reset sleep: it is cancel safe.
 *
 * <p>The server sends a chunk every two seconds. {@link #run()} starts its runtime
 * with the clock paused, so the example's 28 seconds of waiting take no real time,
 * and every duration it reports is exact.
 */
public final class TimeoutExample {
    private TimeoutExample() {
    }

    /** How long the server takes for each chunk. */
    static final Duration CHUNK_EVERY = Duration.ofSeconds(2);
    /** The time limit of {@code timeout}, and the period of the select loop's check. */
    static final Duration LIMIT = Duration.ofSeconds(5);
    /** The file the server sends, chunk by chunk. */
    static final List<String> FILE = List.of("The slow ", "server's ", "whole ", "file.");

    /** A simulated slow server: it sends {@link #FILE} one chunk at a time, and may stall. */
    static final class Server {
        private final int stallsAfter;
        private final AtomicInteger sent = new AtomicInteger();

        private Server(int stallsAfter) {
            this.stallsAfter = stallsAfter;
        }

        /** A server that sends the whole file. */
        static Server steady() {
            return new Server(FILE.size());
        }

        /** A server that sends {@code chunks} chunks, then never answers again. */
        static Server stallingAfter(int chunks) {
            return new Server(chunks);
        }

        /** The chunks sent so far, to every download. */
        int sent() {
            return sent.get();
        }

        /** The wait for chunk {@code i}: a sleep, or forever once the server stalls. */
        Future<Void> nextChunkArrives(int i) {
            return i < stallsAfter ? Time.sleep(CHUNK_EVERY) : Future.never();
        }

        String send(int i) {
            sent.incrementAndGet();
            return FILE.get(i);
        }
    }

    /**
     * A download in progress: a future of the whole file that holds the chunks received
     * so far. While it is alive, its owner can read its progress.
     *
     * <p>Cancel safety: not cancel safe. Dropped before it completes, it discards the
     * chunks it received; take {@link #partial()} first to keep them.
     */
    static final class Download implements Future<String> {
        private final Server server;
        private final List<String> received = new ArrayList<>();
        /** The wait for the next chunk; {@code null} between chunks. */
        private Future<Void> next;

        Download(Server server) {
            this.server = server;
        }

        @Override
        public Poll<String> poll(Context cx) {
            for (;;) {
                if (received.size() == FILE.size()) {
                    return Poll.ready(String.join("", received));
                }
                if (next == null) {
                    next = server.nextChunkArrives(received.size());
                }
                if (next.poll(cx).isPending()) {
                    return Poll.pending();
                }
                next = null;
                received.add(server.send(received.size()));
            }
        }

        /** The chunks received so far. */
        int received() {
            return received.size();
        }

        /** What has arrived of the file so far. */
        String partial() {
            return String.join("", received);
        }

        /**
         * Stops waiting for the next chunk (its timer leaves the wheel) and discards the
         * chunks received; a completed download has nothing to drop.
         */
        @Override
        public void drop() {
            if (next != null) {
                next.drop();
                next = null;
                received.clear();
            }
        }
    }

    /**
     * What one way of waiting got, on the runtime's clock.
     *
     * @param result     {@code "complete"}, {@code "cancelled"} or the {@link Elapsed} message
     * @param kept       what the caller has of the file at the end
     * @param chunksSent the chunks the server sent for it
     * @param reports    the progress reports of the select loop, one per check
     * @param took       how long it waited
     */
    record Attempt(String result, String kept, int chunksSent, List<String> reports, Duration took) {
    }

    /** {@code timeout}: the whole file within five seconds, or nothing. */
    static Attempt withTimeout(Server server) {
        Instant start = Instant.now();
        try {
            String file = Time.timeout(LIMIT, new Download(server)).await();
            return new Attempt("complete", file, server.sent(), List.of(), start.elapsed());
        } catch (Elapsed e) {
            // The download was dropped, and the chunks it held with it: the caller has nothing.
            return new Attempt(e.getMessage(), "", server.sent(), List.of(), start.elapsed());
        }
    }

    /**
     * Select with a timeout branch: every five seconds, check the download's progress.
     * Progressing, it gets five seconds more; stalled for a whole round, it is cancelled,
     * and what it had received is kept (a later request could resume from there).
     */
    static Attempt withSelectLoop(Server server) {
        Instant start = Instant.now();
        Download download = new Download(server);                 // made once, outside the loop
        Sleep check = Time.sleep(LIMIT);
        List<String> reports = new ArrayList<>();
        try {
            int last = 0;
            for (;;) {
                Optional<String> file = select(
                        on(Future.borrow(download), Optional::of),
                        on(Future.borrow(check), __ -> Optional.<String>empty()))
                    .biased()                                     // a download done at the check's instant counts
                    .await();
                if (file.isPresent()) {
                    return new Attempt("complete", file.get(), server.sent(), reports, start.elapsed());
                }
                int now = download.received();
                String progress = now + "/" + FILE.size() + " chunks at " + start.elapsed().toSeconds() + " s";
                if (now == last) {                                // no progress in a whole round: cancel on purpose
                    reports.add(progress + ": stalled, cancelled");
                    return new Attempt("cancelled", download.partial(), server.sent(), reports, start.elapsed());
                }
                reports.add(progress + ": progressing, " + LIMIT.toSeconds() + " s more");
                last = now;
                check.reset(check.deadline().plus(LIMIT));
            }
        } finally {
            download.drop();                                      // the loop owns both: it drops them
            check.drop();
        }
    }

    /** The example's observable result: one file, fetched three ways. */
    record Outcome(Attempt timeout, Attempt selectLoop, Attempt selectLoopStalled) {
    }

    /** Runs the example on a runtime whose clock starts paused: 28 s of timers take no real time. */
    public static Outcome run() {
        try (Runtime rt = Runtime.builder().startPaused(true).build()) {
            return run(rt);
        }
    }

    /** Runs the example on {@code runtime}, which must have time enabled. */
    public static Outcome run(Runtime runtime) {
        return runtime.blockOn(() -> new Outcome(
                withTimeout(Server.steady()),
                withSelectLoop(Server.steady()),
                withSelectLoop(Server.stallingAfter(3))));
    }

    private static void print(String label, Attempt a) {
        System.out.println(label + a.result() + "; kept \"" + a.kept() + "\" (" + a.chunksSent() + " of "
                + FILE.size() + " chunks sent, " + a.took().toSeconds() + " s on the clock)");
        for (String r : a.reports()) {
            System.out.println("                     check: " + r);
        }
    }

    public static void main(String[] args) {
        long realStart = System.nanoTime();
        Outcome o = run();
        long realMillis = (System.nanoTime() - realStart) / 1_000_000;
        System.out.println("a chunk every " + CHUNK_EVERY.toSeconds() + " s, " + FILE.size() + " chunks, a limit of "
                + LIMIT.toSeconds() + " s");
        print("timeout            : ", o.timeout());
        print("select loop        : ", o.selectLoop());
        print("select loop, stall : ", o.selectLoopStalled());
        System.out.println("clock              : paused; " + realMillis + " ms of real time for all three");
    }
}
