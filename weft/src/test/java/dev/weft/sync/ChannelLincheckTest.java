package dev.weft.sync;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the channel's try-operations, close, and the send side's
 * poll-once-then-drop path, from Lincheck's own platform threads. Capacity 2, so
 * that "full" is reached and senders wait.
 *
 * <p>{@link #sendOnce} polls a send once with a counting waker; if it waits, it polls
 * again only if it was woken, else drops it. Its answer says where the value ended:
 * "sent" (a receiver or the buffer has it, even if it was taken from the waiting
 * sender between the poll and the drop), "closed" (SendError) or "dropped" (it went
 * to the undelivered hook). Values are unique boxes, so the hook's record tells each
 * operation's own value apart. Sequentially a waiting send is dropped at once, so a
 * linearizable history must explain every "sent" by room in the buffer at some point
 * inside the operation.
 *
 * <p>Waiting receives are checked by ChannelRecvDropLincheckTest: a receive handed a
 * value and then dropped gives it back to the front of the buffer, which may exceed
 * the capacity for a while; no sequential channel of capacity 2 explains that, so
 * it is checked there with an unbounded buffer. Rendezvous channels are dual
 * structures (a send and a receive complete together) that a sequential history of
 * non-waiting operations cannot express: ChannelTest, ChannelCancellationTest and
 * ChannelStressTest cover them.
 */
@Tag("lincheck")
public class ChannelLincheckTest {
    /** A value with identity, so that the hook's record is per operation. */
    record Box(int v) {
    }

    private final ConcurrentLinkedQueue<Box> hooked = new ConcurrentLinkedQueue<>();
    private final Channel<Box> ch = Channel.create(2, hooked::add);

    @Operation
    public String trySend(int value) {
        try {
            return ch.trySend(new Box(value)) ? "sent" : "full";
        } catch (SendError e) {
            return "closed";
        }
    }

    @Operation
    public String sendOnce(int value) {
        Box box = new Box(value);
        CountingWaker w = new CountingWaker();
        Context cx = w.context();
        Future<Void> f = ch.send(box);
        try {
            if (f.poll(cx).isReady()) {
                return "sent";
            }
            if (w.isWoken() && f.poll(cx).isReady()) {
                return "sent";
            }
        } catch (SendError e) {
            return "closed";
        }
        f.drop();
        for (Box b : hooked) {
            if (b == box) {
                return "dropped";
            }
        }
        return "sent";
    }

    @Operation
    public Integer tryRecv() {
        Box b = ch.tryRecv();
        return b == null ? null : b.v();
    }

    @Operation
    public boolean close() {
        return ch.close();
    }

    @Operation
    public int len() {
        return ch.len();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(20).invocationsPerIteration(400).check(getClass());
    }
}
