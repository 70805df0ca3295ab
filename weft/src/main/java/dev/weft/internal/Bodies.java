package dev.weft.internal;

import dev.weft.CheckedRunnable;
import java.util.Objects;
import java.util.concurrent.Callable;

/** Adapts the bodies users write to the one shape the runtime runs. */
public final class Bodies {
    private Bodies() {
    }

    /** {@code body} as a callable whose value is {@code null}. */
    public static Callable<Void> callable(CheckedRunnable body) {
        Objects.requireNonNull(body, "body");
        return () -> {
            body.run();
            return null;
        };
    }
}
