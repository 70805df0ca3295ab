package dev.weft.examples;

import dev.weft.runtime.Runtime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For example tests that run each test on a fresh two-worker runtime whose clock
 * starts paused: the examples' sleeps and timeouts take no real time, and the times
 * they print are exact.
 */
abstract class PausedRuntimePerTest {
    protected Runtime rt;

    @BeforeEach
    final void buildPausedRuntime() {
        rt = Runtime.builder().workerThreads(2).startPaused(true).build();
    }

    @AfterEach
    final void closeRuntime() {
        rt.close();
    }
}
