package dev.weft.internal.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the semaphore's counter paths with deferred release (the
 * bounded mpsc channel's receiver): try-acquires against deferred and plain
 * releases, close and the count, so that a permit parked in the releaser's cell is
 * neither refused to a try-acquire nor counted twice. Queued acquires are left out
 * for the reason given in {@link SemaphoreLincheckTest}.
 */
@Tag("lincheck")
public class DeferredReleaseLincheckTest {
    private final BatchSemaphore s = BatchSemaphore.withDeferredRelease(2);

    @Operation
    public int tryAcquire() {
        return s.tryAcquire(1);
    }

    @Operation
    public int tryAcquireTwo() {
        return s.tryAcquire(2);
    }

    @Operation
    public void releaseDeferred() {
        s.releaseDeferred(s.deferredCell(), 1);
    }

    @Operation
    public void release() {
        s.release(1);
    }

    @Operation
    public void close() {
        s.close();
    }

    @Operation
    public int available() {
        return s.availablePermits();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(40).invocationsPerIteration(500).check(getClass());
    }
}
