package dev.weft.internal.sync;

import dev.weft.Waker;

/**
 * How the sync primitives call the wakers of other tasks: every call goes through
 * here (a list of them through {@link WaiterList#wakeAll}), and a waker that throws
 * is reported, not passed on. So do the other places where one task's operation, or
 * a thread that is not a task's, wakes a waker left by a poll: {@code DelayQueue}'s
 * insert, remove, reset and clear, {@code Sleep.reset}, and the callback by which a
 * {@code CompletionStage} wakes the future made from it. (The runtime's own wakes of
 * a join waker or a timer's waker are logged by the runtime, to its own logger.)
 *
 * <p>A waker that throws breaks its contract ({@link Waker}). Its exception says
 * nothing about the operation that woke it (a send, a receive, a release, a close,
 * made by another task), and that operation must not fail for it: it would have to
 * fail halfway, after it had already moved a value or a permit, and then either the
 * value is lost or the caller, seeing an exception, tries again and sends twice. So
 * the exception is logged ({@code System.Logger} {@code dev.weft.sync}, WARNING) with
 * the waker that threw, and the operation completes as if the wake had worked. An
 * {@link Error} is not caught.
 */
public final class Wakers {
    private static final System.Logger LOG = System.getLogger("dev.weft.sync");

    private Wakers() {
    }

    /** Calls {@code w}; logs what it throws. Does nothing for {@code null}. */
    public static void wake(Waker w) {
        if (w == null) {
            return;
        }
        try {
            w.wake();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "a waker threw from wake(), which a waker must never do;"
                    + " the operation that woke it went on (waker: " + w + ")", e);
        }
    }
}
