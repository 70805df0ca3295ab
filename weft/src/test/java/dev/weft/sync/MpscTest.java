package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static dev.weft.Select.selectBiased;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.Poll;
import dev.weft.Waker;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import dev.weft.time.Elapsed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class MpscTest {

    static <T> Poll<T> poll(Future<T> f, CountingWaker w) {
        return f.poll(w.context());
    }

    static <T> T ready(Future<T> f) {
        Poll<T> p = f.poll(new CountingWaker().context());
        assertTrue(p.isReady(), "expected ready");
        return p.value();
    }

    /** Forwards to a future and remembers that it returned pending once (the task is parked in it). */
    static final class Parked<T> implements Future<T> {
        final Future<T> inner;
        final AtomicBoolean parked = new AtomicBoolean();
        final AtomicBoolean dropped = new AtomicBoolean();

        Parked(Future<T> inner) {
            this.inner = inner;
        }

        @Override
        public Poll<T> poll(Context cx) {
            Poll<T> p = inner.poll(cx);
            if (p.isPending()) {
                parked.set(true);
            }
            return p;
        }

        @Override
        public void drop() {
            dropped.set(true);
            inner.drop();
        }
    }

    static void awaitTrue(AtomicBoolean flag) {
        while (!flag.get()) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    // ---- factories -----------------------------------------------------------------

    @Test
    void aCapacityBelowOneIsRefusedAndPointsToTheRendezvousChannel() {
        for (int bad : new int[] {0, -1}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Mpsc.channel(bad));
            assertTrue(e.getMessage().contains("Channel.rendezvous()"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Mpsc.channel(Mpsc.MAX_CAPACITY + 1));
    }

    @Test
    void aNullHookIsRefused() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Mpsc.channel(1, null));
        assertTrue(e.getMessage().contains("undelivered"));
        assertThrows(NullPointerException.class, () -> Mpsc.unboundedChannel(null));
    }

    // ---- send and recv ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16})
    void valuesArriveInOrder(int capacity) {
        var ch = Mpsc.<Integer>channel(capacity);
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < capacity; i++) {
                assertNull(ready(ch.tx().send(round * 10 + i)));
            }
            for (int i = 0; i < capacity; i++) {
                assertEquals(round * 10 + i, ready(ch.rx().recv()));
            }
        }
        assertEquals(capacity, ch.tx().capacity());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 16})
    void aSendWaitsWhileFullAndIsWokenByAReceive(int capacity) {
        var ch = Mpsc.<Integer>channel(capacity);
        for (int i = 0; i < capacity; i++) {
            assertTrue(ch.tx().trySend(i));
        }
        assertEquals(0, ch.tx().capacity());
        CountingWaker w = new CountingWaker();
        Future<Void> send = ch.tx().send(99);
        assertTrue(poll(send, w).isPending());
        assertEquals(0, ready(ch.rx().recv()));
        assertEquals(1, w.count(), "exactly the waiting sender is woken");
        assertTrue(poll(send, w).isReady());
        for (int i = 1; i < capacity; i++) {
            assertEquals(i, ready(ch.rx().recv()));
        }
        assertEquals(99, ready(ch.rx().recv()));
    }

    @Test
    void waitingSendersAreServedInOrderAndOneAtATime() {
        var ch = Mpsc.<String>channel(1);
        ch.tx().trySend("first");
        CountingWaker wa = new CountingWaker();
        CountingWaker wb = new CountingWaker();
        Future<Void> a = ch.tx().send("a");
        Future<Void> b = ch.tx().send("b");
        assertTrue(poll(a, wa).isPending());
        assertTrue(poll(b, wb).isPending());
        assertFalse(ch.tx().trySend("c"), "a newcomer does not overtake waiting senders");
        assertEquals("first", ready(ch.rx().recv()));
        assertEquals(1, wa.count());
        assertEquals(0, wb.count());
        assertTrue(poll(a, wa).isReady());
        assertEquals("a", ready(ch.rx().recv()));
        assertEquals(1, wb.count());
        assertTrue(poll(b, wb).isReady());
        assertEquals("b", ready(ch.rx().recv()));
    }

    @Test
    void aPendingReceiveIsWokenBySendAndItsValueArrives() {
        var ch = Mpsc.<String>channel(2);
        CountingWaker w = new CountingWaker();
        Future<String> recv = ch.rx().recv();
        assertTrue(poll(recv, w).isPending());
        ch.tx().trySend("x");
        assertTrue(w.count() >= 1);
        assertEquals("x", poll(recv, w).value());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 16})
    void aWakerLeftRegisteredByAnEarlierReceiveStillGetsTheWakeUp(int capacity) {
        // A select whose other branch won leaves its receive's waker registered; the
        // next pending receive with the same waker does not store it again.
        var ch = Mpsc.<String>channel(capacity);
        CountingWaker w = new CountingWaker();
        assertTrue(poll(ch.rx().recv(), w).isPending());
        assertTrue(poll(ch.rx().recv(), w).isPending(), "registered already: not stored again");
        assertTrue(ch.tx().trySend("x"));
        assertEquals(1, w.count(), "the send took the registered waker and woke it");
        assertEquals("x", poll(ch.rx().recv(), w).value());
        // The send took the waker out: the next pending receive must register it again.
        assertTrue(poll(ch.rx().recv(), w).isPending());
        assertTrue(ch.tx().trySend("y"));
        assertEquals(2, w.count(), "registered again after the send took it");
        assertEquals("y", poll(ch.rx().recv(), w).value());
        // Another waker replaces the one left there.
        CountingWaker other = new CountingWaker();
        assertTrue(poll(ch.rx().recv(), w).isPending());
        assertTrue(poll(ch.rx().recv(), other).isPending());
        assertTrue(ch.tx().trySend("z"));
        assertEquals(1, other.count(), "the last receive's waker is woken");
        assertEquals(2, w.count(), "the replaced waker is not");
        // recvMany registers the same way.
        List<String> into = new ArrayList<>();
        assertEquals("z", poll(ch.rx().recv(), other).value());
        assertTrue(poll(ch.rx().recv(), other).isPending());
        assertTrue(poll(ch.rx().recvMany(into, 4), other).isPending());
        assertTrue(ch.tx().trySend("v"));
        assertEquals(2, other.count());
        assertEquals(1, (int) poll(ch.rx().recvMany(into, 4), other).value());
        assertEquals(List.of("v"), into);
    }

    @Test
    void aWakerLeftRegisteredIsWokenByTheLastSendersCloseAndByAnUnboundedSend() {
        var ch = Mpsc.<String>channel(4);
        CountingWaker w = new CountingWaker();
        assertTrue(poll(ch.rx().recv(), w).isPending());
        assertTrue(poll(ch.rx().recv(), w).isPending(), "registered already: not stored again");
        ch.tx().close();
        assertEquals(1, w.count(), "the last sender's close took the registered waker and woke it");
        assertNull(poll(ch.rx().recv(), w).value(), "closed and drained");

        var unbounded = Mpsc.<String>unboundedChannel();
        CountingWaker u = new CountingWaker();
        assertTrue(poll(unbounded.rx().recv(), u).isPending());
        assertTrue(poll(unbounded.rx().recv(), u).isPending());
        unbounded.tx().send("x");
        assertEquals(1, u.count());
        assertEquals("x", poll(unbounded.rx().recv(), u).value());
    }

    @Test
    void nullValuesAreRefused() {
        var ch = Mpsc.<String>channel(2);
        assertTrue(assertThrows(NullPointerException.class, () -> ch.tx().send(null)).getMessage().contains("value"));
        assertThrows(NullPointerException.class, () -> ch.tx().trySend(null));
        assertThrows(NullPointerException.class, () -> ch.tx().sendTimeout(null, Duration.ZERO));
        Mpsc.Permit<String> p = ready(ch.tx().reserve());
        assertThrows(NullPointerException.class, () -> p.send(null));
    }

    @Test
    void trySendAnswersFalseWhenFullAndThrowsWithTheValueWhenClosed() {
        var ch = Mpsc.<String>channel(1);
        assertTrue(ch.tx().trySend("a"));
        assertFalse(ch.tx().trySend("b"));
        ch.rx().close();
        SendError e = assertThrows(SendError.class, () -> ch.tx().trySend("c"));
        assertEquals("c", e.value());
        assertTrue(e.getMessage().contains("receiver closed"), e.getMessage());
    }

    @Test
    void sendOnAClosedChannelFailsWithTheValue() {
        var ch = Mpsc.<String>channel(4);
        ch.rx().close();
        SendError e = assertThrows(SendError.class, () -> ch.tx().send("v").await());
        assertEquals("v", e.value());
    }

    @Test
    void aWaitingSendFailsWithItsValueWhenTheReceiverCloses() {
        var ch = Mpsc.<String>channel(1);
        ch.tx().trySend("kept");
        CountingWaker w = new CountingWaker();
        Future<Void> send = ch.tx().send("back");
        assertTrue(poll(send, w).isPending());
        ch.rx().close();
        assertEquals(1, w.count());
        SendError e = assertThrows(SendError.class, () -> poll(send, w));
        assertEquals("back", e.value());
        assertEquals("kept", ready(ch.rx().recv()), "values already sent stay readable (no hook)");
        assertNull(ready(ch.rx().recv()));
    }

    // ---- cancellation of sends -------------------------------------------------------

    @Test
    void aDroppedPendingSendHandsItsValueToTheHookAndGivesUpItsPlace() {
        List<String> undelivered = new ArrayList<>();
        var ch = Mpsc.<String>channel(1, undelivered::add);
        ch.tx().trySend("in");
        CountingWaker wa = new CountingWaker();
        CountingWaker wb = new CountingWaker();
        Future<Void> a = ch.tx().send("dropped");
        Future<Void> b = ch.tx().send("next");
        assertTrue(poll(a, wa).isPending());
        assertTrue(poll(b, wb).isPending());
        a.drop();
        assertEquals(List.of("dropped"), undelivered);
        assertEquals("in", ready(ch.rx().recv()));
        assertEquals(0, wa.count());
        assertEquals(1, wb.count(), "the slot goes to the next sender");
        assertTrue(poll(b, wb).isReady());
        assertEquals("next", ready(ch.rx().recv()));
        a.drop();
        assertEquals(1, undelivered.size(), "a second drop does nothing");
    }

    @Test
    void aSendDroppedAfterItWasAssignedASlotPassesTheSlotOn() {
        List<String> undelivered = new ArrayList<>();
        var ch = Mpsc.<String>channel(1, undelivered::add);
        ch.tx().trySend("in");
        Future<Void> a = ch.tx().send("a");
        CountingWaker wb = new CountingWaker();
        Future<Void> b = ch.tx().send("b");
        assertTrue(poll(a, new CountingWaker()).isPending());
        assertTrue(poll(b, wb).isPending());
        assertEquals("in", ready(ch.rx().recv())); // assigns the slot to a
        a.drop();                                  // before a saw it
        assertEquals(List.of("a"), undelivered);
        assertEquals(1, wb.count());
        assertTrue(poll(b, wb).isReady());
        assertEquals("b", ready(ch.rx().recv()));
        assertEquals(1, ch.tx().capacity());
    }

    @Test
    void aDroppedSendWithoutAHookLeavesNoTraceInTheChannel() {
        var ch = Mpsc.<String>channel(1);
        ch.tx().trySend("in");
        Future<Void> a = ch.tx().send("a");
        assertTrue(poll(a, new CountingWaker()).isPending());
        a.drop();
        assertEquals("in", ready(ch.rx().recv()));
        assertEquals(1, ch.tx().capacity());
        assertTrue(ch.rx().isEmpty());
    }

    @Test
    void aSendDroppedBeforeItsFirstPollStillHandsItsValueToTheHook() {
        List<String> undelivered = new ArrayList<>();
        var ch = Mpsc.<String>channel(1, undelivered::add);
        ch.tx().send("never polled").drop();
        assertEquals(List.of("never polled"), undelivered);
        assertEquals(1, ch.tx().capacity());
    }

    @Test
    void anAbortedFutureTaskParkedInSendHandsItsValueToTheHook() {
        List<String> undelivered = new CopyOnWriteArrayList<>();
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(1, undelivered::add);
                ch.tx().trySend("in");
                Parked<Void> send = new Parked<>(ch.tx().send("parked"));
                JoinHandle<Void> h = Task.spawn(send);
                awaitTrue(send.parked);
                h.abort();
                JoinError e = assertThrows(JoinError.class, h::await);
                assertTrue(e.isCancelled());
                assertTrue(send.dropped.get());
                assertEquals(List.of("parked"), undelivered);
                assertEquals("in", ch.rx().recv().await());
                assertEquals(1, ch.tx().capacity());
            });
        }
    }

    @Test
    void anAbortedThreadTaskParkedInSendHandsItsValueToTheHook() {
        List<String> undelivered = new CopyOnWriteArrayList<>();
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(1, undelivered::add);
                ch.tx().trySend("in");
                Parked<Void> send = new Parked<>(ch.tx().send("parked"));
                JoinHandle<Void> h = Task.spawn(() -> {
                    send.await();
                });
                awaitTrue(send.parked);
                h.abort();
                assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
                assertEquals(List.of("parked"), undelivered);
                assertEquals(1, ch.rx().len());
            });
        }
    }

    // ---- wakers that throw: no value lost -------------------------------------------

    /** The waker of another task, which throws when woken. */
    private static final Waker THROWING = () -> {
        throw new IllegalStateException("the waker of another task threw");
    };

    /**
     * A channel of one slot held by a reserved permit, a send waiting for a slot, the
     * only sender closed, and a receive pending with a waker that throws (the permit's
     * slot may still deliver).
     */
    private static Mpsc.Permit<String> closedWithAThrowingReceiveWaiting(Mpsc.Pair<String> ch, Future<Void> send) {
        Mpsc.Permit<String> permit = ready(ch.tx().reserve());
        assertTrue(send.poll(new CountingWaker().context()).isPending(), "no slot: it waits");
        ch.tx().close();
        assertTrue(ch.rx().recv().poll(Context.of(THROWING)).isPending(), "the reserved slot may still deliver");
        return permit;
    }

    @Test
    void aSendFailedByTheCloseCarriesItsValueBackThoughTheReceiversWakerThrows() {
        Mpsc.Pair<String> ch = Mpsc.channel(1);
        Future<Void> send = ch.tx().send("v");
        Mpsc.Permit<String> permit = closedWithAThrowingReceiveWaiting(ch, send);
        // The send finds the channel closed, and its give-back wakes the receive, whose waker throws.
        SendError e = assertThrows(SendError.class, () -> send.poll(new CountingWaker().context()));
        assertEquals("v", e.value());
        assertEquals(0, e.getSuppressed().length, "the waker's exception is logged, not the sender's outcome");
        permit.close();
    }

    @Test
    void aSendTimeoutFailedByTheCloseCarriesItsValueBackThoughTheReceiversWakerThrows() {
        Mpsc.Pair<String> ch = Mpsc.channel(1);
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            Future<Void> send = rt.blockOn(() -> ch.tx().sendTimeout("v", Duration.ofSeconds(30)));
            Mpsc.Permit<String> permit = closedWithAThrowingReceiveWaiting(ch, send);
            SendError e = assertThrows(SendError.class, () -> send.poll(new CountingWaker().context()));
            assertEquals("v", e.value());
            permit.close();
        }
    }

    @Test
    void aDroppedSendHandsItsValueToTheHookThoughTheNextSendersWakerThrows() {
        List<String> undelivered = new CopyOnWriteArrayList<>();
        Mpsc.Pair<String> ch = Mpsc.channel(1, undelivered::add);
        assertTrue(ch.tx().trySend("a"));
        Future<Void> first = ch.tx().send("b");
        assertTrue(first.poll(new CountingWaker().context()).isPending());
        Future<Void> second = ch.tx().send("c");
        assertTrue(second.poll(Context.of(THROWING)).isPending());
        assertEquals("a", ready(ch.rx().recv())); // the slot is assigned to `first`, not yet polled
        first.drop(); // the slot passes to `second`, whose waker throws: logged, not the dropper's failure
        assertEquals(List.of("b"), undelivered);
        second.drop();
        assertEquals(List.of("b", "c"), undelivered);
    }

    @Test
    void drainAnswersTheValuesItTookThoughAWaitingSendersWakerThrows() {
        Mpsc.Pair<String> ch = Mpsc.channel(1);
        assertTrue(ch.tx().trySend("a"));
        Future<Void> waiting = ch.tx().send("b");
        assertTrue(waiting.poll(Context.of(THROWING)).isPending());
        // The close fails the waiting send and wakes it: its waker throws; drain logs that.
        assertEquals(List.of("a"), ch.rx().drain());
        assertTrue(ch.rx().isClosed());
        assertThrows(SendError.class, () -> waiting.poll(new CountingWaker().context()));
    }

    @Test
    void aCloseThatMeetsAThrowingWakerStillClosesAndWakesTheClosedFutures() {
        Mpsc.Pair<String> ch = Mpsc.channel(1);
        assertTrue(ch.tx().trySend("a"));
        Future<Void> waiting = ch.tx().send("b");
        assertTrue(waiting.poll(Context.of(THROWING)).isPending());
        Future<Void> closed = ch.tx().closed();
        CountingWaker w = new CountingWaker();
        assertTrue(closed.poll(w.context()).isPending());
        ch.rx().close(); // the waiting send's waker throws: logged, the close completes
        assertTrue(ch.tx().isClosed());
        assertEquals(1, w.count(), "closed() was woken all the same");
        assertTrue(closed.poll(w.context()).isReady());
        assertEquals("a", ready(ch.rx().recv()));
        assertNull(ready(ch.rx().recv()));
        assertThrows(SendError.class, () -> waiting.poll(new CountingWaker().context()));
    }

    // ---- sendTimeout ---------------------------------------------------------------

    static Runtime paused() {
        return Runtime.builder().workerThreads(2).startPaused(true).build();
    }

    @Test
    void sendTimeoutThatRunsOutHandsTheValueBackWithElapsedAsTheCause() {
        List<String> undelivered = new CopyOnWriteArrayList<>();
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(1, undelivered::add);
                ch.tx().trySend("in");
                SendError e = assertThrows(SendError.class,
                        () -> ch.tx().sendTimeout("late", Duration.ofSeconds(2)).await());
                assertEquals("late", e.value());
                assertInstanceOf(Elapsed.class, e.getCause());
                assertTrue(e.getMessage().contains("stayed full"), e.getMessage());
                assertTrue(undelivered.isEmpty(), "handed back, not to the hook");
                assertEquals(0, ch.tx().capacity());
                assertEquals("in", ch.rx().recv().await());
                assertEquals(1, ch.tx().capacity(), "the timed-out send left the queue");
            });
        }
    }

    @Test
    void sendTimeoutOfZeroSucceedsWheneverTheChannelHasRoomEvenOnASpentBudget() {
        // Every 128th await of the loop starts with the task's budget spent, so the send is
        // refused without being tried; that is not "the channel stayed full".
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            var ch = Mpsc.<Integer>channel(1_000);
            rt.blockOn(() -> {
                for (int i = 0; i < 3 * Context.BUDGET; i++) {
                    ch.tx().sendTimeout(i, Duration.ZERO).await();
                }
            });
            assertEquals(3 * Context.BUDGET, ch.rx().len());
        }
    }

    @Test
    void sendTimeoutCompletesWhenASlotFreesInTime() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(1);
                ch.tx().trySend("in");
                JoinHandle<String> reader = Task.spawn(() -> {
                    dev.weft.time.Time.sleep(Duration.ofMillis(500)).await();
                    return ch.rx().recv().await();
                });
                ch.tx().sendTimeout("on time", Duration.ofSeconds(2)).await();
                assertEquals("in", reader.await());
                assertEquals("on time", ch.rx().recv().await());
            });
        }
    }

    @Test
    void sendTimeoutOnAClosedChannelFailsWithoutElapsed() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(1);
                ch.rx().close();
                SendError e = assertThrows(SendError.class,
                        () -> ch.tx().sendTimeout("v", Duration.ofSeconds(1)).await());
                assertEquals("v", e.value());
                assertNull(e.getCause());
            });
        }
    }

    @Test
    void aDroppedSendTimeoutHandsItsValueToTheHook() {
        List<String> undelivered = new CopyOnWriteArrayList<>();
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(1, undelivered::add);
                ch.tx().trySend("in");
                Future<Void> f = ch.tx().sendTimeout("v", Duration.ofSeconds(1));
                assertTrue(poll(f, new CountingWaker()).isPending());
                f.drop();
                assertEquals(List.of("v"), undelivered);
                assertEquals("in", ch.rx().recv().await());
                assertEquals(1, ch.tx().capacity());
            });
        }
    }

    @Test
    void sendTimeoutNeedsARuntimeWithTime() {
        var ch = Mpsc.<String>channel(1);
        assertThrows(IllegalStateException.class, () -> ch.tx().sendTimeout("v", Duration.ofSeconds(1)));
    }

    /** A sendTimeout made on a runtime that is closed by the time it is first polled: its timers stopped. */
    static Future<Void> sendTimeoutOfAClosedRuntime(Mpsc.Sender<String> tx, String value) {
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            return rt.blockOn(() -> tx.sendTimeout(value, Duration.ofSeconds(5)));
        }
    }

    @Test
    void sendTimeoutFailedByStoppedTimersHandsTheValueToTheHook() {
        List<String> undelivered = new CopyOnWriteArrayList<>();
        var ch = Mpsc.<String>channel(1, undelivered::add);
        ch.tx().trySend("in");
        Future<Void> f = sendTimeoutOfAClosedRuntime(ch.tx(), "v");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> poll(f, new CountingWaker()));
        assertEquals(0, e.getSuppressed().length, String.valueOf(e));
        assertEquals(List.of("v"), undelivered);
        f.drop();
        assertEquals(List.of("v"), undelivered, "handed over once");
        assertEquals("in", ch.rx().tryRecv());
        assertEquals(1, ch.tx().capacity(), "the failed send left the queue of waiting senders");
        assertTrue(ch.tx().trySend("next"));
    }

    @Test
    void sendTimeoutFailedByStoppedTimersWithoutAHookCarriesTheValueInASendErrorCausedByTheFailure() {
        var ch = Mpsc.<String>channel(1);
        ch.tx().trySend("in");
        Future<Void> f = sendTimeoutOfAClosedRuntime(ch.tx(), "v");
        SendError e = assertThrows(SendError.class, () -> poll(f, new CountingWaker()));
        assertEquals("v", e.value());
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getMessage().contains("was not sent"), e.getMessage());
        f.drop();
        assertEquals("in", ch.rx().tryRecv());
        assertNull(ch.rx().tryRecv(), "the value was not sent");
        assertEquals(1, ch.tx().capacity(), "the failed send left the queue of waiting senders");
    }

    // ---- reserve -------------------------------------------------------------------

    @Test
    void aPermitHoldsASlotAndSendsWithoutWaiting() {
        var ch = Mpsc.<String>channel(1);
        Mpsc.Permit<String> p = ready(ch.tx().reserve());
        assertEquals(1, p.remaining());
        assertEquals(0, ch.tx().capacity());
        assertFalse(ch.tx().trySend("other"), "the reserved slot is taken");
        assertNull(ch.rx().tryRecv());
        p.send("via permit");
        assertEquals(0, p.remaining());
        assertEquals("via permit", ready(ch.rx().recv()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> p.send("again"));
        assertTrue(e.getMessage().contains("no slot left"));
        p.close();
        assertEquals(1, ch.tx().capacity());
    }

    @Test
    void closingAnUnusedPermitGivesTheSlotToTheNextWaitingSender() {
        var ch = Mpsc.<String>channel(1);
        Mpsc.Permit<String> p = ready(ch.tx().reserve());
        CountingWaker w = new CountingWaker();
        Future<Void> send = ch.tx().send("next");
        assertTrue(poll(send, w).isPending());
        p.close();
        assertEquals(1, w.count());
        assertTrue(poll(send, w).isReady());
        assertEquals("next", ready(ch.rx().recv()));
        p.close();
        assertEquals(1, ch.tx().capacity(), "closing twice gives nothing back twice");
    }

    @Test
    void reserveWaitsWhileFullAndADroppedReserveGivesUpItsPlace() {
        var ch = Mpsc.<String>channel(1);
        ch.tx().trySend("in");
        CountingWaker wa = new CountingWaker();
        CountingWaker wb = new CountingWaker();
        Future<Mpsc.Permit<String>> a = ch.tx().reserve();
        Future<Mpsc.Permit<String>> b = ch.tx().reserve();
        assertTrue(poll(a, wa).isPending());
        assertTrue(poll(b, wb).isPending());
        a.drop();
        assertEquals("in", ready(ch.rx().recv()));
        assertEquals(1, wb.count());
        try (Mpsc.Permit<String> p = poll(b, wb).value()) {
            p.send("b");
        }
        assertEquals("b", ready(ch.rx().recv()));
    }

    @Test
    void reserveOnAClosedChannelFailsWithANullValue() {
        var ch = Mpsc.<String>channel(1);
        ch.rx().close();
        SendError e = assertThrows(SendError.class, () -> ready(ch.tx().reserve()));
        assertNull(e.value());
        assertTrue(e.getMessage().contains("no slot was reserved"), e.getMessage());
    }

    @Test
    void reserveManyTakesSeveralSlotsAsOnePermit() {
        var ch = Mpsc.<Integer>channel(4);
        try (Mpsc.Permit<Integer> p = ready(ch.tx().reserveMany(3))) {
            assertEquals(3, p.remaining());
            assertEquals(1, ch.tx().capacity());
            p.send(1);
            p.send(2);
        }
        assertEquals(2, ch.tx().capacity(), "the unused slot came back");
        assertEquals(2, ch.rx().len());
        assertEquals(0, ready(ch.tx().reserveMany(0)).remaining());
    }

    @Test
    void tryReserveTakesAFreeSlotOrAnswersNullAndNeverPassesAWaitingSender() {
        var ch = Mpsc.<Integer>channel(2);
        Mpsc.Permit<Integer> one = ch.tx().tryReserve();
        assertEquals(1, one.remaining());
        assertNull(ch.tx().tryReserveMany(2), "one slot free, two asked: none taken");
        assertEquals(1, ch.tx().capacity());
        Mpsc.Permit<Integer> two = ch.tx().tryReserve();
        assertNull(ch.tx().tryReserve(), "full");
        Future<Void> waiting = ch.tx().send(9);
        assertTrue(poll(waiting, new CountingWaker()).isPending());
        one.send(1);
        two.close();                                  // the freed slot goes to the waiting send
        assertNull(ch.tx().tryReserve(), "the waiting send comes first");
        assertNull(ready(waiting));
        assertEquals(1, ready(ch.rx().recv()));
        try (Mpsc.Permit<Integer> p = ch.tx().tryReserveMany(1)) {
            p.send(2);
        }
        assertEquals(0, ch.tx().tryReserveMany(0).remaining());
        assertThrows(IllegalArgumentException.class, () -> ch.tx().tryReserveMany(3));
        assertThrows(IllegalArgumentException.class, () -> ch.tx().tryReserveMany(-1));
        ch.rx().close();
        assertNull(assertThrows(SendError.class, ch.tx()::tryReserve).value());
        assertThrows(SendError.class, () -> ch.tx().tryReserveMany(1));
        ch.tx().close();
        assertThrows(IllegalStateException.class, ch.tx()::tryReserve);
    }

    @Test
    void reserveManyRefusesImpossibleCounts() {
        var ch = Mpsc.<Integer>channel(4);
        assertThrows(IllegalArgumentException.class, () -> ch.tx().reserveMany(5));
        assertThrows(IllegalArgumentException.class, () -> ch.tx().reserveMany(-1));
    }

    @Test
    void aDroppedReserveManyGivesBackWhatItWasAssigned() {
        var ch = Mpsc.<Integer>channel(3);
        for (int i = 0; i < 3; i++) {
            ch.tx().trySend(i);
        }
        Future<Mpsc.Permit<Integer>> many = ch.tx().reserveMany(2);
        assertTrue(poll(many, new CountingWaker()).isPending());
        assertEquals(0, ready(ch.rx().recv())); // one slot assigned to the waiting reserve
        assertEquals(0, ch.tx().capacity());
        many.drop();
        assertEquals(1, ch.tx().capacity());
    }

    // ---- closing -------------------------------------------------------------------

    @Test
    void closedCompletesWhenTheReceiverCloses() {
        var ch = Mpsc.<String>channel(1);
        CountingWaker w = new CountingWaker();
        Future<Void> closed = ch.tx().closed();
        Future<Void> dropped = ch.tx().closed();
        assertTrue(poll(closed, w).isPending());
        assertTrue(poll(dropped, new CountingWaker()).isPending());
        dropped.drop();
        assertFalse(ch.tx().isClosed());
        ch.rx().close();
        assertEquals(1, w.count());
        assertTrue(poll(closed, w).isReady());
        assertTrue(ch.tx().isClosed());
        assertTrue(ready(ch.tx().closed()) == null);
    }

    @Test
    void whenTheLastSenderClosesTheReceiverDrainsThenSeesNull() {
        var ch = Mpsc.<String>channel(4);
        Mpsc.Sender<String> second = ch.tx().clone();
        ch.tx().trySend("a");
        second.trySend("b");
        ch.tx().close();
        assertFalse(ch.rx().isClosed(), "one sender is still open");
        CountingWaker w = new CountingWaker();
        assertEquals("a", poll(ch.rx().recv(), w).value());
        assertEquals("b", poll(ch.rx().recv(), w).value());
        Future<String> recv = ch.rx().recv();
        assertTrue(poll(recv, w).isPending());
        second.close();
        assertTrue(w.count() >= 1);
        assertNull(poll(recv, w).value());
        assertTrue(ch.rx().isClosed());
        assertNull(ch.rx().tryRecv());
    }

    @Test
    void aClosedSenderHandleRefusesToBeUsedAndClosingTwiceCountsOnce() {
        var ch = Mpsc.<String>channel(4);
        Mpsc.Sender<String> second = ch.tx().clone();
        second.close();
        second.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> second.send("x"));
        assertTrue(e.getMessage().contains("clone()"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> second.trySend("x"));
        assertThrows(IllegalStateException.class, second::reserve);
        assertThrows(IllegalStateException.class, second::clone);
        assertFalse(ch.rx().isClosed(), "the first sender still counts");
        assertTrue(ch.tx().trySend("still open"));
    }

    @Test
    void withoutAHookAClosedReceiverKeepsItsValuesReadable() {
        var ch = Mpsc.<String>channel(4);
        ch.tx().trySend("a");
        ch.tx().trySend("b");
        ch.rx().close();
        assertTrue(ch.rx().isClosed());
        assertEquals("a", ready(ch.rx().recv()));
        assertEquals("b", ch.rx().tryRecv());
        assertNull(ready(ch.rx().recv()));
        ch.rx().close();
    }

    @Test
    void withAHookAClosedReceiverHandsItsValuesToTheHook() {
        List<String> undelivered = new ArrayList<>();
        var ch = Mpsc.<String>channel(4, undelivered::add);
        ch.tx().trySend("a");
        ch.tx().trySend("b");
        ch.rx().close();
        assertEquals(List.of("a", "b"), undelivered);
        assertNull(ready(ch.rx().recv()));
        assertNull(ch.rx().tryRecv());
        assertTrue(ch.rx().isEmpty());
        assertEquals(4, ch.tx().capacity());
    }

    @Test
    void aPermitUsedAfterTheReceiverClosedDeliversToTheHookOrStaysReadable() {
        List<String> undelivered = new ArrayList<>();
        var hooked = Mpsc.<String>channel(2, undelivered::add);
        Mpsc.Permit<String> p = ready(hooked.tx().reserve());
        hooked.rx().close();
        p.send("late");
        assertEquals(List.of("late"), undelivered);

        var plain = Mpsc.<String>channel(2);
        Mpsc.Permit<String> q = ready(plain.tx().reserve());
        plain.rx().close();
        CountingWaker w = new CountingWaker();
        Future<String> recv = plain.rx().recv();
        assertTrue(poll(recv, w).isPending(), "a reserved slot may still deliver");
        q.send("late");
        assertEquals("late", poll(recv, w).value());
        assertNull(ready(plain.rx().recv()));
    }

    @Test
    void theReceiverWaitsForAnOutstandingPermitBeforeSeeingTheEnd() {
        var ch = Mpsc.<String>channel(2);
        Mpsc.Permit<String> p = ready(ch.tx().reserve());
        ch.tx().close();
        assertTrue(ch.rx().isClosed());
        CountingWaker w = new CountingWaker();
        Future<String> recv = ch.rx().recv();
        assertTrue(poll(recv, w).isPending());
        p.close();
        assertEquals(1, w.count());
        assertNull(poll(recv, w).value());
    }

    @Test
    void drainClosesAndAnswersWhatIsLeft() {
        var ch = Mpsc.<String>channel(4);
        ch.tx().trySend("a");
        ch.tx().trySend("b");
        assertEquals(List.of("a", "b"), ch.rx().drain());
        assertTrue(ch.rx().isClosed());
        assertThrows(SendError.class, () -> ch.tx().trySend("c"));
        assertEquals(List.of(), ch.rx().drain());

        List<String> undelivered = new ArrayList<>();
        var hooked = Mpsc.<String>channel(4, undelivered::add);
        hooked.tx().trySend("x");
        Mpsc.Permit<String> p = ready(hooked.tx().reserve());
        assertEquals(List.of("x"), hooked.rx().drain());
        p.send("later");
        assertEquals(List.of("later"), undelivered);
    }

    /** The receiver's close, its drain, and both with a hook: each wakes a receive pending on it. */
    @Test
    void aReceivePendingWhenTheReceiverClosesOrDrainsIsWokenAndAnswersNull() {
        for (boolean hook : new boolean[] {false, true}) {
            for (boolean drain : new boolean[] {false, true}) {
                String what = (drain ? "drain" : "close") + (hook ? " with a hook" : "");
                var ch = hook ? Mpsc.<String>channel(4, v -> { }) : Mpsc.<String>channel(4);
                CountingWaker w = new CountingWaker();
                Future<String> recv = ch.rx().recv();
                assertTrue(poll(recv, w).isPending());
                if (drain) {
                    assertEquals(List.of(), ch.rx().drain());
                } else {
                    ch.rx().close();
                }
                assertEquals(1, w.count(), what);
                assertNull(poll(recv, w).value(), what);
                Future<Integer> many = ch.rx().recvMany(new ArrayList<>(), 4);
                assertEquals(0, poll(many, w).value(), what);
            }
        }
    }

    @Test
    void aReceiveWokenByTheCloseStillWaitsForAReservedSlotWithoutAHookAndEndsAtOnceWithOne() {
        var plain = Mpsc.<String>channel(2);
        Mpsc.Permit<String> p = ready(plain.tx().reserve());
        CountingWaker w = new CountingWaker();
        Future<String> recv = plain.rx().recv();
        assertTrue(poll(recv, w).isPending());
        plain.rx().close();
        assertEquals(1, w.count());
        assertTrue(poll(recv, w).isPending(), "the permit may still deliver");
        p.close();
        assertEquals(2, w.count());
        assertNull(poll(recv, w).value());

        var hooked = Mpsc.<String>channel(2, v -> { });
        Mpsc.Permit<String> q = ready(hooked.tx().reserve());
        CountingWaker x = new CountingWaker();
        Future<String> done = hooked.rx().recv();
        assertTrue(poll(done, x).isPending());
        hooked.rx().close();
        assertEquals(1, x.count());
        assertNull(poll(done, x).value(), "with a hook, a closed receiver is done");
        q.close();
    }

    /** A future that wakes itself on its first poll and runs {@code action} on its second. */
    static Future<Void> onSecondPoll(Runnable action) {
        int[] polls = {0};
        return Future.pollFn(cx -> {
            if (polls[0]++ == 0) {
                cx.waker().wake();
                return Poll.pending();
            }
            action.run();
            return Poll.ready(null);
        });
    }

    /**
     * Joins {@code recv} with a step that runs {@code close} once the receive has
     * registered, on a paused runtime: a receive the close does not wake would leave
     * every task parked, and the clock would then run out the timeout at once.
     */
    static void assertAReceiveJoinedWithTheCloseAnswersNull(Future<String> recv, Runnable close) {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                try {
                    var both = dev.weft.time.Time.timeout(Duration.ofSeconds(10),
                            dev.weft.Join.join(recv, onSecondPoll(close))).await();
                    assertNull(both.first());
                } catch (Elapsed e) {
                    fail("the receive was not woken by the close of its receiver, joined with it");
                }
            });
        }
    }

    @Test
    void aReceiveJoinedWithTheReceiversCloseIsWokenAndAnswersNull() {
        var ch = Mpsc.<String>channel(4);
        assertAReceiveJoinedWithTheCloseAnswersNull(ch.rx().recv(), ch.rx()::close);
        assertTrue(ch.rx().isClosedAndDrained());
    }

    @Test
    void aReceiveJoinedWithTheReceiversDrainIsWokenAndAnswersNull() {
        var ch = Mpsc.<String>channel(4, v -> { });
        assertAReceiveJoinedWithTheCloseAnswersNull(ch.rx().recv(), ch.rx()::drain);
        assertTrue(ch.rx().isClosedAndDrained());
    }

    @Test
    void aReceiveParkedInAnotherTaskIsWokenByTheReceiversClose() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(4);
                Parked<String> recv = new Parked<>(ch.rx().recv());
                JoinHandle<String> reader = Task.spawn(() -> recv.await());
                awaitTrue(recv.parked);
                ch.rx().close();
                try {
                    assertNull(dev.weft.time.Time.timeout(Duration.ofSeconds(10), reader).await());
                } catch (Elapsed e) {
                    fail("the receive parked in the other task was not woken by the receiver's close");
                }
            });
        }
    }

    @Test
    void aSendFailedByTheCloseSaysWhichEndClosedTheChannelFirst() {
        var rxFirst = Mpsc.<String>channel(1);
        Future<Void> early = rxFirst.tx().send("a");
        rxFirst.rx().close();
        rxFirst.tx().close();
        SendError e = assertThrows(SendError.class, () -> poll(early, new CountingWaker()));
        assertTrue(e.getMessage().contains("the receiver closed it"), e.getMessage());
        assertEquals("a", e.value());

        var txFirst = Mpsc.<String>channel(1);
        Future<Void> late = txFirst.tx().send("b");
        txFirst.tx().close();
        txFirst.rx().close();
        SendError f = assertThrows(SendError.class, () -> poll(late, new CountingWaker()));
        assertTrue(f.getMessage().contains("every sender was closed"), f.getMessage());
        assertEquals("b", f.value());
    }

    // ---- receive variants ------------------------------------------------------------

    @Test
    void tryRecvAnswersNullWhenEmptyOrClosedAndTheQueriesTellWhich() {
        var ch = Mpsc.<String>channel(2);
        assertNull(ch.rx().tryRecv());
        assertTrue(ch.rx().isEmpty());
        assertFalse(ch.rx().isClosed());
        ch.tx().trySend("a");
        assertFalse(ch.rx().isEmpty());
        assertEquals(1, ch.rx().len());
        assertEquals("a", ch.rx().tryRecv());
        assertFalse(ch.rx().isClosedAndDrained());
        ch.tx().close();
        assertNull(ch.rx().tryRecv());
        assertTrue(ch.rx().isClosed());
        assertTrue(ch.rx().isEmpty());
        assertTrue(ch.rx().isClosedAndDrained());
    }

    @Test
    void closedAndEmptyIsNotDrainedWhileAReservedSlotMayStillDeliver() {
        var ch = Mpsc.<String>channel(2);
        Mpsc.Permit<String> permit = ready(ch.tx().reserve());
        ch.tx().close();
        assertNull(ch.rx().tryRecv());
        assertTrue(ch.rx().isClosed() && ch.rx().isEmpty());
        assertFalse(ch.rx().isClosedAndDrained(), "the permit can still deliver");
        CountingWaker w = new CountingWaker();
        Future<String> recv = ch.rx().recv();
        assertTrue(poll(recv, w).isPending(), "a receive waits for it too");
        permit.send("late");
        assertEquals(1, w.count());
        assertEquals("late", poll(recv, w).value());
        assertTrue(ch.rx().isClosedAndDrained());
        assertNull(ready(ch.rx().recv()));

        var unbounded = Mpsc.<String>unboundedChannel();
        unbounded.tx().send("u");
        unbounded.tx().close();
        assertFalse(unbounded.rx().isClosedAndDrained());
        assertEquals("u", unbounded.rx().tryRecv());
        assertTrue(unbounded.rx().isClosedAndDrained());
    }

    @Test
    void aReceiverClosedWithAHookIsDrainedAtOnce() {
        List<String> hooked = new ArrayList<>();
        var ch = Mpsc.<String>channel(2, hooked::add);
        ch.tx().trySend("a");
        ch.rx().close();
        assertEquals(List.of("a"), hooked);
        assertTrue(ch.rx().isClosedAndDrained());
    }

    @Test
    void lenFromAnotherThreadReturnsWhileValuesMove() throws Exception {
        // len() walks the queue: a walk that began past the tail it walked to never ended.
        var ch = Mpsc.<Integer>channel(64);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong lens = new AtomicLong();
        List<Integer> outside = new CopyOnWriteArrayList<>();
        Thread observer = Thread.ofPlatform().name("len-observer").start(() -> {
            while (!stop.get()) {
                int n = ch.rx().len();
                if (n < 0 || n > 64) {
                    outside.add(n);
                }
                lens.incrementAndGet();
            }
        });
        Thread producer = Thread.ofPlatform().start(() -> {
            try (var tx = ch.tx()) {
                for (int i = 0; i < 200_000; i++) {
                    tx.blockingSend(i);
                }
            }
        });
        int received = 0;
        while (ch.rx().blockingRecv() != null) {
            received++;
        }
        producer.join();
        stop.set(true);
        observer.join(10_000);
        assertFalse(observer.isAlive(), "len() from another thread did not return; stack: "
                + Arrays.toString(observer.getStackTrace()));
        assertEquals(200_000, received);
        assertTrue(lens.get() > 0);
        assertEquals(List.of(), outside, "len() outside 0..capacity");
    }

    @Test
    void recvManyTakesUpToTheLimitAndZeroMeansClosedAndDrained() {
        var ch = Mpsc.<Integer>channel(8);
        for (int i = 0; i < 5; i++) {
            ch.tx().trySend(i);
        }
        List<Integer> into = new ArrayList<>();
        assertEquals(3, ready(ch.rx().recvMany(into, 3)));
        assertEquals(2, ready(ch.rx().recvMany(into, 10)));
        assertEquals(List.of(0, 1, 2, 3, 4), into);
        assertEquals(8, ch.tx().capacity(), "every slot came back");
        CountingWaker w = new CountingWaker();
        Future<Integer> waiting = ch.rx().recvMany(into, 4);
        assertTrue(poll(waiting, w).isPending());
        ch.tx().trySend(9);
        assertEquals(1, poll(waiting, w).value());
        ch.tx().close();
        assertEquals(0, ready(ch.rx().recvMany(into, 4)));
        assertThrows(IllegalArgumentException.class, () -> ch.rx().recvMany(into, 0));
    }

    @Test
    void recvManyKeepsAValueItCouldNotAdd() {
        var ch = Mpsc.<Integer>channel(2);
        ch.tx().trySend(1);
        List<Integer> full = Collections.unmodifiableList(new ArrayList<>());
        assertThrows(UnsupportedOperationException.class, () -> ready(ch.rx().recvMany(full, 2)));
        assertEquals(1, ch.rx().tryRecv());
    }

    @Test
    void capacitiesAndSameChannel() {
        var ch = Mpsc.<Integer>channel(3);
        var other = Mpsc.<Integer>channel(3);
        assertEquals(3, ch.tx().maxCapacity());
        assertEquals(3, ch.rx().maxCapacity());
        ch.tx().trySend(1);
        assertEquals(2, ch.tx().capacity());
        assertEquals(2, ch.rx().capacity());
        Mpsc.Sender<Integer> clone = ch.tx().clone();
        assertTrue(ch.tx().sameChannel(clone));
        assertFalse(ch.tx().sameChannel(other.tx()));
        assertFalse(ch.tx().sameChannel(null));
        clone.close();
    }

    @Test
    void aWeakSenderUpgradesWhileAStrongOneIsOpenAndDoesNotKeepTheChannelOpen() {
        var ch = Mpsc.<String>channel(2);
        Mpsc.WeakSender<String> weak = ch.tx().downgrade();
        Mpsc.Sender<String> up = weak.upgrade();
        assertNotNull(up);
        assertEquals(2, weak.strongCount());
        assertEquals(2, up.strongCount());
        ch.tx().close();
        assertEquals(1, up.strongCount());
        assertFalse(ch.rx().isClosed(), "the upgraded sender counts");
        up.trySend("via weak");
        up.close();
        assertTrue(ch.rx().isClosed());
        assertEquals(0, weak.strongCount());
        assertNull(weak.upgrade(), "every strong sender is gone");
        assertEquals("via weak", ready(ch.rx().recv()));
        assertNull(ready(ch.rx().recv()));
    }

    @Test
    void theReceiverCountsTheStrongSendersOnly() {
        var ch = Mpsc.<String>channel(2);
        assertEquals(1, ch.rx().senderStrongCount());
        var clone = ch.tx().clone();
        var weak = ch.tx().downgrade();
        assertEquals(2, ch.rx().senderStrongCount(), "a weak sender is not counted");
        clone.close();
        ch.tx().close();
        assertEquals(0, ch.rx().senderStrongCount());
        assertNull(weak.upgrade());
        assertEquals(0, ch.rx().senderStrongCount(), "0 is for good");

        var unbounded = Mpsc.<String>unboundedChannel();
        var second = unbounded.tx().clone();
        assertEquals(2, unbounded.rx().senderStrongCount());
        second.close();
        assertEquals(1, unbounded.rx().senderStrongCount());
    }

    @Test
    void blockingRecvManyTakesWhatIsThereAndZeroAtTheEnd() throws Exception {
        var ch = Mpsc.<Integer>channel(4);
        Thread producer = Thread.ofPlatform().start(() -> {
            try (var tx = ch.tx()) {
                for (int i = 0; i < 100; i++) {
                    tx.blockingSend(i);
                }
            }
        });
        List<Integer> got = new ArrayList<>();
        try {
            int n;
            while ((n = ch.rx().blockingRecvMany(got, 3)) != 0) {
                assertTrue(n >= 1 && n <= 3, "took " + n + " with a limit of 3");
            }
        } finally {
            ch.rx().close(); // a failed assertion must not leave the producer waiting for a slot
            producer.join(10_000);
        }
        assertFalse(producer.isAlive());
        assertEquals(IntStream.range(0, 100).boxed().toList(), got);
        assertThrows(IllegalArgumentException.class, () -> ch.rx().blockingRecvMany(got, 0));

        var unbounded = Mpsc.<String>unboundedChannel();
        unbounded.tx().send("a");
        unbounded.tx().send("b");
        unbounded.tx().close();
        List<String> strings = new ArrayList<>();
        assertEquals(2, unbounded.rx().blockingRecvMany(strings, 10));
        assertEquals(List.of("a", "b"), strings);
        assertEquals(0, unbounded.rx().blockingRecvMany(strings, 10));
    }

    @Test
    void blockingSendAndRecvWorkFromPlainThreads() throws Exception {
        var ch = Mpsc.<Integer>channel(1);
        Thread producer = Thread.ofPlatform().start(() -> {
            try (var tx = ch.tx()) {
                for (int i = 0; i < 100; i++) {
                    tx.blockingSend(i);
                }
            }
        });
        for (int i = 0; i < 100; i++) {
            assertEquals(i, ch.rx().blockingRecv());
        }
        assertNull(ch.rx().blockingRecv());
        producer.join();
    }

    // ---- select and tasks ------------------------------------------------------------

    @Test
    void aReceiveThatLosesASelectLosesNoValue() {
        var a = Mpsc.<String>channel(2);
        var b = Mpsc.<String>channel(2);
        a.tx().trySend("a1");
        b.tx().trySend("b1");
        String first = ready(selectBiased(on(a.rx().recv()), on(b.rx().recv())));
        assertEquals("a1", first);
        assertEquals("b1", b.rx().tryRecv(), "the losing branch took nothing");
    }

    @Test
    void aSelectLoopOverTwoReceiversGetsEveryValueOnce() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                var a = Mpsc.<Integer>channel(4);
                var b = Mpsc.<Integer>channel(4);
                int n = 500;
                JoinHandle<Void> pa = Task.spawn(() -> {
                    try (var tx = a.tx()) {
                        for (int i = 0; i < n; i++) {
                            tx.send(i).await();
                        }
                    }
                });
                JoinHandle<Void> pb = Task.spawn(() -> {
                    try (var tx = b.tx()) {
                        for (int i = 0; i < n; i++) {
                            tx.send(n + i).await();
                        }
                    }
                });
                boolean[] seen = new boolean[2 * n];
                boolean aOpen = true;
                boolean bOpen = true;
                int nextA = 0;
                int nextB = n;
                while (aOpen || bOpen) {
                    Integer v = select(on(a.rx().recv()).when(aOpen), on(b.rx().recv().map(x -> x == null ? -1 : x))
                            .when(bOpen)).await();
                    if (v == null) {
                        aOpen = false;
                    } else if (v == -1) {
                        bOpen = false;
                    } else {
                        assertFalse(seen[v], "duplicate " + v);
                        seen[v] = true;
                        if (v < n) {
                            assertEquals(nextA++, v);
                        } else {
                            assertEquals(nextB++, v);
                        }
                    }
                }
                assertEquals(n, nextA);
                assertEquals(2 * n, nextB);
                pa.await();
                pb.await();
            });
        }
    }

    @Test
    void anAbortedTaskParkedInRecvLosesNoValue() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<String>channel(1);
                Parked<String> fut = new Parked<>(ch.rx().recv());
                JoinHandle<String> futureTask = Task.spawn(fut);
                awaitTrue(fut.parked);
                futureTask.abort();
                assertTrue(assertThrows(JoinError.class, futureTask::await).isCancelled());

                Parked<String> thr = new Parked<>(ch.rx().recv());
                JoinHandle<String> threadTask = Task.spawn(() -> thr.await());
                awaitTrue(thr.parked);
                threadTask.abort();
                assertTrue(assertThrows(JoinError.class, threadTask::await).isCancelled());

                ch.tx().send("kept").await();
                assertEquals("kept", ch.rx().recv().await());
            });
        }
    }

    @Test
    void pingPongOverTwoCapacityOneChannelsBetweenAFutureTaskAndAThreadTask() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            int rounds = 2_000;
            int last = rt.blockOn(() -> {
                var ping = Mpsc.<Integer>channel(1);
                var pong = Mpsc.<Integer>channel(1);
                // The echo is a future task: receive, send back, until the channel ends.
                JoinHandle<Integer> echo = Task.spawn(Loop.loop(0, count -> ping.rx().recv().andThen(v -> v == null
                        ? Future.ready(Loop.<Integer, Integer>done(count))
                        : pong.tx().send(v + 1).map(__ -> Loop.<Integer, Integer>next(count + 1)))));
                int v = 0;
                for (int i = 0; i < rounds; i++) {
                    ping.tx().send(v).await();
                    v = pong.rx().recv().await();
                }
                ping.tx().close();
                assertEquals(rounds, echo.await());
                return v;
            });
            assertEquals(rounds, last);
        }
    }

    @Test
    void eightProducersIntoOneChannelOf1024() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<Long>channel(1024);
                int producers = 8;
                int each = 5_000;
                List<JoinHandle<Void>> hs = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    Mpsc.Sender<Long> tx = ch.tx().clone();
                    long base = (long) p << 32;
                    hs.add(p % 2 == 0
                            ? Task.spawn(() -> {
                                try (tx) {
                                    for (int i = 0; i < each; i++) {
                                        tx.send(base + i).await();
                                    }
                                }
                            })
                            : Task.spawn(Loop.loop(0, i -> i == each
                                    ? Future.ready(Loop.<Integer, Void>done(closeAnd(tx)))
                                    : tx.send(base + i).map(__ -> Loop.<Integer, Void>next(i + 1)))));
                }
                ch.tx().close();
                long[] next = new long[producers];
                int total = 0;
                for (Long v; (v = ch.rx().recv().await()) != null; ) {
                    int p = (int) (v >>> 32);
                    assertEquals(next[p]++, v & 0xffffffffL, "per-producer order");
                    total++;
                }
                assertEquals(producers * each, total);
                for (JoinHandle<Void> h : hs) {
                    h.await();
                }
            });
        }
    }

    static Void closeAnd(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return null;
    }

    @Test
    void toStringsSayWhatTheyAre() {
        var ch = Mpsc.<String>channel(2);
        assertTrue(ch.tx().toString().contains("capacity 2/2"), ch.tx().toString());
        assertTrue(ch.rx().toString().startsWith("Mpsc.Receiver["));
        assertSame(ch.tx(), ch.tx());
    }
}
