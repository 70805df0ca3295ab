package dev.weft.examples;

import java.util.List;

/**
 * Runs every example in turn, each under a heading:
 * {@code mvn -q -pl weft-examples -am compile exec:java}.
 * Each example builds its runtimes and closes them, so the program ends when the last
 * one is done.
 */
public final class AllExamples {
    private AllExamples() {
    }

    private record Section(String title, Runnable body) {
    }

    private static final List<Section> SECTIONS = List.of(
            new Section("async/await and the runtime (#[tokio::main], Builder + block_on)", () -> BasicsExample.main(new String[0])),
            new Section("spawning tasks (spawn, handle.await, spawn_blocking)", () -> SpawnExample.main(new String[0])),
            new Section("join: fetch_all", () -> JoinExample.main(new String[0])),
            new Section("select: timeout, biased, else", () -> SelectExample.main(new String[0])),
            new Section("prefer select with a timeout branch over timeout", () -> TimeoutExample.main(new String[0])),
            new Section("pitfall: futures are lazy", () -> LazyFuturesExample.main(new String[0])),
            new Section("pitfall: accidental sequential execution", () -> SequentialAwaitsExample.main(new String[0])),
            new Section("pitfall: blocking the runtime", () -> BlockingExample.main(new String[0])),
            new Section("pitfall: cancellation safety in select", () -> CancelSafetyExample.main(new String[0])),
            new Section("channels: producer_consumer (mpsc, close = drop)", () -> ProducerConsumerExample.main(new String[0])),
            new Section("shared state: Mutex<Map> (update_state), or one owner task", () -> SharedStateExample.main(new String[0])),
            new Section("graceful shutdown: watch channel + select (run_server)", () -> GracefulShutdownExample.main(new String[0])),
            new Section("pitfall: unbounded channel memory growth", () -> UnboundedGrowthExample.main(new String[0])),
            new Section("pitfall: a lock held across an await", () -> LockAcrossAwaitExample.main(new String[0])),
            new Section("JoinSet", () -> JoinSetExample.main(new String[0])),
            new Section("task-locals", () -> TaskLocalExample.main(new String[0])),
            new Section("a future task without a thread (map, andThen, Loop.loop)", () -> FutureTaskExample.main(new String[0])));

    public static void main(String[] args) {
        int n = 0;
        for (Section s : SECTIONS) {
            n++;
            System.out.println();
            System.out.println("== " + n + ". " + s.title() + " " + "=".repeat(Math.max(3, 72 - s.title().length())));
            s.body().run();
        }
        System.out.println();
        System.out.println("All " + n + " examples ran.");
    }
}
