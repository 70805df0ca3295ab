package dev.weft.sync;

/**
 * {@link OnceCell#set} failed: the cell already holds a value, or another task is
 * initializing it right now (Tokio's {@code SetError}). The value that was not
 * stored comes back with the error.
 */
public final class SetError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Object value;
    private final boolean initializing;

    SetError(String message, Object value, boolean initializing) {
        super(message);
        this.value = value;
        this.initializing = initializing;
    }

    /** The value that was not stored. */
    public Object value() {
        return value;
    }

    /** Whether the cell already held a value. */
    public boolean isAlreadyInitialized() {
        return !initializing;
    }

    /**
     * Whether the cell was being written: a {@link OnceCell#getOrInit} initializer
     * was running (the cell may still end up empty if it fails), or another
     * {@link OnceCell#set} was storing its value at that very moment (as in Tokio, a
     * set that loses such a race is told this).
     */
    public boolean isInitializing() {
        return initializing;
    }
}
