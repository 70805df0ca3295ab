package dev.weft.internal.sync;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A lock for critical sections of a few pointer moves that never park: a CAS to
 * take it, a release store to let go. A waiter spins briefly, then yields (the
 * holder's thread may have been descheduled in the middle of its section).
 *
 * <p>Not reentrant. Never hold it across anything that may block or park, wake a
 * waker, or run user code.
 */
public final class SpinLock {
    private static final VarHandle LOCKED;
    private static final int SPINS_BEFORE_YIELD = 64;

    static {
        try {
            LOCKED = MethodHandles.lookup().findVarHandle(SpinLock.class, "locked", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** 1 while held. */
    private volatile int locked;

    public void lock() {
        if (!LOCKED.compareAndSet(this, 0, 1)) {
            contended();
        }
    }

    private void contended() {
        int spins = 0;
        for (;;) {
            // Read before trying again: spinning on a CAS would keep stealing the line.
            if (locked == 0 && LOCKED.compareAndSet(this, 0, 1)) {
                return;
            }
            if (++spins < SPINS_BEFORE_YIELD) {
                Thread.onSpinWait();
            } else {
                spins = 0;
                Thread.yield();
            }
        }
    }

    public boolean tryLock() {
        return locked == 0 && LOCKED.compareAndSet(this, 0, 1);
    }

    public void unlock() {
        LOCKED.setRelease(this, 0);
    }

    public boolean isLocked() {
        return locked != 0;
    }
}
