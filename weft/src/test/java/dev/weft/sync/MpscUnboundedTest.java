package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.selectBiased;
import static dev.weft.sync.MpscTest.poll;
import static dev.weft.sync.MpscTest.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MpscUnboundedTest {

    @Test
    void sendNeverWaitsAndValuesArriveInOrder() {
        var ch = Mpsc.<Integer>unboundedChannel();
        for (int i = 0; i < 10_000; i++) {
            ch.tx().send(i);
        }
        assertEquals(10_000, ch.rx().len());
        for (int i = 0; i < 10_000; i++) {
            assertEquals(i, ready(ch.rx().recv()));
        }
        assertTrue(ch.rx().isEmpty());
    }

    @Test
    void nullIsRefused() {
        var ch = Mpsc.<String>unboundedChannel();
        assertThrows(NullPointerException.class, () -> ch.tx().send(null));
    }

    @Test
    void sendOnAClosedChannelThrowsWithTheValue() {
        var ch = Mpsc.<String>unboundedChannel();
        ch.rx().close();
        SendError e = assertThrows(SendError.class, () -> ch.tx().send("v"));
        assertEquals("v", e.value());
        assertTrue(ch.tx().isClosed());
    }

    @Test
    void aPendingReceiveIsWokenBySend() {
        var ch = Mpsc.<String>unboundedChannel();
        CountingWaker w = new CountingWaker();
        Future<String> recv = ch.rx().recv();
        assertTrue(poll(recv, w).isPending());
        ch.tx().send("x");
        assertEquals(1, w.count());
        assertEquals("x", poll(recv, w).value());
    }

    @Test
    void whenTheLastSenderClosesTheReceiverDrainsThenSeesNull() {
        var ch = Mpsc.<String>unboundedChannel();
        Mpsc.UnboundedSender<String> second = ch.tx().clone();
        assertTrue(ch.tx().sameChannel(second));
        assertFalse(ch.tx().sameChannel(Mpsc.<String>unboundedChannel().tx()));
        second.send("a");
        second.close();
        assertFalse(ch.rx().isClosed());
        ch.tx().close();
        assertTrue(ch.rx().isClosed());
        assertEquals("a", ready(ch.rx().recv()));
        assertNull(ready(ch.rx().recv()));
        assertThrows(IllegalStateException.class, () -> second.send("b"));
        assertThrows(IllegalStateException.class, second::clone);
    }

    @Test
    void closedCompletesWhenTheReceiverCloses() {
        var ch = Mpsc.<String>unboundedChannel();
        CountingWaker w = new CountingWaker();
        Future<Void> closed = ch.tx().closed();
        assertTrue(poll(closed, w).isPending());
        ch.rx().close();
        assertEquals(1, w.count());
        assertTrue(poll(closed, w).isReady());
    }

    @Test
    void closingTheReceiverKeepsValuesReadableWithoutAHookAndHandsThemOverWithOne() {
        var plain = Mpsc.<String>unboundedChannel();
        plain.tx().send("a");
        plain.rx().close();
        assertEquals("a", plain.rx().tryRecv());
        assertNull(plain.rx().tryRecv());
        assertNull(ready(plain.rx().recv()));

        List<String> undelivered = new ArrayList<>();
        var hooked = Mpsc.<String>unboundedChannel(undelivered::add);
        hooked.tx().send("a");
        hooked.tx().send("b");
        hooked.rx().close();
        assertEquals(List.of("a", "b"), undelivered);
        assertNull(ready(hooked.rx().recv()));
    }

    @Test
    void aReceivePendingWhenTheReceiverClosesOrDrainsIsWokenAndAnswersNull() {
        for (boolean hook : new boolean[] {false, true}) {
            for (boolean drain : new boolean[] {false, true}) {
                String what = (drain ? "drain" : "close") + (hook ? " with a hook" : "");
                var ch = hook ? Mpsc.<String>unboundedChannel(v -> { }) : Mpsc.<String>unboundedChannel();
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
            }
        }
    }

    @Test
    void aReceiveJoinedWithTheCloseOfAReceiverWithAHookIsWokenAndAnswersNull() {
        var ch = Mpsc.<String>unboundedChannel(v -> { });
        MpscTest.assertAReceiveJoinedWithTheCloseAnswersNull(ch.rx().recv(), ch.rx()::close);
        assertTrue(ch.rx().isClosedAndDrained());
    }

    @Test
    void aReceiveJoinedWithTheCloseOfAReceiverWithoutAHookIsWokenAndAnswersNull() {
        var ch = Mpsc.<String>unboundedChannel();
        MpscTest.assertAReceiveJoinedWithTheCloseAnswersNull(ch.rx().recv(), ch.rx()::close);
        assertTrue(ch.rx().isClosedAndDrained());
    }

    @Test
    void drainAndRecvMany() {
        var ch = Mpsc.<Integer>unboundedChannel();
        for (int i = 0; i < 5; i++) {
            ch.tx().send(i);
        }
        List<Integer> into = new ArrayList<>();
        assertEquals(2, ready(ch.rx().recvMany(into, 2)));
        assertEquals(List.of(0, 1), into);
        assertThrows(IllegalArgumentException.class, () -> ch.rx().recvMany(into, 0));
        assertEquals(List.of(2, 3, 4), ch.rx().drain());
        assertTrue(ch.rx().isClosed());
        assertEquals(0, ready(ch.rx().recvMany(into, 2)));
    }

    @Test
    void aWeakSenderDoesNotKeepTheChannelOpen() {
        var ch = Mpsc.<String>unboundedChannel();
        Mpsc.WeakUnboundedSender<String> weak = ch.tx().downgrade();
        Mpsc.UnboundedSender<String> up = weak.upgrade();
        assertNotNull(up);
        assertEquals(2, weak.strongCount());
        up.close();
        ch.tx().close();
        assertEquals(0, weak.strongCount());
        assertNull(weak.upgrade());
        assertNull(ready(ch.rx().recv()));
    }

    @Test
    void aReceiveThatLosesASelectLosesNoValue() {
        var ch = Mpsc.<String>unboundedChannel();
        ch.tx().send("kept");
        assertEquals("other", ready(selectBiased(on(Future.ready("other")), on(ch.rx().recv()))));
        assertEquals("kept", ch.rx().tryRecv());
    }

    @Test
    void tasksOfBothKindsAndAnAbortedReceive() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                var ch = Mpsc.<Integer>unboundedChannel();
                MpscTest.Parked<Integer> parked = new MpscTest.Parked<>(ch.rx().recv());
                JoinHandle<Integer> aborted = Task.spawn(parked);
                MpscTest.awaitTrue(parked.parked);
                aborted.abort();
                assertTrue(assertThrows(JoinError.class, aborted::await).isCancelled());
                Mpsc.UnboundedSender<Integer> tx2 = ch.tx().clone();
                JoinHandle<Void> thread = Task.spawn(() -> {
                    try (tx2) {
                        for (int i = 0; i < 1000; i++) {
                            tx2.send(i);
                        }
                    }
                });
                ch.tx().close();
                int sum = 0;
                int count = 0;
                for (Integer v; (v = ch.rx().blockingRecv()) != null; ) {
                    sum += v;
                    count++;
                }
                thread.await();
                assertEquals(1000, count);
                assertEquals(999 * 1000 / 2, sum);
            });
        }
    }
}
