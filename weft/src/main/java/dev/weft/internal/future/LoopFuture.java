package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.Poll;
import dev.weft.internal.ContextAccess;
import java.util.function.Function;

/** {@link Loop#loop}: step futures awaited one after another until one says done. */
public final class LoopFuture<S, T> implements Future<T> {
    /*
     * Implementation notes.
     *
     * Budget. Every step is one unit of the task's cooperative budget, so that a loop
     * whose steps are always ready (Future.ready) still yields. A step whose future
     * took a unit itself (a channel receive, a send) is not charged again: the loop
     * only charges the steps that took none, as a thread task's await does. (It
     * charged every step before, on top of the receive's own unit: a consumer loop
     * yielded every 64 messages instead of 128, and each yield is a trip through the
     * run queue.) Before a step starts, a spent budget makes the loop yield
     * (wake, pending), as proceed() would.
     *
     * Allocation. A step is most often `someFuture.map(v -> Loop.next(..))`; the loop
     * polls such a MapFuture through pollMapped, which answers the mapped step itself
     * instead of a Poll around it that the loop would only unwrap (16 bytes per step;
     * W9 has a loop step per message in the consumer and in each producer).
     */
    private final Function<? super S, ? extends Future<Loop.Step<S, T>>> step;
    private S state;
    private Future<Loop.Step<S, T>> current;
    /** Completed or dropped: a later poll is refused (it would run a step again). */
    private boolean finished;

    public LoopFuture(S initial, Function<? super S, ? extends Future<Loop.Step<S, T>>> step) {
        this.state = initial;
        this.step = step;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Poll<T> poll(Context cx) {
        if (finished) {
            throw new IllegalStateException("this loop already completed or was dropped; polling it again would run"
                    + " its step again. Make a new one with Loop.loop(...)");
        }
        ContextAccess budget = ContextAccess.get();
        for (;;) {
            if (current == null) {
                if (budget.exhausted(cx)) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                current = step.apply(state);
                if (current == null) {
                    throw new NullPointerException("the loop step returned null instead of a future");
                }
            }
            int before = budget.remaining(cx);
            Object stepped;
            if (current instanceof MapFuture<?, ?> map) {
                stepped = map.pollMapped(cx); // no Poll per step: see "Allocation"
                if (stepped == MapFuture.PENDING) {
                    return Poll.pending();
                }
            } else {
                Poll<Loop.Step<S, T>> p = current.poll(cx);
                if (p.isPending()) {
                    return Poll.pending();
                }
                stepped = p.value();
            }
            if (budget.remaining(cx) == before) {
                budget.consume(cx); // the step took no unit itself
            }
            current = null;
            switch ((Loop.Step<S, T>) stepped) {
                case Loop.Next<S, T> next -> state = next.state();
                case Loop.Done<S, T> done -> {
                    state = null;
                    finished = true;
                    return Poll.ready(done.value());
                }
                case null -> throw new NullPointerException("a loop step completed with null; use Loop.next or Loop.done");
            }
        }
    }

    @Override
    public void drop() {
        finished = true;
        state = null;
        if (current != null) {
            current.drop();
            current = null;
        }
    }
}
