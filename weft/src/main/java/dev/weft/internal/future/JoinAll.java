package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.ContextAccess;
import dev.weft.internal.Throwing;
import dev.weft.internal.runtime.TaskCore;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.IdentityHashMap;

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
     * yet polled are kept (leftover) for the next poll and the task yields; polling
     * them only to have each re-queue itself would make a join over n ready handles
     * cost O(n * n / budget).
     *
     * failFast (tryJoin): the first failure drops every unfinished child and is
     * rethrown. Otherwise (join): failures are kept, the others run to completion,
     * then the first failure is thrown with the later ones suppressed.
     *
     * A join (not a tryJoin) whose children are all task handles waits for them in
     * order instead (inOrder): a task runs whether or not its handle is polled, so
     * the join only has to see each outcome once. It polls the handles from the
     * first unfinished one on with the task's own context and stops at the first
     * that is pending, whose wake-up then resumes it: no per-child waker or context,
     * no wake-up from the tasks that finish while an earlier one is awaited, and a
     * handle listed twice is simply seen twice. Measured with joinAll over the
     * handles: W5 with future tasks 286 -> 250 bytes per task, W1's joinAll variant
     * 255 -> 219 (a ChildWaker and a Context per child gone). A failure is then the
     * first in the list's order, not in time; tryJoin keeps the concurrent path,
     * because it must see a failure as soon as it happens. On that concurrent path a
     * handle listed twice is refused: it keeps only the waker of its latest poll, so
     * one of the two children would never be woken.
     *
     * Tested by JoinTest (fairness of wake-ups, failure modes, drop, joins over
     * task handles).
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
    /** Every child is a task handle and this is not a tryJoin: wait for them in order (see the notes). */
    private final boolean inOrder;
    /** inOrder: the children before this one are done. */
    private int nextInOrder;
    private ChildWaker[] wakers;
    private int remaining;
    private Throwable failure;
    /** Completed (with the results or a failure) or dropped: a later poll is refused. */
    private boolean over;
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
        this.inOrder = !failFast && allTaskHandles(children);
        if (!inOrder) {
            refuseRepeatedHandles(children);
        }
    }

    /**
     * A task handle keeps one waker, that of its latest poll: listed twice in a join
     * that gives each child a waker of its own, the first listing would never be woken.
     * The join is refused before it starts; its futures are dropped first, as a
     * dropped join would drop them (a send among them hands its value back).
     */
    private static void refuseRepeatedHandles(Future<?>[] children) {
        IdentityHashMap<Future<?>, Integer> seen = null;
        for (int i = 0; i < children.length; i++) {
            if (!(children[i] instanceof TaskCore<?> handle)) {
                continue;
            }
            int first = -1;
            if (children.length <= 8) { // join(a, b, ...): no map for a handful
                for (int j = 0; j < i; j++) {
                    if (children[j] == handle) {
                        first = j;
                        break;
                    }
                }
            } else {
                if (seen == null) {
                    seen = new IdentityHashMap<>();
                }
                Integer earlier = seen.putIfAbsent(handle, i);
                first = earlier == null ? -1 : earlier;
            }
            if (first >= 0) {
                IllegalArgumentException e = new IllegalArgumentException("the handle of task " + handle.id()
                        + " is listed twice in the join (positions " + first + " and " + i
                        + "); list each handle once, or use join (not tryJoin) over handles only");
                Drops.keep(e, Drops.dropAll(children)); // the join's own array: nulling its slots is fine
                throw e;
            }
        }
    }

    private static boolean allTaskHandles(Future<?>[] children) {
        for (Future<?> child : children) {
            if (!(child instanceof TaskCore<?>)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Poll<Object[]> poll(Context cx) {
        if (over) {
            throw new IllegalStateException("this join already completed or was dropped; a join is polled until it"
                    + " completes, once. Make a new one to join again");
        }
        if (inOrder) {
            return pollInOrder(cx);
        }
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
        return finished();
    }

    /** A join over task handles: each is polled from the first unfinished one on, with the task's own context. */
    private Poll<Object[]> pollInOrder(Context cx) {
        while (nextInOrder < children.length) {
            int i = nextInOrder;
            if (!pollChild(i, cx)) {
                return Poll.pending(); // its wake-up brings the task back here
            }
            nextInOrder = i + 1;
        }
        return finished();
    }

    private Poll<Object[]> finished() {
        if (remaining > 0) {
            return Poll.pending();
        }
        over = true;
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
        return Poll.ready(results);
    }

    /** Polls child {@code i} (concurrent path: with its own waker); answers whether it is done. */
    private boolean pollChild(int i, Context cx) {
        Future<?> child = children[i];
        if (child == null) {
            return true;
        }
        Poll<?> p;
        try {
            p = child.poll(inOrder ? cx : cx.withWaker(wakers[i]));
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
            return true;
        }
        if (p.isReady()) {
            results[i] = p.value();
            children[i] = null;
            remaining--;
            return true;
        }
        return false;
    }

    @Override
    public void drop() {
        over = true;
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
