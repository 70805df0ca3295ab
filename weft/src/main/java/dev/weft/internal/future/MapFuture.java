package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import java.util.function.Function;

/** {@link Future#map}: the inner future's value through a function. */
public final class MapFuture<T, R> implements Future<R> {
    private final Future<T> inner;
    private final Function<? super T, ? extends R> mapper;

    public MapFuture(Future<T> inner, Function<? super T, ? extends R> mapper) {
        this.inner = inner;
        this.mapper = mapper;
    }

    /** What {@link #pollMapped} answers while the inner future is pending. */
    static final Object PENDING = new Object();

    @Override
    public Poll<R> poll(Context cx) {
        Poll<T> p = inner.poll(cx);
        return p.isReady() ? Poll.ready(mapper.apply(p.value())) : Poll.pending();
    }

    /**
     * A poll that answers the mapped value itself, or {@link #PENDING}: no {@code Poll}
     * is made for a caller that only unwraps it (a loop whose step is a map, the
     * common shape of a loop's step, allocated one per step).
     */
    Object pollMapped(Context cx) {
        Poll<T> p = inner.poll(cx);
        return p.isReady() ? mapper.apply(p.value()) : PENDING;
    }

    @Override
    public void drop() {
        inner.drop();
    }
}
