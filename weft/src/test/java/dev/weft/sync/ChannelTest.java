package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Per-method tests, polled by hand with counting wakers. Threads and tasks: ChannelTaskTest. */
@Timeout(20)
class ChannelTest {
    private final CountingWaker waker = new CountingWaker();
    private final Context cx = waker.context();

    static Channel<Integer> make(int capacity) {
        return capacity == Channel.UNBOUNDED ? Channel.unbounded() : Channel.create(capacity);
    }

    static Channel<Integer> make(int capacity, Consumer<Integer> hook) {
        return capacity == Channel.UNBOUNDED ? Channel.unbounded(hook) : Channel.create(capacity, hook);
    }

    // ---- factories -------------------------------------------------------------------

    @Test
    void factoriesReportTheirCapacity() {
        assertEquals(5, Channel.create(5).capacity());
        assertEquals(0, Channel.create(0).capacity());
        assertEquals(0, Channel.rendezvous().capacity());
        assertEquals(0, Channel.rendezvous(v -> { }).capacity());
        assertEquals(Channel.UNBOUNDED, Channel.unbounded().capacity());
        assertEquals(Channel.UNBOUNDED, Channel.unbounded(v -> { }).capacity());
        assertEquals(3, Channel.create(3, v -> { }).capacity());
    }

