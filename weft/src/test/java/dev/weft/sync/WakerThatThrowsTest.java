package dev.weft.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Waker;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A waker that throws breaks its contract, and the sync primitives log it and go on
 * (Wakers, ADR 0004): the operation that woke it, made by another task, completes
 * as if the wake had worked, with every value where it belongs. Each case here is one
 * where letting the exception through lost a value, delivered one twice, or left the
 * caller unable to tell whether its operation happened.
 */
@Timeout(60)
class WakerThatThrowsTest {
    /** The waker of another task, which throws when woken. */
    private static final Waker THROWING = () -> {
        throw new IllegalStateException("the waker of another task threw");
    };

    private static Context throwing() {
        return Context.of(THROWING);
    }

    private static Context counting() {
        return new CountingWaker().context();
    }

    @Test
    void aOneshotReceiveTakesTheValueThoughTheSendersClosedWaiterThrows() {
        var ch = Oneshot.<Integer>channel();
        assertTrue(ch.tx().closed().poll(throwing()).isPending());
        ch.tx().send(1);
        assertEquals(1, ch.rx().poll(counting()).value());
    }

    @Test
    void aDroppedOneshotReceiverHandsTheValueToTheHookThoughTheSendersClosedWaiterThrows() {
        List<Integer> hook = new CopyOnWriteArrayList<>();
        var ch = Oneshot.<Integer>channel(hook::add);
        assertTrue(ch.tx().closed().poll(throwing()).isPending());
        ch.tx().send(1);
        ch.rx().drop();
        assertEquals(List.of(1), hook);
    }

    @Test
    void aChannelSendHandedToAReceiveWhoseWakerThrowsCompletesAndIsNotAlsoGivenToTheHook() {
        List<String> hook = new CopyOnWriteArrayList<>();
        Channel<String> ch = Channel.create(1, hook::add);
        Future<String> recv = ch.recv();
        assertTrue(recv.poll(throwing()).isPending());
        Future<Void> send = ch.send("a");
        assertTrue(send.poll(counting()).isReady());
        send.drop();
        assertEquals("a", recv.poll(counting()).value());
        assertEquals(List.of(), hook);
    }

    @Test
    void aChannelReceiveKeepsItsValueThoughTheSenderItLetInHasAThrowingWaker() {
        Channel<String> ch = Channel.create(1);
        assertTrue(ch.trySend("a"));
        Future<Void> send = ch.send("b");
        assertTrue(send.poll(throwing()).isPending());
        List<String> seen = new ArrayList<>();
        for (String v; (v = ch.tryRecv()) != null; ) {
            seen.add(v);
        }
        assertEquals(List.of("a", "b"), seen);
        assertTrue(send.poll(counting()).isReady());
    }

    @Test
    void aChannelCancelAnswersTheBufferedValuesThoughAWaitingSendersWakerThrows() {
        Channel<String> ch = Channel.create(1);
        assertTrue(ch.trySend("a"));
        Future<Void> send = ch.send("b");
        assertTrue(send.poll(throwing()).isPending());
        assertEquals(List.of("a"), ch.cancel());
        assertEquals("b", assertThrows(SendError.class, () -> send.poll(counting())).value());
    }

    @Test
    void aWatchSendReplaceAnswersTheOldValueThoughAChangedWaitersWakerThrows() {
        var ch = Watch.channel("a");
        assertTrue(ch.rx().changed().poll(throwing()).isPending());
        assertEquals("a", ch.tx().sendReplace("b"));
        assertEquals("b", ch.tx().borrow());
    }

    @Test
    void anMpscReceiveKeepsItsValueThoughTheSenderGivenTheSlotHasAThrowingWaker() {
        Mpsc.Pair<String> ch = Mpsc.channel(1);
        assertTrue(ch.tx().trySend("a"));
        Future<Void> send = ch.tx().send("b");
        assertTrue(send.poll(throwing()).isPending());
        assertEquals("a", ch.rx().tryRecv());
        assertTrue(send.poll(counting()).isReady());
        assertEquals("b", ch.rx().tryRecv());
    }

    @Test
    void aBroadcastSendReachesEveryReceiverThoughOneReceiversWakerThrows() {
        var ch = Broadcast.<String>channel(4);
        Broadcast.Receiver<String> other = ch.tx().subscribe();
        assertTrue(ch.rx().recv().poll(throwing()).isPending());
        CountingWaker w = new CountingWaker();
        assertTrue(other.recv().poll(w.context()).isPending());
        assertEquals(2, ch.tx().send("v"));
        assertEquals(1, w.count(), "the other receiver was woken too");
        assertEquals("v", ch.rx().tryRecv());
        assertEquals("v", other.tryRecv());
    }

    @Test
    void aNotifyOneChoosingAWaiterWhoseWakerThrowsIsNotLost() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        assertTrue(f.poll(throwing()).isPending());
        n.notifyOne();
        assertTrue(f.poll(counting()).isReady());
        assertTrue(n.notified().poll(counting()).isPending(), "one notification, spent once");
    }
}
