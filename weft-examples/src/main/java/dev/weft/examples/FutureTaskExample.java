package dev.weft.examples;

import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A future task: a task written without a thread, polled by the scheduler's workers,
 * as every Tokio task is.
 *
 * <pre>{@code
 * let total = tokio::spawn(
 *     price_of("spoon")                                   // a future from elsewhere
 *         .map(|price| price * 3)
 *         .then(|subtotal| tax_on(subtotal).map(move |tax| subtotal + tax)));
 * }</pre>
 *
 * <p>{@code map}, {@code andThen} and {@link Loop#loop} build the future from parts;
 * {@code Task.spawn(future)} runs it with no thread and no stack of its own: each
 * wake puts it back on a run queue and a worker polls it. A {@code CompletableFuture}
 * completed on another thread comes in through {@link Future#fromStage}. Nothing in
 * it may {@code await()} (that would block the worker: see {@link BlockingExample}).
 */
public final class FutureTaskExample {
    private FutureTaskExample() {
    }

    private static final Map<String, Integer> PRICES = Map.of("spoon", 250, "fork", 300);

    /** Records the threads the steps ran on: they should all be scheduler workers. */
    private static final Set<String> STEP_THREADS = ConcurrentHashMap.newKeySet();

    private static <T> T onThisThread(T value) {
        Thread t = Thread.currentThread();
        STEP_THREADS.add((t.isVirtual() ? "virtual " : "") + t.getName());
        return value;
    }

    /**
     * A service outside Weft: a JDK delayed executor answers on one of its own threads,
     * {@code d} from now, through a {@code CompletableFuture} that
     * {@link Future#fromStage} bridges. Not a Weft timer on purpose: the quote is made
     * on the caller's thread, outside any runtime, and this is what a call to a
     * {@code CompletableFuture}-based client looks like.
     */
    private static <T> Future<T> answeredByAnotherThread(Duration d, Supplier<T> answer) {
        return Future.fromStage(CompletableFuture.supplyAsync(answer,
                CompletableFuture.delayedExecutor(d.toNanos(), TimeUnit.NANOSECONDS)));
    }

    /** A price service answering on another thread (a CompletableFuture, bridged). */
    static Future<Integer> priceOf(String item) {
        return answeredByAnotherThread(Duration.ofMillis(10), () -> PRICES.get(item));
    }

    /** A tax service, likewise. */
    static Future<Integer> taxOn(int subtotal) {
        return answeredByAnotherThread(Duration.ofMillis(10), () -> subtotal / 5);
    }

    /** map and andThen: a quote, in cents, with no thread of its own. */
    static Future<Integer> quote(String item, int quantity) {
        return priceOf(item)
                .map(price -> onThisThread(price * quantity))
                .andThen(subtotal -> taxOn(subtotal).map(tax -> onThisThread(subtotal + tax)));
    }

    private record Acc(int i, long sum) {
    }

    /** Loop.loop: the sum of the squares of 1..n, one step per number, yielding between steps. */
    static Future<Long> sumOfSquares(int n) {
        return Loop.loop(new Acc(1, 0L), acc -> acc.i() > n
                ? Future.ready(Loop.done(onThisThread(acc.sum())))
                : Task.yieldNow().map(__ -> Loop.next(new Acc(acc.i() + 1, acc.sum() + (long) acc.i() * acc.i()))));
    }

    /** The example's observable result. */
    record Outcome(int quote, long sumOfSquares, Set<String> stepThreads) {
    }

    public static Outcome run() {
        STEP_THREADS.clear();
        try (Runtime rt = Runtime.builder().workerThreads(2).threadName("example").build()) {
            JoinHandle<Integer> q = rt.spawn(quote("spoon", 3));   // future tasks: no thread each
            JoinHandle<Long> s = rt.spawn(sumOfSquares(100));
            return new Outcome(q.await(), s.await(), Set.copyOf(STEP_THREADS)); // awaited from main, outside the runtime
        }
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("quote              : 3 spoons = " + o.quote() + " cents, tax included");
        System.out.println("Loop.loop          : sum of squares 1..100 = " + o.sumOfSquares());
        System.out.println("steps ran on       : " + o.stepThreads());
    }
}
