package dev.weft.sync;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the receive side's waiting paths from Lincheck's platform
 * threads: a receive polled once and, if it waits, either dropped at once
 * ({@link #recvThenDrop}: a value handed to it meanwhile must go back to the front of
 * the buffer) or polled again if it was woken ({@link #recvOnce}). Sequentially a
 * waiting receive is never handed anything, so a linearizable history must explain
 * every given-back value as sent after the receive gave up, in the right order.
 *
 * <p>The receiving operations (and {@code len}) run in one thread. While a receive
 * holds a value it was handed, between its poll and its drop, that value is in
 * neither the buffer nor the receiver's hands: a second receive, or {@code len},
 * running meanwhile cannot see it, and no sequential channel explains that (this
 * check found exactly such a history when they ran in parallel). It is the price of
 * handing values straight to waiting receivers; the give-back to a second waiting
 * receiver is covered by ChannelCancellationTest and ChannelStressTest instead.
 *
 * <p>The buffer is unbounded: a give-back may exceed a bounded capacity for a while,
 * which no sequential bounded channel explains (see ChannelLincheckTest).
 */
@Tag("lincheck")
public class ChannelRecvDropLincheckTest {
    private final Channel<Integer> ch = Channel.unbounded();

    @Operation
    public String trySend(int value) {
        try {
            return ch.trySend(value) ? "sent" : "full";
        } catch (SendError e) {
            return "closed";
        }
    }

    @Operation(nonParallelGroup = "receiver")
    public Integer tryRecv() {
        return ch.tryRecv();
    }

    /** "none" if it gave up, "closed" for null, else the value. */
    @Operation(nonParallelGroup = "receiver")
    public String recvOnce() {
        CountingWaker w = new CountingWaker();
        Context cx = w.context();
        Future<Integer> f = ch.recv();
        Poll<Integer> p = f.poll(cx);
        if (p.isPending() && w.isWoken()) {
            p = f.poll(cx);
        }
        if (p.isPending()) {
            f.drop();
            return "none";
        }
        return p.value() == null ? "closed" : String.valueOf(p.value());
    }

    @Operation(nonParallelGroup = "receiver")
    public String recvThenDrop() {
        Future<Integer> f = ch.recv();
        Poll<Integer> p = f.poll(new CountingWaker().context());
        if (p.isPending()) {
            f.drop();
            return "none";
        }
        return p.value() == null ? "closed" : String.valueOf(p.value());
    }

    @Operation
    public boolean close() {
        return ch.close();
    }

    @Operation(nonParallelGroup = "receiver")
    public int len() {
        return ch.len();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(20).invocationsPerIteration(400).check(getClass());
    }
}
