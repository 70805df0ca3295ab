package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;

/** The future that never completes; it keeps no waker, since nothing will ever wake it. */
public final class Never<T> implements Future<T> {
    private static final Never<?> INSTANCE = new Never<>();

    private Never() {
    }

    @SuppressWarnings("unchecked")
    public static <T> Never<T> instance() {
        return (Never<T>) INSTANCE;
    }

    @Override
    public Poll<T> poll(Context cx) {
        return Poll.pending();
    }
}
