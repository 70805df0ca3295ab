package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of {@code subscribe} against {@code send} on a watch channel with
 * no receiver: a send succeeds only once the new receiver is counted, and then that
 * receiver must see the value as not seen yet. (It caught a subscribe that counted
 * the receiver before reading the version it marks seen: a send in between
 * succeeded because of the new receiver, which then never saw it change.)
 */
@Tag("lincheck")
public class WatchSubscribeLincheckTest {
    private final Watch.Sender<Integer> tx;
    private Watch.Receiver<Integer> subscribed;

    public WatchSubscribeLincheckTest() {
        var ch = Watch.channel(0);
        tx = ch.tx();
        ch.rx().close(); // no receiver: a send fails until someone subscribes
    }

    @Operation
    public String send(int v) {
        try {
            tx.send(v);
            return "sent";
        } catch (SendError e) {
            return "refused";
        }
    }

    @Operation(nonParallelGroup = "receiver")
    public String subscribe() {
        if (subscribed != null) {
            return "already";
        }
        subscribed = tx.subscribe();
        return "subscribed";
    }

    @Operation(nonParallelGroup = "receiver")
    public String hasChanged() {
        return subscribed == null ? "none" : String.valueOf(subscribed.hasChanged());
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).check(getClass());
    }
}
