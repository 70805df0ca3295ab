package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the mutex as two tasks use it: each (a thread of its own, one
 * operation at a time, as a task would) tries the lock, polls a lock future once per
 * operation, drops a pending one, and unlocks; a third thread asks whether it is
 * locked. The guarded counter is incremented by every acquisition, so each "locked n"
 * also tells in which order the lock was had: two holders at once, or a hand-off
 * skipping a waiter, show as a history no sequential order of the same operations
 * gives.
 *
 * <p>Polls use a waker that does nothing: a pending future is polled again by a later
 * operation of its task, never parked, so no operation blocks.
 */
@Tag("lincheck")
public class MutexLincheckTest {
    private static final Context CX = Context.of(Waker.noop());

    private final Mutex<int[]> mutex = new Mutex<>(new int[1]);
    private final Holder a = new Holder();
    private final Holder b = new Holder();

    /** What one task has: a guard, or a lock future it is waiting on. */
    private static final class Holder {
        Mutex.Guard<int[]> guard;
        Future<Mutex.Guard<int[]>> pending;
    }

    @Operation(nonParallelGroup = "a")
    public String tryLockA() {
        return tryLock(a);
    }

    @Operation(nonParallelGroup = "a")
    public String lockA() {
        return lock(a);
    }

    @Operation(nonParallelGroup = "a")
    public String dropLockA() {
        return dropLock(a);
    }

    @Operation(nonParallelGroup = "a")
    public String unlockA() {
        return unlock(a);
    }

    @Operation(nonParallelGroup = "b")
    public String tryLockB() {
        return tryLock(b);
    }

    @Operation(nonParallelGroup = "b")
    public String lockB() {
        return lock(b);
    }

    @Operation(nonParallelGroup = "b")
    public String dropLockB() {
        return dropLock(b);
    }

    @Operation(nonParallelGroup = "b")
    public String unlockB() {
        return unlock(b);
    }

    @Operation
    public boolean isLocked() {
        return mutex.isLocked();
    }

    private String tryLock(Holder h) {
        if (h.guard != null || h.pending != null) {
            return "busy itself";
        }
        Mutex.Guard<int[]> g = mutex.tryLock();
        if (g == null) {
            return "refused";
        }
        h.guard = g;
        return "locked " + ++g.get()[0];
    }

    private String lock(Holder h) {
        if (h.guard != null) {
            return "holds it";
        }
        if (h.pending == null) {
            h.pending = mutex.lock();
        }
        Poll<Mutex.Guard<int[]>> p = h.pending.poll(CX);
        if (p.isPending()) {
            return "waiting";
        }
        h.pending = null;
        h.guard = p.value();
        return "locked " + ++h.guard.get()[0];
    }

    private static String dropLock(Holder h) {
        if (h.pending == null) {
            return "nothing to drop";
        }
        h.pending.drop();
        h.pending = null;
        return "dropped";
    }

    private static String unlock(Holder h) {
        if (h.guard == null) {
            return "holds nothing";
        }
        h.guard.close();
        h.guard = null;
        return "unlocked";
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).check(getClass());
    }
}
