package dev.weft.internal.runtime;

/**
 * Something a spinning await can watch besides its wake word: a sign that polling
 * again would make progress (a channel's queue has a value linked). A pending poll
 * hands one to its thread's await ({@link ThreadContext#watchWhileSpinning}); a
 * producer that finds the receiver spinning on it may then leave the wake out
 * ({@link ThreadContext#spinsWatching}).
 */
public interface SpinWatch {
    /** Whether a poll now would likely make progress; called by the awaiting thread only. */
    boolean looksReady();
}
