package dev.weft.benchmarks;

import dev.weft.Join;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Time;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * W5, many sleepers: {@value #TASKS} tasks, task {@code i} sleeps {@code i % 100} ms;
 * the run ends when every task has. The score is the wall time of one run (ms);
 * the secondary result {@code cpuMs} is the process CPU time of that run (all
 * threads, ms). The floor is 99 ms of sleeping.
 *
 * <ul>
 *   <li>{@link #weftFutureTasks}: each task is the future {@code sleep(d)} spawned as
 *       a future task; the runs awaits them with {@code joinAll}.</li>
 *   <li>{@link #weftThreadTasks}: each task is a thread task that awaits
 *       {@code sleep(d)}.</li>
 *   <li>{@link #virtualThreads}: peer, a virtual thread per task calling
 *       {@code Thread.sleep(d)}, joined one by one.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 10)
@Measurement(iterations = 15)
public class TimerSleepBenchmark {
    static final int TASKS = 100_000;

    private Runtime runtime;

    /** Process CPU time of one run, reported beside the wall time. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Cpu {
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        private long startNanos;
        /** CPU milliseconds of the run; one run per iteration, so the iteration's sum is the run's. */
        public double cpuMs;

        @Setup(Level.Invocation)
        public void before() {
            startNanos = OS.getProcessCpuTime();
        }

        @TearDown(Level.Invocation)
        public void after() {
            cpuMs = (OS.getProcessCpuTime() - startNanos) / 1e6;
        }
    }

    @Setup(Level.Trial)
    public void start() {
        runtime = Runtime.builder().workerThreads(2).enableTime().build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        runtime.close();
    }

    @Benchmark
    public int weftFutureTasks(Cpu cpu) {
        return runtime.blockOn(() -> {
            List<JoinHandle<Void>> all = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                all.add(Task.spawn(Time.sleep(Duration.ofMillis(i % 100))));
            }
            return Join.joinAll(all).await().size();
        });
    }

    @Benchmark
    public int weftThreadTasks(Cpu cpu) {
        return runtime.blockOn(() -> {
            List<JoinHandle<Void>> all = new ArrayList<>(TASKS);
            for (int i = 0; i < TASKS; i++) {
                Duration d = Duration.ofMillis(i % 100);
                all.add(Task.spawn(() -> {
                    Time.sleep(d).await();
                }));
            }
            return Join.joinAll(all).await().size();
        });
    }

    @Benchmark
    public int virtualThreads(Cpu cpu) throws InterruptedException {
        List<Thread> all = new ArrayList<>(TASKS);
        for (int i = 0; i < TASKS; i++) {
            long ms = i % 100;
            all.add(Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        for (Thread t : all) {
            t.join();
        }
        return all.size();
    }
}
