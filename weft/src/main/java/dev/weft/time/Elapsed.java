package dev.weft.time;

import java.time.Duration;

/**
 * A {@link Time#timeout(Duration, dev.weft.Future) timeout} ran out before its
 * future completed; the future was dropped. Says how long it waited.
 */
public final class Elapsed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Duration waited;

    Elapsed(Duration waited) {
        super("timed out after " + describe(waited) + "; the future was dropped before it completed");
        this.waited = waited;
    }

    /** How long the timeout waited, from its creation to its deadline. */
    public Duration waited() {
        return waited;
    }

    private static String describe(Duration d) {
        long ms = d.toMillis();
        if (ms >= 1000 && ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        if (ms > 0 || d.isZero()) {
            return ms + " ms";
        }
        return d.toNanos() / 1000 + " µs";
    }
}
