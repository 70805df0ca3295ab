package dev.weft.internal.sync;

import dev.weft.Waker;

/**
 * A node of a {@link WaiterList}: one pending future waiting for an event or for
 * permits. Subclassed by each waiting future. Every field here is guarded by the
 * lock of the primitive that owns the list.
 */
public class Waiter {
    Waiter prev;
    Waiter next;
    boolean linked;
    /** The waker to call when the event comes; guarded by the owner's lock. */
    public Waker waker;

    /** Whether the node is in a list now. Under the owner's lock. */
    public final boolean isLinked() {
        return linked;
    }
}
