package dev.weft.benchmarks;

import dev.weft.Future;
import dev.weft.Join;
import dev.weft.Loop;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mutex;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * W4, a contended lock: {@value #TASKS} tasks each take one lock {@value #ROUNDS}
 * times and increment a shared counter inside (ns per lock/unlock). Weft's
 * {@link Mutex} is fair (FIFO, no barging), so every contended unlock is a hand-off
 * to the next waiter; the JDK's non-fair {@code ReentrantLock} lets a running thread
 * take the lock again, which is why it is faster under contention.
 *
 * <ul>
 *   <li>{@link #weftFutureTasks}: future tasks; each round is
 *       {@code lock().map(guard -> increment, unlock)}, looped with {@code Loop}.</li>
 *   <li>{@link #weftThreadTasks}: thread tasks;
 *       {@code try (var g = mutex.lock().await()) { increment }}.</li>
 *   <li>{@link #jdkReentrantLock}: peer, virtual threads and a {@code ReentrantLock}.</li>
 *   <li>{@link #jdkFairReentrantLock}: peer with Weft's contract, virtual threads and a
 *       fair {@code ReentrantLock(true)}: what FIFO hand-off costs on virtual threads
 *       without Weft.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SyncMutexBenchmark.TASKS * SyncMutexBenchmark.ROUNDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class SyncMutexBenchmark {
    static final int TASKS = 16;
    static final int ROUNDS = 10_000;

    private Runtime runtime;

    @Setup(Level.Trial)
    public void start() {
        runtime = Runtime.builder().workerThreads(2).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        runtime.close();
    }

    @Benchmark
    public long weftFutureTasks() {
        Mutex<long[]> mutex = new Mutex<>(new long[1]);
        return runtime.blockOn(() -> {
            List<JoinHandle<Integer>> tasks = new ArrayList<>(TASKS);
            for (int t = 0; t < TASKS; t++) {
                tasks.add(Task.spawn(Loop.loop(0, i -> i == ROUNDS
                        ? Future.ready(Loop.done(i))
                        : mutex.lock().map(g -> {
                            g.get()[0]++;
                            g.close();
                            return Loop.next(i + 1);
                        }))));
            }
            Join.joinAll(tasks).await();
            return mutex.lock().await().get()[0];
        });
    }

    @Benchmark
    public long weftThreadTasks() {
        Mutex<long[]> mutex = new Mutex<>(new long[1]);
        return runtime.blockOn(() -> {
            List<JoinHandle<Void>> tasks = new ArrayList<>(TASKS);
            for (int t = 0; t < TASKS; t++) {
                tasks.add(Task.spawn(() -> {
                    for (int i = 0; i < ROUNDS; i++) {
                        try (var g = mutex.lock().await()) {
                            g.get()[0]++;
                        }
                    }
                }));
            }
            Join.joinAll(tasks).await();
            return mutex.lock().await().get()[0];
        });
    }

    @Benchmark
    public long jdkReentrantLock() throws InterruptedException {
        return virtualThreadsOn(new ReentrantLock());
    }

    @Benchmark
    public long jdkFairReentrantLock() throws InterruptedException {
        return virtualThreadsOn(new ReentrantLock(true));
    }

    private static long virtualThreadsOn(ReentrantLock lock) throws InterruptedException {
        long[] counter = new long[1];
        List<Thread> threads = new ArrayList<>(TASKS);
        for (int t = 0; t < TASKS; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    lock.lock();
                    try {
                        counter[0]++;
                    } finally {
                        lock.unlock();
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        return counter[0];
    }
}
