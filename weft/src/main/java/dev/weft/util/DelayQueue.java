package dev.weft.util;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.sync.Wakers;
import dev.weft.time.Instant;
import dev.weft.time.Sleep;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A queue of values that each come out once their deadline has passed, in deadline
 * order (tokio-util's {@code DelayQueue}): a cache's expirations, retry schedules,
 * per-connection timeouts, all on one timer.
 *
 * {@snippet :
 * DelayQueue<String> expiring = new DelayQueue<>();
 * DelayQueue.Key k = expiring.insert("session-42", Duration.ofMinutes(30));
 * expiring.reset(k, Duration.ofMinutes(30));          // touched: 30 more minutes
 * DelayQueue.Expired<String> e = expiring.next().await();   // the first value to expire
 * }
 *
 * <p>{@link #insert} gives a {@link Key} with which the value can be
 * {@linkplain #remove removed} or its deadline {@linkplain #reset reset}. Values
 * with equal deadlines come out in insertion order. Only the earliest deadline holds
 * a timer of the runtime; insert, remove and reset are O(log n).
 *
 * <p>Deadlines are read on the clock of the runtime running the caller (a paused
 * clock included), so the queue is used from tasks of one runtime with time
 * enabled.
 *
 * <p>Not thread-safe: owned by one task, as tokio-util's ({@code &mut self}). To share
 * one, guard it with a lock.
 *
 * @param <T> the type of the values
 */
public final class DelayQueue<T> {
    private final TreeSet<Entry<T>> byDeadline = new TreeSet<>();
    private long nextSeq;
    /** The timer for the earliest deadline; made on the first poll that has to wait. */
    private Sleep sleep;
    /** The waker of the last poll that had to wait, woken when an earlier value arrives. */
    private Waker waiting;

    /** A value's ticket: remove or reset it with this. Valid until the value leaves the queue. */
    public static final class Key {
        private final DelayQueue<?> owner;
        /** While the value is in the queue; {@code null} after. */
        private Entry<?> entry;

        private Key(DelayQueue<?> owner) {
            this.owner = owner;
        }

        @Override
        public String toString() {
            Entry<?> e = entry;
            return e == null ? "DelayQueue.Key[gone]" : "DelayQueue.Key[#" + e.seq + "]";
        }
    }

    /**
     * A value that came out of the queue, with the key it had and its deadline.
     *
     * @param value    the value inserted
     * @param key      its key, no longer valid
     * @param deadline when it was due
     */
    public record Expired<T>(T value, Key key, Instant deadline) {
    }

    private static final class Entry<T> implements Comparable<Entry<T>> {
        final T value;
        final Key key;
        Instant deadline;
        long seq;

        Entry(T value, Key key, Instant deadline, long seq) {
            this.value = value;
            this.key = key;
            this.deadline = deadline;
            this.seq = seq;
        }

        @Override
        public int compareTo(Entry<T> o) {
            int c = deadline.compareTo(o.deadline);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** Inserts {@code value} to come out once {@code timeout} has passed. */
    public Key insert(T value, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return insertAt(value, Instant.now().plus(timeout));
    }

    /** Inserts {@code value} to come out at {@code deadline}. */
    public Key insertAt(T value, Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        Key key = new Key(this);
        Entry<T> e = new Entry<>(value, key, deadline, nextSeq++);
        key.entry = e;
        byDeadline.add(e);
        if (byDeadline.first() == e) {
            wakeWaiter(); // earlier than what the waiter sleeps towards
        }
        return key;
    }

    /**
     * Takes the value of {@code key} out of the queue.
     *
     * @throws NoSuchElementException if the key's value already came out or was removed
     */
    public T remove(Key key) {
        Entry<T> e = entryOf(key, "remove");
        byDeadline.remove(e);
        key.entry = null;
        if (byDeadline.isEmpty()) {
            dropTimer();
            wakeWaiter(); // a pending next() now answers null
        }
        return e.value;
    }

    /** Takes the value of {@code key} out of the queue if it is still in it; else {@code null}. */
    public T tryRemove(Key key) {
        Objects.requireNonNull(key, "key");
        return owns(key) ? remove(key) : null;
    }

    /** Whether the value of {@code key} is still in this queue. */
    public boolean contains(Key key) {
        return owns(Objects.requireNonNull(key, "key"));
    }

    /**
     * Gives the value of {@code key} a new deadline, {@code timeout} from now.
     *
     * @throws NoSuchElementException if the key's value already came out or was removed
     */
    public void reset(Key key, Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        resetAt(key, Instant.now().plus(timeout));
    }

    /**
     * Gives the value of {@code key} the deadline {@code deadline}.
     *
     * @throws NoSuchElementException if the key's value already came out or was removed
     */
    public void resetAt(Key key, Instant deadline) {
        Objects.requireNonNull(deadline, "deadline");
        Entry<T> e = entryOf(key, "reset");
        byDeadline.remove(e);
        e.deadline = deadline;
        e.seq = nextSeq++;
        byDeadline.add(e);
        if (byDeadline.first() == e) {
            wakeWaiter();
        }
    }

    /**
     * The deadline of the value of {@code key}.
     *
     * @throws NoSuchElementException if the key's value already came out or was removed
     */
    public Instant deadline(Key key) {
        return entryOf(key, "deadline").deadline;
    }

    /** The earliest deadline in the queue, or {@code null} if it is empty. */
    public Instant peekDeadline() {
        return byDeadline.isEmpty() ? null : byDeadline.first().deadline;
    }

    public int size() {
        return byDeadline.size();
    }

    public boolean isEmpty() {
        return byDeadline.isEmpty();
    }

    /** Removes every value; their keys become invalid. */
    public void clear() {
        for (Entry<T> e : byDeadline) {
            e.key.entry = null;
        }
        byDeadline.clear();
        dropTimer();
        wakeWaiter(); // a pending next() now answers null
    }

    /**
     * A future of the next value to expire, or of {@code null} if the queue is empty
     * (tokio-util's {@code poll_expired} answering {@code None}). Values inserted
     * while it waits are taken into account, an earlier one included.
     *
     * <p>Cancel safety: cancel safe. A value leaves the queue only in the poll that
     * returns it, so dropping the future before it completes loses nothing.
     */
    public Future<Expired<T>> next() {
        return this::pollExpired;
    }

    /**
     * The poll behind {@link #next()}: the next expired value, {@code null} when the
     * queue is empty, or pending until the earliest deadline. Takes a unit of the
     * task's cooperative budget (two when it waits: one more for its timer).
     */
    public Poll<Expired<T>> pollExpired(Context cx) {
        if (byDeadline.isEmpty()) {
            waiting = null;
            dropTimer();
            return Poll.ready(null);
        }
        if (!cx.proceed()) {
            return Poll.pending();
        }
        Entry<T> first = byDeadline.first();
        if (!first.deadline.isAfter(Instant.now())) {
            return Poll.ready(take(first));
        }
        Sleep s = sleep;
        if (s == null) {
            s = sleep = Time.sleepUntil(first.deadline);
        } else if (!s.deadline().equals(first.deadline)) {
            s.reset(first.deadline);
        }
        waiting = cx.waker();
        if (s.poll(cx).isReady()) {
            waiting = null;
            return Poll.ready(take(first));
        }
        return Poll.pending();
    }

    private Expired<T> take(Entry<T> e) {
        byDeadline.remove(e);
        e.key.entry = null;
        if (byDeadline.isEmpty()) {
            dropTimer();
        }
        return new Expired<>(e.value, e.key, e.deadline);
    }

    /**
     * Wakes the task waiting in {@link #next()}. A queue shared under a lock may be
     * waited on by one task and changed by another, whose insert or remove has done its
     * work by now: a waker that throws is logged, not passed on to it ({@link Wakers}).
     */
    private void wakeWaiter() {
        Waker w = waiting;
        if (w != null) {
            waiting = null;
            Wakers.wake(w);
        }
    }

    private void dropTimer() {
        Sleep s = sleep;
        if (s != null) {
            s.drop();
            sleep = null;
        }
    }

    private boolean owns(Key key) {
        return key.owner == this && key.entry != null;
    }

    @SuppressWarnings("unchecked")
    private Entry<T> cast(Entry<?> e) {
        return (Entry<T>) e;
    }

    private Entry<T> entryOf(Key key, String operation) {
        Objects.requireNonNull(key, "key");
        if (!owns(key)) {
            throw new NoSuchElementException(operation + ": the value of " + key + " is no longer in this queue"
                    + " (it came out, was removed, or belongs to another queue); use tryRemove or contains to check");
        }
        return cast(key.entry);
    }

    @Override
    public String toString() {
        return "DelayQueue[" + byDeadline.size() + " values" + (byDeadline.isEmpty() ? "" : ", next at "
                + byDeadline.first().deadline) + "]";
    }
}
