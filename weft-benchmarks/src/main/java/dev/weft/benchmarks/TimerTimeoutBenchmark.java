package dev.weft.benchmarks;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.runtime.Runtime;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
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
 * W6, a timeout around an operation: {@value #OPS} operations, each under a 10 s
 * timeout that never fires (ns per operation). What is measured is the price of
 * the timeout itself.
 *
 * <ul>
 *   <li>{@link #weftReadyOperation}: {@code Time.timeout(10 s, op)} where the
 *       operation is ready on its first poll. The timeout polls the operation
 *       first, so no timer is armed: the common case of a fast path under a
 *       timeout.</li>
 *   <li>{@link #weftPendingOperation}: the operation is pending on its first poll
 *       and ready on the second, so the timer really is filed in the wheel and then
 *       taken out again: one insert and one cancel per operation.</li>
 *   <li>{@link #jdkOrTimeout}: peer, {@code new CompletableFuture<>().orTimeout(10 s)}
 *       then {@code complete}: a timer armed on the JDK's delayer and cancelled.</li>
 *   <li>{@link #jdkScheduleCancel}: peer, {@code schedule} on a
 *       {@code ScheduledThreadPoolExecutor} (remove-on-cancel) then {@code cancel}.</li>
 * </ul>
 *
 * <p>Weft's variants run inside one thread task of a runtime (timeouts read the
 * runtime's clock) and poll the timeout by hand, as a task would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@OperationsPerInvocation(TimerTimeoutBenchmark.OPS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 2, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 2, timeUnit = TimeUnit.SECONDS)
public class TimerTimeoutBenchmark {
    static final int OPS = 1_000_000;
    private static final Duration TEN_SECONDS = Duration.ofSeconds(10);

    private Runtime runtime;
    private ScheduledThreadPoolExecutor scheduler;

    @Setup(Level.Trial)
    public void start() {
        runtime = Runtime.builder().workerThreads(2).enableTime().build();
        scheduler = new ScheduledThreadPoolExecutor(1);
        scheduler.setRemoveOnCancelPolicy(true);
    }

    @TearDown(Level.Trial)
    public void stop() {
        runtime.close();
        scheduler.shutdownNow();
    }

    /** Ready on the poll after {@code pendingPolls} pending ones. */
    static final class Operation implements Future<Integer> {
        private final int value;
        private int pendingPolls;

        Operation(int value, int pendingPolls) {
            this.value = value;
            this.pendingPolls = pendingPolls;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            return pendingPolls-- > 0 ? Poll.pending() : Poll.ready(value);
        }
    }

    @Benchmark
    public long weftReadyOperation() {
        return runtime.blockOn(() -> {
            Context cx = Context.of(Waker.noop());
            long sum = 0;
            for (int i = 0; i < OPS; i++) {
                sum += Time.timeout(TEN_SECONDS, new Operation(i, 0)).poll(cx).value();
            }
            return sum;
        });
    }

    @Benchmark
    public long weftPendingOperation() {
        return runtime.blockOn(() -> {
            Context cx = Context.of(Waker.noop());
            long sum = 0;
            for (int i = 0; i < OPS; i++) {
                Future<Integer> t = Time.timeout(TEN_SECONDS, new Operation(i, 1));
                if (t.poll(cx).isReady()) {
                    throw new AssertionError("the first poll must be pending");
                }
                sum += t.poll(cx).value();
            }
            return sum;
        });
    }

    @Benchmark
    public long jdkOrTimeout() {
        long sum = 0;
        for (int i = 0; i < OPS; i++) {
            CompletableFuture<Integer> f = new CompletableFuture<Integer>().orTimeout(10, TimeUnit.SECONDS);
            f.complete(i);
            sum += f.join();
        }
        return sum;
    }

    @Benchmark
    public long jdkScheduleCancel() {
        long sum = 0;
        Runnable never = () -> { };
        for (int i = 0; i < OPS; i++) {
            ScheduledFuture<?> f = scheduler.schedule(never, 10, TimeUnit.SECONDS);
            f.cancel(false);
            sum += i;
        }
        return sum;
    }
}
