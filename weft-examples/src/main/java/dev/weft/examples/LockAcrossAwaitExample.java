package dev.weft.examples;

import static dev.weft.Join.joinAll;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mutex;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Elapsed;
import dev.weft.time.Instant;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Pitfall: holding a lock across an await; best practice: "Prefer
 * {@code tokio::sync::Mutex} over {@code std::sync::Mutex} when the lock is held
 * across {@code .await} points. Use {@code std::sync::Mutex} when the critical section
 * is short and synchronous."
 *
 * <pre>{@code
 * // Wrong: a std MutexGuard held across an await.
 * let guard = std_mutex.lock().unwrap();
 * let row = db.query(&guard.key).await;      // other tasks block a thread waiting for the lock
 *
 * // Right: an async mutex; waiting for it suspends the task, not the thread.
 * let guard = tokio_mutex.lock().await;
 * let row = db.query(&guard.key).await;
 *
 * // Fine: a std mutex around a short, synchronous section.
 * std_mutex.lock().unwrap().insert(page, hits + 1);
 * }</pre>
 *
 * <p>In Weft the JDK's locks play {@code std::sync::Mutex}. A thread task that holds
 * a {@link ReentrantLock} across an await parks with it; that much works, as it does
 * on a virtual thread. The harm is on the waiting side: a task that waits in
 * {@code lock()} blocks its thread <em>outside Weft</em>. Weft cannot reach it there:
 * <ul>
 *   <li>{@code abort()} does not stop it; it takes the lock when it is free, runs
 *       its critical section after it was cancelled, and stops only at its next
 *       await (a waiter that reaches none ends as if never aborted);</li>
 *   <li>it cannot race a timeout: {@code lock()} is not a future, so no select, no
 *       {@code Time.timeout};</li>
 *   <li>it counts as busy, so a paused clock (tests) cannot move while it waits: if
 *       the holder waits for a timer, the test hangs;</li>
 *   <li>in a future task, {@code lock()} would block a scheduler worker and every task
 *       queued behind it, and a {@code ReentrantLock} taken in one poll may have to be
 *       released in a later poll on another worker, which it refuses.</li>
 * </ul>
 * ({@code synchronized} is no better: on JDK 21 to 23, a virtual thread that parks
 * inside it also pins its carrier thread.)
 *
 * <p>Weft's {@link Mutex} is the right lock for a section that awaits: its
 * {@code lock()} is a future, so the waiter parks in Weft, and an abort or a timeout
 * drops its place in the queue at once, without ever entering. For a short section
 * that never awaits, a JDK lock is the cheaper choice, and fine.
 *
 * <p>The "database" the holder waits for is a {@code CompletableFuture} that the
 * example completes itself, so each step happens in a known order, with no timing.
 */
public final class LockAcrossAwaitExample {
    private LockAcrossAwaitExample() {
    }

    /** What happened, in order. */
    static final class Log {
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        void add(String line) {
            lines.add(line);
        }

        List<String> lines() {
            return List.copyOf(lines);
        }
    }

    /** Wrong: a JDK lock held across an await (the reply of a slow database). */
    static void queryHoldingJdkLock(ReentrantLock lock, Future<String> dbReply, CompletableFuture<Void> holding,
            Log log) {
        lock.lock();
        try {
            log.add("holder: has the lock, awaits the database");
            holding.complete(null);
            log.add("holder: got " + dbReply.await() + ", releases the lock");
        } finally {
            lock.unlock();
        }
    }

    /** Right: Weft's mutex, whose guard is held across the await. */
    static void queryHoldingMutex(Mutex<Integer> mutex, Future<String> dbReply, CompletableFuture<Void> holding,
            Log log) {
        try (var guard = mutex.lock().await()) {
            log.add("holder: has the lock, awaits the database");
            holding.complete(null);
            guard.set(guard.get() + 1);
            log.add("holder: got " + dbReply.await() + ", releases the lock");
        }
    }

    /**
     * The wrong way: a second task waits for the JDK lock and is aborted while it waits.
     * The abort cannot reach it: it enters its critical section once the holder is done.
     */
    static List<String> jdkLockHeldAcrossAwait() throws Exception {
        Log log = new Log();
        ReentrantLock lock = new ReentrantLock();
        CompletableFuture<String> db = new CompletableFuture<>();
        CompletableFuture<Void> holding = new CompletableFuture<>();
        JoinHandle<Void> holder = Task.spawn(() -> queryHoldingJdkLock(lock, Future.fromStage(db), holding, log));
        Future.fromStage(holding).await();

        JoinHandle<Void> waiter = Task.spawn(() -> {
            lock.lock();                                   // blocks this thread, outside Weft
            try {
                log.add("waiter: entered the critical section");
            } finally {
                lock.unlock();
            }
        });
        while (!lock.hasQueuedThreads()) {                 // wait until the waiter is blocked in lock()
            Task.yieldNow().await();
        }
        waiter.abort();
        log.add("main: aborted the waiter; finished: " + waiter.isFinished());

        db.complete("row 42");
        holder.await();
        log.add("main: waiter " + outcome(waiter));
        return log.lines();
    }

