package dev.weft.examples;

import static dev.weft.Select.on;
import static dev.weft.Select.select;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Notify;
import dev.weft.sync.SendError;
import dev.weft.sync.Watch;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Instant;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Graceful shutdown with a watch channel: the seed's {@code run_server}.
 *
 * <pre>{@code
 * async fn run_server() -> anyhow::Result<()> {
 *     let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
 *     let server = tokio::spawn(async move {
 *         loop {
 *             select! {
 *                 _ = shutdown_rx.changed() => {
 *                     println!("shutting down");
 *                     break;
 *                 }
 *                 _ = accept_connection() => {}
 *             }
 *         }
 *     });
 *     signal::ctrl_c().await?;
 *     let _ = shutdown_tx.send(true);
 *     server.await?;
 *     Ok(())
 * }
 * }</pre>
 *
 * <p>Each round of the server's loop makes a new {@code changed()} and a new
 * {@code accept_connection()}, and the select drops the one that loses. That is
 * safe only because both are <em>cancel safe</em>: {@link Watch.Receiver#changed()}
 * marks nothing seen until it completes, so a shutdown sent while the accept was
 * winning is not missed; and the accept here is a receive from the listener's
 * backlog ({@link Mpsc.Receiver#recv()}), which takes a connection only in the poll
 * that returns it, so the accept dropped at shutdown takes nothing with it: a client
 * that connects later waits in the backlog, neither accepted nor lost.
 *
 * <p>{@code ctrl_c()} is replaced by a trigger the example controls: a
 * {@link Notify} that an "operator" task notifies after 350 ms. Clients connect
 * every 100 ms. {@link #run()} uses a paused clock, so the times are exact and take
 * no real time.
 */
public final class GracefulShutdownExample {
    private GracefulShutdownExample() {
    }

    /** A simulated listening socket: clients connect into its backlog, the server accepts from it. */
    static final class Listener {
        private final Mpsc.Pair<String> backlog = Mpsc.channel(16);
        private final AtomicInteger acceptsStarted = new AtomicInteger();
        private final AtomicInteger acceptsDropped = new AtomicInteger();

        /** A client connects: its connection waits in the backlog until it is accepted. */
        Future<Void> connect(String client) {
            return backlog.tx().send(client);
        }

        /**
         * {@code accept_connection()}: the next connection, or {@code null} once the
         * listener is closed and its backlog is empty.
         *
         * <p>Cancel safety: cancel safe. If dropped before it completes, no connection
         * was taken from the backlog.
         */
        Future<String> acceptConnection() {
            return new Accept(backlog.rx().recv());
        }

        /** Stops listening; answers the connections still waiting in the backlog. */
        List<String> close() {
            backlog.tx().close();
            return backlog.rx().drain();
        }

        /** The accepts made so far. */
        int acceptsStarted() {
            return acceptsStarted.get();
        }

        /** The accepts dropped before they completed. */
        int acceptsDropped() {
            return acceptsDropped.get();
        }

        /** A receive from the backlog that counts itself. */
        private final class Accept implements Future<String> {
            private final Future<String> recv;
            private boolean done;

            Accept(Future<String> recv) {
                this.recv = recv;
                acceptsStarted.incrementAndGet();
            }

            @Override
            public Poll<String> poll(Context cx) {
                Poll<String> p = recv.poll(cx);
                done = p.isReady();
                return p;
            }

            @Override
            public void drop() {
                recv.drop();
                if (!done) {
                    acceptsDropped.incrementAndGet();
                }
            }
        }
    }

    /** What happened, in order, each line stamped with the runtime's clock. */
    static final class Events {
        private final Instant start = Instant.now();
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        void add(String what) {
            lines.add(String.format("%4d ms  %s", start.elapsed().toMillis(), what));
        }

        List<String> lines() {
            return List.copyOf(lines);
        }
    }

    /** The server task: accepts connections until the watch channel changes (or the listener closes). */
    static JoinHandle<List<String>> spawnServer(Watch.Receiver<Boolean> shutdownRx, Listener listener, Events events) {
        return Task.spawn(() -> {
            try (shutdownRx) {                               // moved into the task: dropped when it ends
                List<String> served = new ArrayList<>();
                for (;;) {
                    boolean running = select(
                            on(shutdownRx.changed(), __ -> {
                                events.add("server: shutting down");
                                return false;                // break
                            }),
                            on(listener.acceptConnection(), conn -> {
                                if (conn == null) {
                                    events.add("server: listener closed");
                                    return false;
                                }
                                events.add("server: accepted " + conn);
                                served.add(conn);
                                return true;
                            }))
                        .await();
                    if (!running) {
                        return served;
                    }
                }
            }
        });
    }

    /** {@code run_server}: runs the server until {@code ctrlC} completes; answers the connections it served. */
    static List<String> runServer(Listener listener, Future<Void> ctrlC, Events events) {
        var shutdown = Watch.channel(false);
        try (Watch.Sender<Boolean> shutdownTx = shutdown.tx()) {
            JoinHandle<List<String>> server = spawnServer(shutdown.rx(), listener, events);
            ctrlC.await();
            try {
                shutdownTx.send(true);
            } catch (SendError serverAlreadyStopped) {
                // let _ = shutdown_tx.send(true): the server may have ended on its own
            }
            List<String> served = server.await();
            events.add("run_server: the server has stopped");
            return served;
        }
    }

    /**
     * The example's observable result.
     *
     * @param served         the connections the server accepted
     * @param leftInBacklog  the connections made after the shutdown, still waiting, not lost
     * @param acceptsStarted the accepts the server made
     * @param acceptsDropped the accepts dropped before they completed (the one in flight at shutdown)
     * @param events         what happened, on the runtime's clock
     */
    record Outcome(List<String> served, List<String> leftInBacklog, int acceptsStarted, int acceptsDropped,
            List<String> events) {
    }

    /** When the operator presses ctrl-c. */
    static final Duration CTRL_C_AFTER = Duration.ofMillis(350);

    /** Runs the example on a runtime whose clock starts paused. */
    public static Outcome run() {
        try (Runtime rt = Runtime.builder().startPaused(true).build()) {
            return run(rt);
        }
    }

    /**
     * Runs the example on {@code runtime}, which must have time enabled: four clients
     * connect at 100, 200, 300 and 400 ms, the operator presses ctrl-c at 350 ms.
     */
    public static Outcome run(Runtime runtime) {
        return runtime.blockOn(() -> {
            Events events = new Events();
            Listener listener = new Listener();
            JoinHandle<Void> clients = Task.spawn(() -> {
                for (int i = 1; i <= 4; i++) {
                    Time.sleep(Duration.ofMillis(100)).await();
                    events.add("client-" + i + " connects");
                    listener.connect("client-" + i).await();
                }
            });
            Notify ctrlC = new Notify();                     // stands in for signal::ctrl_c()
            Task.spawn(() -> {
                Time.sleep(CTRL_C_AFTER).await();
                events.add("operator: ctrl-c");
                ctrlC.notifyOne();
            });

            List<String> served = runServer(listener, ctrlC.notified(), events);

            clients.await();
            List<String> left = listener.close();
            return new Outcome(served, left, listener.acceptsStarted(), listener.acceptsDropped(), events.lines());
        });
    }

    public static void main(String[] args) {
        Outcome o = run();
        o.events().forEach(e -> System.out.println("  " + e));
        System.out.println("served             : " + o.served());
        System.out.println("accepts            : " + o.acceptsStarted() + " made, " + o.acceptsDropped()
                + " dropped in flight at shutdown");
        System.out.println("left in the backlog: " + o.leftInBacklog() + " (connected after the shutdown, not lost)");
    }
}
