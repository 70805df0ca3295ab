package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a broadcast channel's senders: a weak sender upgrading, the
 * upgraded sender sending and closing, and the original sender's close (the last one
 * closes the channel), against the receiver's tryRecv, isClosed and its count of
 * senders. The histories this covers: no value after the receiver saw the end, no
 * upgrade once every sender closed, and a count of 0 exactly when the channel is
 * closed (a model check of an earlier build found a count of 0 read while the closed
 * flag still said open).
 */
@Tag("lincheck")
public class BroadcastSendersLincheckTest {
    private final Broadcast.Sender<Integer> tx;
    private final Broadcast.WeakSender<Integer> weak;
    private final Broadcast.Receiver<Integer> rx;
    /** The upgraded sender; used by the "upgraded" group only. */
    private Broadcast.Sender<Integer> upgraded;

    public BroadcastSendersLincheckTest() {
        var ch = Broadcast.<Integer>channel(4);
        tx = ch.tx();
        weak = tx.downgrade();
        rx = ch.rx();
    }

    @Operation(nonParallelGroup = "upgraded")
    public boolean upgrade() {
        if (upgraded == null) {
            upgraded = weak.upgrade();
        }
        return upgraded != null;
    }

    @Operation(nonParallelGroup = "upgraded")
    public String sendUpgraded(int value) {
        if (upgraded == null) {
            return "no sender";
        }
        try {
            return "reached " + upgraded.send(value);
        } catch (SendError e) {
            return "refused";
        }
    }

    @Operation(nonParallelGroup = "upgraded")
    public void closeUpgraded() {
        if (upgraded != null) {
            upgraded.close();
            upgraded = null;
        }
    }

    @Operation
    public void closeOriginal() {
        tx.close();
    }

    @Operation(nonParallelGroup = "rx")
    public String tryRecv() {
        try {
            return String.valueOf(rx.tryRecv());
        } catch (Lagged e) {
            return "lagged " + e.skipped();
        }
    }

    @Operation
    public boolean isClosed() {
        return rx.isClosed();
    }

    /** The count and the closed state, read one after the other: 0 must mean closed. */
    @Operation
    public String countThenClosed() {
        int n = rx.senderStrongCount();
        return n == 0 ? "none, closed " + rx.isClosed() : "some";
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).check(getClass());
    }
}
