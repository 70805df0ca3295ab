package dev.weft.internal.sync;

import dev.weft.Waker;
import dev.weft.internal.runtime.SpinWatch;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collection;

/**
 * An unbounded lock-free queue for many producers and one consumer: the buffer of
 * the mpsc channels. A push is one allocation, one atomic swap and one store; a
 * pop is two reads and a store. No counts: the channel keeps those.
 *
 * @param <T> the type of the values
 */
public final class MpscQueue<T> extends MpscQueueTailPad<T> implements SpinWatch {
    /*
     * Implementation notes.
     *
     * The algorithm is Dmitry Vyukov's node-based MPSC queue (1024cores.net,
     * "Non-intrusive MPSC node-based queue"), written here from its description.
     *
     *   head (consumer) -> [stub] -> [v1] -> [v2] -> ... -> [vn] <- tail (producers)
     *
     * head is a stub node whose value has been taken (or was never there); the
     * values are in the nodes after it. A producer makes a node, swaps it into
     * `tail` (getAndSet: this orders the producers) and then links it behind the
     * node it displaced (`prev.next = node`). The consumer takes `head.next`: its
     * value is the next one, and that node becomes the new stub.
     *
     * Between a producer's swap and its link the chain is broken: `tail` moved but
     * `head.next ... next` does not reach it yet, and every node pushed behind it
     * (possibly by producers that have already returned) is invisible. pop() then
     * answers null although {@link #isEmpty()} is false: the queue is "busy".
     * Callers deal with it in one of two ways:
     *   - a consumer that will wait anyway (a receive that registers its waker)
     *     simply waits: the producer in the window wakes it after linking, because
     *     the channel wakes the receiver after every push (or, if its link landed on
     *     the head that the receiver's spin marked, leaves it to the spin, which then
     *     sees the link: "The spin's mark" below, and MpscChannel, I3);
     *   - a consumer that must answer now (tryRecv, drain) calls popWaiting(), which
     *     spins through the window (a few instructions of the producer; it yields
     *     after a short spin in case that thread was descheduled). This is what
     *     makes tryRecv linearizable with the swap as a push's linearization point.
     *
     * Visibility: a node's value is written before the swap (a volatile write) and
     * the link is a volatile write; the consumer reads `next` with a volatile read,
     * so it sees the value the producer wrote. The link being a full volatile store
     * (not a release store) matters to the channel: the producer reads the
     * receiver's waker slot right after it, and the consumer writes that slot before
     * it re-reads `next` (Dekker: one of the two sees the other). When the slot already
     * holds the consumer's waker the consumer only reads it (MpscChannel, I3); the
     * argument then needs the read of `next` to stay volatile, as it is.
     *
     * The spin's mark (SpinWatch; ADR 0002, "The mark on the queue's head"). A thread
     * task that spins watching this queue marks the head node with its waker
     * (watchStarted) and, if the spin ends without a link behind it, unmarks it
     * (watchEnded) and, if its time was up, reads `next` once more (one ended by a
     * wake polls again anyway). push() answers the mark of the node it
     * linked to, read after the link: that thread's spin will see this link, and the
     * channel leaves the wake out if that waker is the one it would wake (the spinner
     * may be a thread whose future no longer receives here). Both are volatile: the
     * producer's link then read of the mark, and the receiver's unmark then read of
     * `next`, are a Dekker pair, so a producer that read the mark linked before the
     * unmark and the receiver's last read sees it. A producer that linked to a node
     * other than the head (behind a producer still linking) finds no mark and wakes.
     * A spin that saw a link leaves its mark on a node that no producer links to
     * again (`next` is written once). The mark is on the line the producer writes
     * anyway: reading it costs no line of the receiver's (the wake's check it
     * replaced read the receiver's context, which crossed the cores on every
     * hand-off).
     *
     * `head` is written only by the consumer; it is volatile so that size() and
     * isEmpty() from other threads read a recent one. A popped stub keeps its
     * `next` pointer (to a live node); it is unreachable from the queue and goes
     * with the garbage, and a stale reader walking from it still walks forward.
     *
     * size() walks from `head` to a snapshot of `tail` read after it, waiting through
     * half-done links, so it too counts a push from its swap on. The tail read later
     * is the same node or a later one, so the walk reaches it.
     *
     * Tested by MpscQueueLincheckTest (pushes against popWaiting, isEmpty and
     * size, model checked; it caught a size() that skipped half-done pushes) and,
     * through the channel, MpscStressTest.
     */
    private static final VarHandle TAIL;
    private static final VarHandle HEAD;
    private static final int SPINS_BEFORE_YIELD = 64;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            TAIL = l.findVarHandle(MpscQueue.class, "tail", Node.class);
            HEAD = l.findVarHandle(MpscQueueHead.class, "head", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    static final class Node<T> {
        /** Written by the producer before publication; cleared by the consumer when taken. */
        T value;
        /** Written once by the producer that swapped the next node in. */
        volatile Node<T> next;
        /** The waker of the thread that spins watching this node (the head) for a link, or null (see the notes). */
        volatile Waker watcher;

        Node(T value) {
            this.value = value;
        }
    }

    /** The last node pushed; swapped by producers. */
    private volatile Node<T> tail;

    public MpscQueue() {
        Node<T> stub = new Node<>(null);
        head = stub;
        tail = stub;
    }

    /**
     * Whether a value is linked behind the head: what a receiving thread task's spin
     * watches (MpscChannel, I3). Called by the receiving thread; after DONE a drainer
     * on another thread may pop meanwhile, which only makes the answer stale.
     */
    @Override
    public boolean looksReady() {
        return head.next != null;
    }

    /** The receiving thread's spin starts: marks the head with its waker (see the notes). */
    @Override
    public void watchStarted(Waker spinner) {
        head.watcher = spinner;
    }

    /** The receiving thread's spin ends without a link: unmarks the head (see the notes). */
    @Override
    public void watchEnded() {
        head.watcher = null;
    }

    /**
     * Appends {@code value} (not null). Any thread. Answers the waker of the thread
     * that spins watching for this very link, which need not be woken for it, or
     * {@code null} (see the notes).
     */
    @SuppressWarnings("unchecked")
    public Waker push(T value) {
        Node<T> node = new Node<>(value);
        Node<T> prev = (Node<T>) TAIL.getAndSet(this, node);
        prev.next = node; // volatile: see the notes (Dekker with the receiver's waker, and with the mark)
        return prev.watcher;
    }

    /**
     * Takes the oldest value, or answers {@code null} if none is linked yet (the
     * queue is empty, or busy: see the notes). Consumer only.
     */
    public T pop() {
        Node<T> h = head;
        Node<T> n = h.next;
        if (n == null) {
            return null;
        }
        return take(n);
    }

    /**
     * Moves the oldest linked value into {@code into} and answers true, or answers
     * false if none is linked. If {@code into.add} throws, the value stays in the
     * queue. Consumer only.
     */
    public boolean popInto(Collection<? super T> into) {
        Node<T> n = head.next;
        if (n == null) {
            return false;
        }
        into.add(n.value);
        take(n);
        return true;
    }

    private T take(Node<T> n) {
        T v = n.value;
        n.value = null; // n is the new stub; only the consumer reads values
        HEAD.setRelease(this, n); // single writer: a release store suffices for readers
        return v;
    }

    /**
     * Takes the oldest value, or answers {@code null} if the queue is empty. If a
     * push is half done (swapped, not yet linked), waits for its link. Consumer only.
     */
    public T popWaiting() {
        Node<T> h = head;
        Node<T> n = h.next;
        if (n == null) {
            if (tail == h) {
                return null;
            }
            int spins = 0;
            while ((n = h.next) == null) {
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    spins = 0;
                    Thread.yield();
                }
            }
        }
        return take(n);
    }

