package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of a bounded mpsc channel's senders: a weak sender upgrading, the
 * upgraded sender's trySend and close, and the original sender's close (the last one
 * closes the channel), against the receiver's isClosed and its count of senders. The
 * point: a count of 0 exactly when the receiver sees the channel closed, and no
 * upgrade after that. (tryRecv is left out for the reason {@link MpscLincheckTest}
 * gives.)
 */
@Tag("lincheck")
public class MpscSendersLincheckTest {
    private final Mpsc.Sender<Integer> tx;
    private final Mpsc.WeakSender<Integer> weak;
    private final Mpsc.Receiver<Integer> rx;
    /** The upgraded sender; used by the "upgraded" group only. */
    private Mpsc.Sender<Integer> upgraded;

    public MpscSendersLincheckTest() {
        var ch = Mpsc.<Integer>channel(2);
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
    public String trySendUpgraded(int value) {
        if (upgraded == null) {
            return "no sender";
        }
        try {
            return upgraded.trySend(value) ? "sent" : "full";
        } catch (SendError e) {
            return "closed";
        }
    }

    @Operation(nonParallelGroup = "upgraded")
    public void closeUpgraded() {
        if (upgraded != null) {
            upgraded.close();
            upgraded = null;
        }
    }

    /**
     * One thread closes the original handle: a second close of one handle that races
     * the first returns at once (closing twice does nothing) while the first is still
     * releasing the count, so "closed" is seen a moment later, not when the second
     * close returns. That is the handle's idempotence, not the channel's state, and
     * not what this test is about.
     */
    @Operation(nonParallelGroup = "original")
    public void closeOriginal() {
        tx.close();
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
