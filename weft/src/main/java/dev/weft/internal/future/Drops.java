package dev.weft.internal.future;

import dev.weft.Future;

/** Dropping several futures at once without losing any failure. */
final class Drops {
    private Drops() {
    }

    /**
     * Drops every non-null future of {@code futures} (and nulls its slot). Answers the
     * first failure of a drop, later ones suppressed in it, or {@code null}.
     */
    static Throwable dropAll(Future<?>[] futures) {
        Throwable failure = null;
        for (int i = 0; i < futures.length; i++) {
            Future<?> f = futures[i];
            if (f != null) {
                futures[i] = null;
                try {
                    f.drop();
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    } else {
                        failure.addSuppressed(t);
                    }
                }
            }
        }
        return failure;
    }

    /** Keeps {@code dropFailure} with {@code failure}, which stays the one thrown. */
    static Throwable keep(Throwable failure, Throwable dropFailure) {
        if (dropFailure != null && dropFailure != failure) {
            failure.addSuppressed(dropFailure);
        }
        return failure;
    }
}
