package dev.weft.benchmarks;

import static dev.weft.Select.on;
import static dev.weft.Select.select;

import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
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
 * W9, a select loop: two producers send {@value #PER_CHANNEL} messages each on
 * their own channel (capacity {@value #CAPACITY}, Jox's default); one consumer
 * selects over both receives until it has all of them (ns per message received).
 *
 * <ul>
 *   <li>{@link #weftFutureTasks}: producers and consumer are future tasks; the
 *       consumer loops over {@code select(on(rx1.recv(), ..), on(rx2.recv(), ..))}.</li>
 *   <li>{@link #weftThreadTasks}: the same as thread tasks, {@code select(..).await()}.</li>
 *   <li>{@link #joxVirtualThreads}: peer, virtual threads and
 *       {@code Select.select(ch1.receiveClause(), ch2.receiveClause())}.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(2 * SyncSelectBenchmark.PER_CHANNEL)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class SyncSelectBenchmark {
    static final int PER_CHANNEL = 500_000;
    static final int CAPACITY = 16;

    private Runtime runtime;

    @Setup(Level.Trial)
    public void start() {
        runtime = Runtime.builder().workerThreads(2).build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        runtime.close();
    }

    private static Future<Integer> producerFuture(Mpsc.Sender<Integer> tx) {
        return Loop.loop(0, i -> i == PER_CHANNEL
                ? Future.ready(Loop.done(i))
                : tx.send(i).map(__ -> Loop.next(i + 1)));
    }

    @Benchmark
    public long weftFutureTasks() {
        Mpsc.Pair<Integer> a = Mpsc.channel(CAPACITY);
        Mpsc.Pair<Integer> b = Mpsc.channel(CAPACITY);
        return runtime.blockOn(() -> {
            Task.spawn(producerFuture(a.tx()));
            Task.spawn(producerFuture(b.tx()));
            JoinHandle<Long> consumer = Task.spawn(Loop.loop(new long[] {0, 0}, st -> st[1] == 2L * PER_CHANNEL
                    ? Future.ready(Loop.done(st))
                    : select(on(a.rx().recv(), v -> v), on(b.rx().recv(), v -> v)).map(v -> {
                        st[0] += v;
                        st[1]++;
                        return Loop.next(st);
                    })).map(st -> st[0]));
            return consumer.await();
        });
    }

    @Benchmark
    public long weftThreadTasks() {
        Mpsc.Pair<Integer> a = Mpsc.channel(CAPACITY);
        Mpsc.Pair<Integer> b = Mpsc.channel(CAPACITY);
        return runtime.blockOn(() -> {
            for (Mpsc.Sender<Integer> tx : new Mpsc.Sender[] {a.tx(), b.tx()}) {
                Task.spawn(() -> {
                    for (int i = 0; i < PER_CHANNEL; i++) {
                        tx.send(i).await();
                    }
                });
            }
            JoinHandle<Long> consumer = Task.spawn(() -> {
                long sum = 0;
                for (int n = 0; n < 2 * PER_CHANNEL; n++) {
                    sum += select(on(a.rx().recv(), v -> v), on(b.rx().recv(), v -> v)).await();
                }
                return sum;
            });
            return consumer.await();
        });
    }

    @Benchmark
    public long joxVirtualThreads() throws InterruptedException {
        com.softwaremill.jox.Channel<Integer> a = com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
        com.softwaremill.jox.Channel<Integer> b = com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
        for (com.softwaremill.jox.Channel<Integer> ch : java.util.List.of(a, b)) {
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < PER_CHANNEL; i++) {
                        ch.send(i);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        long[] sum = new long[1];
        Thread consumer = Thread.ofVirtual().start(() -> {
            try {
                for (int n = 0; n < 2 * PER_CHANNEL; n++) {
                    sum[0] += com.softwaremill.jox.Select.select(a.receiveClause(), b.receiveClause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        consumer.join();
        return sum[0];
    }
}
