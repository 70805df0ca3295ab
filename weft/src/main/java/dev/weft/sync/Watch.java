package dev.weft.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.internal.sync.ConditionWait;
import dev.weft.internal.sync.SpinLock;
import dev.weft.internal.sync.Waiter;
import dev.weft.internal.sync.WaiterList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A channel that holds one value, the latest, and tells its receivers when it
 * changes (Tokio's {@code watch}): configuration that tasks follow, a state to
 * observe, a shutdown signal.
 *
 * {@snippet :
 * var shutdown = Watch.channel(false);
 * Watch.Receiver<Boolean> shutdownRx = shutdown.rx();
 * JoinHandle<Void> server = Task.spawn(() -> {
 *     while (true) {
 *         boolean stop = select(
 *                 on(shutdownRx.changed(), __ -> true),
 *                 on(acceptConnection(), conn -> false))
 *             .await();
 *         if (stop) break;
 *     }
 * });
 * ctrlC().await();
 * shutdown.tx().send(true);
 * server.await();
 * }
 *
 * <h2>Versions</h2>
 * Every value sent has a new version. A receiver remembers the version it last
 * <em>saw</em>: {@link Receiver#changed()} completes once a newer one exists (at once
 * if it already does) and marks it seen; {@link Receiver#borrowAndUpdate()} reads and
 * marks seen; {@link Receiver#borrow()} only reads; their {@code Ref} forms also say
 * whether the value read was new to the receiver. Values in between may be skipped: a
 * receiver sees the latest, not every one (use {@link Broadcast} for every one).
 *
 * <h2>Mutable values</h2>
 * {@code borrow()} returns the live reference held by the channel, not a copy, and
 * {@link Sender#sendModify} changes that object in place (under the senders' lock,
 * which serializes senders but does not stop readers). So a reader may see a
 * half-modified mutable value. Send immutable values (records, {@code List.copyOf})
 * and replace them with {@link Sender#send}; or treat the value as read-only and
 * synchronize readers yourself.
 *
 * <h2>Closing</h2>
 * Senders and receivers are {@link AutoCloseable}; {@code clone()} and
 * {@link Sender#subscribe()} make more, and each must be closed (a forgotten handle
 * keeps counting, as a Rust value that is never dropped would).
 * <ul>
 *   <li>When the last sender is closed, the last value stays readable;
 *       {@link Receiver#changed()} completes for a value not seen yet, then fails with
 *       {@link RecvError}; {@link Receiver#hasChanged()} throws {@link RecvError}.</li>
 *   <li>When the last receiver is closed, {@link Sender#send} fails with
 *       {@link SendError} carrying the value back (nobody would ever see it);
 *       {@link Sender#sendReplace}, {@code sendModify} and {@code sendIfModified} still
 *       update the value, and {@link Sender#closed()} completes.</li>
 * </ul>
 * No value is ever undelivered in another way: the latest is always readable, and
 * older ones are replaced by design, so the channel takes no undelivered-value hook.
 *
 * <h2>Threads</h2>
 * A {@link Sender} is thread-safe and may be shared. A {@link Receiver} remembers a
 * version and is used by one task at a time; {@linkplain Receiver#clone() clone} it
 * for another task. Reading ({@code borrow}, {@code borrowAndUpdate}, their
 * {@code Ref} forms, {@code hasChanged}) takes no lock.
 *
 * <p><b>Memory consistency effects:</b> actions in a thread before it sends or
 * modifies a value <i>happen-before</i> actions in another thread after it reads that
 * value (through {@code borrow}, {@code borrowAndUpdate}, their {@code Ref} forms, or the completion of a
 * {@code changed()} or {@code waitFor} that observed its version).
 */
public final class Watch {
    /*
     * Implementation notes.
     *
     * `current` is an immutable (value, version) pair in one volatile field; every send
     * publishes a new pair with version + 1 (sendModify publishes the same reference with
     * a new version). Readers read the pair once, so the value and the version they
     * mark seen always belong together: no seqlock, no lock, one small allocation per
     * send.
     *
     * Writers (send, sendReplace, sendModify, sendIfModified) hold `writeLock`, a
     * ReentrantLock, to read-modify-write `current`; sendModify runs the caller's
     * function under it, which is why it is not the spin lock. Readers never take it.
     * Sender.close() takes it too (then `lock`), so that a send through a handle being
     * closed is either published before the close or refused (Lincheck found a send
     * published after hasChanged() had already reported the channel closed).
     *
     * `lock` (a SpinLock) guards the waiter lists and the counts. A writer publishes
     * the new pair, releases writeLock, then takes `lock` to unlink every waiter of
     * `changedWaiting` and wakes them after unlocking. A changed()/waitFor() that finds
     * no new version takes `lock`, re-checks `current` and closedness, and links itself;
     * since the pair is published before the writer takes `lock`, either the re-check
     * sees it or the writer sees the node.
     *
     * Closed (every sender gone) is `senders` at 0, reached under `lock` after every
     * sender's last publish (a close takes `writeLock` too), and never left: no flag of
     * its own. A reader reads `senders` before `current`: when it sees 0, the version it
     * reads next is final, so "closed and nothing new" is a settled answer.
     *
     * Each Receiver's `seen` is owner-only. markChanged() sets it to version - 1.
     *
     * Cancellation. A waiting future is linked only while pending; drop() unlinks it.
     * Nothing is consumed before the poll that completes it (it marks the version seen
     * only then), so changed() and waitFor() are cancel safe.
     *
     * Tested by WatchTest (per method, close stories, drops, aborts, selects, the
     * shutdown pattern) and WatchLincheckTest (send, sendIfModified, borrowAndUpdate and its Ref form,
     * hasChanged, model-checked).
     */

    private Watch() {
    }

    /** The sender and the first receiver of a new channel. */
    public record Pair<T>(Sender<T> tx, Receiver<T> rx) {
    }

    /**
     * A value read by {@link Receiver#borrowRef()} or {@link Receiver#borrowAndUpdateRef()},
     * with whether it was new to that receiver: newer than the last value it had seen when
     * it read this one. Read and answer come from one read of the channel, so they always
     * belong together (two calls, {@code hasChanged()} then {@code borrowAndUpdate()}, may
     * straddle a send).
     *
     * @param value the value read (the live reference, see {@link Watch})
     * @param hasChanged whether the receiver had not seen this value yet
     * @param <T> the type of the value
     */
    public record Ref<T>(T value, boolean hasChanged) {
    }

    /**
     * A new watch channel holding {@code initial}, with one sender and one receiver.
     * The receiver has seen the initial value: its {@code changed()} waits for the
     * first send.
     *
     * @throws NullPointerException if {@code initial} is null
     */
    public static <T> Pair<T> channel(T initial) {
        Objects.requireNonNull(initial, "initial");
        Shared<T> shared = new Shared<>(initial, 1);
        return new Pair<>(new Sender<>(shared), new Receiver<>(shared, 0));
    }

    /**
     * A new watch channel holding {@code initial}, with one sender and no receiver yet
     * (Tokio's {@code watch::Sender::new}): receivers come from
     * {@link Sender#subscribe()}, each having seen the value current when it
     * subscribed. Until the first one, {@link Sender#send} fails with
     * {@link SendError} (the {@code sendReplace}, {@code sendModify} and
     * {@code sendIfModified} forms store the value anyway), and
     * {@link Sender#isClosed()} answers {@code true}.
     *
     * @throws NullPointerException if {@code initial} is null
     */
    public static <T> Sender<T> sender(T initial) {
        Objects.requireNonNull(initial, "initial");
        return new Sender<>(new Shared<>(initial, 0));
    }

    private record Version<T>(T value, long version) {
    }

    private static final class Shared<T> {
        /** The latest value and its version. Written under writeLock. */
        volatile Version<T> current;
        final ReentrantLock writeLock = new ReentrantLock();
        final SpinLock lock = new SpinLock();
        /** Pending changed() and waitFor() futures; under lock. */
        final WaiterList<Waiting<T, ?>> changedWaiting = new WaiterList<>();
        /** Pending Sender.closed() futures; under lock. */
        final WaiterList<ConditionWait> closedWaiting = new WaiterList<>();
        /** Open senders; at 0 every sender is gone, for good. Written under lock. */
        volatile int senders = 1;
        /** Open receivers. Written under lock. */
        volatile int receivers;

        Shared(T initial, int receivers) {
            current = new Version<>(initial, 0);
            this.receivers = receivers;
        }

        /** Publishes a value with the next version; answers the one it replaced. Under writeLock. */
        T publishLocked(T value) {
            Version<T> old = current;
            current = new Version<>(value, old.version + 1);
            return old.value;
        }

        void notifyChanged() {
            List<Waker> wake;
            lock.lock();
            try {
                if (changedWaiting.isEmpty()) {
                    return;
                }
                wake = changedWaiting.drainWakers();
            } finally {
                lock.unlock();
            }
            WaiterList.wakeAll(wake);
        }

        Receiver<T> subscribe() {
            lock.lock();
            try {
                // The version first: a send that counts this receiver (it reads
                // `receivers` before it publishes) publishes after this read, so the
                // new receiver sees that value as unseen. The other way round, a send
                // that succeeded only because of this receiver could be marked seen.
                long seen = current.version;
                receivers++;
                return new Receiver<>(this, seen);
            } finally {
                lock.unlock();
            }
        }

        int waitingCount() {
            lock.lock();
            try {
                return changedWaiting.size() + closedWaiting.size();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * The sending half: thread-safe, may be shared, and {@linkplain #clone() cloned}.
     * When the last sender is {@linkplain #close() closed}, receivers are told.
     *
     * <p><b>Memory consistency effects:</b> see {@link Watch}.
     */
    public static final class Sender<T> implements AutoCloseable {
        private final Shared<T> shared;
        /** This handle was closed. Written under the channel's lock, once. */
        private volatile boolean handleClosed;

        Sender(Shared<T> shared) {
            this.shared = shared;
        }

        /**
         * Makes {@code value} the channel's value and notifies every receiver.
         *
         * @throws SendError if every receiver is gone: the value is not stored and comes
         *     back with the error (Tokio's {@code send}); use {@link #sendReplace} to
         *     store it anyway
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this sender was closed
         */
        public void send(T value) {
            Objects.requireNonNull(value, "value");
            Shared<T> s = shared;
            s.writeLock.lock();
            try {
                checkOpen();
                if (s.receivers == 0) {
                    throw new SendError("every receiver of this watch channel is gone: the value was not stored"
                            + " (sendReplace() stores it anyway)", value);
                }
                s.publishLocked(value);
            } finally {
                s.writeLock.unlock();
            }
            s.notifyChanged();
        }

        /**
         * Makes {@code value} the channel's value, even if no receiver is open, notifies
         * the receivers, and returns the value it replaced.
         *
         * @throws NullPointerException if {@code value} is null
         * @throws IllegalStateException if this sender was closed
         */
        public T sendReplace(T value) {
            Objects.requireNonNull(value, "value");
            Shared<T> s = shared;
            T old;
            s.writeLock.lock();
            try {
                checkOpen();
                old = s.publishLocked(value);
            } finally {
                s.writeLock.unlock();
            }
            s.notifyChanged();
            return old;
        }

        /**
         * Changes the value in place with {@code modify}, under the senders' lock, and
         * notifies every receiver (even if no receiver is open, the change is kept). See
         * "Mutable values" in {@link Watch} for what readers may see meanwhile.
         *
         * <p>If {@code modify} throws, nobody is notified and the exception propagates;
         * whatever it changed before throwing stays changed.
         *
         * @throws IllegalStateException if this sender was closed
         */
        public void sendModify(Consumer<? super T> modify) {
            Objects.requireNonNull(modify, "modify");
            sendIfModified(value -> {
                modify.accept(value);
                return true;
            });
        }

        /**
         * Lets {@code modify} change the value in place, under the senders' lock; it
         * answers whether it changed anything. Only then do the receivers see a new
         * version and get notified. If {@code modify} throws, nobody is notified and the
         * exception propagates.
         *
         * {@snippet :
         * boolean raised = config.sendIfModified(c -> {
         *     if (c.limit() >= 100) return false;           // nothing to tell anyone
         *     c.setLimit(100);
         *     return true;
         * });
         * }
         *
         * @return what {@code modify} answered
         * @throws IllegalStateException if this sender was closed
         */
        public boolean sendIfModified(Predicate<? super T> modify) {
            Objects.requireNonNull(modify, "modify");
            Shared<T> s = shared;
            s.writeLock.lock();
            try {
                checkOpen();
                T value = s.current.value;
                if (!modify.test(value)) {
                    return false;
                }
                s.publishLocked(value);
            } finally {
                s.writeLock.unlock();
            }
            s.notifyChanged();
            return true;
        }

        /** The current value: the live reference, not a copy (see {@link Watch}). */
        public T borrow() {
            return shared.current.value;
        }

        /**
         * A new receiver that has seen the current value: its {@code changed()} waits
         * for the next send.
         *
         * @throws IllegalStateException if this sender was closed
         */
        public Receiver<T> subscribe() {
            checkOpen();
            return shared.subscribe();
        }

        /** Receivers open now (a snapshot). */
        public int receiverCount() {
            return shared.receivers;
        }

        /** Senders open now, this one included unless closed (a snapshot; Tokio's {@code sender_count}). */
        public int senderCount() {
            return shared.senders;
        }

        /** Whether every receiver is gone ({@link #send} would fail now). */
        public boolean isClosed() {
            return shared.receivers == 0;
        }

        /** Whether {@code other} sends into the same channel. */
        public boolean sameChannel(Sender<?> other) {
            return other.shared == shared;
        }

        /**
         * A future that completes when every receiver is gone: at once if none is open
         * now (Tokio's {@code Sender::closed}).
         *
         * <p>Cancel safety: cancel safe; dropping it only forgets its registration.
         */
        public Future<Void> closed() {
            Shared<T> s = shared;
            return new ConditionWait(s.lock, s.closedWaiting, () -> s.receivers == 0);
        }

        /**
         * Another sender for the same channel; it must be closed too before the
         * receivers are told that the senders are gone.
         *
         * @throws IllegalStateException if this sender was closed
         */
        @Override
        public Sender<T> clone() {
            Shared<T> s = shared;
            s.lock.lock();
            try {
                checkOpen();
                s.senders++;
            } finally {
                s.lock.unlock();
            }
            return new Sender<>(s);
        }

        /**
         * Closes this sender. When it is the last one, pending {@code changed()} futures
         * are woken: they complete for a value not seen yet, and otherwise fail with
         * {@link RecvError}. Later calls do nothing.
         */
        @Override
        public void close() {
            Shared<T> s = shared;
            List<Waker> wake = null;
            // writeLock too: a send through this handle is either wholly before the close
            // or refused, never published after receivers were told the senders are gone.
            s.writeLock.lock();
            s.lock.lock();
            try {
                if (handleClosed) {
                    return;
                }
                if (--s.senders == 0) {
                    wake = s.changedWaiting.drainWakers();
                }
                handleClosed = true;
            } finally {
                s.lock.unlock();
                s.writeLock.unlock();
            }
            if (wake != null) {
                WaiterList.wakeAll(wake);
            }
        }

        private void checkOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this watch sender was closed; use another sender "
                        + "(clone() one before closing this one)");
            }
        }

        /** Pending registrations on the channel (for tests). */
        int waitingCount() {
            return shared.waitingCount();
        }

        @Override
        public String toString() {
            return "Watch.Sender[" + shared.current + (handleClosed ? ", closed]" : "]");
        }
    }

    /**
     * A receiving half: reads the latest value and waits for changes. Remembers the
     * version it saw; used by one task at a time ({@linkplain #clone() clone} it for
     * another).
     *
     * <p><b>Memory consistency effects:</b> see {@link Watch}.
     */
    public static final class Receiver<T> implements AutoCloseable {
        private final Shared<T> shared;
        /** The version this receiver saw last. Owner-only. */
        long seen;
        /** Closed (by its owner or another task). Written under the channel's lock, once. */
        private volatile boolean handleClosed;
        /**
         * This receiver's futures that registered and have not unregistered (some may
         * have been unlinked by a send since); under the lock. At 0, close() has no
         * waiter of its own to look for in the list.
         */
        int registeredFutures;

        Receiver(Shared<T> shared, long seen) {
            this.shared = shared;
            this.seen = seen;
        }

        /**
         * The current value, without marking it seen: the live reference, not a copy
         * (see {@link Watch}). Still readable after every sender is gone.
         *
         * @throws IllegalStateException if this receiver was closed
         */
        public T borrow() {
            checkOpen();
            return shared.current.value;
        }

        /**
         * The current value, marked seen: {@link #changed()} then waits for a newer one.
         * {@link #borrowAndUpdateRef()} also says whether it was new.
         *
         * @throws IllegalStateException if this receiver was closed
         */
        public T borrowAndUpdate() {
            checkOpen();
            Version<T> v = shared.current;
            seen = v.version;
            return v.value;
        }

        /**
         * The current value and whether this receiver had not seen it yet, without
         * marking it seen.
         *
         * @throws IllegalStateException if this receiver was closed
         */
        public Ref<T> borrowRef() {
            checkOpen();
            Version<T> v = shared.current;
            return new Ref<>(v.value, v.version != seen);
        }

        /**
         * The current value, marked seen, and whether it was new to this receiver: the
         * one read that tells a loop both what to apply and whether anything changed.
         * Works after every sender is gone too (unlike {@link #hasChanged()}).
         *
         * {@snippet :
         * Watch.Ref<Config> latest = configRx.borrowAndUpdateRef();
         * if (latest.hasChanged()) {
         *     apply(latest.value());
         * }
         * }
         *
         * @throws IllegalStateException if this receiver was closed
         */
        public Ref<T> borrowAndUpdateRef() {
            checkOpen();
            Version<T> v = shared.current;
            boolean unseen = v.version != seen;
            seen = v.version;
            return new Ref<>(v.value, unseen);
        }

        /**
         * Whether a value newer than the last one seen exists (it is not marked seen).
         *
         * <p>As in Tokio, once every sender is gone this throws, even if the last value was
         * not seen yet: use {@link #changed()} (which still completes for an unseen
         * value) or {@link #borrow()} to read it.
         *
         * @throws RecvError if every sender is gone
         * @throws IllegalStateException if this receiver was closed
         */
        public boolean hasChanged() {
            checkOpen();
            if (shared.senders == 0) {
                throw new RecvError("every sender of this watch channel is gone, so hasChanged() has no answer;"
                        + " changed() still completes for a value not seen yet, and borrow() reads the last one");
            }
            return shared.current.version != seen;
        }

        /**
         * A future that completes once a value newer than the last seen one exists, and
         * marks it seen: at once if there is one already. Read it with {@link #borrow()}
         * (or {@link #borrowAndUpdate()}). Each poll takes one unit of the task's
         * cooperative budget.
         *
         * {@snippet :
         * for (;;) {
         *     apply(configRx.borrowAndUpdate());
         *     try {
         *         configRx.changed().await();
         *     } catch (RecvError sendersGone) {
         *         break;
         *     }
         * }
         * }
         *
         * <p>Cancel safety: cancel safe. Nothing is marked seen until the poll that
         * completes it, so a dropped {@code changed()} leaves the change for the next one;
         * no registration is left behind (a {@code select} in a loop is fine).
         *
         * @throws RecvError (from the future) if every sender is gone and there is no
         *     unseen value
         * @throws IllegalStateException (from the future) if this receiver was closed
         */
        public Future<Void> changed() {
            return new Waiting<>(this, null);
        }

        /**
         * A future of the first value that satisfies {@code predicate}: the current
         * value is tested first (even if seen), then each new version. Every value tested
         * is marked seen. The predicate runs on the polling task, without any lock, on the
         * live value.
         *
         * <p>Cancel safety: cancel safe; values already tested stay marked seen, nothing
         * else changes.
         *
         * @throws RecvError (from the future) if every sender is gone and the last value
         *     does not satisfy {@code predicate}
         * @throws IllegalStateException (from the future) if this receiver was closed
         */
        public Future<T> waitFor(Predicate<? super T> predicate) {
            return new Waiting<>(this, Objects.requireNonNull(predicate, "predicate"));
        }

        /**
         * Marks the current value as not seen: {@link #hasChanged()} answers true and
         * {@link #changed()} completes at once, until the next update of the mark.
         */
        public void markChanged() {
            checkOpen();
            seen = shared.current.version - 1;
        }

        /** Marks the current value seen, without reading it. */
        public void markUnchanged() {
            checkOpen();
            seen = shared.current.version;
        }

        /** Whether {@code other} receives from the same channel. */
        public boolean sameChannel(Receiver<?> other) {
            return other.shared == shared;
        }

        /**
         * Another receiver of the same channel that has seen what this one has seen
         * (Tokio's {@code clone}).
         *
         * @throws IllegalStateException if this receiver was closed
         */
        @Override
        public Receiver<T> clone() {
            Shared<T> s = shared;
            s.lock.lock();
            try {
                checkOpen();
                s.receivers++;
            } finally {
                s.lock.unlock();
            }
            return new Receiver<>(s, seen);
        }

        /**
         * Closes this receiver; when it is the last one, {@link Sender#send} fails and
         * {@link Sender#closed()} completes. A {@code changed()} or {@code waitFor}
         * pending on it is woken and fails, also when another task closes it while its
         * owner waits. Later calls do nothing.
         */
        @Override
        public void close() {
            Shared<T> s = shared;
            List<Waker> wake = null;
            s.lock.lock();
            try {
                if (handleClosed) {
                    return;
                }
                if (--s.receivers == 0 && !s.closedWaiting.isEmpty()) {
                    wake = s.closedWaiting.drainWakers();
                }
                // Every future of this receiver still waiting (a select or a join may
                // have several): woken, they fail. A walk of the list, only when one
                // of its futures may be in it.
                if (registeredFutures > 0) {
                    List<Waker> mine = s.changedWaiting.drainWakers(w -> w.rx == this);
                    if (wake == null) {
                        wake = mine;
                    } else {
                        wake.addAll(mine);
                    }
                }
                handleClosed = true; // last: whoever sees it closed sees its effects
            } finally {
                s.lock.unlock();
            }
            if (wake != null) {
                WaiterList.wakeAll(wake);
            }
        }

        void checkOpen() {
            if (handleClosed) {
                throw new IllegalStateException("this watch receiver was closed; subscribe a new one to watch");
            }
        }

        /** Pending registrations on the channel (for tests). */
        int waitingCount() {
            return shared.waitingCount();
        }

        @Override
        public String toString() {
            return "Watch.Receiver[seen " + seen + " of " + shared.current + (handleClosed ? ", closed]" : "]");
        }
    }

    private static RecvError closedError() {
        return new RecvError("every sender of this watch channel is gone and no new value is left to see;"
                + " the last value stays readable with borrow()");
    }

    /**
     * The future of {@link Receiver#changed()} ({@code predicate == null}, value null) and
     * of {@link Receiver#waitFor}: the waiter node itself.
     */
    private static final class Waiting<T, R> extends Waiter implements Future<R> {
        private final Receiver<T> rx;
        private final Predicate<? super T> predicate;
        /** waitFor: the current value was tested already. Owner-only. */
        private boolean testedOnce;
        /** Owner-only: linked at some point and not yet known to be unlinked. */
        private boolean registered;

        Waiting(Receiver<T> rx, Predicate<? super T> predicate) {
            this.rx = rx;
            this.predicate = predicate;
        }

        @Override
        @SuppressWarnings("unchecked")
        public Poll<R> poll(Context cx) {
            rx.checkOpen();
            if (!cx.proceed()) {
                return Poll.pending();
            }
            Shared<T> s = rx.shared;
            for (;;) {
                boolean closed = s.senders == 0; // before current: if closed, current is final
                Version<T> v = s.current;
                if (v.version != rx.seen || (predicate != null && !testedOnce)) {
                    rx.seen = v.version;
                    if (predicate == null) {
                        unregister();
                        return Poll.ready(null);
                    }
                    testedOnce = true;
                    boolean match;
                    try {
                        match = predicate.test(v.value);
                    } catch (RuntimeException | Error e) {
                        unregister();
                        throw e;
                    }
                    if (match) {
                        unregister();
                        return Poll.ready((R) v.value);
                    }
                    continue; // look again: a newer version may be there already
                }
                if (closed) {
                    unregister();
                    throw closedError();
                }
                s.lock.lock();
                try {
                    if (s.current.version != rx.seen || s.senders == 0) {
                        continue; // changed meanwhile: look again (unlocks in finally)
                    }
                    // Closed by another task since this poll began (a predicate ran in
                    // between): the close, under this lock, did not see this future, so
                    // it must not link itself now, where nothing would wake it.
                    rx.checkOpen();
                    waker = cx.waker();
                    if (!isLinked()) {
                        s.changedWaiting.addLast(this);
                        if (!registered) {
                            registered = true;
                            rx.registeredFutures++;
                        }
                    }
                    return Poll.pending();
                } finally {
                    s.lock.unlock();
                }
            }
        }

        private void unregister() {
            if (registered) {
                registered = false;
                Shared<T> s = rx.shared;
                s.lock.lock();
                try {
                    s.changedWaiting.remove(this);
                    rx.registeredFutures--;
                    waker = null;
                } finally {
                    s.lock.unlock();
                }
            }
        }

        /** Leaves the waiter list; nothing was marked seen since the last completion. */
        @Override
        public void drop() {
            unregister();
        }
    }

}
