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

    @Override
    public Poll<R> poll(Context cx) {
        Poll<T> p = inner.poll(cx);
        return p.isReady() ? Poll.ready(mapper.apply(p.value())) : Poll.pending();
    }

    @Override
    public void drop() {
        inner.drop();
    }
}
