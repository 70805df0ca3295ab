package dev.weft.sync;

/**
 * An acquire failed because its {@link Semaphore} was {@linkplain Semaphore#close()
 * closed} (Tokio's {@code AcquireError}). Waiters still queued when it closes fail
 * with it too; permits they had been assigned go back to the semaphore.
 */
public final class AcquireError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AcquireError(String message) {
        super(message);
    }
}
