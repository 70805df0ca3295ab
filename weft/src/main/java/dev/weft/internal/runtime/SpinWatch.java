package dev.weft.internal.runtime;

import dev.weft.Waker;

/**
 * Something a spinning await can watch besides its wake word: a sign that polling
 * again would make progress (a channel's queue has a value linked). A pending poll
 * hands one to its thread's await ({@link ThreadContext#watchWhileSpinning}), which
 * tells it when a spin starts and when one ends without the sign.
 *
 * <p>The contract that lets a producer leave its wake out (ThreadContext's notes):
 * between {@link #watchStarted} and {@link #watchEnded()} the watch may tell its
 * producers which waker spins watching their progress, and a producer may then skip
 * the wake of that waker, and of no other: the spinning thread may be one whose
 * future has stopped waiting here (the poll that set the watch handed the receiver
 * to another task), so a producer skips only when the waker it would wake is the
 * spinner's. For no wake to be lost, the spinner reads {@link #looksReady()} after
 * {@code watchStarted} and, when its time is up, again after {@code watchEnded} (a
 * spin ended by a wake polls again anyway), and a producer that skips must have made
 * its progress visible before it read what {@code watchEnded} writes (volatile on
 * both sides: a Dekker pair). A spin that ends on the sign needs no
 * {@code watchEnded}: the sign is progress no later producer can add to unseen. All
 * three are called by the awaiting thread only.
 */
public interface SpinWatch {
    /** Whether a poll now would likely make progress. */
    boolean looksReady();

    /**
     * A spin of the thread whose waker is {@code spinner} starts: from now on a producer
     * may leave out a wake of {@code spinner} (see the class notes).
     */
    void watchStarted(Waker spinner);

    /** The spin ends without the sign: from now on producers wake (see the class notes). */
    void watchEnded();
}
