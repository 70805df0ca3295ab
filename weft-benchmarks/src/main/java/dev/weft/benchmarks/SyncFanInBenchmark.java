package dev.weft.benchmarks;

import dev.weft.Future;
import dev.weft.Join;
import dev.weft.Loop;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
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
 * W3, fan-in: {@value #PRODUCERS} producers send {@value #PER_PRODUCER} messages
 * each into one channel of capacity {@value #CAPACITY}; one consumer takes them all
 * (ns per message; messages per second is 1e9 divided by it).
 *
 * <ul>
 *   <li>{@link #weftFutureTasks}: producers and consumer are future tasks looping
 *       with {@code Loop}, over {@code Mpsc.channel(1024)}.</li>
 *   <li>{@link #weftThreadTasks}: the same as thread tasks.</li>
 *   <li>{@link #jdkVirtualThreads}: peer, virtual threads and an
 *       {@code ArrayBlockingQueue(1024)}.</li>
 *   <li>{@link #joxVirtualThreads}: peer, virtual threads and a Jox buffered channel
 *       of 1024.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SyncFanInBenchmark.PRODUCERS * SyncFanInBenchmark.PER_PRODUCER)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class SyncFanInBenchmark {
    static final int PRODUCERS = 8;
    static final int PER_PRODUCER = 125_000;
    static final int CAPACITY = 1024;
    private static final int TOTAL = PRODUCERS * PER_PRODUCER;

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
        Mpsc.Pair<Integer> ch = Mpsc.channel(CAPACITY);
        return runtime.blockOn(() -> {
            List<JoinHandle<Integer>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                Mpsc.Sender<Integer> tx = ch.tx().clone();
                producers.add(Task.spawn(Loop.loop(0, i -> {
                    if (i == PER_PRODUCER) {
                        tx.close();
                        return Future.ready(Loop.done(i));
                    }
                    return tx.send(i).map(__ -> Loop.next(i + 1));
                })));
            }
            ch.tx().close();
            JoinHandle<Long> consumer = Task.spawn(Loop.loop(0L, sum -> ch.rx().recv()
                    .map(v -> v == null ? Loop.done(sum) : Loop.next(sum + v))));
            Join.joinAll(producers).await();
            return consumer.await();
        });
    }

    @Benchmark
    public long weftThreadTasks() {
        Mpsc.Pair<Integer> ch = Mpsc.channel(CAPACITY);
        return runtime.blockOn(() -> {
            List<JoinHandle<Void>> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++) {
                Mpsc.Sender<Integer> tx = ch.tx().clone();
                producers.add(Task.spawn(() -> {
                    try (tx) {
                        for (int i = 0; i < PER_PRODUCER; i++) {
                            tx.send(i).await();
                        }
                    }
                }));
            }
            ch.tx().close();
            JoinHandle<Long> consumer = Task.spawn(() -> {
                long sum = 0;
                for (Integer v; (v = ch.rx().recv().await()) != null; ) {
                    sum += v;
                }
                return sum;
            });
            Join.joinAll(producers).await();
            return consumer.await();
        });
    }

    @Benchmark
    public long jdkVirtualThreads() throws InterruptedException {
        ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(CAPACITY);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            producers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        q.put(i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long[] sum = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < TOTAL; i++) {
                    sum[0] += q.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (Thread t : producers) {
            t.join();
        }
        consumer.join();
        return sum[0];
    }

    @Benchmark
    public long joxVirtualThreads() throws InterruptedException {
        com.softwaremill.jox.Channel<Integer> ch = com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
        List<Thread> producers = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            producers.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < PER_PRODUCER; i++) {
                        ch.send(i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long[] sum = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < TOTAL; i++) {
                    sum[0] += ch.receive();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (Thread t : producers) {
            t.join();
        }
        consumer.join();
        return sum[0];
    }
}
