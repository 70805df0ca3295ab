package dev.weft.sync;

import static dev.weft.internal.sync.OneshotCell.RX_CLOSED;
import static dev.weft.internal.sync.OneshotCell.TX_CLOSED;
import static dev.weft.internal.sync.OneshotCell.TX_DONE;
import static dev.weft.internal.sync.OneshotCell.VALUE_SENT;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.sync.OneshotCell;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A channel for exactly one value, from one sender to one receiver (Tokio's
 * {@code oneshot}): the answer to a request, the result of a job, a "done" signal.
 *
 * {@snippet :
 * var ch = Oneshot.<Integer>channel();
 * Task.spawn(() -> ch.tx().send(compute()));   // never waits
 * int answer = ch.rx().await();                 // the receiver is itself a future
 * }
 *
 * <p>The {@link Sender} sends once and never waits: {@link Sender#send} either hands
 * the value over or, if the receiver is gone, throws {@link SendError} carrying it
 * back. A sender closed without sending makes the receiver fail with
 * {@link RecvError}; so does a receiver closed before a value came.
 *
 * <p>The {@link Receiver} is a {@code Future<T>}: await it, put it in a
 * {@link dev.weft.Select}, or poll it with {@link Receiver#tryRecv()}. It gives the
 * value once.
 *
 * <p><b>Undelivered values.</b> A value sent before the receiver was dropped (for
 * example the receiver lost a select, or its task was aborted) never reached
 * anyone. With an undelivered-value hook ({@link #channel(Consumer)}), the drop
 * passes it to the hook. Without one, it stays in the receiver, readable by
 * {@link Receiver#tryRecv()}. A value sent after the receiver was dropped or closed
 * comes back to the sender in its {@link SendError}.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it sends a value
 * <i>happen-before</i> actions after the receive (await, poll or {@code tryRecv})
 * that returns it. Actions before closing or dropping either end
 * <i>happen-before</i> the other end observing it ({@link RecvError}, {@link SendError},
 * {@link Sender#closed()} completing).
 */
public final class Oneshot {
    private Oneshot() {
    }

    /** The two ends of a new channel. */
    public record Pair<T>(Sender<T> tx, Receiver<T> rx) {
    }

    /** A new channel; a value sent but never received stays readable in the receiver. */
    public static <T> Pair<T> channel() {
        return make(null);
    }

    /**
     * A new channel whose receiver, if dropped after a value was sent and before it
     * took it, passes that value to {@code undelivered} (in the dropping thread).
     */
    public static <T> Pair<T> channel(Consumer<? super T> undelivered) {
        return make(Objects.requireNonNull(undelivered, "undelivered"));
    }

    private static <T> Pair<T> make(Consumer<? super T> undelivered) {
        OneshotCell<T> cell = new OneshotCell<>();
        return new Pair<>(new Sender<>(cell), new Receiver<>(cell, undelivered));
    }

    /**
     * The sending end: {@link #send} once, or {@link #close()} to say nothing will
     * come. May be used from any thread; it sends at most once.
     *
     * @param <T> the type of the value
     */
    public static final class Sender<T> implements AutoCloseable {
        private final OneshotCell<T> cell;

        Sender(OneshotCell<T> cell) {
            this.cell = cell;
        }

        /**
         * Sends {@code value} to the receiver and wakes it. Never waits.
         *
         * @throws NullPointerException if {@code value} is null
         * @throws SendError if the receiver was dropped or closed; the error carries
         *         {@code value}, which was not delivered. The sender is used up.
         * @throws IllegalStateException if this sender already sent, or was closed:
         *         a oneshot carries one value; use an {@code Mpsc} channel for more
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            switch (cell.send(value)) {
                case OneshotCell.SENT -> {
                }
                case OneshotCell.RECEIVER_GONE -> throw new SendError(
                        "the oneshot receiver was dropped or closed; the value was not delivered", value);
                default -> throw new IllegalStateException((cell.state() & VALUE_SENT) != 0
                        ? "this oneshot sender already sent its value; a oneshot carries one value (use Mpsc for more)"
                        : "this oneshot sender was closed (or its send failed); it cannot send any more");
            }
        }

        /**
         * Whether the receiver is gone: dropped, closed, or done (it took the value).
         * A send would fail with {@link SendError}.
         */
        public boolean isClosed() {
            return (cell.state() & RX_CLOSED) != 0;
        }

        /**
         * A future that completes when the receiver is dropped, closed, or took the
         * value (Tokio's {@code Sender::closed}): lets a producer stop computing a
         * value nobody waits for any more.
         *
         * {@snippet :
         * select(on(tx.closed(), __ -> null),
         *        on(expensiveWork(), v -> { tx.send(v); return null; })).await();
         * }
         *
         * <p>One task at a time waits for it: a second {@code closed()} future polled
         * while another one is pending fails with {@link IllegalStateException}.
         *
         * <p>Cancel safety: cancel safe; dropping it only unregisters its waker.
         */
        public Future<Void> closed() {
            return new Closed(cell);
        }

        /**
         * Closes this sender without sending (Tokio's drop of a sender): the receiver
         * fails with {@link RecvError}. Does nothing if a value was sent already, or
         * if it was closed already.
         */
        @Override
        public void close() {
            cell.closeSender();
        }

        @Override
        public String toString() {
            return "Oneshot.Sender[" + describe(cell.state()) + "]";
        }
    }

    /** The future of {@link Sender#closed()}. */
    private static final class Closed implements Future<Void> {
        private final OneshotCell<?> cell;
        private boolean done;

        Closed(OneshotCell<?> cell) {
            this.cell = cell;
        }

        @Override
        public Poll<Void> poll(Context cx) {
            if (done) {
                return Poll.ready(null);
            }
            if ((cell.state() & RX_CLOSED) != 0) {
                return finish();
            }
            if (!cell.claimClosedSlot(this)) {
                throw new IllegalStateException("another closed() future of this oneshot sender is already waiting;"
                        + " await closed() from one task at a time");
            }
            if (!cell.registerClosed(cx.waker())) {
                return finish();
            }
            return Poll.pending();
        }

        private Poll<Void> finish() {
            done = true;
            cell.releaseClosedSlot(this);
            return Poll.ready(null);
        }

        @Override
        public void drop() {
            done = true;
            cell.releaseClosedSlot(this);
        }
    }

    /**
     * The receiving end, itself the future of the value: awaiting it gives the
     * value, or throws {@link RecvError} if the sender was closed without sending
     * (or this receiver was closed before a value came). It gives the value once.
     *
     * <p>Polled by one task at a time, like any future; {@link #tryRecv()},
     * {@link #close()}, {@link #isTerminated()} and {@link #isEmpty()} belong to the
     * same owner.
     *
     * <p>Cancel safety: dropping the receiver ({@link #drop()}, which a select or an
     * aborted task does) closes it: a later send fails and hands its value back. A
     * value sent before the drop goes to the channel's undelivered-value hook, if
     * it has one; otherwise {@link #tryRecv()} can still take it. Nothing is lost.
     * To keep waiting across the iterations of a select loop, pass
     * {@link Future#borrow(Future) Future.borrow(rx)} instead of {@code rx}, and
     * leave the branch out once {@link #isTerminated()} answers {@code true}.
     *
     * @param <T> the type of the value
     */
    public static final class Receiver<T> implements Future<T>, AutoCloseable {
        private final OneshotCell<T> cell;
        private final Consumer<? super T> undelivered;
        /** Owner-only: the value was handed out (by a poll, tryRecv, or the hook). */
        private boolean taken;
        private boolean toHook;
        private boolean dropped;
        /** Owner-only: an await, poll or tryRecv threw RecvError (nothing will come). */
        private boolean failed;

        Receiver(OneshotCell<T> cell, Consumer<? super T> undelivered) {
            this.cell = cell;
            this.undelivered = undelivered;
        }

        /**
         * Completes with the value once it is sent. Takes one unit of the task's
         * cooperative budget.
         *
         * @throws RecvError if the sender was closed without sending, or this receiver
         *         was closed before a value came
         * @throws IllegalStateException if the value was already taken (a second await
         *         of a consumed oneshot), or after {@link #drop()}
         */
        @Override
        public Poll<T> poll(Context cx) {
            checkUsable("await");
            if (!cx.proceed()) {
                return Poll.pending();
            }
            int s = cell.state();
            if ((s & VALUE_SENT) == 0) {
                if ((s & (TX_CLOSED | RX_CLOSED)) != 0) {
                    throw ended(s);
                }
                s = cell.registerReceiver(cx.waker());
                if ((s & VALUE_SENT) == 0) {
                    if ((s & TX_CLOSED) != 0) {
                        throw ended(s);
                    }
                    return Poll.pending();
                }
            }
            return Poll.ready(take());
        }

        /**
         * Awaits the value; see {@link #poll}. In Tokio, {@code rx.await} (and, outside
         * the runtime, {@code blocking_recv}).
         *
         * <p>Cancel safety: see the class documentation.
         *
         * @throws RecvError if nothing will come
         * @throws IllegalStateException if the value was already taken
         */
        @Override
        public T await() {
            return Future.super.await();
        }

        /**
         * The value if it was sent, {@code null} if not yet. Never waits. Works after
         * {@link #close()} too: a value sent before the close can still be taken.
         *
         * @throws RecvError if nothing will come: the sender was closed without
         *         sending, or this receiver was closed (or dropped) with no value
         * @throws IllegalStateException if the value was already taken
         */
        public T tryRecv() {
            checkTaken("tryRecv()");
            int s = cell.state();
            if ((s & VALUE_SENT) != 0) {
                return take();
            }
            if ((s & (TX_CLOSED | RX_CLOSED)) != 0) {
                throw ended(s);
            }
            return null;
        }

        /**
         * Closes this receiver (Tokio's {@code Receiver::close}): from now on sends
         * fail with {@link SendError} and {@link Sender#closed()} completes. A value
         * sent before the close stays here: {@link #tryRecv()} (or an await) still
         * returns it. Idempotent.
         */
        @Override
        public void close() {
            cell.closeReceiver();
        }

        /**
         * Drops this receiver: closes it (as {@link #close()}) and, if a value had
         * been sent but not taken, passes it to the channel's undelivered-value hook
         * (if it has none, {@link #tryRecv()} still returns it). Does nothing after
         * the value was taken or after an earlier drop.
         */
        @Override
        public void drop() {
            if (taken || dropped) {
                return;
            }
            dropped = true;
            cell.closeReceiver();
            if (undelivered != null && (cell.state() & VALUE_SENT) != 0) {
                taken = true;
                toHook = true;
                undelivered.accept(cell.takeValue());
            }
        }

        /**
         * Whether this receiver is done (Tokio's {@code is_terminated}): it gave its
         * value (to an await, a poll or {@link #tryRecv()}, or to the hook when
         * dropped), or it threw {@link RecvError}, or it was dropped. A done receiver
         * must not be awaited again; a select loop that polls it through
         * {@link Future#borrow(Future) Future.borrow(rx)} can leave its branch out
         * once this answers {@code true}.
         */
        public boolean isTerminated() {
            return taken || failed || dropped;
        }

        /**
         * Whether no value waits here now (Tokio's {@code is_empty}): none was sent
         * yet, or the one sent was already taken. {@code false} means
         * {@link #tryRecv()} returns a value at once (an await too, unless this
         * receiver was dropped).
         */
        public boolean isEmpty() {
            return taken || (cell.state() & VALUE_SENT) == 0;
        }

        /** Whether the value was taken (by an await, a poll or {@link #tryRecv()}). */
        boolean isTaken() {
            return taken && !toHook;
        }

        private T take() {
            T v = cell.takeValue();
            taken = true;
            cell.closeReceiver(); // done: later sends are impossible anyway; wakes closed()
            return v;
        }

        private void checkUsable(String what) {
            if (dropped) {
                throw new IllegalStateException(what + " of a dropped oneshot receiver; a dropped future is not polled again");
            }
            checkTaken(what);
        }

        private void checkTaken(String what) {
            if (taken) {
                throw new IllegalStateException(toHook
                        ? what + " after the value was passed to the undelivered-value hook when this receiver was dropped"
                        : what + " of a oneshot receiver whose value was already taken; a oneshot gives its value once");
            }
        }

        /** Nothing will come: this receiver is done ({@link #isTerminated()}); the error to throw. */
        private RecvError ended(int s) {
            failed = true;
            return closedError(s);
        }

        private static RecvError closedError(int s) {
            // The receiver's own close first: a send it refused also sets TX_CLOSED.
            return new RecvError((s & RX_CLOSED) != 0
                    ? "the oneshot receiver was closed before a value was sent"
                    : "the oneshot sender was closed without sending a value");
        }

        @Override
        public String toString() {
            return "Oneshot.Receiver[" + (taken ? "taken" : describe(cell.state())) + "]";
        }
    }

    private static String describe(int s) {
        if ((s & VALUE_SENT) != 0) {
            return (s & RX_CLOSED) != 0 ? "value sent, receiver closed" : "value sent";
        }
        if ((s & TX_DONE) != 0) {
            return "sender closed";
        }
        return (s & RX_CLOSED) != 0 ? "receiver closed" : "empty";
    }
}
