package dev.weft.task;

/**
 * Thrown by an await inside a task that was aborted: the way a thread task learns
 * it was cancelled.
 *
 * <p>Cancellation is sticky: once the task was aborted, every await it reaches
 * throws again, so a {@code catch} that swallows this exception only delays the
 * end. {@code finally} blocks run as the exception travels up; the task's
 * {@link JoinHandle} then completes with a {@link JoinError} that
 * {@linkplain JoinError#isCancelled() says cancelled}, whatever the task body
 * returned or threw afterwards.
 */
public final class CancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the cancelled task. */
    public CancelledException(String message) {
        super(message);
    }
}
