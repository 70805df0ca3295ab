package dev.weft.examples;

import static dev.weft.Select.on;
import static dev.weft.Select.selectBiased;

import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Pitfall: cancellation safety in select.
 *
 * <pre>{@code
 * // Wrong: a new crunch() each time round; when the tick wins, the crunch and
 * // its partial progress are dropped, and the next iteration starts over.
 * loop {
 *     select! {
 *         sum = crunch(items) => break sum,
 *         _ = heartbeat.tick() => println!("still working"),
 *     }
 * }
 *
 * // Right: make the work once, outside the loop, and select on it each time round.
 * let work = crunch(items);
 * tokio::pin!(work);
 * loop {
 *     select! {
 *         sum = &mut work => break sum,
 *         _ = heartbeat.tick() => println!("still working"),
 *     }
 * }
 * }</pre>
 *
 * <p>A select drops its losing branches. Two Weft forms of {@code &mut work}:
 * <ul>
 *   <li>make the future once and pass {@link Future#borrow(Future) Future.borrow(work)}
 *       to each select: the select polls it but does not drop it when it loses;</li>
 *   <li>spawn the work and select on its {@link JoinHandle}, which is cancel safe:
 *       dropping the wait loses nothing, the task runs on.</li>
 * </ul>
 *
 * <p>The crunch is a future written without a thread ({@link Loop#loop}): its
 * progress lives in the future object, and is lost with it. The heartbeat here is
 * "due" a fixed number of times, so that the counts of the first two variants are
 * the same on every run (the spawned task of the third runs on another worker,
 * often done before a heartbeat is seen: it prints 0 to 3 of them); in a
 * program it is an {@link dev.weft.time.Interval Interval}'s {@code tick()} (see
 * {@link TimeoutExample} for a timer branch in a select loop). The selects are
 * biased (work first) for the same reason.
 */
public final class CancelSafetyExample {
    private CancelSafetyExample() {
    }

    private record Progress(int next, long sum) {
    }

    /** Sums the items {@code 0..n-1}, one per step, yielding between steps; counts each item it processes. */
    static Future<Long> crunch(int n, AtomicInteger processed) {
        return Loop.loop(new Progress(0, 0L), p -> {
            if (p.next() == n) {
                return Future.ready(Loop.done(p.sum()));
            }
            processed.incrementAndGet();                 // the work of item p.next()
            long sum = p.sum() + p.next();
            return Task.yieldNow().map(__ -> Loop.next(new Progress(p.next() + 1, sum)));
        });
    }

    /** A heartbeat that is due {@code times} times, at once, and then never again. */
    static Supplier<Future<Void>> dueTimes(int times) {
        AtomicInteger left = new AtomicInteger(times);
        return () -> left.getAndDecrement() > 0 ? Future.ready(null) : Future.never();
    }

    /** What one loop produced: the sum, the heartbeats it saw, and the items processed to get there. */
    record Run(long sum, int beats, int itemsProcessed) {
    }

    /** Wrong: the crunch is made inside the loop, so every heartbeat throws its progress away. */
    static Run restartingEachTime(int n, Supplier<Future<Void>> heartbeat) {
        AtomicInteger processed = new AtomicInteger();
        return selectUntilDone(() -> crunch(n, processed), heartbeat, processed);
    }

    /** Right: the crunch is made once; each select borrows it, so losing does not drop it. */
    static Run resumingTheSameFuture(int n, Supplier<Future<Void>> heartbeat) {
        AtomicInteger processed = new AtomicInteger();
        Future<Long> work = crunch(n, processed);
        return selectUntilDone(() -> Future.borrow(work), heartbeat, processed);
    }

    /** Right too: the crunch is spawned once; the loop selects on its cancel-safe handle. */
    static Run resumingTheSameTask(int n, Supplier<Future<Void>> heartbeat) {
        AtomicInteger processed = new AtomicInteger();
        JoinHandle<Long> work = Task.spawn(crunch(n, processed));
        return selectUntilDone(() -> work, heartbeat, processed);
    }

    /** The loop of the three variants: select the work against a heartbeat until the work is done. */
    private static Run selectUntilDone(Supplier<Future<Long>> work, Supplier<Future<Void>> heartbeat,
            AtomicInteger processed) {
        int beats = 0;
        for (;;) {
            Optional<Long> done = selectBiased(
                    on(work.get(), Optional::of),
                    on(heartbeat.get(), __ -> Optional.<Long>empty()))
                .await();
            if (done.isPresent()) {
                return new Run(done.get(), beats, processed.get());
            }
            beats++;                                       // "still working"
        }
    }

    /** The example's observable result. */
    record Outcome(int items, int heartbeats, Run wrong, Run borrowed, Run right) {
    }

    public static Outcome run(int items, int heartbeats) {
        return Runtime.main(() -> new Outcome(items, heartbeats,
                restartingEachTime(items, dueTimes(heartbeats)),
                resumingTheSameFuture(items, dueTimes(heartbeats)),
                resumingTheSameTask(items, dueTimes(heartbeats))));
    }

    public static void main(String[] args) {
        Outcome o = run(1_000, 3);
        System.out.println("future made in loop: sum " + o.wrong().sum() + ", " + o.wrong().beats() + " heartbeats, "
                + o.wrong().itemsProcessed() + " items processed for " + o.items() + " (progress dropped each beat)");
        System.out.println("borrowed future    : sum " + o.borrowed().sum() + ", " + o.borrowed().beats()
                + " heartbeats, " + o.borrowed().itemsProcessed() + " items processed for " + o.items());
        System.out.println("handle outside loop: sum " + o.right().sum() + ", " + o.right().beats() + " heartbeats, "
                + o.right().itemsProcessed() + " items processed for " + o.items());
    }
}
