package dev.weft;

/**
 * A block of code with no value that may throw checked exceptions: the body of a
 * task or an async block that only does things. Use {@link java.util.concurrent.Callable}
 * for one that returns a value.
 */
@FunctionalInterface
public interface CheckedRunnable {
    /** Runs the block. */
    void run() throws Exception;
}
