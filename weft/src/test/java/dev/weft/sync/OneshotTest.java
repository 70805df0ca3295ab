package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
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
import dev.weft.RuntimePerTest;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class OneshotTest extends RuntimePerTest {
    // ---- send and receive

    @Test
    void aValueSentBeforeTheAwaitIsReadyOnTheFirstPoll() {
        var ch = Oneshot.<String>channel();
        ch.tx().send("hi");
        CountingWaker w = new CountingWaker();
        Poll<String> p = ch.rx().poll(w.context());
        assertEquals("hi", p.value());
        assertEquals(0, w.count());
    }

    @Test
    void aPendingReceiverIsWokenOnceBySendAndThenReady() {
        var ch = Oneshot.<Integer>channel();
        CountingWaker w = new CountingWaker();
        assertTrue(ch.rx().poll(w.context()).isPending());
        assertTrue(ch.rx().poll(w.context()).isPending(), "a second poll with the same waker stays pending");
        ch.tx().send(7);
        assertEquals(1, w.count());
        assertEquals(7, ch.rx().poll(w.context()).value());
    }

    @Test
    void aNewWakerReplacesTheOldOne() {
        var ch = Oneshot.<Integer>channel();
        CountingWaker first = new CountingWaker();
        CountingWaker second = new CountingWaker();
        assertTrue(ch.rx().poll(first.context()).isPending());
        assertTrue(ch.rx().poll(second.context()).isPending());
        ch.tx().send(1);
        assertEquals(0, first.count());
        assertEquals(1, second.count());
    }

    @Test
    void aThreadTaskAwaitsAValueSentByAFutureTask() {
        var ch = Oneshot.<String>channel();
        JoinHandle<String> receiver = rt.spawn(() -> ch.rx().await());
        rt.spawn(Future.pollFn(cx -> {
            ch.tx().send("from a future task");
            return Poll.ready(null);
        }));
        assertEquals("from a future task", receiver.await());
    }

    @Test
    void aFutureTaskAwaitsAValueSentByAThreadTask() {
        var ch = Oneshot.<String>channel();
        JoinHandle<String> receiver = rt.spawn(ch.rx().map(s -> s + "!"));
        rt.spawn(() -> ch.tx().send("from a thread task"));
        assertEquals("from a thread task!", receiver.await());
    }

    @Test
    void awaitWorksOnAPlainThreadOutsideTheRuntime() throws Exception {
        var ch = Oneshot.<Integer>channel();
        Thread t = Thread.ofPlatform().start(() -> ch.tx().send(42));
        assertEquals(42, ch.rx().await());
        t.join();
    }

    @Test
    void sendRejectsNull() {
        var ch = Oneshot.<String>channel();
        NullPointerException e = assertThrows(NullPointerException.class, () -> ch.tx().send(null));
        assertTrue(e.getMessage().contains("value"));
        ch.tx().send("still usable");
        assertEquals("still usable", ch.rx().tryRecv());
    }

    @Test
    void sendingTwiceIsAClearIllegalStateException() {
        var ch = Oneshot.<Integer>channel();
        ch.tx().send(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.tx().send(2));
        assertTrue(e.getMessage().contains("already sent"), e.getMessage());
        assertEquals(1, ch.rx().tryRecv());
    }

    @Test
    void sendingAfterCloseIsAnIllegalStateException() {
        var ch = Oneshot.<Integer>channel();
        ch.tx().close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.tx().send(2));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void aSendAfterTheReceiverWasDroppedFailsWithSendErrorCarryingTheValue() {
        var ch = Oneshot.<String>channel();
        ch.rx().drop();
        SendError e = assertThrows(SendError.class, () -> ch.tx().send("lost?"));
        assertEquals("lost?", e.value());
        assertThrows(IllegalStateException.class, () -> ch.tx().send("again"), "the sender is used up");
    }

    @Test
    void aSendAfterReceiverCloseFailsWithSendError() {
        var ch = Oneshot.<String>channel();
        ch.rx().close();
        assertTrue(ch.tx().isClosed());
        assertEquals("v", assertThrows(SendError.class, () -> ch.tx().send("v")).value());
    }

    @Test
    void aReceiveAfterTheReceiverClosedAndRefusedASendBlamesTheReceiversClose() {
        var ch = Oneshot.<String>channel();
        ch.rx().close();
        assertThrows(SendError.class, () -> ch.tx().send("v"));
        RecvError e = assertThrows(RecvError.class, () -> ch.rx().tryRecv());
        assertTrue(e.getMessage().contains("receiver was closed"), e.getMessage());
    }

    // ---- the sender goes away

    @Test
    void closingTheSenderFailsAPendingReceiverWithRecvError() {
        var ch = Oneshot.<String>channel();
        CountingWaker w = new CountingWaker();
        assertTrue(ch.rx().poll(w.context()).isPending());
        ch.tx().close();
        assertEquals(1, w.count());
        RecvError e = assertThrows(RecvError.class, () -> ch.rx().poll(w.context()));
        assertTrue(e.getMessage().contains("sender was closed"), e.getMessage());
        assertThrows(RecvError.class, () -> ch.rx().await(), "the failure is sticky");
        assertThrows(RecvError.class, () -> ch.rx().tryRecv());
    }

    @Test
    void closingTheSenderAfterSendingChangesNothing() {
        var ch = Oneshot.<String>channel();
        ch.tx().send("v");
        ch.tx().close();
        assertEquals("v", ch.rx().await());
    }

    @Test
    void aSenderClosedInATaskFailsTheAwaitingTask() {
        var ch = Oneshot.<String>channel();
        JoinHandle<String> receiver = rt.spawn(() -> ch.rx().await());
        rt.spawn(() -> {
            try (var tx = ch.tx()) {
                // the responder gives up without answering
            }
        });
        JoinError e = assertThrows(JoinError.class, receiver::await);
        assertTrue(e.getCause() instanceof RecvError, String.valueOf(e.getCause()));
    }

    // ---- tryRecv, close

    @Test
    void tryRecvAnswersNullThenTheValueThenRefusesASecondTake() {
        var ch = Oneshot.<Integer>channel();
        assertNull(ch.rx().tryRecv());
        ch.tx().send(5);
        assertEquals(5, ch.rx().tryRecv());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.rx().tryRecv());
        assertTrue(e.getMessage().contains("already taken"), e.getMessage());
    }

    @Test
    void awaitingAConsumedReceiverAgainIsAClearIllegalStateException() {
        var ch = Oneshot.<Integer>channel();
        ch.tx().send(5);
        assertEquals(5, ch.rx().await());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.rx().await());
        assertTrue(e.getMessage().contains("gives its value once"), e.getMessage());
    }

    @Test
    void receiverCloseKeepsAValueSentBeforeIt() {
        var ch = Oneshot.<Integer>channel();
        ch.tx().send(9);
        ch.rx().close();
        assertEquals(9, ch.rx().tryRecv());
    }

    @Test
    void receiverCloseWithNoValueFailsTheReceiveAndTheSend() {
        var ch = Oneshot.<Integer>channel();
        ch.rx().close();
        ch.rx().close(); // idempotent
        RecvError e = assertThrows(RecvError.class, () -> ch.rx().await());
        assertTrue(e.getMessage().contains("receiver was closed"), e.getMessage());
        assertThrows(RecvError.class, () -> ch.rx().tryRecv());
        assertThrows(SendError.class, () -> ch.tx().send(1));
    }

    @Test
    void theReceiverIsAutoCloseable() {
        var ch = Oneshot.<Integer>channel();
        try (var rx = ch.rx()) {
            assertNull(rx.tryRecv());
        }
        assertTrue(ch.tx().isClosed());
    }

    // ---- closed()

    @Test
    void closedCompletesWhenTheReceiverIsDropped() {
        var ch = Oneshot.<Integer>channel();
        Future<Void> closed = ch.tx().closed();
        CountingWaker w = new CountingWaker();
        assertTrue(closed.poll(w.context()).isPending());
        assertFalse(ch.tx().isClosed());
        ch.rx().drop();
        assertEquals(1, w.count());
        assertTrue(closed.poll(w.context()).isReady());
        assertTrue(ch.tx().isClosed());
    }

    @Test
    void closedCompletesWhenTheReceiverClosesOrTakesTheValue() {
        var a = Oneshot.<Integer>channel();
        rt.spawn(() -> a.rx().close());
        a.tx().closed().await();

        var b = Oneshot.<Integer>channel();
        Future<Void> closed = b.tx().closed();
        CountingWaker w = new CountingWaker();
        assertTrue(closed.poll(w.context()).isPending());
        b.tx().send(1);
        assertTrue(closed.poll(w.context()).isPending(), "sent but not received yet");
        assertEquals(1, b.rx().tryRecv());
        assertEquals(1, w.count());
        assertTrue(closed.poll(w.context()).isReady());
    }

    @Test
    void theProducerStopsWhenTheConsumerGoesAway() {
        var ch = Oneshot.<Integer>channel();
        JoinHandle<String> producer = rt.spawn(() -> select(
                on(ch.tx().closed(), __ -> "stopped"),
                on(Future.<Integer>never(), v -> "sent")).await());
        ch.rx().drop();
        assertEquals("stopped", producer.await());
    }

    @Test
    void aSecondConcurrentClosedWaitIsAClearIllegalStateException() {
        var ch = Oneshot.<Integer>channel();
        Future<Void> first = ch.tx().closed();
        Future<Void> second = ch.tx().closed();
        CountingWaker w = new CountingWaker();
        assertTrue(first.poll(w.context()).isPending());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> second.poll(w.context()));
        assertTrue(e.getMessage().contains("one task at a time"), e.getMessage());
        first.drop();
        assertTrue(second.poll(w.context()).isPending(), "the slot is free again after the drop");
        ch.rx().close();
        assertEquals(1, w.count());
        assertTrue(second.poll(w.context()).isReady());
    }

    @Test
    void aDroppedClosedWaitIsNotWoken() {
        var ch = Oneshot.<Integer>channel();
        Future<Void> closed = ch.tx().closed();
        CountingWaker w = new CountingWaker();
        assertTrue(closed.poll(w.context()).isPending());
        closed.drop();
        ch.rx().close();
        assertEquals(0, w.count());
    }

    // ---- dropping the receiver: nothing lost

    @Test
    void aValueSentBeforeTheReceiverWasDroppedGoesToTheHook() {
        List<String> undelivered = new ArrayList<>();
        var ch = Oneshot.<String>channel(undelivered::add);
        CountingWaker w = new CountingWaker();
        assertTrue(ch.rx().poll(w.context()).isPending());
        ch.tx().send("orphan");
        ch.rx().drop();
        assertEquals(List.of("orphan"), undelivered);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.rx().tryRecv());
        assertTrue(e.getMessage().contains("hook"), e.getMessage());
        ch.rx().drop(); // a second drop does nothing
        assertEquals(1, undelivered.size());
    }

    @Test
    void withoutAHookADroppedReceiverStillHandsOutTheValueByTryRecv() {
        var ch = Oneshot.<String>channel();
        ch.tx().send("kept");
        ch.rx().drop();
        assertEquals("kept", ch.rx().tryRecv());
    }

    @Test
    void aDroppedReceiverIsNotPolledAgain() {
        var ch = Oneshot.<String>channel();
        ch.rx().drop();
        assertThrows(IllegalStateException.class, () -> ch.rx().poll(Context.of(() -> { })));
    }

    @Test
    void dropAfterTheValueWasTakenDoesNothing() {
        AtomicInteger hooked = new AtomicInteger();
        var ch = Oneshot.<String>channel(v -> hooked.incrementAndGet());
        ch.tx().send("v");
        assertEquals("v", ch.rx().await());
        ch.rx().drop();
        assertEquals(0, hooked.get());
    }

    @Test
    void aReceiverThatLosesASelectIsDroppedAndTheLateValueComesBackToTheSender() {
        var ch = Oneshot.<String>channel();
        String r = rt.blockOn(() -> select(on(ch.rx(), v -> "received"), on(Future.ready("other"))).biased().await());
        assertEquals("other", r);
        assertEquals("late", assertThrows(SendError.class, () -> ch.tx().send("late")).value());
    }

    @Test
    void isEmptyAndIsTerminatedFollowTheValue() {
        var ch = Oneshot.<String>channel();
        assertTrue(ch.rx().isEmpty());
        assertFalse(ch.rx().isTerminated());
        ch.tx().send("v");
        assertFalse(ch.rx().isEmpty(), "a value waits");
        assertFalse(ch.rx().isTerminated(), "sent, not yet taken");
        assertEquals("v", ch.rx().await());
        assertTrue(ch.rx().isEmpty(), "taken");
        assertTrue(ch.rx().isTerminated());
    }

    @Test
    void aReceiverIsTerminatedOnceItReportedThatNothingWillCome() {
        var ch = Oneshot.<String>channel();
        ch.tx().close();
        assertFalse(ch.rx().isTerminated(), "the end is not reported yet");
        assertThrows(RecvError.class, ch.rx()::await);
        assertTrue(ch.rx().isTerminated());
        assertTrue(ch.rx().isEmpty());

        var viaTry = Oneshot.<String>channel();
        viaTry.rx().close();
        assertThrows(RecvError.class, viaTry.rx()::tryRecv);
        assertTrue(viaTry.rx().isTerminated());

        var dropped = Oneshot.<String>channel();
        dropped.rx().drop();
        assertTrue(dropped.rx().isTerminated());
    }

    @Test
    void aReceiverDroppedWithoutAHookAfterASendStillHoldsTheValueForTryRecv() {
        var ch = Oneshot.<String>channel();
        ch.tx().send("kept");
        ch.rx().drop();
        assertTrue(ch.rx().isTerminated(), "dropped: not to be awaited again");
        assertFalse(ch.rx().isEmpty(), "the value is still there");
        assertThrows(IllegalStateException.class, ch.rx()::await);
        assertEquals("kept", ch.rx().tryRecv());
        assertTrue(ch.rx().isEmpty());

        List<String> hooked = new ArrayList<>();
        var withHook = Oneshot.<String>channel(hooked::add);
        withHook.tx().send("to the hook");
        withHook.rx().drop();
        assertTrue(withHook.rx().isEmpty(), "the hook took it");
        assertTrue(withHook.rx().isTerminated());
        assertEquals(List.of("to the hook"), hooked);
    }

    @Test
    void aSelectLoopLeavesATerminatedReceiverOut() {
        var ch = Oneshot.<String>channel();
        var ticks = Mpsc.<Integer>unboundedChannel();
        List<String> seen = rt.blockOn(() -> {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ticks.tx().send(i);
            }
            ch.tx().send("once");
            ticks.tx().close();
            for (;;) {
                String v = ch.rx().isTerminated()
                        ? select(on(ticks.rx().recv(), t -> t == null ? null : "tick")).await()
                        : select(on(Future.borrow(ch.rx())), on(ticks.rx().recv(), t -> t == null ? null : "tick"))
                                .biased().await();
                if (v == null) {
                    return out;
                }
                out.add(v);
            }
        });
        assertEquals(List.of("once", "tick", "tick", "tick"), seen);
    }

    @Test
    void aBorrowedReceiverSurvivesLosingSelects() {
        var ch = Oneshot.<String>channel();
        String got = rt.blockOn(() -> {
            for (int i = 0; ; i++) {
                if (i == 3) {
                    ch.tx().send("third time");
                }
                String v = select(on(Future.borrow(ch.rx())), on(Task.yieldNow(), __ -> (String) null)).biased().await();
                if (v != null) {
                    return v;
                }
            }
        });
        assertEquals("third time", got);
    }

    @Test
    void abortingAThreadTaskParkedInTheReceiveClosesTheReceiver() throws Exception {
        var ch = Oneshot.<String>channel();
        CountDownLatch started = new CountDownLatch(1);
        JoinHandle<String> receiver = rt.spawn(() -> {
            started.countDown(); // a task aborted before it starts never runs, and never drops the receiver
            return ch.rx().await();
        });
        started.await();
        receiver.abort();
        ch.tx().closed().await();
        assertThrows(SendError.class, () -> ch.tx().send("too late"));
        assertTrue(assertThrows(JoinError.class, receiver::await).isCancelled());
    }

    @Test
    void abortingAFutureTaskParkedInTheReceiveClosesTheReceiver() {
        ConcurrentLinkedQueue<String> undelivered = new ConcurrentLinkedQueue<>();
        var ch = Oneshot.<String>channel(undelivered::add);
        JoinHandle<String> receiver = rt.spawn(ch.rx());
        receiver.abort();
        ch.tx().closed().await();
        assertThrows(SendError.class, () -> ch.tx().send("too late"));
        assertTrue(assertThrows(JoinError.class, receiver::await).isCancelled());
        assertTrue(undelivered.isEmpty());
    }

    // ---- races

    @Test
    void sendRacingWithADropDeliversOrHandsBackEveryValueExactlyOnce() throws Exception {
        int rounds = 20_000;
        AtomicInteger hooked = new AtomicInteger();
        AtomicInteger returned = new AtomicInteger();
        AtomicInteger received = new AtomicInteger();
        @SuppressWarnings("unchecked")
        Oneshot.Pair<Integer>[] chans = new Oneshot.Pair[rounds];
        for (int i = 0; i < rounds; i++) {
            chans[i] = Oneshot.channel(v -> hooked.incrementAndGet());
        }
        CyclicBarrier start = new CyclicBarrier(2);
        Thread sender = Thread.ofPlatform().start(() -> {
            await(start);
            for (var ch : chans) {
                try {
                    ch.tx().send(1);
                } catch (SendError e) {
                    returned.addAndGet((Integer) e.value());
                }
            }
        });
        Thread receiver = Thread.ofPlatform().start(() -> {
            await(start);
            for (int i = 0; i < rounds; i++) {
                var rx = chans[i].rx();
                if ((i & 1) == 0) {
                    Integer v = rx.tryRecv();
                    if (v != null) {
                        received.incrementAndGet();
                        continue;
                    }
                }
                rx.drop();
            }
        });
        sender.join();
        receiver.join();
        assertEquals(rounds, hooked.get() + returned.get() + received.get(),
                "hooked " + hooked + ", returned " + returned + ", received " + received);
    }

    @Test
    void aPollRacingWithASendIsEitherReadyOrWoken() throws Exception {
        int rounds = 20_000;
        @SuppressWarnings("unchecked")
        Oneshot.Pair<Integer>[] chans = new Oneshot.Pair[rounds];
        for (int i = 0; i < rounds; i++) {
            chans[i] = Oneshot.channel();
        }
        CyclicBarrier start = new CyclicBarrier(2);
        Thread sender = Thread.ofPlatform().start(() -> {
            await(start);
            for (int i = 0; i < rounds; i++) {
                if (i % 3 == 0) {
                    chans[i].tx().close();
                } else {
                    chans[i].tx().send(1);
                }
            }
        });
        CountingWaker[] wakers = new CountingWaker[rounds];
        boolean[] pending = new boolean[rounds];
        await(start);
        for (int i = 0; i < rounds; i++) {
            wakers[i] = new CountingWaker();
            try {
                pending[i] = chans[i].rx().poll(wakers[i].context()).isPending();
            } catch (RecvError e) {
                pending[i] = false;
            }
        }
        sender.join();
        for (int i = 0; i < rounds; i++) {
            if (pending[i]) {
                assertEquals(1, wakers[i].count(), "a pending receiver was not woken, round " + i);
                var rx = chans[i].rx();
                try {
                    assertEquals(1, rx.poll(wakers[i].context()).value());
                } catch (RecvError closed) {
                    // the sender closed: also an outcome that wakes
                }
            }
        }
    }

    @Test
    void toStringSaysWhereTheChannelIs() {
        var ch = Oneshot.<Integer>channel();
        assertEquals("Oneshot.Sender[empty]", ch.tx().toString());
        ch.tx().send(1);
        assertEquals("Oneshot.Receiver[value sent]", ch.rx().toString());
        ch.rx().tryRecv();
        assertEquals("Oneshot.Receiver[taken]", ch.rx().toString());
        assertSame(ch.tx(), ch.tx());
    }

    private static void await(CyclicBarrier b) {
        try {
            b.await();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
