package dev.weft;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class WakerTest {

    @Test
    void noopDoesNothingWhenWoken() {
        assertDoesNotThrow(() -> {
            Waker w = Waker.noop();
            w.wake();
            w.wake();
        });
    }

    @Test
    void noopIsOneSharedInstance() {
        assertSame(Waker.noop(), Waker.noop());
    }
}
