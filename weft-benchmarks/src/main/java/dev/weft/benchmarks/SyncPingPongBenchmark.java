package dev.weft.benchmarks;

import dev.weft.Future;
import dev.weft.Join;
import dev.weft.Loop;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.task.Task;
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
 * W2, ping-pong: two tasks pass a number back and forth over two capacity-1
 * channels, {@value #ROUNDS} round trips (ns per round trip: two sends, two
 * receives, two hand-offs between tasks).
 *
 * <ul>
 *   <li>{@link #weftFutureTasks}: two future tasks looping with {@code Loop} over
 *       {@code Mpsc} channels.</li>
 *   <li>{@link #weftThreadTasks}: two thread tasks, {@code send(..).await()} and
 *       {@code recv().await()}.</li>
 *   <li>{@link #jdkVirtualThreads}: peer, two virtual threads and two
 *       {@code ArrayBlockingQueue(1)}.</li>
 *   <li>{@link #joxVirtualThreads}: peer, two virtual threads and two Jox buffered
 *       channels of capacity 1.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(SyncPingPongBenchmark.ROUNDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class SyncPingPongBenchmark {
    static final int ROUNDS = 100_000;

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
    public int weftFutureTasks() {
        Mpsc.Pair<Integer> ping = Mpsc.channel(1);
        Mpsc.Pair<Integer> pong = Mpsc.channel(1);
        return runtime.blockOn(() -> {
            var ponger = Task.spawn(Loop.loop(0, i -> i == ROUNDS
                    ? Future.ready(Loop.done(i))
                    : ping.rx().recv().andThen(v -> pong.tx().send(v)).map(__ -> Loop.next(i + 1))));
            var pinger = Task.spawn(Loop.loop(0, i -> i == ROUNDS
                    ? Future.ready(Loop.done(i))
                    : ping.tx().send(i).andThen(__ -> pong.rx().recv()).map(v -> Loop.next(v + 1))));
            return Join.join(ponger, pinger).await().second();
        });
    }

    @Benchmark
    public int weftThreadTasks() {
        Mpsc.Pair<Integer> ping = Mpsc.channel(1);
        Mpsc.Pair<Integer> pong = Mpsc.channel(1);
        return runtime.blockOn(() -> {
            var ponger = Task.spawn(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.tx().send(ping.rx().recv().await()).await();
                }
            });
            var pinger = Task.spawn(() -> {
                int last = 0;
                for (int i = 0; i < ROUNDS; i++) {
                    ping.tx().send(i).await();
                    last = pong.rx().recv().await();
                }
                return last;
            });
            ponger.await();
            return pinger.await();
        });
    }

    @Benchmark
    public int jdkVirtualThreads() throws InterruptedException {
        ArrayBlockingQueue<Integer> ping = new ArrayBlockingQueue<>(1);
        ArrayBlockingQueue<Integer> pong = new ArrayBlockingQueue<>(1);
        Thread ponger = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.put(ping.take());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int[] last = new int[1];
        Thread pinger = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    ping.put(i);
                    last[0] = pong.take();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ponger.join();
        pinger.join();
        return last[0];
    }

    @Benchmark
    public int joxVirtualThreads() throws InterruptedException {
        com.softwaremill.jox.Channel<Integer> ping = com.softwaremill.jox.Channel.newBufferedChannel(1);
        com.softwaremill.jox.Channel<Integer> pong = com.softwaremill.jox.Channel.newBufferedChannel(1);
        Thread ponger = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    pong.send(ping.receive());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        int[] last = new int[1];
        Thread pinger = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < ROUNDS; i++) {
                    ping.send(i);
                    last[0] = pong.receive();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ponger.join();
        pinger.join();
        return last[0];
    }
}
