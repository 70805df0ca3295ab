package dev.weft.internal.time;

import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One timer: a node of the {@link TimerWheel}'s slot lists, its state and the waker
 * to call when it fires. Owned by one future (a sleep), which polls it; the
 * {@link TimeDriver} fires it.
 */
public class TimerEntry {
    /*
     * Implementation notes.
     *
     * state: IDLE (not in the wheel) -> FILED (register, under the driver's lock)
     * -> FIRED (the driver, under its lock) or back to IDLE (cancel, under the
     * lock). The owner alone moves FIRED -> IDLE (cancel, before a reuse after a
     * reset); the driver does not touch an entry that is not filed.
     *
     * waker: while the entry is filed, the owner writes it (updateWaker) before it
     * reads state; the driver writes state (FIRED) before it reads waker. Both are
     * volatile accesses, so either the owner's read sees FIRED or the driver's read
     * sees the new waker: no wake-up is lost.
     *
     * Every other store is weaker than volatile, because on the armed-timeout path
     * (W6: one register and one cancel per operation) each full fence costs about
     * as much as the wheel work itself. register writes waker before it takes the
     * driver's lock, and the driver reads waker only after taking that lock, so the
     * lock publishes it. FILED and IDLE are written by the lock holder or by the
     * owner of an entry that is out of the wheel: no one waits on them, readers
     * outside the lock (isFired from another thread) need only see them eventually,
     * so release stores suffice.
     *
     * A subclass may be its own entry (Timeout is: one object per armed timeout
     * instead of three); Sleep, a public class, keeps one as a field instead, so as
     * not to show this class in the API.
     */
    static final int IDLE = 0;
    static final int FILED = 1;
    static final int FIRED = 2;
    private static final VarHandle STATE;
    private static final VarHandle WAKER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(TimerEntry.class, "state", int.class);
            WAKER = l.findVarHandle(TimerEntry.class, "waker", Waker.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TimeDriver driver;
    /** Written by the owner (before it reads {@link #state}); read by the driver when firing. */
    volatile Waker waker;
    /** IDLE, FILED or FIRED; see the notes. */
    private volatile int state;

    // Guarded by the driver's lock.
    TimerEntry prev;
    TimerEntry next;
    long tick;
    /** level * 64 + slot while filed, else -1. */
    int index = -1;

    public TimerEntry(TimeDriver driver) {
        this.driver = driver;
    }

    int state() {
        return state;
    }

    /** The driver marks the entry FIRED, then reads the waker: a volatile store (see the notes). */
    void setFired() {
        STATE.setVolatile(this, FIRED);
    }

    /**
     * The driver stopped with the entry filed: it leaves the wheel unfired, idle, and
     * its owner is woken. A volatile store before the read of the waker, as
     * {@link #setFired()}: the owner's next poll finds it idle, registers again, and
     * is told the runtime shut down.
     */
    void setUnfiled() {
        STATE.setVolatile(this, IDLE);
    }

    /** FILED or IDLE, by the lock holder or the owner of an entry out of the wheel (see the notes). */
    void setStateRelease(int s) {
        STATE.setRelease(this, s);
    }

    /** Whether the driver fired this entry since it was last registered. */
    public boolean isFired() {
        return state == FIRED;
    }

    /** Whether the entry is in the wheel. */
    public boolean isRegistered() {
        return state == FILED;
    }

    /**
     * Files the entry to wake {@code w} at the deadline {@code deadlineNanos} (on the
     * runtime clock). Answers {@code false}, filing nothing, if the deadline's tick
     * has come already.
     *
     * @throws IllegalStateException if the runtime's timer driver has stopped
     */
    public boolean register(long deadlineNanos, Waker w) {
        WAKER.set(this, w); // plain: the driver's lock, taken next, publishes it
        return driver.register(this, deadlineNanos);
    }

    /** The waker the entry will call, or {@code null}. */
    public Waker waker() {
        return waker;
    }

    /** Keeps {@code w} as the waker to call when the entry fires. */
    public void updateWaker(Waker w) {
        if (waker != w) {
            waker = w;
        }
    }

    /**
     * Takes the entry out of the wheel if it is there; after this it does not fire,
     * and it is idle (not fired) until registered again.
     */
    public void cancel() {
        int s = state;
        if (s == FILED) {
            s = driver.cancel(this);
        }
        // Out of the wheel now, so the driver no longer touches it: the owner may clear FIRED.
        if (s != IDLE) {
            setStateRelease(IDLE);
        }
        if (waker != null) {
            WAKER.setRelease(this, null); // only lets the waker be collected; no one reads it now
        }
    }
}
