package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the broadcast channel's non-blocking core: send (from any
 * thread), tryRecv of two receivers (each used by one thread at a time, as the API
 * requires), a receiver closing (which gives up its share of unread values), and the
 * counts. Capacity 2, so that overwrites and lag reports are part of the histories.
 *
 * <p>Sender.len() is left out: it scans the ring and is documented as a snapshot that
 * concurrent sends and reads may move under it.
 */
@Tag("lincheck")
public class BroadcastLincheckTest {
    private final Broadcast.Sender<Integer> tx;
    private final Broadcast.Receiver<Integer> a;
    private final Broadcast.Receiver<Integer> b;

    public BroadcastLincheckTest() {
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

    @Operation(nonParallelGroup = "b")
    public void closeB() {
        b.close();
    }

    @Operation(nonParallelGroup = "a")
    public long lenA() {
        return a.len();
    }

    @Operation
    public int receiverCount() {
        return tx.receiverCount();
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
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).check(getClass());
    }
}
