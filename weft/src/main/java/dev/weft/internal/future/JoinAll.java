package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.ContextAccess;
import dev.weft.internal.Throwing;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Polls many futures from one task until all are done; the engine of {@code join},
 * {@code tryJoin} and their list forms.
 */
public final class JoinAll implements Future<Object[]> {
    /*
     * Implementation notes.
     *
     * Each child is polled with a context of its own whose waker is a ChildWaker:
     * waking it pushes the child's index onto a lock-free stack (once until the next
     * poll takes it) and wakes the task. A poll re-polls only the children on that
     * stack, so awaiting n futures costs O(n) polls in all, not O(n) per wake-up:
     * joinAll over a million handles stays linear.
     *
     * parentWaker is re-read by every child wake, so the join may move between tasks.
 *
 * Budget: when the task's cooperative budget runs out mid-drain, the children not
 * yet polled are kept (leftover) for the next poll and the task yields; polling them only
 * to have each re-queue itself would make a join over n ready handles cost
 * O(n * n / budget).
     *
     * failFast (tryJoin): the first failure drops every unfinished child and is
     * rethrown. Otherwise (join): failures are kept, the others run to completion,
     * then the first failure is thrown with the later ones suppressed.
     *
     * Tested by JoinTest (fairness of wake-ups, failure modes, drop).
     */
    private static final VarHandle READY;

    static {
        try {
            READY = MethodHandles.lookup().findVarHandle(JoinAll.class, "ready", ChildWaker.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Future<?>[] children;
    private final Object[] results;
    private final boolean failFast;
    private ChildWaker[] wakers;
    private int remaining;
    private Throwable failure;
    /** Children taken off the stack but not polled when the budget ran out; the poller's own. */
    private ChildWaker leftover;
    /** Children woken since the last poll; a Treiber stack. */
    private volatile ChildWaker ready;
    private volatile Waker parentWaker;

    public JoinAll(Future<?>[] children, boolean failFast) {
        this.children = children;
        this.results = new Object[children.length];
        this.failFast = failFast;
        this.remaining = children.length;
    }

    @Override
    public Poll<Object[]> poll(Context cx) {
        parentWaker = cx.waker();
        if (wakers == null) {
            // Every child starts queued, first child on top.
            wakers = new ChildWaker[children.length];
            ChildWaker top = null;
            for (int i = children.length - 1; i >= 0; i--) {
                ChildWaker w = new ChildWaker(this, i);
                w.queued = 1;
                w.next = top;
                top = w;
                wakers[i] = w;
            }
            ready = top;
        }
        ContextAccess budget = ContextAccess.get();
        // Children left over when the budget ran out last time, then those woken since.
        ChildWaker w = leftover;
        leftover = null;
        boolean tookReady = false;
        if (w == null) {
            w = (ChildWaker) READY.getAndSet(this, null);
            tookReady = true;
        }
        while (remaining > 0) {
            if (w == null) {
                if (tookReady) {
                    break;
                }
                w = (ChildWaker) READY.getAndSet(this, null);
                tookReady = true;
                continue;
            }
            if (budget.exhausted(cx)) {
                // The task must yield: keep the rest for the next poll rather than polling
                // each one only to have it re-queue itself.
                leftover = w;
                cx.waker().wake();
                return Poll.pending();
            }
            ChildWaker next = w.next;
            w.next = null;
            w.queued = 0; // from here a wake queues it again
            pollChild(w.index, cx);
            w = next;
        }
        if (remaining > 0) {
            return Poll.pending();
        }
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
        return Poll.ready(results);
    }

    private void pollChild(int i, Context cx) {
        Future<?> child = children[i];
        if (child == null) {
            return;
        }
        Poll<?> p;
        try {
            p = child.poll(cx.withWaker(wakers[i]));
        } catch (Throwable t) {
            children[i] = null;
            remaining--;
            if (failure == null) {
                failure = t;
            } else if (failure != t) {
                failure.addSuppressed(t);
            }
            if (failFast) {
                Drops.keep(failure, Drops.dropAll(children));
                remaining = 0;
            }
            return;
        }
        if (p.isReady()) {
            results[i] = p.value();
            children[i] = null;
            remaining--;
        }
    }

    @Override
    public void drop() {
        Throwable failure = Drops.dropAll(children);
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
    }

    private static final class ChildWaker implements Waker {
        private static final VarHandle QUEUED;

        static {
            try {
                QUEUED = MethodHandles.lookup().findVarHandle(ChildWaker.class, "queued", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final JoinAll join;
        final int index;
        volatile int queued;
        ChildWaker next;

        ChildWaker(JoinAll join, int index) {
            this.join = join;
            this.index = index;
        }

        @Override
        public void wake() {
            if (queued != 0 || !QUEUED.compareAndSet(this, 0, 1)) {
                return;
            }
            for (;;) {
                ChildWaker head = join.ready;
                next = head;
                if (READY.compareAndSet(join, head, this)) {
                    break;
                }
            }
            Waker parent = join.parentWaker;
            if (parent != null) {
                parent.wake();
            }
        }
    }
}