    /** Whether nothing was pushed that is not yet popped (pushes half done count as pushed). */
    public boolean isEmpty() {
        return tail == head;
    }

    /**
     * The values pushed and not yet popped, as of the moment this call reads the
     * tail: a walk of the queue, O(size), that waits through half-done pushes up to
     * that tail. From a thread other than the consumer it may count values popped
     * while it ran (never fewer than were there).
     */
    public int size() {
        return size(Integer.MAX_VALUE);
    }

    /**
     * {@link #size()}, but the walk stops at {@code limit}: for a caller that knows
     * the queue never holds more (a bounded channel's capacity), since a walk from
     * another thread that counts pops made while it ran could otherwise answer more.
     */
    public int size(int limit) {
        // head before tail: the walk must start at or before the tail it walks to. (Read
        // the other way round, a pop between the two reads put the start past the end,
        // and an observer thread walked off the queue's end and spun there for good.)
        Node<T> p = head;
        Node<T> last = tail;
        int n = 0;
        int spins = 0;
        while (p != last && n < limit) {
            Node<T> next = p.next;
            if (next == null) {
                // A push before `last` is half done: wait for its link.
                if (++spins < SPINS_BEFORE_YIELD) {
                    Thread.onSpinWait();
                } else {
                    spins = 0;
                    Thread.yield();
                }
                continue;
            }
            p = next;
            n++;
        }
        return n;
    }
}

/*
 * The padding of MpscQueue: `head` (written by the consumer per pop) and `tail`
 * (swapped by the producers per push) 64 bytes apart, so never on one cache line,
 * by inheritance (HotSpot lays a superclass's fields first). Each pad starts with an
 * int so that the field after it cannot be placed in the 4-byte hole after the
 * object header or an int-sized gap (the offsets were printed to check: head 72,
 * tail 136). Nothing pads after `tail`: the object allocated next (the first stub)
 * may share its line, and 64 bytes do not keep the two off a pair of lines that the
 * hardware fetches together; what was measured is in ADR 0004, fourth pass.
 */
abstract class MpscQueueHeadPad {
    int hp0;
    long hp1, hp2, hp3, hp4, hp5, hp6, hp7;
}

abstract class MpscQueueHead<T> extends MpscQueueHeadPad {
    /** The stub; written by the consumer only. */
    volatile MpscQueue.Node<T> head;
}

abstract class MpscQueueTailPad<T> extends MpscQueueHead<T> {
    int tp0;
    long tp1, tp2, tp3, tp4, tp5, tp6, tp7;
}
