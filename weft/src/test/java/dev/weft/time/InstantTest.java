package dev.weft.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.Runtime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class InstantTest {

    @Test
    void arithmeticAndOrder() {
        Instant a = Instant.now();
        Instant b = a.plus(Duration.ofMillis(1500));
        assertEquals(Duration.ofMillis(1500), b.durationSince(a));
        assertEquals(Duration.ZERO, a.durationSince(b), "saturates at zero");
        assertEquals(a, b.minus(Duration.ofMillis(1500)));
        assertTrue(a.isBefore(b));
        assertTrue(b.isAfter(a));
        assertFalse(a.isAfter(a));
        assertTrue(a.compareTo(b) < 0);
        assertEquals(a.hashCode(), b.minus(Duration.ofMillis(1500)).hashCode());
    }

    @Test
    void hugeDurationsSaturateInsteadOfWrapping() {
        Instant a = Instant.now();
        Instant far = a.plus(Duration.ofSeconds(Long.MAX_VALUE));
        assertTrue(far.isAfter(a));
        assertTrue(far.plus(Duration.ofDays(1)).compareTo(far) >= 0);
        assertTrue(a.minus(Duration.ofSeconds(Long.MAX_VALUE)).isBefore(a));
    }

    @Test
    void outsideARuntimeNowIsRealTime() {
        Instant a = Instant.now();
        long spin = System.nanoTime();
        while (System.nanoTime() - spin < 1_000_000) {
            Thread.onSpinWait();
        }
        assertTrue(a.elapsed().toNanos() >= 1_000_000);
    }

    @Test
    void insideAPausedRuntimeNowIsItsClock() {
        try (Runtime rt = Runtime.builder().workerThreads(1).startPaused(true).build()) {
            rt.blockOn(() -> {
                Instant a = Instant.now();
                long spin = System.nanoTime();
                while (System.nanoTime() - spin < 1_000_000) {
                    Thread.onSpinWait();
                }
                assertEquals(Duration.ZERO, a.elapsed(), "the paused clock stood still");
                assertEquals(a, rt.clock().now());
                assertEquals(a, Time.now());
            });
        }
    }

    @Test
    void anInstantFarInThePastOrFutureStillComparesByItsPlace() {
        Instant t0 = Instant.now();
        Instant ancient = t0.minus(Duration.ofSeconds(Long.MAX_VALUE));
        Instant distant = t0.plus(Duration.ofSeconds(Long.MAX_VALUE));
        Instant later = t0.plus(Duration.ofSeconds(1));
        assertTrue(ancient.isBefore(later));
        assertTrue(ancient.compareTo(later) < 0);
        assertTrue(distant.isAfter(later));
        assertTrue(distant.compareTo(later) > 0);
        assertTrue(later.durationSince(ancient).compareTo(Duration.ofDays(365L * 100)) > 0, "about 146 years");
        assertEquals(Duration.ZERO, ancient.durationSince(later));
        assertTrue(Integer.signum(ancient.compareTo(distant)) == -1 && ancient.isBefore(distant));
    }
}
