package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.selectBiased;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.ManualFuture;
import dev.weft.Select;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Dropped sends and receives, polled by hand: nothing lost, nothing delivered twice. */
@Timeout(20)
class ChannelCancellationTest {
    private final CountingWaker waker = new CountingWaker();
    private final Context cx = waker.context();
    private final List<Integer> hooked = new ArrayList<>();

    // ---- dropped sends -----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void aDroppedWaitingSendLeavesTheQueueAndItsValueGoesToTheHook(int capacity) {
        Channel<Integer> ch = ChannelTest.make(capacity, hooked::add);
        for (int i = 0; i < capacity; i++) {
            ch.trySend(i);
        }
        Future<Void> s = ch.send(42);
        assertTrue(s.poll(cx).isPending());
        s.drop();
        assertEquals(0, ch.waitingSenders());
        assertEquals(List.of(42), hooked);
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, ch.tryRecv());
        }
        assertNull(ch.tryRecv());
        s.drop();
        assertEquals(List.of(42), hooked);        // a second drop does nothing
    }

    @Test
    void aDroppedWaitingSendWithoutAHookIsSimplyNotSent() {
        Channel<Integer> ch = Channel.rendezvous();
        Future<Void> s = ch.send(42);
        assertTrue(s.poll(cx).isPending());
        s.drop();
        assertEquals(0, ch.waitingSenders());
        assertNull(ch.tryRecv());
    }

    @Test
    void aSendDroppedBeforeItsFirstPollGivesItsValueToTheHook() {
        Channel<Integer> ch = Channel.create(1, hooked::add);
        ch.send(7).drop();
        assertEquals(List.of(7), hooked);
        assertEquals(0, ch.len());
    }

    @Test
    void aSendDroppedAfterAReceiverTookItsValueWasDeliveredAndIsNotHooked() {
        Channel<Integer> ch = Channel.rendezvous(hooked::add);
        Future<Void> s = ch.send(7);
        assertTrue(s.poll(cx).isPending());
        assertEquals(7, ch.tryRecv());
        s.drop();
        assertEquals(List.of(), hooked);
    }

    @Test
    void aSendDroppedAfterItMovedIntoTheBufferIsNotHookedAndStaysBuffered() {
        Channel<Integer> ch = Channel.create(1, hooked::add);
        ch.trySend(1);
        Future<Void> s = ch.send(2);
        assertTrue(s.poll(cx).isPending());
        assertEquals(1, ch.tryRecv());
        s.drop();
        assertEquals(List.of(), hooked);
        assertEquals(2, ch.tryRecv());
    }

    @Test
    void aSendFailedByCloseAndDroppedBeforeItsPollGivesItsValueToTheHook() {
        Channel<Integer> ch = Channel.rendezvous(hooked::add);
        Future<Void> s = ch.send(9);
        assertTrue(s.poll(cx).isPending());
        ch.close();
        s.drop();
        assertEquals(List.of(9), hooked);
    }

    @Test
    void aCompletedOrFailedSendDropsToNothing() {
        Channel<Integer> ch = Channel.create(1, hooked::add);
        Future<Void> s = ch.send(1);
        assertTrue(s.poll(cx).isReady());
        s.drop();
        ch.close();
        Future<Void> f = ch.send(2);
        assertThrows(SendError.class, () -> f.poll(cx));
        f.drop();
        assertEquals(List.of(), hooked);
        assertEquals(1, ch.tryRecv());
    }

    @Test
    void droppingTheMiddleWaitingSenderKeepsTheOthersInOrder() {
        Channel<Integer> ch = Channel.rendezvous();
        Future<Void> a = ch.send(1);
        Future<Void> b = ch.send(2);
        Future<Void> c = ch.send(3);
        a.poll(cx);
        b.poll(cx);
        c.poll(cx);
        b.drop();
        assertEquals(1, ch.tryRecv());
        assertEquals(3, ch.tryRecv());
        assertNull(ch.tryRecv());
    }

    // ---- dropped receives --------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, Channel.UNBOUNDED})
    void aDroppedWaitingReceiveLeavesTheQueueAndTheNextSendGoesElsewhere(int capacity) {
        Channel<Integer> ch = ChannelTest.make(capacity);
        Future<Integer> r = ch.recv();
        assertTrue(r.poll(cx).isPending());
        r.drop();
        assertEquals(0, ch.waitingReceivers());
        if (capacity == 0) {
            assertFalse(ch.trySend(1));            // nobody waits any more
        } else {
            assertTrue(ch.trySend(1));
            assertEquals(1, ch.len());
        }
        assertEquals(0, waker.count());
    }

    /** The poll-level give-back story: handed a value, dropped unpolled, the next receiver gets it. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, Channel.UNBOUNDED})
    void aReceiveHandedAValueAndDroppedUnpolledGivesItBack(int capacity) {
        Channel<Integer> ch = ChannelTest.make(capacity);
        Future<Integer> r = ch.recv();
        assertTrue(r.poll(cx).isPending());
        assertTrue(ch.trySend(5));                // handed straight to r
        assertEquals(1, waker.count());
        assertEquals(0, ch.len());
        r.drop();                                 // without polling it
        assertEquals(1, ch.len());
        assertEquals(5, ch.recv().poll(Context.of(dev.weft.Waker.noop())).value());
        assertNull(ch.tryRecv());
    }

    @Test
    void aGivenBackValueGoesToTheNextWaitingReceiverAndWakesOnlyIt() {
        Channel<Integer> ch = Channel.create(2);
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        CountingWaker w3 = new CountingWaker();
        Future<Integer> r1 = ch.recv();
        Future<Integer> r2 = ch.recv();
        Future<Integer> r3 = ch.recv();
        r1.poll(w1.context());
        r2.poll(w2.context());
        r3.poll(w3.context());
        ch.trySend(5);
        r1.drop();
        assertEquals(1, w2.count());
        assertEquals(0, w3.count());
        assertEquals(0, ch.len());
        assertEquals(5, r2.poll(w2.context()).value());
        assertTrue(r3.poll(w3.context()).isPending());
    }

    @Test
    void aValueGivenBackToAFullBufferGoesToTheFrontAndKeepsSendersOut() {
        Channel<Integer> ch = Channel.create(2);
        Future<Integer> r = ch.recv();
        r.poll(cx);
        ch.trySend(1);                            // handed to r
        ch.trySend(2);
        ch.trySend(3);                            // buffer full: [2, 3]
        Future<Void> s = ch.send(4);
        assertTrue(s.poll(cx).isPending());
        r.drop();                                 // 1 back to the front: [1, 2, 3]
        assertEquals(3, ch.len());
        assertFalse(ch.trySend(9));
        assertEquals(1, ch.tryRecv());            // still at capacity: the sender stays out
        assertEquals(1, ch.waitingSenders());
        assertEquals(2, ch.tryRecv());            // now below: the sender moves in
        assertEquals(0, ch.waitingSenders());
        assertTrue(s.poll(cx).isReady());
        assertEquals(3, ch.tryRecv());
        assertEquals(4, ch.tryRecv());
        assertNull(ch.tryRecv());
    }

    /**
     * Three values handed to three waiting receives, a fourth buffered (but on a
     * rendezvous), then the receives dropped in every order: the values come out in
     * the order they were sent, and len counts the given-back values as they return.
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, Channel.UNBOUNDED})
    void valuesGivenBackByReceivesDroppedInAnyOrderComeOutInTheOrderTheyWereSent(int capacity) {
        int[][] dropOrders = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
        for (int[] order : dropOrders) {
            String what = "drop order " + java.util.Arrays.toString(order);
            Channel<Integer> ch = ChannelTest.make(capacity);
            List<Future<Integer>> receives = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Future<Integer> r = ch.recv();
                assertTrue(r.poll(cx).isPending());
                receives.add(r);
            }
            for (int v = 1; v <= 3; v++) {
                assertTrue(ch.trySend(v), what);  // handed to the receive waiting longest
            }
            List<Integer> expected = new ArrayList<>(List.of(1, 2, 3));
            if (capacity > 0) {
                assertTrue(ch.trySend(4), what);  // buffered behind them
                expected.add(4);
            }
            int buffered = capacity > 0 ? 1 : 0;
            for (int k = 0; k < 3; k++) {
                receives.get(order[k]).drop();
                assertEquals(buffered + k + 1, ch.len(), what);
            }
            assertFalse(ch.isEmpty(), what);
            ch.close();
            assertFalse(ch.isClosedAndDrained(), what);
            List<Integer> got = new ArrayList<>();
            for (Integer v; (v = ch.tryRecv()) != null; ) {
                got.add(v);
            }
            assertEquals(expected, got, what);
            assertTrue(ch.isClosedAndDrained(), what);
            assertEquals(0, ch.len(), what);
        }
    }

    @Test
    void valuesGivenBackToAFullBufferKeepTheirOrderAndKeepSendersOutUntilBelowCapacity() {
        Channel<Integer> ch = Channel.create(1);
        Future<Integer> r1 = ch.recv();
        Future<Integer> r2 = ch.recv();
        r1.poll(cx);
        r2.poll(cx);
        ch.trySend(1);                            // handed to r1
        ch.trySend(2);                            // handed to r2
        ch.trySend(3);                            // buffer full: [3]
        Future<Void> s = ch.send(4);
        assertTrue(s.poll(cx).isPending());
        r1.drop();                                // [1, 3]
        r2.drop();                                // [1, 2, 3]: behind 1, which was sent first
        assertEquals(3, ch.len());
        assertFalse(ch.trySend(9));
        assertEquals(1, ch.tryRecv());
        assertEquals(2, ch.tryRecv());
        assertEquals(1, ch.waitingSenders(), "still at capacity: the sender stays out");
        assertEquals(3, ch.tryRecv());            // now below: the sender moves in
        assertTrue(s.poll(cx).isReady());
        assertEquals(4, ch.tryRecv());
        assertNull(ch.tryRecv());
    }

    @Test
    void aValueGivenBackToARendezvousIsReceivedBeforeTheWaitingSendersValue() {
        Channel<Integer> ch = Channel.rendezvous();
        Future<Integer> r = ch.recv();
        r.poll(cx);
        ch.trySend(1);
        Future<Void> s = ch.send(2);
        assertTrue(s.poll(cx).isPending());
        r.drop();
        assertEquals(1, ch.len());
        assertEquals(1, ch.tryRecv());
        assertEquals(1, ch.waitingSenders());
        assertEquals(2, ch.tryRecv());
        assertTrue(s.poll(cx).isReady());
    }

    @Test
    void aValueGivenBackAfterCloseStaysReadable() {
        Channel<Integer> ch = Channel.create(1);
        Future<Integer> r = ch.recv();
        r.poll(cx);
        ch.trySend(1);
        ch.close();
        r.drop();
        assertEquals(1, ch.tryRecv());
        assertNull(ch.recv().poll(cx).value());
    }

    @Test
    void aValueGivenBackAfterCancelGoesToTheHook() {
        Channel<Integer> ch = Channel.create(1, hooked::add);
        Future<Integer> r = ch.recv();
        r.poll(cx);
        ch.trySend(1);
        ch.cancel();
        r.drop();
        assertEquals(List.of(1), hooked);
        assertEquals(0, ch.len());
    }

    @Test
    void aValueGivenBackAfterCancelWithoutAHookStaysReadable() {
        Channel<Integer> ch = Channel.create(1);
        Future<Integer> r = ch.recv();
        r.poll(cx);
        ch.trySend(1);
        assertEquals(List.of(), ch.cancel());
        r.drop();
        assertEquals(List.of(1), ch.cancel());
    }

    @Test
    void aReceiveWokenByCloseTakesAValueGivenBackMeanwhile() {
        Channel<Integer> ch = Channel.create(1);
        Future<Integer> handed = ch.recv();
        handed.poll(cx);
        ch.trySend(1);                            // handed to the first receive
        Future<Integer> waiting = ch.recv();
        assertTrue(waiting.poll(cx).isPending());
        ch.close();                               // wakes `waiting` with no value
        handed.drop();                            // 1 goes to the buffer
        assertEquals(1, waiting.poll(cx).value());
    }

    @Test
    void aReceiveDroppedBeforeItsFirstPollOrAfterItCompletedDoesNothing() {
        Channel<Integer> ch = Channel.create(2);
        ch.recv().drop();
        ch.trySend(1);
        Future<Integer> r = ch.recv();
        assertEquals(1, r.poll(cx).value());
        r.drop();
        assertEquals(0, ch.len());
    }

    // ---- select ------------------------------------------------------------------------

    @Test
    void aReceiveBranchThatLosesASelectAfterBeingHandedAValueGivesItBack() {
        Channel<Integer> ch = Channel.create(1);
        ManualFuture<String> other = new ManualFuture<>();
        Select<String> s = selectBiased(on(other), on(ch.recv(), v -> "recv " + v));
        assertTrue(s.poll(cx).isPending());
        assertEquals(1, ch.waitingReceivers());
        assertTrue(ch.trySend(8));                // handed to the recv branch
        other.complete("other");
        assertEquals("other", s.poll(cx).value()); // polled first: it wins, the recv is dropped
        assertEquals(8, ch.tryRecv());
    }

    @Test
    void twoReceiveBranchesThatLoseASelectGiveTheirValuesBackInTheOrderTheyWereSent() {
        Channel<Integer> ch = Channel.create(4);
        ManualFuture<String> other = new ManualFuture<>();
        Select<String> s = selectBiased(on(other), on(ch.recv(), v -> "first " + v),
                on(ch.recv(), v -> "second " + v));
        assertTrue(s.poll(cx).isPending());
        assertEquals(2, ch.waitingReceivers());
        assertTrue(ch.trySend(1));                // handed to the first recv branch
        assertTrue(ch.trySend(2));                // handed to the second
        assertTrue(ch.trySend(3));                // buffered
        other.complete("other");
        assertEquals("other", s.poll(cx).value()); // both recv branches lose and are dropped
        assertEquals(1, ch.tryRecv());
        assertEquals(2, ch.tryRecv());
        assertEquals(3, ch.tryRecv());
        assertNull(ch.tryRecv());
    }

    @Test
    void aReceiveBranchThatWinsTakesTheValue() {
        Channel<Integer> ch = Channel.rendezvous();
        Select<String> s = Select.select(on(Future.never()), on(ch.recv(), v -> "recv " + v));
        assertTrue(s.poll(cx).isPending());
        Future<Void> send = ch.send(3);
        assertTrue(send.poll(Context.of(dev.weft.Waker.noop())).isReady());
        assertEquals("recv 3", s.poll(cx).value());
        assertEquals(0, ch.len());
    }

    @Test
    void aSendBranchThatLosesASelectIsNotSentAndGoesToTheHook() {
        Channel<Integer> ch = Channel.create(1, hooked::add);
        ch.trySend(0);
        ManualFuture<String> other = new ManualFuture<>();
        Select<String> s = selectBiased(on(other), on(ch.send(1), v -> "sent"));
        assertTrue(s.poll(cx).isPending());
        assertEquals(1, ch.waitingSenders());
        other.complete("other");
        assertEquals("other", s.poll(cx).value());
        assertEquals(0, ch.waitingSenders());
        assertEquals(List.of(1), hooked);
        assertEquals(0, ch.tryRecv());
        assertNull(ch.tryRecv());
    }

    @Test
    void aSendBranchThatWinsIsSent() {
        Channel<Integer> ch = Channel.rendezvous(hooked::add);
        Select<String> s = Select.select(on(Future.never()), on(ch.send(1), v -> "sent"));
        assertTrue(s.poll(cx).isPending());
        assertEquals(1, ch.tryRecv());
        assertEquals("sent", s.poll(cx).value());
        assertEquals(List.of(), hooked);
    }

    @Test
    void aBorrowedSendKeepsItsPlaceAcrossSelects() {
        Channel<Integer> ch = Channel.rendezvous(hooked::add);
        Future<Void> send = ch.send(1);
        Future<Void> other = Future.ready(null);
        assertEquals("other", selectBiased(on(other, v -> "other"), on(Future.borrow(send), v -> "sent")).poll(cx).value());
        Select<String> second = selectBiased(on(Future.borrow(send), v -> "sent"), on(Future.never(), v -> "never"));
        assertTrue(second.poll(cx).isPending());
        assertEquals(1, ch.waitingSenders());
        assertEquals(1, ch.tryRecv());
        assertEquals("sent", second.poll(cx).value());
        assertEquals(List.of(), hooked);
    }
}
