package dev.weft.task;

import java.util.Optional;

/**
 * Why a task produced no value: it was {@linkplain #isCancelled() cancelled}, or it
 * {@linkplain #isFailed() failed} with an exception, which is this error's
 * {@linkplain #getCause() cause} (Tokio says the task panicked).
 *
 * <p>Thrown by awaiting the task's {@link JoinHandle}. A fresh instance is thrown
 * each time, so its stack trace shows where the handle was awaited and its cause
 * shows where the task failed.
 */
public final class JoinError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long taskId;
    private final String taskName;
    private final boolean cancelled;

    /** An error for task {@code taskId}: cancelled when {@code cause} is {@code null}. */
    public JoinError(long taskId, String taskName, Throwable cause) {
        super(describe(taskId, taskName, cause), cause);
        this.taskId = taskId;
        this.taskName = taskName;
        this.cancelled = cause == null;
    }

    private static String describe(long id, String name, Throwable cause) {
        String task = name == null ? "task " + id : "task " + id + " '" + name + "'";
        return cause == null ? task + " was cancelled" : task + " failed: " + cause;
    }

    /** Whether the task was aborted (or shut down with its runtime) before it finished. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Whether the task threw; the exception is {@link #getCause()}. */
    public boolean isFailed() {
        return !cancelled;
    }

    /** The id of the task. */
    public long taskId() {
        return taskId;
    }

    /** The task's name, if it was given one. */
    public Optional<String> taskName() {
        return Optional.ofNullable(taskName);
    }
}
