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

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E raise(Throwable t) throws E {
        throw (E) t;
    }
}