    @Test
    void aNegativeCapacityIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Channel.create(-1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Channel.create(-1, v -> { }));
    }

    @Test
    void aNullHookIsRefused() {
        assertEquals("undelivered", assertThrows(NullPointerException.class, () -> Channel.create(1, null)).getMessage());
        assertThrows(NullPointerException.class, () -> Channel.rendezvous(null));
        assertThrows(NullPointerException.class, () -> Channel.unbounded(null));
    }

    @Test
    void nullValuesAreRefused() {
        Channel<Integer> ch = Channel.create(1);
        assertEquals("value", assertThrows(NullPointerException.class, () -> ch.send(null)).getMessage());
        assertEquals("value", assertThrows(NullPointerException.class, () -> ch.trySend(null)).getMessage());
    }

    // ---- trySend / tryRecv ------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 7})
    void trySendFillsTheBufferThenAnswersFalse(int capacity) {
        Channel<Integer> ch = make(capacity);
        for (int i = 0; i < capacity; i++) {
            assertTrue(ch.trySend(i));
        }
        assertEquals(capacity, ch.len());
        assertFalse(ch.trySend(99));
        assertEquals(capacity, ch.len());
    }

    @Test
    void anUnboundedChannelNeverRefuses() {
        Channel<Integer> ch = Channel.unbounded();
        for (int i = 0; i < 10_000; i++) {
            assertTrue(ch.trySend(i));
        }
        assertEquals(10_000, ch.len());
        assertTrue(ch.send(1).poll(cx).isReady());
    }

    @Test
    void trySendOnARendezvousNeedsAWaitingReceiver() {
        Channel<Integer> ch = Channel.rendezvous();
        assertFalse(ch.trySend(1));
        Future<Integer> r = ch.recv();
        assertTrue(r.poll(cx).isPending());
        assertTrue(ch.trySend(2));
        assertEquals(1, waker.count());
        assertEquals(2, r.poll(cx).value());
        assertEquals(0, ch.len());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, Channel.UNBOUNDED})
    void valuesComeOutInOrder(int capacity) {
        Channel<Integer> ch = make(capacity);
        int n = Math.min(capacity, 3);
        for (int i = 0; i < n; i++) {
            assertTrue(ch.trySend(i));
        }
        for (int i = 0; i < n; i++) {
            assertEquals(i, ch.tryRecv());
        }
        assertNull(ch.tryRecv());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, Channel.UNBOUNDED})
    void tryRecvOnAnEmptyChannelAnswersNull(int capacity) {
        assertNull(make(capacity).tryRecv());
    }

    @Test
    void tryRecvTakesFromAWaitingRendezvousSender() {
        Channel<Integer> ch = Channel.rendezvous();
        Future<Void> s = ch.send(5);
        assertTrue(s.poll(cx).isPending());
        assertEquals(1, ch.waitingSenders());
        assertEquals(5, ch.tryRecv());
        assertEquals(1, waker.count());
        assertTrue(s.poll(cx).isReady());
    }

    @Test
    void trySendDoesNotOvertakeAWaitingSender() {
        Channel<Integer> ch = Channel.create(1);
        assertTrue(ch.trySend(1));
        Future<Void> s = ch.send(2);
        assertTrue(s.poll(cx).isPending());
        assertEquals(1, ch.tryRecv());          // frees the slot: the waiting sender moves in
        assertFalse(ch.trySend(3));
        assertEquals(2, ch.tryRecv());
        assertTrue(s.poll(cx).isReady());
    }

    // ---- send ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void sendIsReadyWhileThereIsRoomAndPendingWhenFull(int capacity) {
        Channel<Integer> ch = make(capacity);
        for (int i = 0; i < capacity; i++) {
            assertTrue(ch.send(i).poll(cx).isReady());
        }
        Future<Void> s = ch.send(capacity);
        assertTrue(s.poll(cx).isPending());
        assertEquals(1, ch.waitingSenders());
        assertEquals(0, waker.count());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void aReceiveLetsTheOldestWaitingSenderIntoTheFreedSlotAndWakesOnlyIt(int capacity) {
        Channel<Integer> ch = make(capacity);
        for (int i = 0; i < capacity; i++) {
            assertTrue(ch.trySend(i));
        }
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        Future<Void> s1 = ch.send(100);
        Future<Void> s2 = ch.send(200);
        assertTrue(s1.poll(w1.context()).isPending());
        assertTrue(s2.poll(w2.context()).isPending());
        assertEquals(0, ch.tryRecv());
        assertEquals(1, w1.count());
        assertEquals(0, w2.count());
        assertTrue(s1.poll(w1.context()).isReady());
        assertTrue(s2.poll(w2.context()).isPending());
        assertEquals(capacity, ch.len());
        List<Integer> rest = new ArrayList<>();
        for (Integer v; (v = ch.tryRecv()) != null; ) {
            rest.add(v);
        }
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i < capacity; i++) {
            expected.add(i);
        }
        expected.add(100);
        expected.add(200);
        assertEquals(expected, rest);
        assertTrue(s2.poll(w2.context()).isReady());
    }

    @Test
    void aRendezvousSendWaitsUntilAReceiverTakesTheValue() {
        Channel<String> ch = Channel.rendezvous();
        Future<Void> s = ch.send("x");
        assertTrue(s.poll(cx).isPending());
        assertTrue(s.poll(cx).isPending());
        assertEquals(0, ch.len());
        CountingWaker rw = new CountingWaker();
        Future<String> r = ch.recv();
        assertEquals("x", r.poll(rw.context()).value());
        assertEquals(1, waker.count());
        assertTrue(s.poll(cx).isReady());
    }

    @Test
    void aWaitingSendKeepsTheLatestWaker() {
        Channel<Integer> ch = Channel.rendezvous();
        Future<Void> s = ch.send(1);
        assertTrue(s.poll(cx).isPending());
        CountingWaker other = new CountingWaker();
        assertTrue(s.poll(other.context()).isPending());
        ch.tryRecv();
        assertEquals(0, waker.count());
        assertEquals(1, other.count());
    }

    @Test
    void waitingSendersAreServedOldestFirst() {
        Channel<Integer> ch = Channel.rendezvous();
        List<Future<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Future<Void> s = ch.send(i);
            assertTrue(s.poll(cx).isPending());
            sends.add(s);
        }
        for (int i = 0; i < 5; i++) {
            assertEquals(i, ch.recv().poll(cx).value());
            assertTrue(sends.get(i).poll(cx).isReady());
        }
    }

    @Test
    void aSendFuturePolledAfterItCompletedIsRefused() {
        Channel<Integer> ch = Channel.create(2);
        Future<Void> s = ch.send(1);
        assertTrue(s.poll(cx).isReady());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.poll(cx));
        assertTrue(e.getMessage().contains("send(value)"), e.getMessage());
    }

    // ---- recv ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, Channel.UNBOUNDED})
    void recvWaitsAndASendHandsTheValueStraightToIt(int capacity) {
        Channel<Integer> ch = make(capacity);
        Future<Integer> r = ch.recv();
        assertTrue(r.poll(cx).isPending());
        assertEquals(1, ch.waitingReceivers());
        assertTrue(ch.send(7).poll(Context.of(dev.weft.Waker.noop())).isReady());
        assertEquals(1, waker.count());
        assertEquals(0, ch.len());           // handed over, not buffered
        assertEquals(7, r.poll(cx).value());
    }

    @Test
    void aSendWakesOnlyTheOldestWaitingReceiver() {
        Channel<Integer> ch = Channel.create(4);
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        Future<Integer> r1 = ch.recv();
        Future<Integer> r2 = ch.recv();
        assertTrue(r1.poll(w1.context()).isPending());
        assertTrue(r2.poll(w2.context()).isPending());
        assertTrue(ch.trySend(1));
        assertEquals(1, w1.count());
        assertEquals(0, w2.count());
        assertEquals(1, r1.poll(w1.context()).value());
        assertTrue(r2.poll(w2.context()).isPending());
        assertTrue(ch.trySend(2));
        assertEquals(1, w2.count());
        assertEquals(2, r2.poll(w2.context()).value());
    }

    @Test
    void aSpuriousPollOfAWaitingReceiveStaysPendingAndKeepsTheLatestWaker() {
        Channel<Integer> ch = Channel.create(1);
        Future<Integer> r = ch.recv();
        assertTrue(r.poll(cx).isPending());
        CountingWaker other = new CountingWaker();
        assertTrue(r.poll(other.context()).isPending());
        assertEquals(1, ch.waitingReceivers());
        ch.trySend(3);
        assertEquals(0, waker.count());
        assertEquals(1, other.count());
        assertEquals(3, r.poll(other.context()).value());
    }

    @Test
    void aReceiveFuturePolledAfterItCompletedIsRefused() {
        Channel<Integer> ch = Channel.create(2);
        ch.trySend(1);
        Future<Integer> r = ch.recv();
        assertEquals(1, r.poll(cx).value());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> r.poll(cx));
        assertTrue(e.getMessage().contains("recv()"), e.getMessage());
    }

    @Test
    void futuresAreLazy() {
        Channel<Integer> ch = Channel.create(1);
        ch.send(1);
        assertEquals(0, ch.len());
        ch.trySend(2);
        ch.recv();
        assertEquals(1, ch.len());
    }

    // ---- close ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4, Channel.UNBOUNDED})
    void sendsAfterCloseFailWithTheValue(int capacity) {
        Channel<Integer> ch = make(capacity);
        assertTrue(ch.close());
        assertTrue(ch.isClosed());
        SendError e = assertThrows(SendError.class, () -> ch.trySend(1));
        assertEquals(1, e.value());
        Future<Void> s = ch.send(2);
        SendError e2 = assertThrows(SendError.class, () -> s.poll(cx));
        assertEquals(2, e2.value());
        assertTrue(e2.getMessage().contains("closed"), e2.getMessage());
    }

    @Test
    void closeIsIdempotent() {
        Channel<Integer> ch = Channel.create(1);
        assertFalse(ch.isClosed());
        assertTrue(ch.close());
        assertFalse(ch.close());
        assertTrue(ch.isClosed());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3})
    void closeFailsTheWaitingSendersWithTheirValues(int capacity) {
        Channel<Integer> ch = make(capacity);
        for (int i = 0; i < capacity; i++) {
            ch.trySend(i);
        }
        Future<Void> s = ch.send(42);
        assertTrue(s.poll(cx).isPending());
        ch.close();
        assertEquals(1, waker.count());
        assertEquals(0, ch.waitingSenders());
        assertEquals(42, assertThrows(SendError.class, () -> s.poll(cx)).value());
        for (int i = 0; i < capacity; i++) {
            assertEquals(i, ch.tryRecv());
        }
        assertNull(ch.tryRecv());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, Channel.UNBOUNDED})
    void closeWakesEveryWaitingReceiverWithNull(int capacity) {
        Channel<Integer> ch = make(capacity);
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        Future<Integer> r1 = ch.recv();
        Future<Integer> r2 = ch.recv();
        assertTrue(r1.poll(w1.context()).isPending());
        assertTrue(r2.poll(w2.context()).isPending());
        ch.close();
        assertEquals(1, w1.count());
        assertEquals(1, w2.count());
        assertEquals(0, ch.waitingReceivers());
        assertTrue(r1.poll(w1.context()).isReady());
        assertNull(r2.poll(w2.context()).value());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, Channel.UNBOUNDED})
    void receiversDrainWhatWasBufferedBeforeCloseThenGetNull(int capacity) {
        Channel<Integer> ch = make(capacity);
        ch.trySend(1);
        ch.close();
        assertEquals(1, ch.len());
        assertEquals(1, ch.recv().poll(cx).value());
        assertNull(ch.recv().poll(cx).value());
        assertNull(ch.tryRecv());
    }

    // ---- cancel -------------------------------------------------------------------------

    @Test
    void cancelWithoutAHookAnswersTheBufferedValuesAndCloses() {
        Channel<Integer> ch = Channel.create(3);
        ch.trySend(1);
        ch.trySend(2);
        assertEquals(List.of(1, 2), ch.cancel());
        assertTrue(ch.isClosed());
        assertEquals(0, ch.len());
        assertNull(ch.recv().poll(cx).value());
        assertEquals(List.of(), ch.cancel());
    }

    @Test
    void cancelWithAHookGivesItTheBufferedValues() {
        List<Integer> hooked = new ArrayList<>();
        Channel<Integer> ch = Channel.create(3, hooked::add);
        ch.trySend(1);
        ch.trySend(2);
        assertEquals(List.of(), ch.cancel());
        assertEquals(List.of(1, 2), hooked);
        assertThrows(SendError.class, () -> ch.trySend(3));
        assertEquals(List.of(1, 2), hooked);      // a SendError hands the value back: no hook
    }

    @Test
    void cancelFailsWaitingSendersAndWakesWaitingReceivers() {
        Channel<Integer> full = Channel.create(1);
        full.trySend(0);
        Future<Void> s = full.send(1);
        assertTrue(s.poll(cx).isPending());
        assertEquals(List.of(0), full.cancel());
        assertEquals(1, assertThrows(SendError.class, () -> s.poll(cx)).value());

        Channel<Integer> empty = Channel.create(1);
        CountingWaker rw = new CountingWaker();
        Future<Integer> r = empty.recv();
        assertTrue(r.poll(rw.context()).isPending());
        empty.cancel();
        assertEquals(1, rw.count());
        assertNull(r.poll(rw.context()).value());
    }

    @Test
    void aHookThatThrowsReachesTheCallerAfterTheChannelWasEmptied() {
        Channel<Integer> ch = Channel.create(2, v -> {
            throw new IllegalStateException("hook " + v);
        });
        ch.trySend(1);
        ch.trySend(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, ch::cancel);
        assertEquals("hook 1", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertEquals(0, ch.len());
        assertTrue(ch.isClosed());
    }

    @Test
    void aHookThatThrowsAnErrorStillGetsEveryValue() {
        List<Integer> hooked = new ArrayList<>();
        Channel<Integer> ch = Channel.create(3, v -> {
            hooked.add(v);
            if (v == 1) {
                throw new AssertionError("hook " + v);
            }
        });
        ch.trySend(1);
        ch.trySend(2);
        ch.trySend(3);
        AssertionError e = assertThrows(AssertionError.class, ch::cancel);
        assertEquals("hook 1", e.getMessage());
        assertEquals(List.of(1, 2, 3), hooked);
    }

    // ---- closed and drained, with a value out in a receive ------------------------------

    /** A receive waiting on an empty channel, handed {@code value} by a send, not yet polled again. */
    private Future<Integer> handedReceive(Channel<Integer> ch, int value) {
        Future<Integer> r = ch.recv();
        assertTrue(r.poll(new CountingWaker().context()).isPending());
        assertTrue(ch.trySend(value));
        return r;
    }

    @Test
    void afterCloseAReceiveWaitsForAValueThatAHandedReceiveMayGiveBack() {
        Channel<Integer> ch = Channel.create(4);
        Future<Integer> loser = handedReceive(ch, 7); // a select's receive branch, say
        ch.close();
        assertFalse(ch.isClosedAndDrained());
        CountingWaker w = new CountingWaker();
        Future<Integer> other = ch.recv();
        assertTrue(other.poll(w.context()).isPending(), "7 may still come back: not drained");
        loser.drop();                                 // the select's other branch won
        assertEquals(1, w.count());
        assertEquals(7, other.poll(w.context()).value());
        assertTrue(ch.isClosedAndDrained());
        assertNull(ch.recv().poll(cx).value());
    }

    @Test
    void afterCloseTheReceiveThatReturnsTheLastHandedValueEndsTheOthersWait() {
        Channel<Integer> ch = Channel.create(4);
        Future<Integer> handed = handedReceive(ch, 7);
        ch.close();
        CountingWaker w = new CountingWaker();
        Future<Integer> other = ch.recv();
        assertTrue(other.poll(w.context()).isPending());
        assertEquals(7, handed.poll(cx).value());
        assertEquals(1, w.count(), "the end of the drain wakes the waiting receive");
        assertNull(other.poll(w.context()).value());
        assertTrue(ch.isClosedAndDrained());
    }

    @Test
    void afterCancelAGivenBackValueGoesToTheHookAndEndsTheOthersWait() {
        List<Integer> hooked = new ArrayList<>();
        Channel<Integer> ch = Channel.create(4, hooked::add);
        Future<Integer> loser = handedReceive(ch, 7);
        ch.cancel();
        CountingWaker w = new CountingWaker();
        Future<Integer> other = ch.recv();
        assertTrue(other.poll(w.context()).isPending());
        loser.drop();
        assertEquals(List.of(7), hooked);
        assertEquals(1, w.count());
        assertNull(other.poll(w.context()).value());
    }

    @Test
    void tryRecvAndIsClosedAndDrainedTellEmptyFromTheEnd() {
        Channel<Integer> ch = Channel.create(2);
        assertNull(ch.tryRecv());
        assertFalse(ch.isClosedAndDrained(), "open: empty for now");
        ch.trySend(1);
        ch.close();
        assertTrue(ch.isClosed());
        assertFalse(ch.isClosedAndDrained(), "closed, one value left");
        assertEquals(1, ch.tryRecv());
        assertNull(ch.tryRecv());
        assertTrue(ch.isClosedAndDrained());
    }

    // ---- queries ------------------------------------------------------------------------

    @Test
    void lenAndIsEmptyFollowTheBuffer() {
        Channel<Integer> ch = Channel.create(2);
        assertTrue(ch.isEmpty());
        assertEquals(0, ch.len());
        ch.trySend(1);
        assertFalse(ch.isEmpty());
        assertEquals(1, ch.len());
        ch.tryRecv();
        assertTrue(ch.isEmpty());
    }

    @Test
    void lenDoesNotCountWaitingSenders() {
        Channel<Integer> ch = Channel.rendezvous();
        assertTrue(ch.send(1).poll(cx).isPending());
        assertEquals(0, ch.len());
        assertTrue(ch.isEmpty());
    }

    @Test
    void toStringShowsLenCapacityAndState() {
        Channel<Integer> ch = Channel.create(2);
        ch.trySend(1);
        assertEquals("Channel[len=1, capacity=2]", ch.toString());
        ch.close();
        assertEquals("Channel[len=1, capacity=2, closed]", ch.toString());
        ch.cancel();
        assertEquals("Channel[len=0, capacity=2, cancelled]", ch.toString());
        assertEquals("Channel[len=0, capacity=unbounded]", Channel.unbounded().toString());
    }

    @Test
    void aPollThatFindsTheBudgetSpentDoesNothing() {
        Channel<Integer> ch = Channel.create(1);
        ch.trySend(1);
        // A context whose budget is spent: proceed() answers false and wakes.
        Context spent = spentBudget(waker);
        Future<Integer> r = ch.recv();
        assertSame(Poll.pending(), r.poll(spent));
        assertEquals(1, waker.count());
        assertEquals(1, ch.len());
        assertEquals(1, r.poll(cx).value());
        Future<Void> s = ch.send(2);
        assertSame(Poll.pending(), s.poll(spent));
        assertEquals(0, ch.len());
        assertTrue(s.poll(cx).isReady());
    }

    /** A context whose cooperative budget is used up. */
    static Context spentBudget(dev.weft.Waker w) {
        dev.weft.internal.ContextAccess access = dev.weft.internal.ContextAccess.get();
        Context c = access.budgeted(w);
        while (!access.exhausted(c)) {
            access.consume(c);
        }
        return c;
    }
}
