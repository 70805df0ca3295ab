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
 * count a push from its tail swap on, and {@code size} from a thread of its own.
 * (It caught a {@code size} that skipped half-done pushes, and one that, from
 * another thread, never returned.)
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

    /**
     * What {@code Receiver.len()} does from a monitoring thread: its count is a
     * snapshot that may include values popped meanwhile, so only its return is
     * checked (reading the tail before the head, it walked off the queue's end).
     */
    @Operation(nonParallelGroup = "observer")
    public void sizeFromAnotherThread() {
        q.size();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().threads(3).iterations(30).invocationsPerIteration(500).actorsPerThread(2).check(getClass());
    }
}
