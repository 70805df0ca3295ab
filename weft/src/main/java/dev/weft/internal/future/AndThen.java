package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import java.util.function.Function;

/** {@link Future#andThen}: await the first future, then the one its value makes. */
public final class AndThen<T, R> implements Future<R> {
    private Future<T> first;
    private Function<? super T, ? extends Future<R>> next;
    private Future<R> second;

    public AndThen(Future<T> first, Function<? super T, ? extends Future<R>> next) {
        this.first = first;
        this.next = next;
    }

    @Override
    public Poll<R> poll(Context cx) {
        if (second == null) {
            Poll<T> p = first.poll(cx);
            if (p.isPending()) {
                return Poll.pending();
            }
            Future<R> made = next.apply(p.value());
            if (made == null) {
                throw new NullPointerException("the function given to andThen returned null instead of a future");
            }
            first = null;
            next = null;
            second = made;
        }
        return second.poll(cx);
    }

    @Override
    public void drop() {
        if (second != null) {
            second.drop();
        } else if (first != null) {
            first.drop();
        }
    }
}
