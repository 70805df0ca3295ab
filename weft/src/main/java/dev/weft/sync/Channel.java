package dev.weft.sync;

import dev.weft.Future;
import dev.weft.internal.sync.ChannelCore;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A multi-producer, multi-consumer channel whose receivers share the work: each
 * value goes to exactly one receiver (Kotlin's {@code Channel}, Jox's
 * {@code Channel}; Tokio has no such type). With capacity 0 it is a
 * <em>rendezvous</em>: a send completes only when a receiver takes the value.
 *
 * {@snippet :
 * Channel<Job> jobs = Channel.create(64);
 * for (int i = 0; i < 4; i++) {
 *     Task.spawn(() -> {                                   // four workers share the jobs
 *         for (Job j; (j = jobs.recv().await()) != null; ) {
 *             j.run();
 *         }
 *         return null;
 *     });
 * }
 * for (Job j : backlog) {
 *     jobs.send(j).await();                                // waits while 64 are queued
 * }
 * jobs.close();                                            // workers drain the rest, then stop
 * }
 *
 * <h2>Which channel</h2>
 * For one consumer, {@code Mpsc} is the faster fit; for every receiver to see every
 * value, {@code Broadcast}; for the latest value only, {@code Watch}. Pick this one
 * when several consumers pull from one queue of work, or for a hand-off in which the
 * sender must know that a receiver has the value ({@link #rendezvous()}).
 *
 * <h2>One object, not a sender and a receiver half</h2>
 * Both sides are shared by any number of tasks, so there is nothing to gain from
 * splitting them: a half would have to be duplicable anyway, and counting the
 * copies (Tokio closes an mpsc channel when the last sender is dropped) does not
 * work in Java, where nothing runs when a reference goes away. So the channel is
 * one object, closed explicitly with {@link #close()}, as in Kotlin and Jox. To
 * hand a task only one side, pass it a method reference:
 * {@code Function<Job, Future<Void>> submit = jobs::send}.
 *
 * <h2>Order and fairness</h2>
 * Values are received in the order they were sent (a single FIFO; what "order"
 * means between concurrent senders is the order in which their sends took effect).
 * Waiting senders and waiting receivers are each served oldest first, and a
 * {@link #trySend}, {@link #tryRecv} or newly polled future never overtakes one
 * that is already waiting. A send wakes exactly the receiver it handed its value
 * to; a receive wakes exactly the sender whose value it took or let into the
 * buffer.
 *
 * <h2>Closing</h2>
 * {@link #close()} stops sending: every later send fails with {@link SendError},
 * and so does every send that is waiting at that moment (its value comes back in
 * the error). Values already in the buffer stay there: receivers drain them, then
 * their {@link #recv()} completes with {@code null}. {@link #cancel()} also empties
 * the buffer (Kotlin's {@code cancel}).
 *
 * <h2>Where an undelivered value goes</h2>
 * Every value passed to {@link #send} ends in exactly one place:
 * <ul>
 *   <li>a receiver, once;</li>
 *   <li>the caller, through {@link SendError#value()}, when the send fails because
 *       the channel is closed (the undelivered hook is not called then);</li>
 *   <li>the channel's <em>undelivered hook</em> ({@link #create(int, Consumer)}),
 *       when the send future is dropped before its value was delivered (a select
 *       branch that lost, an aborted task, a send dropped before its first poll or
 *       after the channel closed under it), or when {@link #cancel()} empties the
 *       buffer. Without a hook a dropped send's value simply was not sent (the
 *       caller still holds the reference it passed), and {@link #cancel()} answers
 *       the buffered values.</li>
 * </ul>
 * A value {@link #trySend} refuses ({@code false}) is not taken: it stays the
 * caller's. A receive never loses a value: one handed to a receive future that is
 * then dropped before returning it (a select branch that lost, an aborted task) is
 * given back to the channel, to the next waiting receiver or to the front of the
 * buffer, in the order the values were sent (several values given back come out
 * oldest first, whatever order their receives were dropped in). Such a give-back
 * may leave the buffer holding more than
 * {@link #capacity()} values for a while (see {@link #len()}); senders do not get in
 * until it is back under capacity. Values given back after {@link #cancel()} go to
 * the hook, or, without one, to the buffer.
 *
 * <p>The hook runs on the thread that drops the send future or calls
 * {@code cancel()}, outside the channel's lock; it should be short and not throw
 * (an exception it throws propagates to that caller, after the channel's state was
 * updated).
 *
 * <h2>Threads</h2>
 * Every method may be called from any thread. The futures work in future tasks,
 * thread tasks and plain threads alike; {@code send(v).await()} and
 * {@code recv().await()} on a thread outside the runtime are the blocking forms.
 * Each future is polled by one task at a time.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it sends a value
 * <i>happen-before</i> actions after the receive of that value in another thread;
 * actions before {@link #close()} happen-before a receive that completes with
 * {@code null} because of it, and a send that fails because of it.
 *
 * @param <T> the type of the values (never {@code null})
 */
public final class Channel<T> {
    /** The capacity {@link #unbounded()} channels report. */
    public static final int UNBOUNDED = Integer.MAX_VALUE;

    private final ChannelCore<T> core;

    private Channel(int capacity, Consumer<? super T> undelivered) {
        this.core = new ChannelCore<>(capacity, undelivered,
                value -> new SendError("the channel is closed: the value was not sent", value));
    }

    /**
     * A channel that buffers up to {@code capacity} values; 0 makes it a rendezvous.
     *
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static <T> Channel<T> create(int capacity) {
        return new Channel<>(capacity, null);
    }

    /**
     * A channel that buffers up to {@code capacity} values and gives the values it
     * cannot deliver to {@code undelivered} (see the class documentation).
     *
     * @throws IllegalArgumentException if {@code capacity} is negative
     */
    public static <T> Channel<T> create(int capacity, Consumer<? super T> undelivered) {
        return new Channel<>(capacity, Objects.requireNonNull(undelivered, "undelivered"));
    }

    /** A rendezvous channel: no buffer; a send completes when a receiver takes its value. */
    public static <T> Channel<T> rendezvous() {
        return new Channel<>(0, null);
    }

    /** A rendezvous channel with an undelivered-value hook. */
    public static <T> Channel<T> rendezvous(Consumer<? super T> undelivered) {
        return new Channel<>(0, Objects.requireNonNull(undelivered, "undelivered"));
    }

    /**
     * A channel whose buffer has no bound: a send never waits. Nothing slows a
     * producer that outruns its consumers; memory is the limit. Prefer a bounded
     * {@link #create(int)} unless the producer's rate is bounded by other means.
     */
    public static <T> Channel<T> unbounded() {
        return new Channel<>(UNBOUNDED, null);
    }

    /** An unbounded channel with an undelivered-value hook. */
    public static <T> Channel<T> unbounded(Consumer<? super T> undelivered) {
        return new Channel<>(UNBOUNDED, Objects.requireNonNull(undelivered, "undelivered"));
    }

    /**
     * A future that sends {@code value}: it completes once the value is in the
     * channel, handed to a waiting receiver, or buffered; it waits while the buffer
     * is full, and in a rendezvous channel until a receiver takes the value.
     * Waiting senders are served in arrival order. Takes one unit of the task's
     * cooperative budget.
     *
     * <p>Cancel safety: if dropped before it completes, the send loses its place in
     * the queue and its value is not sent, with one exception: a receiver may have
     * taken the value between the future's last poll and the drop, and then it was
     * delivered (once). A value that was not sent goes to the undelivered hook if the
     * channel has one; without a hook it stays the caller's. To keep one send waiting
     * across the iterations of a {@code select} loop, make the future once and pass
     * {@link Future#borrow(Future) Future.borrow(send)} to each select.
     *
     * @return a future that completes with {@code null} when the value is sent
     * @throws NullPointerException if {@code value} is null
     * @throws SendError (from the future) if the channel is closed before the value
     *         got in; the error carries the value
     */
    public Future<Void> send(T value) {
        return core.send(Objects.requireNonNull(value, "value"));
    }

    /**
     * Sends {@code value} if it can be done now: to a waiting receiver or into a free
     * buffer slot. Never waits. In a rendezvous channel it succeeds only if a receiver
     * is waiting.
     *
     * @return {@code true} if sent, {@code false} if the channel is full (the value
     *         stays the caller's; the hook is not called)
     * @throws NullPointerException if {@code value} is null
     * @throws SendError if the channel is closed; the error carries the value
     */
    public boolean trySend(T value) {
        Objects.requireNonNull(value, "value");
        int r = core.trySend(value);
        if (r == ChannelCore.CLOSED) {
            throw new SendError("the channel is closed: the value was not sent", value);
        }
        return r == ChannelCore.SENT;
    }

    /**
     * A future of the next value: from the buffer, or directly from a waiting sender,
     * or, once the channel is closed and drained, {@code null}. Waiting receivers are
     * served in arrival order. Takes one unit of the task's cooperative budget.
     *
     * <p>"Drained" counts values handed to other receives that have not returned them
     * yet: such a receive, if dropped, gives its value back, so until each one has
     * returned or given back its value a receive on a closed, empty channel waits
     * rather than answering {@code null}.
     *
     * <p>Cancel safety: cancel safe. If dropped before it completes, no value is lost:
     * a value already handed to it goes back to the channel (to the next waiting
     * receiver, or to the front of the buffer, in send order among values given
     * back). It loses its place among the waiting receivers.
     *
     * @return a future of the value, or of {@code null} when closed and drained
     */
    public Future<T> recv() {
        return core.recv();
    }

    /**
     * Takes a value if one is there now (in the buffer, or offered by a waiting sender
     * of a rendezvous channel). Never waits.
     *
     * @return the value, or {@code null} if there is none now; after a {@code null},
     *         {@link #isClosedAndDrained()} tells "closed and drained" from "empty for now"
     */
    public T tryRecv() {
        return core.tryRecv();
    }

    /**
     * Closes the channel for sending. Later sends, and the sends waiting now, fail
     * with {@link SendError}; buffered values stay for the receivers, whose receives
     * complete with {@code null} once it is drained. Idempotent.
     *
     * @return {@code true} if this call closed it, {@code false} if it already was
     */
    public boolean close() {
        return core.close();
    }

    /**
     * Closes the channel and empties its buffer (Kotlin's {@code cancel}): as
     * {@link #close()}, and the buffered values are taken out. With an undelivered
     * hook they go to the hook and the answer is empty; without one they are
     * answered, oldest first, so that none vanishes. Receivers then complete with
     * {@code null}. Calling it again empties what was given back since.
     *
     * @return the values taken out of the buffer when the channel has no hook; else empty
     */
    public List<T> cancel() {
        return core.cancel();
    }

    /**
     * Whether {@link #close()} or {@link #cancel()} was called. Values may still be in
     * the buffer, or come back to it: see {@link #isClosedAndDrained()}.
     */
    public boolean isClosed() {
        return core.isClosed();
    }

    /**
     * Whether the channel is closed and nothing is left to receive: the buffer is
     * empty and no value is out in a receive that could still give it back (one
     * handed to a waiting receive that is then dropped, a losing select branch,
     * returns to the buffer). A receive would complete with {@code null} now, and so
     * will every later one.
     */
    public boolean isClosedAndDrained() {
        return core.isClosedAndDrained();
    }

    /**
     * Values in the buffer now (a snapshot). At most {@link #capacity()}, except for
     * a while after a dropped receive gave its value back to a full buffer. Values
     * held by waiting senders are not counted.
     */
    public int len() {
        return core.len();
    }

    /** Whether the buffer is empty now (a snapshot). */
    public boolean isEmpty() {
        return core.len() == 0;
    }

    /** The buffer's capacity: 0 for a rendezvous, {@link #UNBOUNDED} for an unbounded channel. */
    public int capacity() {
        return core.capacity();
    }

    /** Senders waiting now; for tests. */
    int waitingSenders() {
        return core.waitingSenders();
    }

    /** Receivers waiting now; for tests. */
    int waitingReceivers() {
        return core.waitingReceivers();
    }

    @Override
    public String toString() {
        return "Channel[" + core + "]";
    }
}
