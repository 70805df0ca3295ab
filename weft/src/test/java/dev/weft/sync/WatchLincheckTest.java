package dev.weft.sync;

import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the watch channel's non-blocking core: send, sendReplace and
 * sendIfModified from any thread, and borrowAndUpdate (and its Ref form, whose "was
 * new" must agree with the value) / hasChanged / markChanged of
 * one receiver (used by one thread at a time, as the API requires), with the sender
 * closing (hasChanged then throws) and a second receiver closing (send then fails).
 */
@Tag("lincheck")
public class WatchLincheckTest {
    private final Watch.Sender<Integer> tx;
    private final Watch.Receiver<Integer> rx;
    private final Watch.Receiver<Integer> other;

    public WatchLincheckTest() {
        var ch = Watch.channel(0);
        tx = ch.tx();
        rx = ch.rx();
        other = tx.subscribe();
    }

    @Operation
    public String send(int value) {
        try {
            tx.send(value);
            return "sent";
        } catch (SendError e) {
            return "refused " + e.value();
        } catch (IllegalStateException e) {
            return "closed sender";
        }
    }

    @Operation
    public String sendReplace(int value) {
        try {
            return String.valueOf(tx.sendReplace(value));
        } catch (IllegalStateException e) {
            return "closed sender";
        }
    }

    @Operation
    public String sendIfOdd() {
        try {
            // Values are immutable Integers: "modified" only decides whether to notify.
            return String.valueOf(tx.sendIfModified(v -> v % 2 != 0));
        } catch (IllegalStateException e) {
            return "closed sender";
        }
    }

    @Operation
    public void closeSender() {
        tx.close();
    }

    @Operation(nonParallelGroup = "rx")
    public int borrowAndUpdate() {
        return rx.borrowAndUpdate();
    }

    @Operation(nonParallelGroup = "rx")
    public String borrowAndUpdateRef() {
        return rx.borrowAndUpdateRef().toString();
    }

    @Operation(nonParallelGroup = "rx")
    public String hasChanged() {
        try {
            return String.valueOf(rx.hasChanged());
        } catch (RecvError e) {
            return "closed";
        }
    }

    @Operation(nonParallelGroup = "rx")
    public void markChanged() {
        rx.markChanged();
    }

    @Operation(nonParallelGroup = "other")
    public void closeOther() {
        other.close();
    }

    @Operation
    public int borrowFromSender() {
        return tx.borrow();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500).check(getClass());
    }
}
