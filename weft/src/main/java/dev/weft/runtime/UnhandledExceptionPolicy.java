package dev.weft.runtime;

/**
 * What a runtime does when one of its tasks fails (throws out of its body or its
 * future's poll). The failure always reaches the task's
 * {@link dev.weft.task.JoinHandle} as a {@link dev.weft.task.JoinError}; the policy
 * says what happens besides.
 */
public enum UnhandledExceptionPolicy {
    /** Nothing besides: only whoever awaits the handle learns of the failure. */
    IGNORE,
    /**
     * Log the failure, with its stack trace, at {@code WARNING} through
     * {@link System.Logger} (logger name {@code dev.weft.runtime}), as Rust prints
     * a panic. The default: a failure of a detached task is never silent.
     */
    LOG,
    /**
     * Log it, then shut the runtime down in the background: every task is
     * cancelled, and {@link Runtime#blockOn} returns or throws. For programs in
     * which any failure means the whole is broken.
     */
    SHUTDOWN_RUNTIME
}
