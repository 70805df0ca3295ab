package dev.weft.task;

/**
 * The right to cancel a task, without the right to its value. Get one from
 * {@link JoinHandle#abortHandle()} to hand to code that may stop the task; it is
 * thread-safe and may be kept after the join handle was dropped.
 */
public interface AbortHandle {

    /**
     * Cancels the task; see {@link JoinHandle#abort()} for what that means for each
     * kind of task. Does nothing if the task has finished.
     */
    void abort();

    /** Whether the task has finished: with a value, a failure or cancelled. */
    boolean isFinished();

    /** The task's id, unique within the JVM. */
    long id();
}
