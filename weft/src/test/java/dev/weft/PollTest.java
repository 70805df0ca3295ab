package dev.weft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PollTest {

    @Test
    void readyIsReadyAndCarriesItsValue() {
        Poll<String> p = Poll.ready("v");
        assertTrue(p.isReady());
        assertFalse(p.isPending());
        assertEquals("v", p.value());
    }

    @Test
    void readyMayCarryNull() {
        Poll<String> p = Poll.ready(null);
        assertTrue(p.isReady());
        assertNull(p.value());
    }

    @Test
    void pendingIsPendingAndNotReady() {
        Poll<String> p = Poll.pending();
        assertTrue(p.isPending());
        assertFalse(p.isReady());
    }

    @Test
    void pendingIsASingleton() {
        Poll<String> a = Poll.pending();
        Poll<Integer> b = Poll.pending();
        assertSame(a, b);
    }

    @Test
    void valueOfPendingThrowsNoSuchElementSayingWhatToCheck() {
        NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> Poll.pending().value());
        assertTrue(e.getMessage().contains("isReady()"), e.getMessage());
    }

    @Test
    void mapAppliesTheFunctionToAReadyValue() {
        assertEquals(4, Poll.ready("four").map(String::length).value());
    }

    @Test
    void mapOfPendingStaysPendingWithoutCallingTheFunction() {
        AtomicBoolean called = new AtomicBoolean();
        Poll<Integer> p = Poll.<String>pending().map(s -> {
            called.set(true);
            return 1;
        });
        assertTrue(p.isPending());
        assertFalse(called.get());
    }

    @Test
    void mapRefusesANullFunction() {
        assertThrows(NullPointerException.class, () -> Poll.ready(1).map(null));
        assertThrows(NullPointerException.class, () -> Poll.pending().map(null));
    }

    @Test
    void toStringShowsReadyWithTheValueOrPending() {
        assertEquals("Ready(7)", Poll.ready(7).toString());
        assertEquals("Ready(null)", Poll.ready(null).toString());
        assertEquals("Pending", Poll.pending().toString());
    }
}
