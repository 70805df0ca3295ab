package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.Throwing;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * A {@link CompletionStage} seen as a future. One callback is attached on the first
 * poll; it wakes whichever waker the latest poll left, so a moved future still
 * wakes the right task.
 */
public final class FromStage<T> implements Future<T> {
    private final CompletionStage<T> stage;
    private final CompletableFuture<T> done;
    /** The waker of the latest poll; {@code null} after drop. Written by the poller, read by the stage's thread. */
    private volatile Waker waker;
    private boolean attached;

    public FromStage(CompletionStage<T> stage) {
        this.stage = stage;
        this.done = stage.toCompletableFuture();
    }

    @Override
    public Poll<T> poll(Context cx) {
        if (!done.isDone()) {
            waker = cx.waker();
            if (!attached) {
                attached = true;
                stage.whenComplete((value, failure) -> {
                    Waker w = waker;
                    if (w != null) {
                        w.wake();
                    }
                });
            }
            if (!done.isDone()) {
                return Poll.pending();
            }
        }
        try {
            return Poll.ready(done.join());
        } catch (CompletionException e) {
            throw Throwing.sneaky(e.getCause() != null ? e.getCause() : e);
        }
    }

    @Override
    public void drop() {
        waker = null;
    }
}
