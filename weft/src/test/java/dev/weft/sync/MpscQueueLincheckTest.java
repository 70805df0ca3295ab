package dev.weft.sync;

import dev.weft.internal.sync.MpscQueue;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the queue under the mpsc channels: pushes from several
 * threads; the one consumer's pop that waits through a half-done push (what
 * {@code tryRecv} and {@code drain} use), {@code isEmpty} and {@code size}, which
 * count a push from its tail swap on. (It caught a {@code size} that skipped
 * half-done pushes.)
 */
@Tag("lincheck")
public class MpscQueueLincheckTest {
    private final MpscQueue<Integer> q = new MpscQueue<>();

    @Operation
    public void push(int v) {
        q.push(v);
    }

    @Operation(nonParallelGroup = "consumer")
    public Integer popWaiting() {
        return q.popWaiting();
    }

    @Operation(nonParallelGroup = "consumer")
    public boolean isEmpty() {
        return q.isEmpty();
    }

    @Operation(nonParallelGroup = "consumer")
    public int size() {
        return q.size();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).actorsPerThread(3).check(getClass());
    }
}
