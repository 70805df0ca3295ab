package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the bounded channel's non-waiting core, driven from Lincheck's
 * platform threads: trySend from several threads against the receiver's close and
 * the state queries (capacity 2, so "full" is reached). The lock-free queue under
 * it is checked by {@link MpscQueueLincheckTest}.
 *
 * <p>What is left out, on purpose: tryRecv against concurrent trySends. A send takes
 * its slot, then links its value; in between, the channel holds a slot and no value,
 * exactly as when a permit is reserved. A sequential channel without permits cannot
 * explain "trySend answered sent, then close, then tryRecv answered null" (this
 * check found that history); Tokio's {@code try_recv} has the same window. It is
 * documented on {@link Mpsc.Receiver#tryRecv()}; the counting stress test checks that
 * such a value is still delivered exactly once.
 */
@Tag("lincheck")
public class MpscLincheckTest {
    private final Mpsc.Pair<Integer> ch = Mpsc.channel(2);

    @Operation
    public String trySend(int value) {
        try {
            return ch.tx().trySend(value) ? "sent" : "full";
        } catch (SendError e) {
            return "closed";
        }
    }

    @Operation
    public void closeReceiver() {
        ch.rx().close();
    }

    @Operation
    public int capacity() {
        return ch.tx().capacity();
    }

    @Operation
    public boolean isClosed() {
        return ch.tx().isClosed();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).actorsPerThread(3).check(getClass());
    }
}
