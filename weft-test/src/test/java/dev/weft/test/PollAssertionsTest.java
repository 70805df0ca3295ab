package dev.weft.test;

import static dev.weft.test.PollAssertions.assertNotWoken;
import static dev.weft.test.PollAssertions.assertPending;
import static dev.weft.test.PollAssertions.assertPollFails;
import static dev.weft.test.PollAssertions.assertReady;
import static dev.weft.test.PollAssertions.assertReadyEq;
import static dev.weft.test.PollAssertions.assertWoken;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import dev.weft.Poll;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class PollAssertionsTest {

    /** Asserts that {@code check} fails with a plain AssertionError whose message has every fragment. */
    private static AssertionError fails(Executable check, String... fragments) {
        AssertionError e = assertThrows(AssertionError.class, check);
        assertSame(AssertionError.class, e.getClass(), "not a framework-specific subclass");
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
        return e;
    }

    @Test
    void assertPendingPassesOnPending() {
        assertDoesNotThrow(() -> assertPending(Poll.pending()));
    }

    @Test
    void assertPendingFailsOnReadyAndNamesTheValue() {
        fails(() -> assertPending(Poll.ready(42)), "expected Pending", "Ready(42)");
    }

    @Test
    void assertPendingFailsOnNull() {
        fails(() -> assertPending(null), "null");
    }

    @Test
    void assertReadyReturnsTheValue() {
        assertEquals("v", assertReady(Poll.ready("v")));
        assertNull(assertReady(Poll.ready(null)));
    }

    @Test
    void assertReadyFailsOnPending() {
        fails(() -> assertReady(Poll.pending()), "expected Ready", "Pending");
    }

    @Test
    void assertReadyFailsOnNull() {
        fails(() -> assertReady(null), "null");
    }

    @Test
    void assertReadyEqPassesOnAnEqualValue() {
        assertDoesNotThrow(() -> assertReadyEq(Poll.ready("v"), "v"));
        assertDoesNotThrow(() -> assertReadyEq(Poll.ready(null), null));
    }

    @Test
    void assertReadyEqComparesArraysByContent() {
        assertDoesNotThrow(() -> assertReadyEq(Poll.ready(new int[] {1, 2}), new int[] {1, 2}));
    }

    @Test
    void assertReadyEqFailsOnAnotherValueAndNamesBoth() {
        fails(() -> assertReadyEq(Poll.ready("actual"), "expected"), "Ready(expected)", "Ready(actual)");
    }

    @Test
    void assertReadyEqFailsOnPending() {
        fails(() -> assertReadyEq(Poll.pending(), "v"), "Ready(v)", "Pending");
    }

    @Test
    void assertWokenPassesAfterAWake() {
        PollHarness<Void> h = PollHarness.of(cx -> {
            cx.waker().wake();
            return Poll.pending();
        });
        h.poll();
        assertDoesNotThrow(() -> assertWoken(h));
    }

    @Test
    void assertWokenFailsWithoutAWake() {
        PollHarness<String> h = PollHarness.of(Future.never());
        h.poll();
        fails(() -> assertWoken(h), "expected the future to have woken", "did not");
    }

    @Test
    void assertWokenSaysWhenTheFutureWasNeverPolled() {
        PollHarness<String> h = PollHarness.of(Future.never());
        fails(() -> assertWoken(h), "never polled");
    }

    @Test
    void assertNotWokenPassesWithoutAWake() {
        PollHarness<String> h = PollHarness.of(Future.never());
        h.poll();
        assertDoesNotThrow(() -> assertNotWoken(h));
    }

    @Test
    void assertNotWokenFailsAfterWakesAndCountsThem() {
        PollHarness<Void> h = PollHarness.of(cx -> {
            cx.waker().wake();
            cx.waker().wake();
            return Poll.pending();
        });
        h.poll();
        fails(() -> assertNotWoken(h), "not to have woken", "2 times");
    }

    @Test
    void assertPollFailsReturnsTheExceptionThrown() {
        IOException boom = new IOException("boom");
        PollHarness<String> h = PollHarness.of(Future.failed(boom));
        assertSame(boom, assertPollFails(h, IOException.class));
    }

    @Test
    void assertPollFailsFailsWhenThePollIsPending() {
        PollHarness<String> h = PollHarness.of(Future.never());
        fails(() -> assertPollFails(h, IOException.class), "java.io.IOException", "Pending");
    }

    @Test
    void assertPollFailsFailsWhenThePollIsReady() {
        PollHarness<String> h = PollHarness.of(Future.ready("v"));
        fails(() -> assertPollFails(h, IOException.class), "Ready(v)");
    }

    @Test
    void assertPollFailsFailsOnAnotherExceptionAndKeepsItAsTheCause() {
        IllegalArgumentException other = new IllegalArgumentException("other");
        PollHarness<String> h = PollHarness.of(Future.failed(other));
        AssertionError e = fails(() -> assertPollFails(h, IOException.class), "IllegalArgumentException");
        assertSame(other, e.getCause());
    }
}
