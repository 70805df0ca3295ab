package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.task.CancelledException;
import java.util.function.Function;

/** {@link Future#recover}: a failure turned into a value. */
public final class Recover<T> implements Future<T> {
    private final Future<T> inner;
    private final Function<? super Throwable, ? extends T> handler;

    public Recover(Future<T> inner, Function<? super Throwable, ? extends T> handler) {
        this.inner = inner;
        this.handler = handler;
    }

    @Override
    public Poll<T> poll(Context cx) {
        try {
            return inner.poll(cx);
        } catch (CancelledException cancelled) {
            throw cancelled;
        } catch (Throwable failure) {
            return Poll.ready(handler.apply(failure));
        }
    }

    @Override
    public void drop() {
        inner.drop();
    }
}
