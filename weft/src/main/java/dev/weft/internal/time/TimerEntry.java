package dev.weft.internal.time;

import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One timer: a node of the {@link TimerWheel}'s slot lists, its state and the waker
 * to call when it fires. Owned by one future (a sleep), which polls it; the
 * {@link TimeDriver} fires it.
 */
public final class TimerEntry {
    /*
     * Implementation notes.
     *
     * state: IDLE (not in the wheel) -> FILED (register, under the driver's lock)
     * -> FIRED (the driver, under its lock) or back to IDLE (cancel, under the
     * lock). The owner alone moves FIRED -> IDLE (cancel, before a reuse after a
     * reset); the driver does not touch an entry that is not filed.
     *
     * waker: written by the owner before it reads state; the driver writes state
     * (FIRED) before it reads waker. Both volatile, so either the owner's read sees
     * FIRED or the driver's read sees the new waker: no wake-up is lost.
     */
    static final int IDLE = 0;
    static final int FILED = 1;
    static final int FIRED = 2;
    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(TimerEntry.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final TimeDriver driver;
    /** Written by the owner before it reads {@link #state}; read by the driver when firing. */
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

    void setState(int s) {
        STATE.setVolatile(this, s);
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
        waker = w;
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
        if (state == FILED) {
            driver.cancel(this);
        }
        // Out of the wheel now, so the driver no longer touches it: the owner may clear FIRED.
        setState(IDLE);
        waker = null;
    }
}
