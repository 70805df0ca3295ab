package dev.weft.benchmarks;

import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import dev.weft.task.Task;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W7, chained spawn: each task spawns the next, {@value #HOPS} deep; the last one
 * completes a {@link CompletableFuture} that the root awaits. The score is the time
 * per hop: one spawn, one start on a thread, one task ending. Only one task of the
 * chain is runnable at a time, so this measures latency of a spawn, not throughput.
 *
 * <p>The signal is the same {@code CompletableFuture} for every variant; Weft roots
 * await it with {@code Future.fromStage(done).await()} in a {@code blockOn} body
 * (a thread task), the JDK peers with {@code join()} on the benchmark thread. Weft
 * variants run on one runtime of {@value #WORKERS} workers built per trial; the
 * {@code CompletableFuture} peer on a {@code ForkJoinPool} of as many threads.
 *
 * <ul>
 *   <li>{@link #futureTasks}: each future task, when polled, spawns the next
 *       future task and is ready.</li>
 *   <li>{@link #threadTasks}: each thread task spawns the next thread task.</li>
 *   <li>{@link #virtualThreads}: peer, each virtual thread starts the next
 *       ({@code Thread.ofVirtual().start(next)}).</li>
 *   <li>{@link #completableFutures}: peer, each stage {@code runAsync}s the next
 *       on the pool.</li>
 * </ul>
 *
 * <p>Between invocations, a Weft trial checks that the runtime has no live task
 * left (outside the measured time), so no hop leaks into the next invocation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(TaskChainBenchmark.HOPS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
// A chain settles (C2, and how the two carriers or workers share it) only after about
// ten seconds: long warmup iterations. An invocation takes tens of milliseconds.
@Warmup(iterations = 3, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class TaskChainBenchmark {
    static final int HOPS = 100_000;
    static final int WORKERS = 2;

    private Runtime runtime;
    private ForkJoinPool pool;

    @Setup(Level.Trial)
    public void start() {
        runtime = Runtime.builder().workerThreads(WORKERS).build();
        pool = new ForkJoinPool(WORKERS);
    }

    @TearDown(Level.Trial)
    public void stop() {
        runtime.close();
        pool.close();
    }

    /** Not timed: the last hop may still be finishing its task when the root wakes. */
    @TearDown(Level.Invocation)
    public void awaitQuiescence() throws InterruptedException {
        Quiescence.await(runtime);
    }

    @Benchmark
    public Object futureTasks() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        return runtime.blockOn(() -> {
            Task.spawn(futureHop(HOPS - 1, done));
            return Future.fromStage(done).await();
        });
    }

    /** A future task that, when polled, spawns the rest of the chain. */
    private static Future<Void> futureHop(int remaining, CompletableFuture<Void> done) {
        return cx -> {
            if (remaining == 0) {
                done.complete(null);
            } else {
                Task.spawn(futureHop(remaining - 1, done));
            }
            return Poll.ready(null);
        };
    }

    @Benchmark
    public Object threadTasks() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        return runtime.blockOn(() -> {
            Task.spawn(threadHop(HOPS - 1, done));
            return Future.fromStage(done).await();
        });
    }

    private static Callable<Void> threadHop(int remaining, CompletableFuture<Void> done) {
        return () -> {
            if (remaining == 0) {
                done.complete(null);
            } else {
                Task.spawn(threadHop(remaining - 1, done));
            }
            return null;
        };
    }

    @Benchmark
    public Object virtualThreads() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofVirtual().start(virtualHop(HOPS - 1, done));
        return done.join();
    }

    private static Runnable virtualHop(int remaining, CompletableFuture<Void> done) {
        return () -> {
            if (remaining == 0) {
                done.complete(null);
            } else {
                Thread.ofVirtual().start(virtualHop(remaining - 1, done));
            }
        };
    }

    @Benchmark
    public Object completableFutures() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.runAsync(poolHop(HOPS - 1, done, pool), pool);
        return done.join();
    }

    private static Runnable poolHop(int remaining, CompletableFuture<Void> done, ForkJoinPool pool) {
        return () -> {
            if (remaining == 0) {
                done.complete(null);
            } else {
                CompletableFuture.runAsync(poolHop(remaining - 1, done, pool), pool);
            }
        };
    }
}
