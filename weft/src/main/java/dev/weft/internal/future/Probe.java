package dev.weft.internal.future;

/**
 * A future that can tell, without polling, that a poll now would only register its
 * waker and answer pending. A select polls such a branch that looks empty only when
 * no other branch is ready, so that a round won by another branch leaves no waker
 * behind (each one costs the waking side a wake-up of the select's task).
 */
public interface Probe {
    /**
     * {@code false} if a poll now would answer pending, {@code true} if it may answer
     * ready. A hint: a select still polls a branch that answered {@code false} when no
     * other branch is ready, so a stale answer only costs a registration or a lost round.
     */
    boolean mayBeReady();
}
