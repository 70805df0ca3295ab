package dev.weft.examples;

import static dev.weft.Join.join;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Instant;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Pitfall: unbounded channel memory growth.
 *
 * <pre>{@code
 * // Wrong: nothing holds the producer back; the buffer grows as long as it outpaces the consumer.
 * let (tx, rx) = mpsc::unbounded_channel();
 * for job in jobs { tx.send(job).unwrap(); }
 *
 * // Right: a bounded channel; send waits while it is full (backpressure).
 * let (tx, rx) = mpsc::channel(16);
 * for job in jobs { tx.send(job).await.unwrap(); }
 * }</pre>
 *
 * <p>The producer here is as fast as it can be and the consumer takes 10 ms per job.
 * With {@link Mpsc#unboundedChannel()} the producer is done at once and every job sits
 * in the buffer: its peak length is the number of jobs, and with an endless producer
 * it would be the heap. With {@link Mpsc#channel(int) Mpsc.channel(16)} the
 * {@code send} future waits while the channel is full, so the producer runs at the
 * consumer's pace and the buffer never holds more than 16. The consumer finishes at
 * the same time either way: the bound costs no throughput, only memory.
 *
 * <p>{@link #run()} uses a paused clock: the consumer's 10 s of work take no real
 * time, and the times it reports are exact.
 */
public final class UnboundedGrowthExample {
    private UnboundedGrowthExample() {
    }

    /** The jobs the producer has. */
    static final int JOBS = 1_000;
    /** The consumer's time per job. */
    static final Duration PER_JOB = Duration.ofMillis(10);
    /** The bound of the right way. */
    static final int CAPACITY = 16;

    /** What one channel showed: the buffer's peak length, and when each side was done (on the runtime's clock). */
    record Run(int peakBuffered, Duration producerDone, Duration consumerDone, int consumed) {
    }

    /** Wrong: sends never wait, so the producer never slows down. Answers the peak buffer length. */
    static int produceUnbounded(Mpsc.UnboundedSender<Integer> tx, IntSupplier buffered) {
        int peak = 0;
        try (tx) {
            for (int job = 0; job < JOBS; job++) {
                tx.send(job);                               // never waits
                peak = Math.max(peak, buffered.getAsInt());
            }
        }
        return peak;
    }

    /** Right: each send waits for a free slot. Answers the peak buffer length. */
    static int produceBounded(Mpsc.Sender<Integer> tx, IntSupplier buffered) {
        int peak = 0;
        try (tx) {
            for (int job = 0; job < JOBS; job++) {
                tx.send(job).await();                       // waits while the channel is full: backpressure
                peak = Math.max(peak, buffered.getAsInt());
            }
        }
        return peak;
    }

    /** The slow consumer: 10 ms of work before it takes each next job. Answers the jobs it consumed. */
    static int consume(Supplier<Future<Integer>> recv) {
        int consumed = 0;
        for (;;) {
            Time.sleep(PER_JOB).await();                   // the work on the previous job, or the start-up
            if (recv.get().await() == null) {
                return consumed;
            }
            consumed++;
        }
    }

    /** Runs a producer and the consumer side by side, and times them. */
    private static Run measure(Callable<Integer> producer, Supplier<Future<Integer>> recv) {
        Instant start = Instant.now();
        Duration[] producerDone = new Duration[1];
        JoinHandle<Integer> p = Task.spawn(() -> {
            int peak = producer.call();
            producerDone[0] = start.elapsed();
            return peak;
        });
        JoinHandle<Integer> c = Task.spawn(() -> consume(recv));
        var both = join(p, c).await();
        return new Run(both.first(), producerDone[0], start.elapsed(), both.second());
    }

    static Run unbounded() {
        var ch = Mpsc.<Integer>unboundedChannel();
        return measure(() -> produceUnbounded(ch.tx(), ch.rx()::len), ch.rx()::recv);
    }

    static Run bounded() {
        var ch = Mpsc.<Integer>channel(CAPACITY);
        return measure(() -> produceBounded(ch.tx(), ch.rx()::len), ch.rx()::recv);
    }

    /** The example's observable result. */
    record Outcome(Run unbounded, Run bounded) {
    }

    /** Runs the example on a runtime whose clock starts paused. */
    public static Outcome run() {
        try (Runtime rt = Runtime.builder().startPaused(true).build()) {
            return run(rt);
        }
    }

    /** Runs the example on {@code runtime}, which must have time enabled. */
    public static Outcome run(Runtime runtime) {
        return runtime.blockOn(() -> new Outcome(unbounded(), bounded()));
    }

    private static void print(String label, Run r) {
        System.out.println(label + "peak buffer " + r.peakBuffered() + " jobs; producer done at "
                + r.producerDone().toMillis() + " ms, consumer at " + r.consumerDone().toMillis() + " ms ("
                + r.consumed() + " jobs)");
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println(JOBS + " jobs, " + PER_JOB.toMillis() + " ms each for the consumer, paused clock");
        print("unbounded channel  : ", o.unbounded());
        print("channel(" + CAPACITY + ")        : ", o.bounded());
    }
}
