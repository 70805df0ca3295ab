package dev.weft;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waiting in a test for a condition another thread makes true: never a fixed sleep. */
public final class Conditions {
    private static final long LIMIT_NANOS = 10_000_000_000L;

    private Conditions() {
    }

    /** Waits until {@code condition} holds; fails the test after 10 s. */
    public static void waitUntil(BooleanSupplier condition) {
        waitUntil(condition, "the condition");
    }

    /** Waits until {@code condition} holds; fails the test after 10 s, naming {@code what} it waited for. */
    public static void waitUntil(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + LIMIT_NANOS;
        for (int checks = 0; !condition.getAsBoolean(); checks++) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after 10 s waiting for " + what);
            }
            if (checks < 1_000) {
                Thread.yield(); // most conditions hold within microseconds
            } else {
                LockSupport.parkNanos(100_000); // then stop taking a core from the code under test
            }
        }
    }
}
