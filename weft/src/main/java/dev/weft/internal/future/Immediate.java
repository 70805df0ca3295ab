package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.Throwing;

/** A future that is done before it is polled: a value or a failure. */
public final class Immediate<T> implements Future<T> {
    private final Poll<T> value;
    private final Throwable failure;

    private Immediate(Poll<T> value, Throwable failure) {
        this.value = value;
        this.failure = failure;
    }

    public static <T> Immediate<T> value(T value) {
        return new Immediate<>(Poll.ready(value), null);
    }

    public static <T> Immediate<T> failure(Throwable failure) {
        return new Immediate<>(null, failure);
    }

    @Override
    public Poll<T> poll(Context cx) {
        if (failure != null) {
            throw Throwing.sneaky(failure);
        }
        return value;
    }
}
