package dev.weft.internal.runtime;

/**
 * Something a spinning await can watch besides its wake word: a sign that polling
 * again would make progress (a channel's queue has a value linked). A pending poll
 * hands one to its thread's await ({@link ThreadContext#watchWhileSpinning}), which
 * tells it when a spin starts and when one ends without the sign.
 *
 * <p>The contract that lets a producer leave its wake out (ThreadContext's notes):
 * between {@link #watchStarted()} and {@link #watchEnded()} the watch may tell its
 * producers that a spin sees their progress, and a producer told so may skip the
 * wake. For no wake to be lost, the spinner reads {@link #looksReady()} after
 * {@code watchStarted} and again after {@code watchEnded}, and a producer that
 * skips must have made its progress visible before it read what {@code watchEnded}
 * writes (volatile on both sides: a Dekker pair). A spin that ends on the sign needs
 * no {@code watchEnded}: the sign is progress no later producer can add to unseen.
 * All three are called by the awaiting thread only.
 */
public interface SpinWatch {
    /** Whether a poll now would likely make progress. */
    boolean looksReady();

    /** A spin starts: from now on a producer may leave its wake out (see the class notes). */
    void watchStarted();

    /** The spin ends without the sign: from now on producers wake (see the class notes). */
    void watchEnded();
}
