package dev.weft.sync;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class BroadcastTest extends RuntimePerTest {
    // ---- channel(capacity)

    @ParameterizedTest
    @ValueSource(ints = {0, -1, Integer.MIN_VALUE, Broadcast.MAX_CAPACITY + 1})
    void aCapacityOutOfRangeIsRejected(int capacity) {
        var e = assertThrows(IllegalArgumentException.class, () -> Broadcast.channel(capacity));
        assertTrue(e.getMessage().contains(String.valueOf(capacity)), e.getMessage());
    }

    @Test
    void aNewChannelHasOneReceiverAndNothingQueued() {
        var ch = Broadcast.<String>channel(4);
        assertEquals(1, ch.tx().receiverCount());
        assertEquals(0, ch.tx().len());
        assertTrue(ch.tx().isEmpty());
        assertEquals(0, ch.rx().len());
        assertTrue(ch.rx().isEmpty());
        assertFalse(ch.rx().isClosed());
        assertFalse(ch.tx().isClosed());
    }

    // ---- send / recv / tryRecv

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 16})
    void everyReceiverGetsEveryValueInOrder(int capacity) {
        var ch = Broadcast.<Integer>channel(capacity);
        var second = ch.tx().subscribe();
        for (int i = 0; i < capacity; i++) {
            assertEquals(2, ch.tx().send(i));
        }
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, ch.rx().recv().await());
            assertEquals(i, second.tryRecv());
        }
        assertNull(ch.rx().tryRecv());
        assertNull(second.tryRecv());
    }

    @Test
    void sendAnswersHowManyReceiversItReached() {
        var ch = Broadcast.<String>channel(2);
        assertEquals(1, ch.tx().send("a"));
        var b = ch.tx().subscribe();
        var c = ch.rx().resubscribe();
        assertEquals(3, ch.tx().send("b"));
        b.close();
        assertEquals(2, ch.tx().send("c"));
        c.close();
    }

    @Test
    void sendRejectsNull() {
        var ch = Broadcast.<String>channel(2);
        var e = assertThrows(NullPointerException.class, () -> ch.tx().send(null));
        assertTrue(e.getMessage().contains("value"));
    }

    @Test
    void sendWithNoReceiverFailsAndHandsTheValueBack() {
        var ch = Broadcast.<String>channel(2);
        ch.rx().close();
        SendError e = assertThrows(SendError.class, () -> ch.tx().send("lost?"));
        assertEquals("lost?", e.value());
        assertTrue(ch.tx().isClosed());
        assertEquals(0, ch.tx().len(), "a refused value is not kept");
    }

    @Test
    void aSenderMadeAloneHasNoReceiverUntilOneSubscribes() {
        Broadcast.Sender<String> tx = Broadcast.sender(2);
        assertEquals(0, tx.receiverCount());
        assertTrue(tx.isClosed());
        assertTrue(tx.closed().poll(Context.of(new CountingWaker())).isReady(), "no receiver: closed at once");
        SendError e = assertThrows(SendError.class, () -> tx.send("nobody"));
        assertEquals("nobody", e.value());

        var rx = tx.subscribe();
        assertEquals(1, tx.receiverCount());
        assertFalse(tx.isClosed());
        assertEquals(1, tx.send("first"));
        assertEquals("first", rx.tryRecv());
        tx.close();
        assertNull(rx.recv().await(), "the only sender closed: the receiver sees the end");
        assertThrows(IllegalArgumentException.class, () -> Broadcast.sender(0));
    }

    @Test
    void sendersAreCountedFromEitherSide() {
        var ch = Broadcast.<String>channel(2);
        assertEquals(1, ch.tx().strongCount());
        assertEquals(1, ch.rx().senderStrongCount());
        var clone = ch.tx().clone();
        assertEquals(2, ch.tx().strongCount());
        assertEquals(2, ch.rx().senderStrongCount());
        clone.close();
        clone.close(); // idempotent: counted once
        ch.tx().close();
        assertEquals(0, ch.rx().senderStrongCount());
        assertEquals(0, ch.tx().strongCount());
    }

    @Test
    void aWeakSenderUpgradesWhileASenderIsOpenAndDoesNotKeepTheChannelOpen() {
        var ch = Broadcast.<String>channel(4);
        Broadcast.WeakSender<String> weak = ch.tx().downgrade();
        assertEquals(1, weak.strongCount(), "a weak sender is not counted");
        Broadcast.Sender<String> up = weak.upgrade();
        assertNotNull(up);
        assertEquals(2, weak.strongCount());
        ch.tx().close();
        assertFalse(ch.rx().isClosed(), "the upgraded sender keeps the channel open");
        assertEquals(1, up.send("via weak"));
        up.close();
        assertTrue(ch.rx().isClosed());
        assertEquals(0, weak.strongCount());
        assertNull(weak.upgrade(), "every sender is gone: for good");
        assertEquals("via weak", ch.rx().recv().await());
        assertNull(ch.rx().recv().await());
        assertTrue(weak.toString().contains("0 senders"), weak.toString());
    }

    @Test
    void aWeakSenderThatRacesTheLastCloseEitherGetsACountedSenderOrNone() throws Exception {
        for (int round = 0; round < 200; round++) {
            var ch = Broadcast.<Integer>channel(4);
            var weak = ch.tx().downgrade();
            var upgraded = new java.util.concurrent.atomic.AtomicReference<Broadcast.Sender<Integer>>();
            Thread upgrader = Thread.ofPlatform().start(() -> upgraded.set(weak.upgrade()));
            ch.tx().close();
            upgrader.join();
            Broadcast.Sender<Integer> up = upgraded.get();
            if (up == null) {
                assertTrue(ch.rx().isClosed(), "no sender came back: the channel closed");
                assertNull(ch.rx().tryRecv());
            } else {
                assertFalse(ch.rx().isClosed(), "a sender came back: it keeps the channel open");
                up.send(round);
                up.close();
                assertEquals(round, ch.rx().tryRecv());
                assertTrue(ch.rx().isClosed());
            }
            assertNull(weak.upgrade());
        }
    }

    @Test
    void blockingRecvWaitsOnAPlainThreadForTheNextValueAndTheEnd() throws Exception {
        var ch = Broadcast.<Integer>channel(4);
        List<Object> got = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread receiver = Thread.ofPlatform().start(() -> {
            for (Integer v; (v = ch.rx().blockingRecv()) != null; ) {
                got.add(v);
            }
            got.add("end");
        });
        try {
            waitUntil(() -> ch.rx().waitingCount() == 1); // it waits: nothing was sent yet
            ch.tx().send(1);
            waitUntil(() -> got.size() == 1 && ch.rx().waitingCount() == 1);
            ch.tx().send(2);
        } finally {
            ch.tx().close();
            receiver.join(10_000);
        }
        assertFalse(receiver.isAlive(), "the receiver did not see the end");
        assertEquals(List.of(1, 2, "end"), got);
    }

    @Test
    void blockingRecvReportsALagAndThenContinues() {
        var ch = Broadcast.<Integer>channel(1);
        ch.tx().send(1);
        ch.tx().send(2);
        assertEquals(1, assertThrows(Lagged.class, ch.rx()::blockingRecv).skipped());
        assertEquals(2, ch.rx().blockingRecv());
    }

    @Test
    void subscribeSeesOnlyValuesSentAfterIt() {
        var ch = Broadcast.<String>channel(4);
        ch.tx().send("before");
        var late = ch.tx().subscribe();
        ch.tx().send("after");
        assertEquals("after", late.tryRecv());
        assertNull(late.tryRecv());
        assertEquals("before", ch.rx().tryRecv());
        assertEquals("after", ch.rx().tryRecv());
    }

    @Test
    void resubscribeStartsAtTheTailNotAtThisReceiversPosition() {
        var ch = Broadcast.<String>channel(4);
        ch.tx().send("old");
        var again = ch.rx().resubscribe();
        assertEquals(0, again.len());
        assertNull(again.tryRecv());
        ch.tx().send("new");
        assertEquals("new", again.tryRecv());
        assertEquals("old", ch.rx().tryRecv(), "the original keeps its position");
        assertTrue(again.sameChannel(ch.rx()));
        assertFalse(again.sameChannel(Broadcast.<String>channel(1).rx()));
    }

    @Test
    void aFullRingOverwritesTheOldestAndTheReceiverIsToldExactlyHowManyItMissed() {
        var ch = Broadcast.<Integer>channel(2);
        for (int i = 0; i < 5; i++) {
            ch.tx().send(i); // never waits
        }
        assertEquals(5, ch.rx().len(), "len counts the values it will be told it missed");
        Lagged lag = assertThrows(Lagged.class, ch.rx()::tryRecv);
        assertEquals(3, lag.skipped());
        assertTrue(lag.getMessage().contains("3 values"), lag.getMessage());
        assertEquals(2, ch.rx().len());
        assertEquals(3, ch.rx().tryRecv(), "continues with the oldest value kept");
        assertEquals(4, ch.rx().tryRecv());
        assertNull(ch.rx().tryRecv());
    }

    @Test
    void recvFailsWithLaggedAndTheNextRecvContinues() {
        var ch = Broadcast.<Integer>channel(3);
        for (int i = 0; i < 4; i++) {
            ch.tx().send(i);
        }
        Lagged lag = assertThrows(Lagged.class, () -> ch.rx().recv().await());
        assertEquals(1, lag.skipped());
        assertTrue(lag.getMessage().contains("1 value was"), lag.getMessage());
        assertEquals(1, ch.rx().recv().await());
        assertEquals(2, ch.rx().recv().await());
        assertEquals(3, ch.rx().recv().await());
    }

    @Test
    void aReceiverThatLagsTwiceIsToldTwice() {
        var ch = Broadcast.<Integer>channel(1);
        ch.tx().send(0);
        ch.tx().send(1);
        assertEquals(1, assertThrows(Lagged.class, ch.rx()::tryRecv).skipped());
        ch.tx().send(2);
        ch.tx().send(3);
        ch.tx().send(4);
        // the receiver is at 1 (overwritten): 1, 2 and 3 were missed
        assertEquals(3, assertThrows(Lagged.class, ch.rx()::tryRecv).skipped());
        assertEquals(4, ch.rx().tryRecv());
    }

    // ---- len / isEmpty

    @Test
    void senderLenCountsValuesSomeReceiverStillHasToRead() {
        var ch = Broadcast.<String>channel(3);
        var b = ch.tx().subscribe();
        ch.tx().send("a");
        ch.tx().send("b");
        assertEquals(2, ch.tx().len());
        assertEquals("a", ch.rx().tryRecv());
        assertEquals(2, ch.tx().len(), "b has not read a yet");
        assertEquals("a", b.tryRecv());
        assertEquals(1, ch.tx().len());
        assertFalse(ch.tx().isEmpty());
        b.close(); // b no longer holds "b" back
        assertEquals(1, ch.tx().len(), "rx still has to read b");
        assertEquals("b", ch.rx().tryRecv());
        assertEquals(0, ch.tx().len());
        assertTrue(ch.tx().isEmpty());
        for (int i = 0; i < 10; i++) {
            ch.tx().send("x" + i);
        }
        assertEquals(3, ch.tx().len(), "never more than the capacity");
    }

    @Test
    void aClosedReceiverNoLongerHoldsValuesBack() {
        var ch = Broadcast.<String>channel(4);
        var slow = ch.tx().subscribe();
        ch.tx().send("a");
        ch.tx().send("b");
        assertEquals("a", ch.rx().tryRecv());
        assertEquals("b", ch.rx().tryRecv());
        assertEquals(2, ch.tx().len());
        slow.close();
        assertEquals(0, ch.tx().len());
        assertTrue(ch.tx().isEmpty());
    }

    @Test
    void receiverLenAndIsEmpty() {
        var ch = Broadcast.<String>channel(4);
        ch.tx().send("a");
        ch.tx().send("b");
        assertEquals(2, ch.rx().len());
        assertFalse(ch.rx().isEmpty());
        ch.rx().tryRecv();
        ch.rx().tryRecv();
        assertEquals(0, ch.rx().len());
        assertTrue(ch.rx().isEmpty());
    }

    // ---- close stories

    @Test
    void whenTheLastSenderIsClosedReceiversDrainThenGetNull() {
        var ch = Broadcast.<String>channel(4);
        var tx2 = ch.tx().clone();
        assertTrue(tx2.sameChannel(ch.tx()));
        ch.tx().send("a");
        tx2.send("b");
        ch.tx().close();
        assertFalse(ch.rx().isClosed(), "one sender is still open");
        tx2.send("c");
        tx2.close();
        assertTrue(ch.rx().isClosed());
        assertEquals("a", ch.rx().recv().await());
        assertEquals("b", ch.rx().tryRecv());
        assertEquals("c", ch.rx().recv().await());
        assertNull(ch.rx().recv().await());
        assertNull(ch.rx().tryRecv());
        assertNull(ch.rx().recv().await(), "stays closed");
    }

    @Test
    void aPendingRecvIsWokenByTheLastSenderClosingAndCompletesWithNull() {
        var ch = Broadcast.<String>channel(4);
        CountingWaker w = new CountingWaker();
        Future<String> recv = ch.rx().recv();
        assertTrue(recv.poll(w.context()).isPending());
        ch.tx().close();
        assertTrue(w.isWoken());
        Poll<String> p = recv.poll(w.context());
        assertTrue(p.isReady());
        assertNull(p.value());
        assertEquals(0, ch.rx().waitingCount());
    }

    @Test
    void closedCompletesWhenEveryReceiverIsGone() {
        var ch = Broadcast.<String>channel(4);
        var b = ch.tx().subscribe();
        CountingWaker w = new CountingWaker();
        Future<Void> closed = ch.tx().closed();
        assertTrue(closed.poll(w.context()).isPending());
        ch.rx().close();
        assertFalse(w.isWoken());
        assertTrue(closed.poll(w.context()).isPending());
        b.close();
        assertTrue(w.isWoken());
        assertTrue(closed.poll(w.context()).isReady());
        assertTrue(ch.tx().closed().poll(w.context()).isReady(), "at once when none is open");
        assertEquals(0, ch.tx().closedWaitingCount());
    }

    @Test
    void aDroppedClosedFutureLeavesNoRegistration() {
        var ch = Broadcast.<String>channel(4);
        Future<Void> closed = ch.tx().closed();
        assertTrue(closed.poll(new CountingWaker().context()).isPending());
        assertEquals(1, ch.tx().closedWaitingCount());
        closed.drop();
        assertEquals(0, ch.tx().closedWaitingCount());
    }

    @Test
    void subscribingAgainAfterEveryReceiverLeftReopensSending() {
        var ch = Broadcast.<String>channel(4);
        ch.rx().close();
        assertThrows(SendError.class, () -> ch.tx().send("x"));
        var rx = ch.tx().subscribe();
        assertEquals(1, ch.tx().send("y"));
        assertEquals("y", rx.tryRecv());
    }

    @Test
    void aClosedSenderRefusesUseAndCloseIsIdempotent() {
        var ch = Broadcast.<String>channel(4);
        var tx2 = ch.tx().clone();
        ch.tx().close();
        ch.tx().close();
        assertFalse(ch.rx().isClosed(), "a second close of one handle does not count twice");
        var e = assertThrows(IllegalStateException.class, () -> ch.tx().send("x"));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(IllegalStateException.class, ch.tx()::subscribe);
        assertThrows(IllegalStateException.class, ch.tx()::clone);
        tx2.close();
        assertTrue(ch.rx().isClosed());
    }

    @Test
    void aClosedReceiverRefusesUseAndCloseIsIdempotent() {
        var ch = Broadcast.<String>channel(4);
        var b = ch.tx().subscribe();
        ch.rx().close();
        ch.rx().close();
        assertEquals(1, ch.tx().receiverCount());
        assertThrows(IllegalStateException.class, ch.rx()::tryRecv);
        assertThrows(IllegalStateException.class, ch.rx()::resubscribe);
        Future<String> recv = ch.rx().recv();
        var e = assertThrows(IllegalStateException.class, () -> recv.poll(new CountingWaker().context()));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        b.close();
    }

    @Test
    void closingAReceiverWakesEveryRecvOfItThatWaitsAndLeavesNoRegistration() {
        var ch = Broadcast.<String>channel(4);
        var other = ch.tx().subscribe();
        CountingWaker wa = new CountingWaker();
        CountingWaker wb = new CountingWaker();
        CountingWaker wo = new CountingWaker();
        Future<String> a = ch.rx().recv();
        Future<String> b = ch.rx().recv();
        Future<String> o = other.recv();
        assertTrue(a.poll(wa.context()).isPending());
        assertTrue(b.poll(wb.context()).isPending());
        assertTrue(o.poll(wo.context()).isPending());
        ch.rx().close();
        assertEquals(1, wa.count());
        assertEquals(1, wb.count());
        assertEquals(0, wo.count(), "another receiver's recv keeps waiting");
        assertEquals(1, other.waitingCount(), "only the other receiver's registration is left");
        ch.tx().send("x");
        assertEquals("x", o.poll(wo.context()).value());
        assertEquals(0, other.waitingCount());
    }

    @Test
    void closingAReceiverWakesItsPendingRecvWhichThenFails() {
        var ch = Broadcast.<String>channel(4);
        CountingWaker w = new CountingWaker();
        Future<String> recv = ch.rx().recv();
        assertTrue(recv.poll(w.context()).isPending());
        ch.rx().close();
        assertTrue(w.isWoken());
        assertEquals(0, ch.rx().waitingCount());
        assertThrows(IllegalStateException.class, () -> recv.poll(w.context()));
        recv.drop();
    }

    // ---- poll level, waking, cancellation

    @Test
    void aSendWakesEveryWaitingReceiver() {
        var ch = Broadcast.<String>channel(4);
        List<Broadcast.Receiver<String>> rxs = new ArrayList<>(List.of(ch.rx()));
        for (int i = 0; i < 4; i++) {
            rxs.add(ch.tx().subscribe());
        }
        List<Future<String>> recvs = new ArrayList<>();
        List<CountingWaker> wakers = new ArrayList<>();
        for (var rx : rxs) {
            CountingWaker w = new CountingWaker();
            Future<String> f = rx.recv();
            assertTrue(f.poll(w.context()).isPending());
            recvs.add(f);
            wakers.add(w);
        }
        assertEquals(5, ch.rx().waitingCount());
        assertEquals(5, ch.tx().send("all"));
        assertEquals(0, ch.rx().waitingCount());
        for (int i = 0; i < recvs.size(); i++) {
            assertEquals(1, wakers.get(i).count());
            assertEquals("all", recvs.get(i).poll(wakers.get(i).context()).value());
        }
    }

    @Test
    void aRepolledPendingRecvKeepsOneRegistrationAndTheLatestWaker() {
        var ch = Broadcast.<String>channel(4);
        Future<String> recv = ch.rx().recv();
        CountingWaker first = new CountingWaker();
        CountingWaker second = new CountingWaker();
        assertTrue(recv.poll(first.context()).isPending());
        assertTrue(recv.poll(second.context()).isPending());
        assertEquals(1, ch.rx().waitingCount());
        ch.tx().send("v");
        assertEquals(0, first.count());
        assertEquals(1, second.count());
        assertEquals("v", recv.poll(second.context()).value());
    }

    @Test
    void aDroppedPendingRecvLeavesNoRegistrationAndLosesNothing() {
        var ch = Broadcast.<String>channel(4);
        Future<String> recv = ch.rx().recv();
        assertTrue(recv.poll(new CountingWaker().context()).isPending());
        assertEquals(1, ch.rx().waitingCount());
        recv.drop();
        assertEquals(0, ch.rx().waitingCount());
        ch.tx().send("kept");
        assertEquals("kept", ch.rx().tryRecv());
    }

    @Test
    void aRecvThatLostASelectLosesNothingAndLeavesNoRegistration() {
        var ch = Broadcast.<Integer>channel(8);
        int received = 0;
        for (int i = 0; i < 2_000; i++) {
            if (i % 100 == 0) {
                ch.tx().send(i);
            }
            // The ready branch always wins (biased), the recv loses and is dropped.
            String r = dev.weft.Select.selectBiased(
                    on(Future.ready("other"), v -> v),
                    on(ch.rx().recv(), v -> "value")).await();
            assertEquals("other", r);
            // A recv pending on an empty channel, losing: registered then dropped.
            Integer got = select(
                    on(ch.rx().recv(), v -> v),
                    on(Task.yieldNow(), v -> -1)).await();
            if (got != null && got >= 0) {
                assertEquals(received * 100, got);
                received++;
            }
            assertEquals(0, ch.rx().waitingCount());
        }
        for (Integer v; (v = ch.rx().tryRecv()) != null; ) {
            assertEquals(received * 100, v);
            received++;
        }
        assertEquals(20, received, "every value arrived once");
    }

    @Test
    void recvTakesOneUnitOfTheBudget() {
        var ch = Broadcast.<Integer>channel(Context.BUDGET * 2);
        for (int i = 0; i < Context.BUDGET * 2; i++) {
            ch.tx().send(i);
        }
        // A future task draining a full channel yields when its budget is spent.
        int[] polls = {0};
        Future<Integer> drain = Future.pollFn(cx -> {
            polls[0]++;
            for (;;) {
                Poll<Integer> p = ch.rx().recv().poll(cx);
                if (p.isPending()) {
                    return Poll.pending();
                }
                if (ch.rx().isEmpty()) {
                    return Poll.ready(0);
                }
            }
        });
        rt.spawn(drain).await();
        assertTrue(polls[0] >= 2, "the task yielded at least once: " + polls[0]);
    }

    // ---- tasks

    @Test
    void futureTasksAndThreadTasksReceiveEverything() {
        var ch = Broadcast.<Integer>channel(64);
        var forThread = ch.tx().subscribe();
        Broadcast.Receiver<Integer> forFuture = ch.rx();
        JoinHandle<Integer> futureTask = rt.spawn(new Future<Integer>() {
            int sum;
            Future<Integer> recv;

            @Override
            public Poll<Integer> poll(Context cx) {
                for (;;) {
                    if (recv == null) {
                        recv = forFuture.recv();
                    }
                    Poll<Integer> p = recv.poll(cx);
                    if (p.isPending()) {
                        return Poll.pending();
                    }
                    recv = null;
                    if (p.value() == null) {
                        return Poll.ready(sum);
                    }
                    sum += p.value();
                }
            }
        });
        JoinHandle<Integer> threadTask = rt.spawn(() -> {
            int sum = 0;
            for (Integer v; (v = forThread.recv().await()) != null; ) {
                sum += v;
            }
            return sum;
        });
        for (int i = 1; i <= 50; i++) {
            ch.tx().send(i);
        }
        ch.tx().close();
        assertEquals(1275, futureTask.await());
        assertEquals(1275, threadTask.await());
    }

    @Test
    void anAbortedFutureTaskParkedInRecvLeavesNoRegistration() {
        var ch = Broadcast.<String>channel(4);
        JoinHandle<String> h = rt.spawn(ch.rx().recv());
        waitUntil(() -> ch.rx().waitingCount() == 1);
        h.abort();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertTrue(e.isCancelled());
        waitUntil(() -> ch.rx().waitingCount() == 0);
        ch.tx().send("still there");
        assertEquals("still there", ch.rx().tryRecv());
    }

    @Test
    void anAbortedThreadTaskParkedInRecvLeavesNoRegistration() {
        var ch = Broadcast.<String>channel(4);
        JoinHandle<String> h = rt.spawn(() -> ch.rx().recv().await());
        waitUntil(() -> ch.rx().waitingCount() == 1);
        h.abort();
        JoinError e = assertThrows(JoinError.class, h::await);
        assertTrue(e.isCancelled());
        assertEquals(0, ch.rx().waitingCount());
        ch.tx().send("still there");
        assertEquals("still there", ch.rx().tryRecv());
    }

    @Test
    void aThreadTaskWaitingInClosedIsWokenWhenTheLastReceiverCloses() {
        var ch = Broadcast.<String>channel(4);
        JoinHandle<String> h = rt.spawn(() -> {
            ch.tx().closed().await();
            return "nobody listens";
        });
        waitUntil(() -> ch.tx().closedWaitingCount() == 1);
        ch.rx().close();
        assertEquals("nobody listens", h.await());
    }

    @Test
    void aLaggedRecvFailsTheTaskThatDoesNotCatchIt() {
        var ch = Broadcast.<Integer>channel(1);
        ch.tx().send(1);
        ch.tx().send(2);
        JoinHandle<Integer> h = rt.spawn(ch.rx().recv());
        JoinError e = assertThrows(JoinError.class, h::await);
        assertInstanceOf(Lagged.class, e.getCause());
        assertEquals(1, ((Lagged) e.getCause()).skipped());
    }

    @Test
    void toStringsSayWhatTheyAre() {
        var ch = Broadcast.<String>channel(4);
        assertTrue(ch.tx().toString().startsWith("Broadcast.Sender["));
        assertTrue(ch.rx().toString().startsWith("Broadcast.Receiver["));
        assertSame(ch.tx(), ch.tx());
    }
}
