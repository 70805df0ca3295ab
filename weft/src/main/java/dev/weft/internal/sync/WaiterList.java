package dev.weft.internal.sync;

import dev.weft.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * An intrusive FIFO list of {@link Waiter}s: O(1) append, remove and pop (at
 * either end), no
 * allocation per waiter beyond the waiting future itself. Not thread-safe: the
 * primitive that owns it guards it with its lock.
 *
 * @param <W> the kind of waiter
 */
public final class WaiterList<W extends Waiter> {
    private Waiter head;
    private Waiter tail;
    private int size;

    /** Appends {@code w}, which must not be in a list. */
    public void addLast(W w) {
        if (w.linked) {
            throw new IllegalStateException("waiter already queued");
        }
        w.prev = tail;
        w.next = null;
        if (tail == null) {
            head = w;
        } else {
            tail.next = w;
        }
        tail = w;
        w.linked = true;
        size++;
    }

    /** Unlinks {@code w} if it is in this list; answers whether it was. */
    public boolean remove(W w) {
        if (!w.linked) {
            return false;
        }
        Waiter p = w.prev;
        Waiter n = w.next;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tail = p;
        } else {
            n.prev = p;
        }
        w.prev = null;
        w.next = null;
        w.linked = false;
        size--;
        return true;
    }

    /** The oldest waiter, or {@code null}. */
    @SuppressWarnings("unchecked")
    public W peekFirst() {
        return (W) head;
    }

    /** Unlinks and answers the oldest waiter, or {@code null}. */
    public W pollFirst() {
        W w = peekFirst();
        if (w != null) {
            remove(w);
        }
        return w;
    }

    /** Unlinks and answers the newest waiter, or {@code null}. */
    @SuppressWarnings("unchecked")
    public W pollLast() {
        W w = (W) tail;
        if (w != null) {
            remove(w);
        }
        return w;
    }

    public boolean isEmpty() {
        return head == null;
    }

    public int size() {
        return size;
    }

    /** Unlinks every waiter and answers their wakers (those that have one), oldest first. */
    public List<Waker> drainWakers() {
        List<Waker> wakers = new ArrayList<>(size);
        for (W w; (w = pollFirst()) != null; ) {
            if (w.waker != null) {
                wakers.add(w.waker);
            }
        }
        return wakers;
    }

    /**
     * Unlinks every waiter that {@code which} accepts and answers their wakers (those
     * that have one), oldest first; their waker fields are cleared. O(size).
     */
    public List<Waker> drainWakers(Predicate<? super W> which) {
        List<Waker> wakers = new ArrayList<>();
        for (Waiter w = head; w != null; ) {
            Waiter next = w.next;
            @SuppressWarnings("unchecked")
            W node = (W) w;
            if (which.test(node)) {
                remove(node);
                if (node.waker != null) {
                    wakers.add(node.waker);
                    node.waker = null;
                }
            }
            w = next;
        }
        return wakers;
    }

    /**
     * Wakes every waker of {@code wakers}; call it after releasing the owner's lock. A
     * waker that throws is logged, not passed on: see {@link Wakers}.
     */
    public static void wakeAll(List<Waker> wakers) {
        for (Waker w : wakers) {
            Wakers.wake(w);
        }
    }
}