    /**
     * The right way: a waiter for Weft's mutex is aborted, another gives up after 50 ms;
     * neither enters, both leave the queue at once, and the mutex is free when the holder
     * is done. Must run on a runtime with time enabled.
     */
    static List<String> mutexHeldAcrossAwait() throws Exception {
        Log log = new Log();
        Mutex<Integer> mutex = new Mutex<>(0);
        CompletableFuture<String> db = new CompletableFuture<>();
        CompletableFuture<Void> holding = new CompletableFuture<>();
        JoinHandle<Void> holder = Task.spawn(() -> queryHoldingMutex(mutex, Future.fromStage(db), holding, log));
        Future.fromStage(holding).await();

        CompletableFuture<Void> locking = new CompletableFuture<>();
        JoinHandle<Void> waiter = Task.spawn(() -> {
            Future<Mutex.Guard<Integer>> lock = mutex.lock();
            locking.complete(null);
            try (var guard = lock.await()) {               // parks in Weft, no thread blocked
                log.add("waiter: entered the critical section");
            }
        });
        Future.fromStage(locking).await();
        waiter.abort();
        log.add("main: aborted the waiter; it " + outcome(waiter));

        Instant start = Instant.now();
        try (var guard = Time.timeout(Duration.ofMillis(50), mutex.lock()).await()) {
            log.add("main: got the lock while the holder had it?");
        } catch (Elapsed e) {
            log.add("main: gave up on the lock after " + start.elapsed().toMillis() + " ms");
        }

        db.complete("row 42");
        holder.await();
        try (var guard = mutex.tryLock()) {                // null if the lock had gone to a dropped waiter
            log.add("main: the mutex is " + (guard == null ? "still locked" : "free, count " + guard.get()));
        }
        return log.lines();
    }

    /** Fine: a JDK lock around a short section that never awaits. */
    static void countHit(ReentrantLock lock, Map<String, Integer> hits, String page) {
        lock.lock();
        try {
            hits.merge(page, 1, Integer::sum);             // no await inside
        } finally {
            lock.unlock();
        }
    }

    /** Counts {@code n} hits from thread tasks and {@code n} from future tasks, under one JDK lock. */
    static Map<String, Integer> shortSectionsWithAJdkLock(int n) {
        ReentrantLock lock = new ReentrantLock();
        Map<String, Integer> hits = new HashMap<>();
        List<JoinHandle<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String page = "/page/" + (i % 4);
            tasks.add(Task.spawn(() -> countHit(lock, hits, page)));                      // a thread task
            tasks.add(Task.spawn(Future.ready(page).map(p -> {                            // a future task:
                countHit(lock, hits, p);                                                  // short, never awaits
                return null;
            })));
        }
        joinAll(tasks).await();
        lock.lock();
        try {
            return Map.copyOf(hits);
        } finally {
            lock.unlock();
        }
    }

    private static String outcome(JoinHandle<?> task) {
        try {
            task.await();
            return "ended normally";
        } catch (JoinError e) {
            return e.isCancelled() ? "ended cancelled" : "failed: " + e.getCause();
        }
    }

    /**
     * The example's observable result.
     *
     * @param jdkLock   what happened with a JDK lock held across an await
     * @param mutex     what happened with Weft's mutex held across an await
     * @param shortHits hits per page, counted in short sections under a JDK lock
     */
    record Outcome(List<String> jdkLock, List<String> mutex, Map<String, Integer> shortHits) {
    }

    /** Runs the example on a runtime whose clock starts paused: the 50 ms timeout takes no real time. */
    public static Outcome run() {
        try (Runtime rt = Runtime.builder().workerThreads(2).startPaused(true).build()) {
            return run(rt);
        }
    }

    /** Runs the example on {@code runtime}, which must have time enabled. */
    public static Outcome run(Runtime runtime) {
        return runtime.blockOn(() -> new Outcome(jdkLockHeldAcrossAwait(), mutexHeldAcrossAwait(),
                shortSectionsWithAJdkLock(1_000)));
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("JDK lock held across an await:");
        o.jdkLock().forEach(l -> System.out.println("  " + l));
        System.out.println("Weft Mutex held across an await:");
        o.mutex().forEach(l -> System.out.println("  " + l));
        System.out.println("JDK lock, short sections: " + new TreeMap<>(o.shortHits()) + ", "
                + o.shortHits().values().stream().mapToInt(Integer::intValue).sum() + " hits, none lost");
    }
}
