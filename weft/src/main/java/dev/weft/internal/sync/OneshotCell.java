package dev.weft.internal.sync;

import dev.weft.Waker;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The shared state of one {@code Oneshot} channel: one value, one state word, the
 * receiver's waker and the waker of the sender's {@code closed()} wait. The public
 * {@code Oneshot.Sender} and {@code Oneshot.Receiver} are thin views of it.
 *
 * @param <T> the type of the value
 */
public final class OneshotCell<T> {
    /*
     * Implementation notes.
     *
     * Overview. A single-use hand-off between one sending side and one receiving
     * side, lock-free: every transition is one CAS on `state`. The same shape as
     * Tokio's oneshot (a state word with "complete", "closed" and "waker set" bits,
     * each waker slot owned by whoever may write it), written afresh for Java.
     *
     * State word (int):
     *
     *   bit  0 VALUE_SENT   the sender stored `value` (written before the CAS that
     *                       sets this bit, read only after seeing it)
     *   bit  1 TX_CLOSED    the sender is done without a value: closed, or its send
     *                       failed because the receiver was gone
     *   bit  2 RX_CLOSED    the receiver is closed, dropped, or took the value
     *   bit  3 RX_WAKER     `rxWaker` holds the receiver's waker
     *   bit  4 TX_WAKER     `txWaker` holds the waker of a pending closed() wait
     *   bit  5 TX_CLAIMED   a send() has begun: `value` is that call's to write.
     *                       A second send fails at once (a misuse), and two
     *                       racing sends never write `value` both.
     *
     *   The sender side completes at most once: VALUE_SENT and TX_CLOSED are never
     *   both set, and neither is ever cleared. RX_CLOSED is never cleared.
     *   A successful send needs RX_CLOSED clear in the same CAS that sets
     *   VALUE_SENT: a value is either handed over or handed back, never both.
     *
     * Waker slots. Each slot has one registering side (rxWaker: the receiver;
     * txWaker: the closed() wait) and one waking side (the other end). The bit
     * says who owns the field:
     *   - bit clear: the registering side may write the field;
     *   - bit set: the field is frozen; the waking side may read it.
     * To register, the owner clears the bit (CAS) if it was set and the waker
     * differs, writes the field, then sets the bit (CAS); the CAS publishes the
     * field. Each step re-checks the completion bits (VALUE_SENT | TX_CLOSED for
     * the receiver, RX_CLOSED for the closed() wait) and stops when it sees them:
     * the caller then completes instead of waiting. The waking side clears the
     * bit in the same CAS that completes the state; if the bit was set it now owns
     * the field: it reads it, clears it (no retention) and wakes it after the CAS.
     * Registration racing with completion therefore ends in one of two ways: the
     * completer saw the bit and wakes, or the registrar's CAS fails, sees the
     * completion and returns ready. No lost wake-up, no double ownership.
     *
     * Cancellation. Dropping the receiver is closeReceiver(): RX_CLOSED is set and
     * the RX_WAKER bit cleared in one CAS (the slot is then the receiver's to clear),
     * so a later send fails and hands the value back; a value sent before the drop
     * stays in `value` for the receiver to take (tryRecv) or for the public layer
     * to pass to the undelivered-value hook. Dropping a closed() wait unregisters
     * its waker (clears TX_WAKER) and releases `closedWaiter`.
     *
     * closedWaiter: at most one closed() wait may be registered, because there is
     * one slot; a second, concurrent one is a misuse reported by the public layer.
     *
     * Tested by OneshotTest (each transition, races with threads, drops) and
     * OneshotLincheckTest (send / tryRecv / close / poll-once, model checked).
     */
    public static final int VALUE_SENT = 1;
    public static final int TX_CLOSED = 1 << 1;
    public static final int RX_CLOSED = 1 << 2;
    static final int RX_WAKER = 1 << 3;
    static final int TX_WAKER = 1 << 4;
    static final int TX_CLAIMED = 1 << 5;
    /** The sender side is done: sent or closed. */
    public static final int TX_DONE = VALUE_SENT | TX_CLOSED;

    /** {@link #send} answers. */
    public static final int SENT = 0;
    public static final int RECEIVER_GONE = 1;
    public static final int ALREADY_DONE = 2;

