package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Poll;
import dev.weft.Waker;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Linearizability of the oneshot's state word: send and close on the sending side,
 * tryRecv, poll-once (registering a waker), close and drop on the receiving side,
 * from Lincheck's platform threads. Each side is owned by one thread at a time (as
 * the API requires of the receiver), hence the non-parallel groups.
 *
 * <p>The results are checked against {@link Model}, a plain sequential description of
 * the contract, so a wrong rule is caught as well as a race.
 *
 * <p>Wake-ups are not part of the results: a waker is called just after the CAS
 * that decides the outcome, so a wake count read in between cannot be linearized.
 * That no wake-up is lost is checked by OneshotTest's racing poll/send test.
 */
@Tag("lincheck")
public class OneshotLincheckTest {
    private final Oneshot.Pair<Integer> ch = Oneshot.channel();
    private final Context cx = Context.of(Waker.noop());

    @Operation(nonParallelGroup = "tx")
    public String send(int v) {
        try {
            ch.tx().send(v);
            return "sent";
        } catch (SendError e) {
            return "SendError " + e.value();
        } catch (IllegalStateException e) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "tx")
    public void closeSender() {
        ch.tx().close();
    }

    @Operation
    public boolean isClosed() {
        return ch.tx().isClosed();
    }

    @Operation(nonParallelGroup = "rx")
    public String tryRecv() {
        try {
            return String.valueOf(ch.rx().tryRecv());
        } catch (RecvError e) {
            return "RecvError";
        } catch (IllegalStateException e) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx")
    public String pollOnce() {
        try {
            Poll<Integer> p = ch.rx().poll(cx);
            return p.isReady() ? "ready " + p.value() : "pending";
        } catch (RecvError e) {
            return "RecvError";
        } catch (IllegalStateException e) {
            return "ISE";
        }
    }

    @Operation(nonParallelGroup = "rx")
    public void closeReceiver() {
        ch.rx().close();
    }

    @Operation(nonParallelGroup = "rx")
    public void dropReceiver() {
        ch.rx().drop();
    }

    @Test
    void modelCheck() {
        new ModelCheckingOptions().iterations(30).invocationsPerIteration(500)
                .sequentialSpecification(Model.class).check(getClass());
    }

    /** The sequential specification: what a oneshot means, with no concurrency in it. */
    public static class Model {
        private Integer value;
        private boolean senderUsed;
        private boolean senderClosed;
        private boolean receiverClosed;
        private boolean taken;
        private boolean dropped;

        public String send(int v) {
            if (senderUsed) {
                return "ISE";
            }
            senderUsed = true;
            if (receiverClosed) {
                senderClosed = true;
                return "SendError " + v;
            }
            value = v;
            return "sent";
        }

        public void closeSender() {
            if (!senderUsed) {
                senderUsed = true;
                senderClosed = true;
            }
        }

        public boolean isClosed() {
            return receiverClosed;
        }

        private String receive(String empty) {
            if (taken) {
                return "ISE";
            }
            if (value != null) {
                taken = true;
                receiverClosed = true;
                return empty == null ? String.valueOf(value) : "ready " + value;
            }
            if (senderClosed || receiverClosed) {
                return "RecvError";
            }
            return empty == null ? "null" : empty;
        }

        public String tryRecv() {
            return receive(null);
        }

        public String pollOnce() {
            return dropped ? "ISE" : receive("pending");
        }

        public void closeReceiver() {
            receiverClosed = true;
        }

        public void dropReceiver() {
            if (!taken && !dropped) {
                dropped = true;
                receiverClosed = true;
            }
        }
    }
}
