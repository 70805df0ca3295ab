package dev.weft.examples;

import static dev.weft.Join.joinAll;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Mutex;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Shared state with {@code Arc} and {@code Mutex}: the seed's {@code update_state}.
 *
 * <pre>{@code
 * type SharedState = Arc<Mutex<HashMap<String, String>>>;
 *
 * async fn update_state(state: SharedState, key: String, value: String) {
 *     let mut map = state.lock().await;
 *     map.insert(key, value);
 *     // lock is released when `map` goes out of scope
 * }
 * }</pre>
 *
 * <p>Java shares by reference, so {@code Arc} has no counterpart: every task holds
 * the same {@link Mutex}. {@code state.lock().await()} gives a {@link Mutex.Guard},
 * and try-with-resources releases it where Rust's scope ends. Waiting for the lock
 * parks a thread task, or suspends a future task, without blocking a thread; the
 * guard may be held across an await (see {@link LockAcrossAwaitExample}).
 *
 * <p>Both kinds of task share the map: thread tasks in direct style, and future
 * tasks composed with {@code map}, which have no thread of their own. The future
 * tasks each store an entry; the thread tasks each do a read-modify-write of a
 * counter with an await in the middle. No update is lost, and no two tasks are
 * ever inside the lock at once.
 *
 * <p>The seed also warns against scattering {@code Arc<Mutex<T>>} everywhere: "prefer
 * message passing with channels, or restructure so that a single task owns the
 * state". {@link #ownedByOneTask} does that: one task owns a plain {@code HashMap}
 * and the others send it their updates through an {@link Mpsc} channel.
 */
public final class SharedStateExample {
    private SharedStateExample() {
    }

    /** {@code update_state}, in a thread task: direct style. */
    static void updateState(Mutex<Map<String, String>> state, String key, String value) {
        try (var map = state.lock().await()) {
            map.get().put(key, value);
        }                                                   // the lock is released here
    }

    /** {@code update_state} as a future, for a future task: no thread, the guard closed in {@code map}. */
    static Future<Void> updateStateFuture(Mutex<Map<String, String>> state, String key, String value) {
        return state.lock().map(map -> {
            try (map) {
                map.get().put(key, value);
            }
            return null;
        });
    }

    /**
     * A read-modify-write of the {@code "updates"} counter with an await in the middle,
     * which a {@code Mutex} guard may be held across. Counts the tasks inside the lock.
     */
    static void countUpdate(Mutex<Map<String, String>> state, AtomicInteger inside, AtomicInteger peakInside) {
        try (var map = state.lock().await()) {
            peakInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            int n = Integer.parseInt(map.get().getOrDefault("updates", "0"));
            Task.yieldNow().await();                        // another task runs here, and cannot get in
            map.get().put("updates", Integer.toString(n + 1));
            inside.decrementAndGet();
        }
    }

    /** One update sent to the task that owns the state. */
    record Update(String key, String value) {
    }

    /**
     * The alternative: a single task owns the map, and the others send it updates.
     * No lock: the channel is the only shared thing.
     */
    static Map<String, String> ownedByOneTask(int writers) {
        var ch = Mpsc.<Update>channel(16);
        JoinHandle<Map<String, String>> owner = Task.spawn(() -> {
            Map<String, String> state = new HashMap<>();  // only this task touches it
            for (Update u; (u = ch.rx().recv().await()) != null; ) {
                state.put(u.key(), u.value());
            }
            return state;
        });
        List<JoinHandle<Void>> tasks = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            var tx = ch.tx().clone();                     // one sender per writer
            String key = "key-" + i;
            tasks.add(Task.spawn(() -> {
                try (tx) {
                    tx.send(new Update(key, "from writer")).await();
                }
            }));
        }
        ch.tx().close();                                  // the owner stops when every writer is done
        joinAll(tasks).await();
        return owner.await();
    }

    /**
     * The example's observable result.
     *
     * @param state      the shared map once every task is done
     * @param peakInside the most tasks ever inside the lock at once
     * @param lockedAfter whether the mutex was still locked at the end
     * @param owned      the map built by the single owner task
     */
    record Outcome(Map<String, String> state, int peakInside, boolean lockedAfter, Map<String, String> owned) {
    }

    /** Runs the example with {@code tasks} thread tasks and as many future tasks. */
    static Outcome run(Runtime runtime, int tasks) {
        return runtime.blockOn(() -> {
            Mutex<Map<String, String>> state = new Mutex<>(new HashMap<>());
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger peakInside = new AtomicInteger();
            List<JoinHandle<Void>> handles = new ArrayList<>();
            for (int i = 0; i < tasks; i++) {
                String n = Integer.toString(i);
                handles.add(Task.spawn(() -> {             // a thread task
                    updateState(state, "thread-" + n, "value " + n);
                    countUpdate(state, inside, peakInside);
                }));
                handles.add(Task.spawn(updateStateFuture(state, "future-" + n, "value " + n)));  // a future task
            }
            joinAll(handles).await();
            boolean lockedAfter = state.isLocked();           // every guard was closed
            try (var map = state.lock().await()) {
                return new Outcome(Map.copyOf(map.get()), peakInside.get(), lockedAfter, ownedByOneTask(tasks));
            }
        });
    }

    /** Runs the example with 100 tasks of each kind on a runtime of four workers. */
    public static Outcome run() {
        try (Runtime rt = Runtime.builder().workerThreads(4).build()) {
            return run(rt, 100);
        }
    }

    public static void main(String[] args) {
        Outcome o = run();
        long threadKeys = o.state().keySet().stream().filter(k -> k.startsWith("thread-")).count();
        long futureKeys = o.state().keySet().stream().filter(k -> k.startsWith("future-")).count();
        System.out.println("update_state       : " + threadKeys + " keys from thread tasks, " + futureKeys
                + " from future tasks");
        System.out.println("read-modify-write  : updates = " + o.state().get("updates") + " (none lost), at most "
                + o.peakInside() + " task inside the lock at once");
        System.out.println("one owner instead  : " + o.owned().size() + " keys, sent over a channel, no lock");
    }
}