    private static final VarHandle STATE;
    private static final VarHandle CLOSED_WAITER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(OneshotCell.class, "state", int.class);
            CLOSED_WAITER = l.findVarHandle(OneshotCell.class, "closedWaiter", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Written by CAS from both sides. */
    private volatile int state;
    /** Written by the sender before the CAS that sets VALUE_SENT; cleared by the receiver when it takes it. */
    private T value;
    /** See "Waker slots": written by the owner of the slot only. */
    private Waker rxWaker;
    private Waker txWaker;
    /** The closed() wait that may use txWaker; set and cleared by CAS. */
    private volatile Object closedWaiter;

    /** The state word (a snapshot). */
    public int state() {
        return state;
    }

    /**
     * Stores {@code v} and completes the sender side: {@link #SENT},
     * {@link #RECEIVER_GONE} (nothing stored; the sender side is now closed) or
     * {@link #ALREADY_DONE} (the sender side had already sent or closed).
     */
    public int send(T v) {
        int s;
        do {
            s = state;
            if ((s & (TX_DONE | TX_CLAIMED)) != 0) {
                return ALREADY_DONE;
            }
        } while (!STATE.compareAndSet(this, s, s | TX_CLAIMED));
        // The claim makes `value` this call's alone until VALUE_SENT is set.
        if ((s & RX_CLOSED) == 0) {
            // Plain write: published by the successful CAS below, and read only after
            // a read of state that sees VALUE_SENT.
            value = v;
            for (s = state; ; s = state) {
                if ((s & TX_DONE) != 0) { // closeSender() raced with this send and won
                    value = null;
                    return ALREADY_DONE;
                }
                if ((s & RX_CLOSED) != 0) {
                    value = null;
                    break;
                }
                if (STATE.compareAndSet(this, s, (s | VALUE_SENT) & ~RX_WAKER)) {
                    if ((s & RX_WAKER) != 0) {
                        wakeRx();
                    }
                    return SENT;
                }
            }
        }
        // The receiver is gone: the value goes back, and the sender side is used up.
        completeSender();
        return RECEIVER_GONE;
    }

    /**
     * Closes the sender side without a value; wakes the receiver. Answers
     * {@code false} if the sender side had already sent or closed.
     */
    public boolean closeSender() {
        return completeSender();
    }

    private boolean completeSender() {
        for (;;) {
            int s = state;
            if ((s & TX_DONE) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, (s | TX_CLOSED) & ~RX_WAKER)) {
                if ((s & RX_WAKER) != 0) {
                    wakeRx();
                }
                return true;
            }
        }
    }

    /** Called by the side that cleared RX_WAKER in a completing CAS: it owns the slot now. */
    private void wakeRx() {
        Waker w = rxWaker;
        rxWaker = null;
        Wakers.wake(w);
    }

    /**
     * Closes the receiving side: later sends fail; a value already sent stays here.
     * Wakes a pending closed() wait. Idempotent.
     */
    public void closeReceiver() {
        for (;;) {
            int s = state;
            if ((s & RX_CLOSED) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, (s | RX_CLOSED) & ~(RX_WAKER | TX_WAKER))) {
                if ((s & RX_WAKER) != 0) {
                    rxWaker = null; // the receiver's own slot: nobody else will read it now
                }
                if ((s & TX_WAKER) != 0) {
                    Waker w = txWaker;
                    txWaker = null;
                    Wakers.wake(w);
                }
                return;
            }
        }
    }

    /**
     * Takes the value; call only after seeing {@link #VALUE_SENT}, from the
     * receiving side. Answers {@code null} if it was taken before.
     */
    public T takeValue() {
        T v = value;
        value = null;
        return v;
    }

    /**
     * Registers the receiver's waker unless the sender side is done; answers the
     * state seen last. If that state has a {@link #TX_DONE} bit, the waker is not
     * registered and the caller must not wait.
     */
    public int registerReceiver(Waker w) {
        int s = state;
        if ((s & TX_DONE) != 0) {
            return s;
        }
        if ((s & RX_WAKER) != 0) {
            // Read while the bit is set: only this side writes the field, and the
            // sender clears it only after completing, which the CAS below would see.
            if (rxWaker == w) {
                return s;
            }
            for (;;) {
                if (STATE.compareAndSet(this, s, s & ~RX_WAKER)) {
                    s &= ~RX_WAKER;
                    break;
                }
                s = state;
                if ((s & TX_DONE) != 0) {
                    return s;
                }
            }
        }
        rxWaker = w; // published by the CAS that sets RX_WAKER
        for (;;) {
            if (STATE.compareAndSet(this, s, s | RX_WAKER)) {
                return s | RX_WAKER;
            }
            s = state;
            if ((s & TX_DONE) != 0) {
                rxWaker = null;
                return s;
            }
        }
    }

    /**
     * Claims the closed()-wait slot for {@code waiter}; answers {@code false} if
     * another wait holds it.
     */
    public boolean claimClosedSlot(Object waiter) {
        Object cur = closedWaiter;
        return cur == waiter || (cur == null && CLOSED_WAITER.compareAndSet(this, null, waiter));
    }

    /**
     * Registers the closed() wait's waker unless the receiver is closed; answers
     * whether it is registered (if not, {@link #RX_CLOSED} is set). The caller holds
     * the slot ({@link #claimClosedSlot}).
     */
    public boolean registerClosed(Waker w) {
        int s = state;
        if ((s & RX_CLOSED) != 0) {
            return false;
        }
        if ((s & TX_WAKER) != 0) {
            if (txWaker == w) {
                return true;
            }
            for (;;) {
                if (STATE.compareAndSet(this, s, s & ~TX_WAKER)) {
                    s &= ~TX_WAKER;
                    break;
                }
                s = state;
                if ((s & RX_CLOSED) != 0) {
                    return false;
                }
            }
        }
        txWaker = w; // published by the CAS that sets TX_WAKER
        for (;;) {
            if (STATE.compareAndSet(this, s, s | TX_WAKER)) {
                return true;
            }
            s = state;
            if ((s & RX_CLOSED) != 0) {
                txWaker = null;
                return false;
            }
        }
    }

    /**
     * The closed() wait that holds the slot is done or dropped: unregisters its
     * waker if registered, and frees the slot.
     */
    public void releaseClosedSlot(Object waiter) {
        if (closedWaiter != waiter) {
            return;
        }
        for (;;) {
            int s = state;
            if ((s & TX_WAKER) == 0) {
                break;
            }
            if (STATE.compareAndSet(this, s, s & ~TX_WAKER)) {
                txWaker = null;
                break;
            }
        }
        CLOSED_WAITER.compareAndSet(this, waiter, null);
    }
}
