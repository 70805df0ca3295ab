package dev.weft.benchmarks;

import dev.weft.Future;
import dev.weft.Join;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * W1, spawn throughput: spawn {@value #TASKS} tasks that each return their index,
 * await every handle, sum the values. The score is the time per task (spawn, run,
 * await), so it includes the root's own work.
 *
 * <p>Weft variants run on one runtime of {@value #WORKERS} workers built per trial;
 * the peers are what a Java user would write instead with the JDK alone. Every
 * variant waits for all its tasks before the invocation returns, so nothing
 * outlives it.
 *
 * <ul>
 *   <li>{@link #futureTasksAwaitEach}: a thread-task root ({@code blockOn(Callable)})
 *       spawns future tasks and awaits each handle in a loop.</li>
 *   <li>{@link #futureTasksJoinAll}: a future-task root ({@code blockOn(Future)})
 *       spawns the future tasks from its first poll and joins the handles with
 *       {@link Join#joinAll}: the whole workload without a thread. This is also the
 *       variant that shows what a join over a million children costs.</li>
 *   <li>{@link #threadTasks}: a thread-task root spawns thread tasks
 *       ({@code Task.spawn(() -> i)}) and awaits each handle.</li>
 *   <li>{@link #threadTasksFromOutside}: the same tasks spawned and awaited from the
 *       benchmark's own (platform) thread with {@code runtime.spawn} and
 *       {@code handle.await()}, no root task: the like-for-like of
 *       {@link #virtualThreads}.</li>
 *   <li>{@link #virtualThreads}: peer, {@code Executors.newVirtualThreadPerTaskExecutor()}
 *       and {@code get()} on each {@code java.util.concurrent.Future}, from the
 *       benchmark's own (platform) thread, as a plain Java program would.</li>
 *   <li>{@link #virtualThreadsFromVirtualThread}: the same peer with its root on a
 *       virtual thread, as the root of a thread-task variant is: how much of a
 *       difference is only where the root runs.</li>
 *   <li>{@link #completableFutures}: peer, {@code CompletableFuture.supplyAsync} on
 *       the common pool and {@code join()} on each.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(TaskSpawnBenchmark.TASKS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
// The spawn and await paths reach their steady state (C2) after about ten seconds:
// long warmup iterations. An invocation takes up to a second or two.
@Warmup(iterations = 3, time = 5, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 5, timeUnit = TimeUnit.SECONDS)
public class TaskSpawnBenchmark {
    static final int TASKS = 1_000_000;
    static final int WORKERS = 2;
    /** The sum of 0 .. TASKS-1, which every variant must find. */
    private static final long EXPECTED = (long) TASKS * (TASKS - 1) / 2;

    private Runtime runtime;

    @Setup(Level.Trial)
    public void startRuntime() {
        runtime = Runtime.builder().workerThreads(WORKERS).build();
    }

    @TearDown(Level.Trial)
    public void stopRuntime() {
        runtime.close();
    }

    /** Not timed: a handle completes just before its task leaves the runtime's registry. */
    @TearDown(Level.Invocation)
    public void awaitQuiescence() throws InterruptedException {
        Quiescence.await(runtime);
    }

    @Benchmark
    public long futureTasksAwaitEach() {
        return check(runtime.blockOn(() -> {
            List<JoinHandle<Integer>> handles = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                handles.add(Task.spawn(Future.ready(i)));
            }
            long sum = 0;
            for (JoinHandle<Integer> h : handles) {
                sum += h.await();
            }
            return sum;
        }));
    }

    @Benchmark
    public long futureTasksJoinAll() {
        Future<Long> root = Future.ready(TASKS).andThen(n -> {
            List<JoinHandle<Integer>> handles = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                handles.add(Task.spawn(Future.ready(i)));
            }
            return Join.joinAll(handles).map(TaskSpawnBenchmark::sum);
        });
        return check(runtime.blockOn(root));
    }

    @Benchmark
    public long threadTasks() {
        return check(runtime.blockOn(() -> {
            List<JoinHandle<Integer>> handles = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                int index = i;
                handles.add(Task.spawn(() -> index));
            }
            long sum = 0;
            for (JoinHandle<Integer> h : handles) {
                sum += h.await();
            }
            return sum;
        }));
    }

    @Benchmark
    public long threadTasksFromOutside() {
        List<JoinHandle<Integer>> handles = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            int index = i;
            handles.add(runtime.spawn(() -> index));
        }
        long sum = 0;
        for (JoinHandle<Integer> h : handles) {
            sum += h.await();
        }
        return check(sum);
    }

    @Benchmark
    public long virtualThreads() throws InterruptedException, ExecutionException {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<Integer>> futures = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                int index = i;
                futures.add(executor.submit(() -> index));
            }
            long sum = 0;
            for (java.util.concurrent.Future<Integer> f : futures) {
                sum += f.get();
            }
            return check(sum);
        }
    }

    @Benchmark
    public long virtualThreadsFromVirtualThread() throws Exception {
        try (ExecutorService root = Executors.newVirtualThreadPerTaskExecutor()) {
            return root.submit(this::virtualThreads).get();
        }
    }

    @Benchmark
    public long completableFutures() {
        List<CompletableFuture<Integer>> futures = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            int index = i;
            futures.add(CompletableFuture.supplyAsync(() -> index));
        }
        long sum = 0;
        for (CompletableFuture<Integer> f : futures) {
            sum += f.join();
        }
        return check(sum);
    }

    private static long sum(List<Integer> values) {
        long sum = 0;
        for (int v : values) {
            sum += v;
        }
        return sum;
    }

    private static long check(long sum) {
        if (sum != EXPECTED) {
            throw new AssertionError("sum " + sum + ", expected " + EXPECTED + ": a task was lost or run twice");
        }
        return sum;
    }
}
