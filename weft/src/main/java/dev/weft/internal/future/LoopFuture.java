package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.Poll;
import java.util.function.Function;

/** {@link Loop#loop}: step futures awaited one after another until one says done. */
public final class LoopFuture<S, T> implements Future<T> {
    private final Function<? super S, ? extends Future<Loop.Step<S, T>>> step;
    private S state;
    private Future<Loop.Step<S, T>> current;

    public LoopFuture(S initial, Function<? super S, ? extends Future<Loop.Step<S, T>>> step) {
        this.state = initial;
        this.step = step;
    }

    @Override
    public Poll<T> poll(Context cx) {
        for (;;) {
            if (current == null) {
                if (!cx.proceed()) {
                    return Poll.pending();
                }
                current = step.apply(state);
                if (current == null) {
                    throw new NullPointerException("the loop step returned null instead of a future");
                }
            }
            Poll<Loop.Step<S, T>> p = current.poll(cx);
            if (p.isPending()) {
                return Poll.pending();
            }
            current = null;
            switch (p.value()) {
                case Loop.Next<S, T> next -> state = next.state();
                case Loop.Done<S, T> done -> {
                    state = null;
                    return Poll.ready(done.value());
                }
                case null -> throw new NullPointerException("a loop step completed with null; use Loop.next or Loop.done");
            }
        }
    }

    @Override
    public void drop() {
        if (current != null) {
            current.drop();
            current = null;
        }
    }
}
