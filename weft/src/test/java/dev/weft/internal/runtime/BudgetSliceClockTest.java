package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The clock behind a thread task's budget slice and fair yield: ticks kept in an int,
 * whose differences must survive the int's wrap and read a time the clock has already
 * wrapped past as long ago. No threads, made-up times.
 */
class BudgetSliceClockTest {

    @Test
    void aDifferenceWithinTheIntIsTheTicksBetween() {
        assertEquals(0, ThreadContext.ticksSince(1_000, 1_000));
        assertEquals(48, ThreadContext.ticksSince(1_000, 1_048));
        assertEquals(48, ThreadContext.ticksSince(-1_048, -1_000));
    }

    @Test
    void aDifferenceAcrossTheIntsWrapIsStillTheTicksBetween() {
        assertEquals(48, ThreadContext.ticksSince(Integer.MAX_VALUE - 10, Integer.MIN_VALUE + 37));
        assertEquals(11, ThreadContext.ticksSince(-5, 6));
    }

    @Test
    void aStartTheClockHasWrappedPastReadsAsLongAgo() {
        // now - since is negative only when 2^31 ticks or more have passed (or the
        // clock went back, which nanoTime does not): a turn that long is over.
        assertEquals(Integer.MAX_VALUE, ThreadContext.ticksSince(1_000, 999));
        assertEquals(Integer.MAX_VALUE, ThreadContext.ticksSince(0, Integer.MIN_VALUE));
        assertEquals(Integer.MAX_VALUE, ThreadContext.ticksSince(Integer.MIN_VALUE + 37, Integer.MAX_VALUE - 10));
    }
}
