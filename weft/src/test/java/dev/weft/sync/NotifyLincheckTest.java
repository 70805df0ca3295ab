package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Waker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of Notify: notifyOne, notifyLast, notifyWaiters, and two waiters, each a
 * {@link Notify.Notified} created, enabled, polled once and dropped by its own
 * operations (one thread at a time per waiter, as a future is polled by one task).
 *
 * <p>The results are checked against {@link Model}, a plain sequential description of
 * Tokio's semantics (FIFO waiters, one permit, generations, pass-on on drop), so a
 * wrong rule is caught as well as a race.
 *
 * <p>Creation is an operation of its own because it is the linearization point for
 * notifyWaiters ("takes part in every notifyWaiters made after notified()").
 * Wake-ups are not results (a waker is called after the lock is released); that
 * none is lost is checked by NotifyTest's counting stress test.
 */
@Tag("lincheck")
public class NotifyLincheckTest {
    private final Notify notify = new Notify();
    private final Context cx = Context.of(Waker.noop());
    private Notify.Notified a;
    private Notify.Notified b;

    @Operation
    public void notifyOne() {
        notify.notifyOne();
    }

    @Operation
    public void notifyLast() {
        notify.notifyLast();
    }

    @Operation
    public void notifyWaiters() {
        notify.notifyWaiters();
    }

    @Operation(nonParallelGroup = "a")
    public void createA() {
        if (a == null) {
            a = notify.notified();
        }
    }

    @Operation(nonParallelGroup = "a")
    public String pollA() {
        if (a == null) {
            return "none";
        }
        if (a.poll(cx).isReady()) {
            a = null;
            return "ready";
        }
        return "pending";
    }

    @Operation(nonParallelGroup = "a")
    public String enableA() {
        return a == null ? "none" : String.valueOf(a.enable());
    }

    @Operation(nonParallelGroup = "a")
    public void dropA() {
        if (a != null) {
            a.drop();
            a = null;
        }
    }

    @Operation(nonParallelGroup = "b")
    public void createB() {
        if (b == null) {
            b = notify.notified();
        }
    }

    @Operation(nonParallelGroup = "b")
    public String pollB() {
        if (b == null) {
            return "none";
        }
        if (b.poll(cx).isReady()) {
            b = null;
            return "ready";
        }
        return "pending";
    }

    @Operation(nonParallelGroup = "b")
    public void dropB() {
        if (b != null) {
            b.drop();
            b = null;
        }
    }

    @Test
    void modelCheck() {
        // 250 invocations, not 500: this check takes ~2 minutes at 500 on a loaded CI machine,
        // and a seeded pass-on bug was found at 15 x 200.
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(250)
                .sequentialSpecification(Model.class).check(getClass());
    }

    /** The sequential specification: what Notify means, with no concurrency in it. */
    public static class Model {
        private static final class W {
            final int generation;
            boolean registered;
            /** 0: not chosen; 1: chosen by notifyOne; 2: released by notifyWaiters; 3: seen; 4: chosen by notifyLast. */
            int chosen;

            W(int generation) {
                this.generation = generation;
            }
        }

        private boolean permit;
        private int generation;
        private final java.util.ArrayDeque<W> queue = new java.util.ArrayDeque<>();
        private W a;
        private W b;

        public void notifyOne() {
            W w = queue.pollFirst();
            if (w == null) {
                permit = true;
            } else {
                w.chosen = 1;
            }
        }

        public void notifyLast() {
            W w = queue.pollLast();
            if (w == null) {
                permit = true;
            } else {
                w.chosen = 4;
            }
        }

        public void notifyWaiters() {
            generation++;
            for (W w; (w = queue.pollFirst()) != null; ) {
                w.chosen = 2;
            }
        }

        /** Answers whether w is notified; registers it otherwise. */
        private boolean register(W w, boolean byPoll) {
            if (w.chosen != 0) {
                return true;
            }
            if (w.registered) {
                return false;
            }
            if (w.generation != generation) {
                w.chosen = 2;
                return true;
            }
            if (permit) {
                permit = false;
                // A poll spends the permit; enable() holds it as a notifyOne choice, which a
                // drop before the poll passes on.
                w.chosen = byPoll ? 3 : 1;
                return true;
            }
            w.registered = true;
            queue.addLast(w);
            return false;
        }

        private void drop(W w) {
            if (w.registered && w.chosen == 0) {
                queue.remove(w);
            } else if (w.chosen == 1) {
                notifyOne(); // chosen but never seen: passed on
            } else if (w.chosen == 4) {
                notifyLast(); // likewise, in the same order
            }
        }

        public void createA() {
            if (a == null) {
                a = new W(generation);
            }
        }

        public String pollA() {
            if (a == null) {
                return "none";
            }
            if (register(a, true)) {
                a = null;
                return "ready";
            }
            return "pending";
        }

        public String enableA() {
            if (a == null) {
                return "none";
            }
            // Notified by enable(), not completed: a drop still passes a choice on.
            return String.valueOf(register(a, false));
        }

        public void dropA() {
            if (a != null) {
                drop(a);
                a = null;
            }
        }

        public void createB() {
            if (b == null) {
                b = new W(generation);
            }
        }

        public String pollB() {
            if (b == null) {
                return "none";
            }
            if (register(b, true)) {
                b = null;
                return "ready";
            }
            return "pending";
        }

        public void dropB() {
            if (b != null) {
                drop(b);
                b = null;
            }
        }
    }
}
