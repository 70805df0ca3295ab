package dev.weft;

import dev.weft.runtime.Runtime;
import dev.weft.runtime.UnhandledExceptionPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * For test classes that run each test on a fresh two-worker runtime: {@link #rt} is
 * built before the test and closed after it. Task failures reach the tests through
 * their join handles, so the runtime does not log them.
 */
public abstract class RuntimePerTest {
    protected Runtime rt;

    @BeforeEach
    final void buildRuntime() {
        rt = Runtime.builder().workerThreads(2).unhandledException(UnhandledExceptionPolicy.IGNORE).build();
    }

    @AfterEach
    final void closeRuntime() {
        rt.close();
    }
}
