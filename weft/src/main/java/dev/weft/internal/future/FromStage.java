package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.Throwing;
import dev.weft.internal.sync.Wakers;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A {@link CompletionStage} seen as a future. One callback is attached on the first
 * poll; it records the outcome in a small {@link Outcome} and wakes whichever waker
 * the latest poll left there, so a future moved between tasks still wakes the right
 * one. The stage keeps only that outcome object, never this future: a dropped
 * future is collectable even while the stage stays incomplete.
 */
public final class FromStage<T> implements Future<T> {
    private final CompletionStage<T> stage;
    private Outcome<T> outcome;

    public FromStage(CompletionStage<T> stage) {
        this.stage = stage;
    }

    @Override
    public Poll<T> poll(Context cx) {
        Outcome<T> o = outcome;
        if (o == null) {
            o = new Outcome<>();
            o.waker = cx.waker();
            outcome = o;
            Outcome<T> target = o;
            stage.whenComplete(target::complete);
        } else if (!o.done) {
            o.waker = cx.waker();
        }
        if (!o.done) {
            return Poll.pending();
        }
        if (o.failure != null) {
            Throwable f = o.failure;
            throw Throwing.sneaky(f instanceof CompletionException && f.getCause() != null ? f.getCause() : f);
        }
        return Poll.ready(o.value);
    }

    @Override
    public void drop() {
        if (outcome != null) {
            outcome.waker = null;
        }
    }

    /** What the stage's callback writes; the waker is read by the stage's thread. */
    private static final class Outcome<T> {
        volatile Waker waker;
        T value;
        Throwable failure;
        /** Written after value and failure; read first. */
        volatile boolean done;

        void complete(T v, Throwable f) {
            value = v;
            failure = f;
            done = true;
            // On the stage's thread, inside its callback: a throw here would end up in a
            // stage nobody reads, so it is logged instead (Wakers).
            Wakers.wake(waker);
        }
    }
}
