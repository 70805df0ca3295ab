package dev.weft.internal.future;

import dev.weft.Future;

/** Dropping several futures at once without losing any failure. */
final class Drops {
    private Drops() {
    }

    /** What holds a future: a branch of a select, or the future itself. */
    interface Holder<B> {
        Future<?> future(B item);
    }

    private static final Holder<Future<?>> ITSELF = f -> f;

    /**
     * Drops every non-null future of {@code futures} (and nulls its slot). Answers the
     * first failure of a drop, later ones suppressed in it, or {@code null}; an
     * {@link Error} is preferred as the one answered, the earlier failure suppressed
     * in it.
     */
    static Throwable dropAll(Future<?>[] futures) {
        return dropAll(futures, ITSELF);
    }

    /** {@link #dropAll(Future[])} over items that each hold a future. */
    static <B> Throwable dropAll(B[] items, Holder<? super B> holder) {
        Throwable failure = null;
        for (int i = 0; i < items.length; i++) {
            B item = items[i];
            if (item != null) {
                items[i] = null;
                try {
                    holder.future(item).drop();
                } catch (Throwable t) {
                    if (failure == null) {
                        failure = t;
                    } else if (t != failure) { // the same instance twice: once is enough
                        if (t instanceof Error && !(failure instanceof Error)) {
                            t.addSuppressed(failure);
                            failure = t;
                        } else {
                            failure.addSuppressed(t);
                        }
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
