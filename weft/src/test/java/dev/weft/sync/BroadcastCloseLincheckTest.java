package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A broadcast receiver closed by another task while its owner reads (the close is
 * documented to work so), beside a send: the close must be one step. A send after it
 * must not count the closed receiver, and the owner must not receive that value nor
 * release a share of it that was never counted (the other receiver would find it
 * cleared). BroadcastLincheckTest keeps the close in the owner's group, which never
 * runs it beside the owner's read; this test gives the close a thread of its own.
 */
@Tag("lincheck")
public class BroadcastCloseLincheckTest {
    private final Broadcast.Sender<Integer> tx;
    private final Broadcast.Receiver<Integer> a;
    private final Broadcast.Receiver<Integer> b;

    public BroadcastCloseLincheckTest() {
        var ch = Broadcast.<Integer>channel(2);
        tx = ch.tx();
        a = ch.rx();
        b = tx.subscribe();
    }

    @Operation
    public String send(int value) {
        try {
            return "reached " + tx.send(value);
        } catch (SendError e) {
            return "refused " + e.value();
        }
    }

    @Operation(nonParallelGroup = "a")
    public String tryRecvA() {
        return recv(a);
    }

    @Operation(nonParallelGroup = "b")
    public String tryRecvB() {
        return recv(b);
    }

    /** Another task closes B: not in B's group, so it runs beside B's owner. */
    @Operation
    public void closeB() {
        b.close();
    }

    private static String recv(Broadcast.Receiver<Integer> rx) {
        try {
            return String.valueOf(rx.tryRecv());
        } catch (Lagged e) {
            return "lagged " + e.skipped();
        } catch (IllegalStateException e) {
            return "closed receiver";
        }
    }

    @Test
    void closeFromAnotherTaskBesideTheOwnersReadIsLinearizable() {
        new ModelCheckingOptions()
                .threads(3)
                .actorsPerThread(1)
                .actorsAfter(1)
                .iterations(60)
                .invocationsPerIteration(1000)
                .check(getClass());
    }
}
