package dev.weft.sync;

import dev.weft.Future;
import dev.weft.internal.sync.BatchSemaphore;
import dev.weft.internal.sync.MpscChannel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Multi-producer, single-consumer channels (Tokio's {@code mpsc}): many tasks send,
 * one task receives, in order. The channel to reach for first: a work queue, the
 * inbox of an actor, results flowing back to one coordinator.
 *
 * {@snippet :
 * var ch = Mpsc.<String>channel(100);
 * Mpsc.Sender<String> tx = ch.tx().clone();               // one more sender, for the task
 * Task.spawn(() -> {
 *     try (tx) {                                          // closed when the task is done
 *         tx.send("hello").await();                       // waits while the channel is full
 *     }
 * });
 * ch.tx().close();                                        // this sender is done too
 * for (String m; (m = ch.rx().recv().await()) != null; ) {
 *     System.out.println(m);                              // null: every sender closed, all read
 * }
 * }
 *
 * <h2>Bounded and unbounded</h2>
 * {@link #channel(int)} holds at most {@code capacity} values: a send waits while it
 * is full, which slows fast producers down to the consumer's pace (backpressure).
 * {@link #unboundedChannel()} never makes a sender wait, so nothing holds back a
 * producer that outpaces its consumer and the buffer grows until memory runs out:
 * use it only where the number of values in flight is bounded some other way.
 * Values are never {@code null}. For several consumers use {@link Channel}; for a
 * rendezvous (capacity 0) use {@link Channel#rendezvous()}.
 *
 * <h2>Senders, the receiver, and closing</h2>
 * Java has no drop of a reference, so both ends are {@link AutoCloseable} handles and
 * {@code close()} plays the part of Rust's drop. Senders are counted:
 * {@link Sender#clone()} makes another one, each must be closed once (a sender that
 * is simply forgotten keeps the channel open, as a Rust value that is never dropped
 * would), and {@link Sender#downgrade()} gives a weak sender that does not count.
 * <ul>
 *   <li>When the last sender closes, the receiver still takes every value in the
 *       channel, then {@link Receiver#recv()} completes with {@code null}.</li>
 *   <li>When the receiver closes ({@link Receiver#close()}, Tokio's
 *       {@code Receiver::close}), new sends fail with {@link SendError} carrying the
 *       value back, pending sends fail the same way, and {@link Sender#closed()}
 *       completes. Sends that had already taken a slot (and unused
 *       {@linkplain Permit permits}) still deliver.</li>
 * </ul>
 *
 * <h2>Undelivered values</h2>
 * A value passed to a send ends in exactly one place: the receiver, a
 * {@link SendError} thrown to the sender (channel closed, or a send timeout), or the
 * channel's undelivered-value hook ({@link #channel(int, Consumer)}), which gets:
 * <ul>
 *   <li>the value of a send future dropped before it completed (a select branch that
 *       lost, an aborted task), or of a {@link Sender#sendTimeout sendTimeout} whose
 *       timer failed;</li>
 *   <li>the values still in the channel when the receiver closes, and those that
 *       sends admitted before the close push afterwards: with a hook, a closed
 *       receiver is done, and {@code recv()} answers {@code null} at once.
 *       {@link Receiver#drain()} takes what is in the channel first.</li>
 * </ul>
 * Without a hook, a dropped send's value stays with its caller (the channel keeps no
 * reference to it), and a closed receiver keeps every value readable: {@code recv()}
 * yields them, then {@code null} (Tokio's close-then-drain), as do
 * {@code tryRecv()} and {@code drain()}. The hook runs on the thread that caused the
 * hand-over (the one dropping the send, closing the receiver, or pushing after the
 * close), possibly on several threads at once; it must not block, and an exception it
 * throws reaches that thread (except in {@link Receiver#drain()}, which logs it: see
 * there).
 *
 * <h2>Cancel safety</h2>
 * {@link Receiver#recv()} and {@link Receiver#recvMany} are cancel safe: a value
 * leaves the channel only in the poll that returns it, so a {@code select} over
 * receives loses nothing. A {@link Sender#send} that is dropped loses its place in
 * the queue of waiting senders, and its value was not sent (see above).
 * {@link Sender#reserve()} then {@link Permit#send} is the cancel-safe way to send
 * from a select: the value is handed over only once a slot is held.
 *
 * <h2>Memory consistency effects</h2>
 * Actions in a thread before it sends a value (through any send, a permit, or
 * {@code trySend}) <i>happen-before</i> actions after the receive that returns that
 * value in another thread. Actions before a sender or receiver is closed
 * <i>happen-before</i> the other end seeing the channel closed (a receive completing
 * with {@code null}, a {@link SendError}, {@link Sender#closed()} completing).
 */
public final class Mpsc {
    /** The largest capacity of a bounded channel. */
    public static final int MAX_CAPACITY = BatchSemaphore.MAX_PERMITS;

    private Mpsc() {
    }

    /** The two ends of a new bounded channel. */
    public record Pair<T>(Sender<T> tx, Receiver<T> rx) {
    }

    /** The two ends of a new unbounded channel. */
    public record UnboundedPair<T>(UnboundedSender<T> tx, UnboundedReceiver<T> rx) {
    }

    /**
     * A bounded channel holding up to {@code capacity} values, with no
     * undelivered-value hook (see the class documentation).
     *
     * @throws IllegalArgumentException if {@code capacity} is below 1 or above
     *         {@link #MAX_CAPACITY}
     */
    public static <T> Pair<T> channel(int capacity) {
        return bounded(capacity, null);
    }

    /**
     * A bounded channel holding up to {@code capacity} values, whose undeliverable
     * values go to {@code undelivered} (see the class documentation).
     *
     * @throws IllegalArgumentException if {@code capacity} is below 1 or above
     *         {@link #MAX_CAPACITY}
     */
    public static <T> Pair<T> channel(int capacity, Consumer<? super T> undelivered) {
        return bounded(capacity, Objects.requireNonNull(undelivered, "undelivered"));
    }

    private static <T> Pair<T> bounded(int capacity, Consumer<? super T> undelivered) {
        if (capacity < 1) {
            throw new IllegalArgumentException("an mpsc channel needs a capacity of at least 1, got " + capacity
                    + "; for a rendezvous (a send waits for its receive) use Channel.rendezvous()");
        }
        if (capacity > MAX_CAPACITY) {
            throw new IllegalArgumentException("capacity " + capacity + " exceeds the maximum of " + MAX_CAPACITY
                    + "; use Mpsc.unboundedChannel() if the buffer really must have no bound");
        }
        MpscChannel<T> chan = MpscChannel.bounded(capacity, undelivered);
        return new Pair<>(new Sender<>(chan), new Receiver<>(chan));
    }

    /**
     * An unbounded channel: sends never wait, and the buffer grows without limit
     * while the receiver falls behind. Prefer {@link #channel(int)}.
     */
    public static <T> UnboundedPair<T> unboundedChannel() {
        return unbounded(null);
    }

    /** An unbounded channel whose undeliverable values go to {@code undelivered}. */
    public static <T> UnboundedPair<T> unboundedChannel(Consumer<? super T> undelivered) {
        return unbounded(Objects.requireNonNull(undelivered, "undelivered"));
    }

    private static <T> UnboundedPair<T> unbounded(Consumer<? super T> undelivered) {
        MpscChannel<T> chan = MpscChannel.unbounded(undelivered);
        return new UnboundedPair<>(new UnboundedSender<>(chan), new UnboundedReceiver<>(chan));
    }

    // ---- handles -------------------------------------------------------------------

    /** What the sender handles share: the count of strong senders and "this handle is closed". */
    private abstract static class Handle<T> implements AutoCloseable {
        private static final VarHandle CLOSED;

        static {
            try {
                CLOSED = MethodHandles.lookup().findVarHandle(Handle.class, "closed", boolean.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final MpscChannel<T> chan;
        /** Set once by close(). */
        private volatile boolean closed;

        Handle(MpscChannel<T> chan) {
            this.chan = chan;
        }

        final void ensureOpen(String operation) {
            if (closed) {
                throw new IllegalStateException(operation + " on a sender that was closed; clone() a sender before"
                        + " closing it, or keep the one you still need open");
            }
        }

        /** Closes this handle once; the last strong sender closes the channel. */
        @Override
        public void close() {
            if (CLOSED.compareAndSet(this, false, true)) {
                chan.releaseSender();
            }
        }

        final boolean handleClosed() {
            return closed;
        }

        /** Senders open now (a snapshot; Tokio's {@code strong_count}), this one included unless closed. */
        public int strongCount() {
            return chan.senderCount();
        }
    }

    /**
     * The sending end of a bounded channel: thread-safe, may be shared by many
     * tasks, and {@linkplain #clone() cloned} for more. Close each sender once it is
     * done ({@code close()} is Rust's drop of a sender); the receiver sees the end
     * of the stream when the last one closes.
     *
     * <p>Memory consistency effects: see {@link Mpsc}.
     *
     * @param <T> the type of the values
     */
    public static final class Sender<T> extends Handle<T> {
        Sender(MpscChannel<T> chan) {
            super(chan);
        }

        /**
         * A future that sends {@code value}, waiting while the channel is full.
         * Waiting senders are served in the order they started waiting.
         *
         * <p>Cancel safety: not cancel safe. If dropped before it completes, the
         * value was not sent: it goes to the channel's undelivered-value hook if it
         * has one (without one it stays with the caller), and the send loses its
         * place in the queue of waiting senders. From a select, prefer
         * {@link #reserve()} and {@link Permit#send}.
         *
         * @return a future that completes once the value is in the channel, or fails
         *         with {@link SendError} (carrying the value) if the channel is closed
         *         or closes while it waits
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this sender was closed
         */
        public Future<Void> send(T value) {
            Objects.requireNonNull(value, "value");
            ensureOpen("send");
            return chan.send(value);
        }

        /**
         * Sends {@code value} if a slot is free now; never waits.
         *
         * @return {@code true} if sent, {@code false} if the channel is full (the
         *         value was not sent)
         * @throws NullPointerException if {@code value} is null
         * @throws SendError if the channel is closed; it carries the value back
         * @throws IllegalStateException if this sender was closed
         */
        public boolean trySend(T value) {
            Objects.requireNonNull(value, "value");
            ensureOpen("trySend");
            return chan.trySend(value);
        }

        /**
         * A future that sends {@code value}, waiting at most {@code timeout} for a
         * slot (Tokio's {@code send_timeout}; the clock is the current runtime's,
         * through {@link dev.weft.time.Time#timeout}).
         *
         * <p>When the time runs out, the future fails with a {@link SendError} that
         * carries the value back and has the {@link dev.weft.time.Elapsed} as its
         * cause; a closed channel fails it with a {@code SendError} without that
         * cause:
         * {@snippet :
         * try {
         *     tx.sendTimeout(job, Duration.ofSeconds(1)).await();
         * } catch (SendError e) {
         *     boolean timedOut = e.getCause() instanceof Elapsed;
         *     Job back = (Job) e.value();
         * }
         * }
         *
         * <p>If the timeout itself fails while the send waits (the runtime shut down
         * and its timers stopped: an {@link IllegalStateException}), the send lets go
         * of its value as a dropped send does: it goes to the undelivered-value hook,
         * and the failure is thrown as it is; without a hook, the future fails with a
         * {@code SendError} that carries the value back and has that failure as its
         * cause (an {@link Error} is thrown as it is, with that {@code SendError}
         * among its {@linkplain Throwable#getSuppressed() suppressed} exceptions).
         * Either way the value was not sent.
         *
         * <p>Cancel safety: as {@link #send}: if dropped before it completes, the
         * value goes to the undelivered-value hook, if any.
         *
         * @throws NullPointerException if an argument is null
         * @throws IllegalStateException if this sender was closed, or if not called
         *         from a runtime with time enabled
         */
        public Future<Void> sendTimeout(T value, Duration timeout) {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(timeout, "timeout");
            ensureOpen("sendTimeout");
            return chan.sendTimeout(value, timeout);
        }

        /**
         * Sends {@code value} from a thread outside the runtime's workers, waiting
         * while the channel is full (Tokio's {@code blocking_send}): the same as
         * {@code send(value).await()}.
         *
         * @throws SendError if the channel is closed; it carries the value back
         * @throws IllegalStateException if called on a scheduler worker, or if this
         *         sender was closed
         */
        public void blockingSend(T value) {
            send(value).await();
        }

        /**
         * A future of one reserved slot: once it completes, {@link Permit#send}
         * delivers without waiting. Closing the permit unused gives the slot back.
         *
         * <p>Cancel safety: dropping it loses its place in the queue of waiting
         * senders, and nothing else (no value is involved yet).
         *
         * @return a future of the permit; it fails with {@link SendError} (whose
         *         value is {@code null}) if the channel is closed
         * @throws IllegalStateException if this sender was closed
         */
        public Future<Permit<T>> reserve() {
            ensureOpen("reserve");
            return chan.reserve(1, Permit::new);
        }

        /**
         * A future of {@code n} slots reserved at once, as one permit that sends
         * {@code n} values (Tokio's {@code reserve_many}). The slots are taken
         * together: while it waits it holds the slots assigned to it so far, and
         * senders behind it wait too.
         *
         * <p>Cancel safety: dropping it gives back the slots it had been assigned and
         * loses its place in the queue.
         *
         * @throws IllegalArgumentException if {@code n} is negative or above
         *         {@link #maxCapacity()} (it could never complete)
         * @throws IllegalStateException if this sender was closed
         */
        public Future<Permit<T>> reserveMany(int n) {
            if (n < 0 || n > chan.capacity()) {
                throw new IllegalArgumentException("reserveMany(" + n + "): between 0 and the channel's capacity "
                        + chan.capacity() + " slots can be reserved at once");
            }
            ensureOpen("reserveMany");
            return chan.reserve(n, Permit::new);
        }

        /**
         * Reserves one slot if one is free now (Tokio's {@code try_reserve}); never
         * waits. A slot is not free while other senders wait for one: they come first.
         *
         * @return the permit, or {@code null} if the channel is full
         * @throws SendError if the channel is closed (its value is {@code null})
         * @throws IllegalStateException if this sender was closed
         */
        public Permit<T> tryReserve() {
            ensureOpen("tryReserve");
            return chan.tryReserve(1, Permit::new);
        }

        /**
         * Reserves {@code n} slots at once if they are free now (Tokio's
         * {@code try_reserve_many}); never waits, and takes none unless it can take all.
         *
         * @return the permit, or {@code null} if fewer than {@code n} slots are free
         * @throws IllegalArgumentException if {@code n} is negative or above
         *         {@link #maxCapacity()}
         * @throws SendError if the channel is closed (its value is {@code null})
         * @throws IllegalStateException if this sender was closed
         */
        public Permit<T> tryReserveMany(int n) {
            if (n < 0 || n > chan.capacity()) {
                throw new IllegalArgumentException("tryReserveMany(" + n + "): between 0 and the channel's capacity "
                        + chan.capacity() + " slots can be reserved at once");
            }
            ensureOpen("tryReserveMany");
            return chan.tryReserve(n, Permit::new);
        }

        /**
         * A future that completes once the receiver has closed (Tokio's
         * {@code closed}): a producer can stop preparing values nobody will read.
         *
         * <p>Cancel safety: cancel safe.
         */
        public Future<Void> closed() {
            return chan.closed();
        }

        /** Free slots now: {@code maxCapacity()} minus values buffered or reserved. */
        public int capacity() {
            return chan.freeSlots();
        }

        /** The capacity the channel was made with. */
        public int maxCapacity() {
            return chan.capacity();
        }

        /** Whether the receiver has closed the channel. */
        public boolean isClosed() {
            return chan.isReceiverClosed();
        }

        /** Whether {@code other} sends into the same channel. */
        public boolean sameChannel(Sender<?> other) {
            return other != null && other.chan == chan;
        }

        /**
         * A weak sender: it does not keep the channel open, and
         * {@linkplain WeakSender#upgrade() upgrades} to a sender while some strong
         * sender is still open.
         */
        public WeakSender<T> downgrade() {
            return new WeakSender<>(chan);
        }

        /**
         * Another sender of the same channel (Tokio's {@code clone}); it counts, and
         * must be closed on its own.
         *
         * @throws IllegalStateException if this sender was closed
         */
        @Override
        public Sender<T> clone() {
            ensureOpen("clone");
            if (!chan.retainSender()) {
                // Closed meanwhile on another thread, and it was the last: the count stays 0.
                throw new IllegalStateException("clone on a sender that was closed while it was being cloned;"
                        + " clone() a sender before closing it");
            }
            return new Sender<>(chan);
        }

        /**
         * Closes this sender (Rust's drop of it). When the last sender closes, the
         * receiver takes what is left, then sees {@code null}. Closing twice does
         * nothing.
         */
        @Override
        public void close() {
            super.close();
        }

        @Override
        public String toString() {
            return "Mpsc.Sender[" + (handleClosed() ? "closed sender" : "capacity " + chan.freeSlots() + "/"
                    + chan.capacity()) + (chan.isReceiverClosed() ? ", receiver closed]" : "]");
        }
    }

    /**
     * A sender that does not keep a bounded channel open (Tokio's
     * {@code WeakSender}). Thread-safe.
     *
     * @param <T> the type of the values
     */
    public static final class WeakSender<T> {
        private final MpscChannel<T> chan;

        WeakSender(MpscChannel<T> chan) {
            this.chan = chan;
        }

        /** A new (counted) sender, or {@code null} once every strong sender has closed. */
        public Sender<T> upgrade() {
            return chan.retainSender() ? new Sender<>(chan) : null;
        }

        /** Strong senders open now (a snapshot); at 0, {@link #upgrade()} answers {@code null} for good. */
        public int strongCount() {
            return chan.senderCount();
        }

        @Override
        public String toString() {
            return "Mpsc.WeakSender[" + chan.senderCount() + " strong senders]";
        }
    }

    /**
     * Reserved slots of a bounded channel: {@link #send} fills one without waiting
     * and never fails. Made by {@link Sender#reserve()} (one slot),
     * {@link Sender#reserveMany(int)}, and their {@code try} forms. {@link #close()}
     * gives the unused slots back; close every permit (try-with-resources), or its
     * slots stay taken.
     *
     * <p>A value sent through a permit after the receiver closed is delivered as any
     * value already in the channel: readable, or handed to the hook (see
     * {@link Mpsc}). Thread-safe.
     *
     * @param <T> the type of the values
     */
    public static final class Permit<T> implements AutoCloseable {
        private static final VarHandle REMAINING;

        static {
            try {
                REMAINING = MethodHandles.lookup().findVarHandle(Permit.class, "remaining", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final MpscChannel<T> chan;
        /** Unused slots; decremented by send, zeroed by close. */
        private volatile int remaining;

        Permit(MpscChannel<T> chan, int slots) {
            this.chan = chan;
            this.remaining = slots;
        }

        /**
         * Sends {@code value} into a reserved slot; never waits.
         *
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if every slot of this permit was used or it
         *         was closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            for (;;) {
                int r = remaining;
                if (r == 0) {
                    throw new IllegalStateException("this permit has no slot left (all used, or closed);"
                            + " reserve() another");
                }
                if (REMAINING.compareAndSet(this, r, r - 1)) {
                    break;
                }
            }
            chan.push(value);
        }

        /** Unused slots. */
        public int remaining() {
            return remaining;
        }

        /** Gives the unused slots back. Closing twice does nothing. */
        @Override
        public void close() {
            int r = (int) REMAINING.getAndSet(this, 0);
            if (r > 0) {
                chan.giveBack(r);
            }
        }

        @Override
        public String toString() {
            return "Mpsc.Permit[" + remaining + " slots]";
        }
    }

    /** What both receivers do: receive, drain, close, and tell the channel's state. */
    private abstract static class ReceiverHandle<T> implements AutoCloseable {
        final MpscChannel<T> chan;

        ReceiverHandle(MpscChannel<T> chan) {
            this.chan = chan;
        }

        /**
         * A future of the next value; {@code null} once the channel is closed and
         * every value was taken (or, with a hook, once this receiver closed). In a
         * bounded channel, taking a value gives its slot back to the senders.
         *
         * <p>Cancel safety: cancel safe. A value leaves the channel only in the poll
         * that returns it: a receive that loses a select, or is dropped by an abort,
         * takes nothing, and the next receive gets that value.
         */
        public Future<T> recv() {
            return chan.recv();
        }

        /**
         * Moves up to {@code limit} values into {@code into}, waiting only while there
         * is none (Tokio's {@code recv_many}).
         *
         * <p>Cancel safety: cancel safe; values are added to {@code into} only in the
         * poll that completes. If {@code into.add} throws, that value stays in the
         * channel.
         *
         * @return a future of the number of values added; {@code 0} means closed and
         *         drained
         * @throws IllegalArgumentException if {@code limit} is below 1 ({@code 0}
         *         would be read as "closed")
         */
        public Future<Integer> recvMany(Collection<? super T> into, int limit) {
            Objects.requireNonNull(into, "into");
            checkLimit(limit);
            return chan.recvMany(into, limit);
        }

        /**
         * The next value if one is in the channel now, else {@code null}; never
         * waits. {@link #isClosedAndDrained()} tells "empty for now" from "closed and
         * drained" ({@link #isClosed()} and {@link #isEmpty()} together do not: a
         * reserved slot or a send that has its slot may still deliver a value).
         *
         * <p>A send that has taken its slot but not yet put its value in is not seen:
         * for that instant the slot is held and the value is not there, as with a
         * {@linkplain Sender#reserve() reserved} slot (Tokio's {@code try_recv} has the
         * same window). So a {@code trySend} that answered {@code true} concurrently
         * may still be missed by a {@code tryRecv} that ends after it began; the value
         * is not lost, the next receive gets it. A {@code recv()} waits for it.
         */
        public T tryRecv() {
            return chan.tryRecv();
        }

        /**
         * Waits for the next value on a thread outside the runtime's workers (Tokio's
         * {@code blocking_recv}): the same as {@code recv().await()}.
         *
         * @throws IllegalStateException if called on a scheduler worker
         */
        public T blockingRecv() {
            return recv().await();
        }

        /**
         * Waits on a thread outside the runtime's workers for up to {@code limit} values
         * (Tokio's {@code blocking_recv_many}): the same as
         * {@code recvMany(into, limit).await()}.
         *
         * @return the number of values added; {@code 0} means closed and drained
         * @throws IllegalArgumentException if {@code limit} is below 1
         * @throws IllegalStateException if called on a scheduler worker
         */
        public int blockingRecvMany(Collection<? super T> into, int limit) {
            return recvMany(into, limit).await();
        }

        /**
         * Strong senders open now (a snapshot; Tokio's {@code sender_strong_count}). At 0
         * it stays 0 (no weak sender can upgrade), {@link #isClosed()} answers
         * {@code true}, and once the values in the channel, or on their way through
         * reserved slots, are received, receives answer {@code null}.
         */
        public int senderStrongCount() {
            return chan.senderCount();
        }

        /**
         * Closes the channel from the receiving side (Tokio's {@code Receiver::close}):
         * new and waiting sends fail with {@link SendError}, and
         * {@link Sender#closed()} completes. Without a hook, values already in the
         * channel (and those from sends that had a slot) stay readable: receive
         * until {@code null}. With a hook they go to it now, and later ones as they
         * arrive. A receive left pending on this receiver (in a {@code join} with the
         * step that closes, say) is woken, and answers as a new one would: with
         * {@code null} once nothing more can arrive. Closing twice does nothing.
         */
        @Override
        public void close() {
            chan.closeReceiver();
        }

        /**
         * Closes the channel (as {@link #close()}) and answers every value in it now,
         * oldest first. Values still to come from sends that had a slot go to the
         * hook, or, without one, stay readable.
         *
         * <p>The values taken are always answered: if the hook throws on the values
         * that come after them, the exception is logged ({@link System.Logger}
         * {@code dev.weft.sync.Mpsc}, level WARNING) instead of thrown, since throwing
         * would lose them.
         */
        public List<T> drain() {
            return chan.drain();
        }

        /**
         * Values in the channel now (a walk: O(len)). Read by the receiver's owner it is
         * exact; from another thread while values move it is a snapshot, which may count
         * a value taken meanwhile, but never answers more than a bounded channel's
         * capacity.
         */
        public int len() {
            return chan.len();
        }

        /** Whether no value is in the channel now. */
        public boolean isEmpty() {
            return chan.isEmpty();
        }

        /**
         * Whether the channel is closed: by this receiver, or because every sender closed.
         * Values may still be in it or on their way: see {@link #isClosedAndDrained()}.
         */
        public boolean isClosed() {
            return chan.isClosed();
        }

        /**
         * Whether this receiver has seen the end: the channel is closed and no value is
         * in it or can still arrive (no reserved slot is unused, no send holding a slot
         * has yet to put its value in). A receive would complete with {@code null} now,
         * and so will every later one. With a hook, true from the receiver's close on.
         */
        public boolean isClosedAndDrained() {
            return chan.isClosedAndDrained();
        }
    }

    /**
     * The receiving end of a bounded channel. There is one; it belongs to one task
     * at a time (its futures, {@code tryRecv}, {@code drain} and {@code close} must
     * not run concurrently with each other). Its state queries may be read from any
     * thread.
     *
     * <p>Memory consistency effects: see {@link Mpsc}.
     *
     * @param <T> the type of the values
     */
    public static final class Receiver<T> extends ReceiverHandle<T> {
        Receiver(MpscChannel<T> chan) {
            super(chan);
        }

        /** Free slots now. */
        public int capacity() {
            return chan.freeSlots();
        }

        /** The capacity the channel was made with. */
        public int maxCapacity() {
            return chan.capacity();
        }

        @Override
        public String toString() {
            return "Mpsc.Receiver[" + chan.len() + " values" + (chan.isClosed() ? ", closed]" : "]");
        }
    }

    static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("recvMany needs a limit of at least 1, got " + limit
                    + " (a count of 0 means the channel is closed and drained)");
        }
    }

    /**
     * The sending end of an unbounded channel: {@link #send} never waits.
     * Thread-safe; {@linkplain #clone() cloned} for more; close each one.
     *
     * <p>Memory consistency effects: see {@link Mpsc}.
     *
     * @param <T> the type of the values
     */
    public static final class UnboundedSender<T> extends Handle<T> {
        UnboundedSender(MpscChannel<T> chan) {
            super(chan);
        }

        /**
         * Sends {@code value} at once. Nothing limits the buffer: see {@link Mpsc}.
         *
         * @throws NullPointerException if {@code value} is null
         * @throws SendError if the channel is closed; it carries the value back
         * @throws IllegalStateException if this sender was closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            ensureOpen("send");
            chan.sendUnbounded(value);
        }

        /**
         * A future that completes once the receiver has closed.
         *
         * <p>Cancel safety: cancel safe.
         */
        public Future<Void> closed() {
            return chan.closed();
        }

        /** Whether the receiver has closed the channel. */
        public boolean isClosed() {
            return chan.isReceiverClosed();
        }

        /** Whether {@code other} sends into the same channel. */
        public boolean sameChannel(UnboundedSender<?> other) {
            return other != null && other.chan == chan;
        }

        /** A weak sender that does not keep the channel open. */
        public WeakUnboundedSender<T> downgrade() {
            return new WeakUnboundedSender<>(chan);
        }

        /**
         * Another sender of the same channel; it counts, and must be closed on its own.
         *
         * @throws IllegalStateException if this sender was closed
         */
        @Override
        public UnboundedSender<T> clone() {
            ensureOpen("clone");
            if (!chan.retainSender()) {
                // Closed meanwhile on another thread, and it was the last: the count stays 0.
                throw new IllegalStateException("clone on a sender that was closed while it was being cloned;"
                        + " clone() a sender before closing it");
            }
            return new UnboundedSender<>(chan);
        }

        /** Closes this sender; the last one closes the channel. Closing twice does nothing. */
        @Override
        public void close() {
            super.close();
        }

        @Override
        public String toString() {
            return "Mpsc.UnboundedSender[" + (handleClosed() ? "closed sender" : "open")
                    + (chan.isReceiverClosed() ? ", receiver closed]" : "]");
        }
    }

    /**
     * A sender that does not keep an unbounded channel open. Thread-safe.
     *
     * @param <T> the type of the values
     */
    public static final class WeakUnboundedSender<T> {
        private final MpscChannel<T> chan;

        WeakUnboundedSender(MpscChannel<T> chan) {
            this.chan = chan;
        }

        /** A new (counted) sender, or {@code null} once every strong sender has closed. */
        public UnboundedSender<T> upgrade() {
            return chan.retainSender() ? new UnboundedSender<>(chan) : null;
        }

        /** Strong senders open now (a snapshot); at 0, {@link #upgrade()} answers {@code null} for good. */
        public int strongCount() {
            return chan.senderCount();
        }

        @Override
        public String toString() {
            return "Mpsc.WeakUnboundedSender[" + chan.senderCount() + " strong senders]";
        }
    }

    /**
     * The receiving end of an unbounded channel: the same as {@link Receiver}, without
     * capacities. One task at a time.
     *
     * <p>Memory consistency effects: see {@link Mpsc}.
     *
     * @param <T> the type of the values
     */
    public static final class UnboundedReceiver<T> extends ReceiverHandle<T> {
        UnboundedReceiver(MpscChannel<T> chan) {
            super(chan);
        }

        @Override
        public String toString() {
            return "Mpsc.UnboundedReceiver[" + chan.len() + " values" + (chan.isClosed() ? ", closed]" : "]");
        }
    }
}
