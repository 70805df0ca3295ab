package dev.weft;

import dev.weft.internal.ContextAccess;
import java.util.Objects;

/**
 * What a {@link Future} is polled with: the {@linkplain #waker() waker} of the task
 * that polls it, and that task's cooperative budget.
 *
 * <h2>The cooperative budget</h2>
 * A task whose futures are always ready would never give its worker back: nothing
 * in Java preempts it. So each task poll gets a budget of {@value #BUDGET}
 * operations. Futures that can be ready many times in a row (a join handle of a
 * finished task, a loop step, a channel with a full buffer) call {@link #proceed()}
 * before they do their work; once the budget is spent, {@code proceed()} wakes the
 * task and answers {@code false}, the future returns pending, and the task goes to
 * the back of the run queue so that others run first. A thread task counts its
 * awaits that did not park the same way, but a yield costs it a virtual-thread
 * switch: when its budget is spent it yields its carrier thread only once it has
 * held the carrier for about 50 microseconds (since it last parked in an await or
 * yielded), and only if another virtual thread waits for a carrier; otherwise it
 * starts a new budget.
 *
 * <p>A context made by {@link #of(Waker)} has no budget: {@code proceed()} always
 * answers {@code true}. Use it to poll futures by hand.
 *
 * <h2>Derived contexts</h2>
 * A combinator that wants to know which of its children woke it polls each child
 * with {@link #withWaker(Waker)}: a context with another waker that shares this
 * one's budget.
 *
 * <p>A context belongs to the task polling with it and is not thread-safe; its
 * waker is.
 */
public final class Context {
    /** Operations a task may perform in one poll before it must yield (Tokio's figure). */
    public static final int BUDGET = 128;
    private static final int UNCONSTRAINED = -1;

    static {
        ContextAccess.install(new ContextAccess() {
            @Override
            public Context budgeted(Waker waker) {
                return new Context(waker, BUDGET);
            }

            @Override
            public void refill(Context cx) {
                cx.root.budget = BUDGET;
            }

            @Override
            public int remaining(Context cx) {
                return cx.root.budget;
            }

            @Override
            public boolean exhausted(Context cx) {
                return cx.root.budget == 0;
            }

            @Override
            public void consume(Context cx) {
                Context r = cx.root;
                if (r.budget > 0) {
                    r.budget--;
                }
            }
        });
    }

    private final Waker waker;
    /** The context holding the budget: this one, or the one it was derived from. */
    private final Context root;
    /** Remaining operations; {@link #UNCONSTRAINED} when there is no budget. Only {@link #root}'s counts. */
    private int budget;

    private Context(Waker waker, int budget) {
        this.waker = Objects.requireNonNull(waker, "waker");
        this.root = this;
        this.budget = budget;
    }

    private Context(Waker waker, Context root) {
        this.waker = Objects.requireNonNull(waker, "waker");
        this.root = root;
    }

    /** A context with {@code waker} and no budget, for polling futures by hand. */
    public static Context of(Waker waker) {
        return new Context(waker, UNCONSTRAINED);
    }

    /** The waker to keep when returning {@link Poll#pending()}. */
    public Waker waker() {
        return waker;
    }

    /** A context with another waker that shares this context's budget. */
    public Context withWaker(Waker other) {
        return new Context(other, root);
    }

    /**
     * Takes one unit of the task's cooperative budget.
     *
     * <p>Answers {@code true} if the caller may go on. Answers {@code false} once the
     * budget is spent; the task has then been woken already, and the caller must
     * return {@link Poll#pending()} without doing its work, so that the task yields.
     */
    public boolean proceed() {
        Context r = root;
        int left = r.budget;
        if (left == UNCONSTRAINED) {
            return true;
        }
        if (left > 0) {
            r.budget = left - 1;
            return true;
        }
        waker.wake();
        return false;
    }

    /** Whether this context carries a cooperative budget. */
    public boolean hasBudget() {
        return root.budget != UNCONSTRAINED;
    }
}
