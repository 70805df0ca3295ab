package dev.weft.internal;

/** Rethrows any throwable, checked ones included, without wrapping it. */
public final class Throwing {
    private Throwing() {
    }

    /**
     * Throws {@code t} as it is. Declared to return an exception so that callers can
     * write {@code throw Throwing.sneaky(t)} and keep the compiler's flow analysis.
     */
    public static RuntimeException sneaky(Throwable t) {
        throw Throwing.<RuntimeException>raise(t);
    }

    /**
     * For running several steps that must all run, each in a catch: answers the
     * failure to throw at the end, the first one, with {@code next} added to it as
     * suppressed ({@code next} itself if there was none before).
     */
    public static Throwable keepFirst(Throwable first, Throwable next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E raise(Throwable t) throws E {
        throw (E) t;
    }
}
