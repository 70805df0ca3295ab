package dev.weft.internal;

import dev.weft.Context;
import dev.weft.Waker;

/**
 * The runtime's door into {@link Context}'s budget, which the public API does not
 * expose: only whatever drives tasks may refill it. {@code Context} installs the
 * one implementation when it is initialised.
 */
public abstract class ContextAccess {
    private static volatile ContextAccess instance;

    /** Called once, by {@code Context}'s static initialiser. */
    public static void install(ContextAccess access) {
        instance = access;
    }

    /** The installed access, initialising {@code Context} first if needed. */
    public static ContextAccess get() {
        ContextAccess a = instance;
        if (a == null) {
            Context.of(dev.weft.Waker.noop());
            a = instance;
        }
        return a;
    }

    /** A root context with a full budget. */
    public abstract Context budgeted(Waker waker);

    /** Gives the context its full budget back; called before each task poll or after a yield. */
    public abstract void refill(Context cx);

    /** Whether the budget is spent. */
    public abstract boolean exhausted(Context cx);

    /** Units left; negative when the context has no budget. */
    public abstract int remaining(Context cx);

    /** Takes one unit without waking: a thread task's await that did not park. */
    public abstract void consume(Context cx);
}
