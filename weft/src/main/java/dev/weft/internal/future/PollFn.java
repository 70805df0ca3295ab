package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import java.util.function.Function;

/** A future whose poll is a function. */
public final class PollFn<T> implements Future<T> {
    private final Function<Context, Poll<T>> poll;

    public PollFn(Function<Context, Poll<T>> poll) {
        this.poll = poll;
    }

    @Override
    public Poll<T> poll(Context cx) {
        Poll<T> p = poll.apply(cx);
        if (p == null) {
            throw new NullPointerException("the poll function returned null; return Poll.pending() or Poll.ready(value)");
        }
        return p;
    }
}
