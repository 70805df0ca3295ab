package dev.weft.test;

import dev.weft.Poll;
import java.util.Objects;

/**
 * Assertions on polls and wake-ups: Tokio-test's {@code assert_pending!},
 * {@code assert_ready!}, {@code assert_ready_eq!}, {@code assert_ready_err!}.
 *
 * {@snippet :
 * import static dev.weft.test.PollAssertions.*;
 *
 * var h = PollHarness.of(Task.yieldNow());
 * assertPending(h.poll());          // a yield is pending once...
 * assertWoken(h);                   // ...after waking its own task
 * assertReady(h.poll());
 * }
 *
 * <p>A failed assertion throws {@link AssertionError}, which every test framework
 * reports as a failure; this class depends on none of them. Messages say what was
 * expected and what happened.
 */
public final class PollAssertions {
    private PollAssertions() {
    }

    /**
     * Asserts that {@code poll} is pending.
     *
     * @throws AssertionError if it is ready, or null
     */
    public static void assertPending(Poll<?> poll) {
        if (poll == null) {
            throw new AssertionError("expected Pending, but the poll was null");
        }
        if (poll.isReady()) {
            throw new AssertionError("expected Pending, but the future was " + poll);
        }
    }

    /**
     * Asserts that {@code poll} is ready and returns its value.
     *
     * @return the value of the ready poll
     * @throws AssertionError if it is pending, or null
     */
    public static <T> T assertReady(Poll<T> poll) {
        if (poll == null) {
            throw new AssertionError("expected Ready, but the poll was null");
        }
        if (poll.isPending()) {
            throw new AssertionError("expected Ready, but the future was Pending");
        }
        return poll.value();
    }

    /**
     * Asserts that {@code poll} is ready with a value equal to {@code expected}
     * ({@link Objects#deepEquals}, so arrays compare by content).
     *
     * @throws AssertionError if it is pending, null, or ready with another value
     */
    public static <T> void assertReadyEq(Poll<? extends T> poll, T expected) {
        if (poll == null) {
            throw new AssertionError("expected Ready(" + expected + "), but the poll was null");
        }
        if (poll.isPending()) {
            throw new AssertionError("expected Ready(" + expected + "), but the future was Pending");
        }
        T actual = poll.value();
        if (!Objects.deepEquals(actual, expected)) {
            throw new AssertionError("expected Ready(" + expected + "), but the future was Ready(" + actual + ")");
        }
    }

    /**
     * Asserts that the future under {@code harness} woke its waker since the last poll.
     *
     * @throws AssertionError if it did not
     */
    public static void assertWoken(PollHarness<?> harness) {
        Objects.requireNonNull(harness, "harness");
        if (!harness.isWoken()) {
            throw new AssertionError("expected the future to have woken its task since the last poll, but it"
                    + " did not" + (harness.pollCount() == 0 ? " (it was never polled)" : "")
                    + ". A future that returned Pending must keep cx.waker() and wake it when it can progress");
        }
    }

    /**
     * Asserts that the future under {@code harness} did not wake its waker since the
     * last poll.
     *
     * @throws AssertionError if it did
     */
    public static void assertNotWoken(PollHarness<?> harness) {
        Objects.requireNonNull(harness, "harness");
        int wakes = harness.wakeCount();
        if (wakes != 0) {
            throw new AssertionError("expected the future not to have woken its task since the last poll, but it"
                    + " woke it " + (wakes == 1 ? "once" : wakes + " times"));
        }
    }

    /**
     * Polls the future under {@code harness} and asserts that the poll throws an
     * exception of {@code type} (the future failed); returns that exception.
     *
     * @return the exception the poll threw
     * @throws AssertionError if the poll returned, or threw something else (kept as the cause)
     */
    public static <X extends Throwable> X assertPollFails(PollHarness<?> harness, Class<X> type) {
        Objects.requireNonNull(harness, "harness");
        Objects.requireNonNull(type, "type");
        Poll<?> p;
        try {
            p = harness.poll();
        } catch (Throwable t) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
            throw new AssertionError("expected the poll to fail with " + type.getName() + ", but it failed with "
                    + t, t);
        }
        throw new AssertionError("expected the poll to fail with " + type.getName() + ", but the future was "
                + (p.isReady() ? p : "Pending"));
    }
}
