package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JoinSetExampleTest {

    @Test
    void joinNextTakesEveryTaskOnce() {
        JoinSetExample.Outcome o = JoinSetExample.run();
        assertEquals(385, o.sumOfSquares());
        assertEquals(10, o.joined());
    }

    @Test
    void joinAllThrowsTheFailureAndShutdownEndsTheRest() {
        JoinSetExample.Outcome o = JoinSetExample.run();
        assertEquals("bad input", o.failure());
        assertEquals(0, o.leftAfterShutdown());
    }
}
