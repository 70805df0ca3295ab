package dev.weft.sync;

import static dev.weft.Conditions.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The channel between real tasks: future tasks, thread tasks and plain threads. */
@Timeout(30)
class ChannelTaskTest extends RuntimePerTest {
    /** A future-task consumer: receives until the channel is closed and drained. */
    static final class Draining implements Future<Integer> {
        private final Channel<Integer> ch;
        private final AtomicIntegerArray seen;
        private Future<Integer> current;
        private int count;

        Draining(Channel<Integer> ch, AtomicIntegerArray seen) {
            this.ch = ch;
            this.seen = seen;
        }

        @Override
        public Poll<Integer> poll(Context cx) {
            for (;;) {
                if (current == null) {
                    current = ch.recv();
                }
                Poll<Integer> p = current.poll(cx);
                if (p.isPending()) {
                    return Poll.pending();
                }
                current = null;
                Integer v = p.value();
                if (v == null) {
                    return Poll.ready(count);
                }
                seen.incrementAndGet(v);
                count++;
            }
        }

        @Override
        public void drop() {
            if (current != null) {
                current.drop();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 8, Channel.UNBOUNDED})
    void severalReceiversShareTheWorkEachValueOnce(int capacity) {
        int n = 4_000;
        Channel<Integer> ch = ChannelTest.make(capacity);
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        List<JoinHandle<Integer>> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            consumers.add(rt.spawn(new Draining(ch, seen)));
            consumers.add(rt.spawn(() -> {
                int count = 0;
                for (Integer v; (v = ch.recv().await()) != null; ) {
                    seen.incrementAndGet(v);
                    count++;
                }
                return count;
            }));
        }
        List<JoinHandle<Void>> producers = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            int first = p;
            producers.add(rt.spawn(() -> {
                for (int v = first; v < n; v += 2) {
                    ch.send(v).await();
                }
            }));
        }
        producers.forEach(JoinHandle::await);
        ch.close();
        int total = 0;
        for (JoinHandle<Integer> h : consumers) {
            total += h.await();
        }
        assertEquals(n, total);
        for (int v = 0; v < n; v++) {
            assertEquals(1, seen.get(v), "value " + v);
        }
        assertEquals(0, ch.waitingSenders());
        assertEquals(0, ch.waitingReceivers());
    }

    @Test
    void aRendezvousSendFinishesOnlyWhenAReceiverTakesTheValue() {
        Channel<String> ch = Channel.rendezvous();
        JoinHandle<Void> sender = rt.spawn(() -> {
            ch.send("hi").await();
        });
        waitUntil(() -> ch.waitingSenders() == 1, "the sender waits");
        assertFalse(sender.isFinished());
        assertEquals(0, ch.len());
        assertEquals("hi", rt.spawn(() -> ch.recv().await()).await());
        sender.await();
        assertTrue(sender.isFinished());
    }

    @Test
    void aRendezvousHandsOffBetweenFutureTasks() {
        Channel<Integer> ch = Channel.rendezvous();
        AtomicIntegerArray seen = new AtomicIntegerArray(100);
        JoinHandle<Integer> consumer = rt.spawn(new Draining(ch, seen));
        JoinHandle<Void> producer = rt.spawn(new Future<Void>() {
            int next;
            Future<Void> sending;

            @Override
            public Poll<Void> poll(Context cx) {
                while (next < 100) {
                    if (sending == null) {
                        sending = ch.send(next);
                    }
                    if (sending.poll(cx).isPending()) {
                        return Poll.pending();
                    }
                    sending = null;
                    next++;
                }
                return Poll.ready(null);
            }
        });
        producer.await();
        ch.close();
        assertEquals(100, consumer.await());
    }

    @Test
    void blockingFormsWorkFromPlainThreads() throws Exception {
        Channel<Integer> ch = Channel.create(1);
        List<Integer> got = new ArrayList<>();
        Thread consumer = Thread.ofPlatform().start(() -> {
            for (Integer v; (v = ch.recv().await()) != null; ) {
                got.add(v);
            }
        });
        for (int i = 0; i < 50; i++) {
            ch.send(i).await();
        }
        ch.close();
        consumer.join();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            expected.add(i);
        }
        assertEquals(expected, got);
    }

    @Test
    void anAbortedThreadTaskParkedInRecvLeavesTheQueue() {
        Channel<Integer> ch = Channel.create(1);
        JoinHandle<Integer> h = rt.spawn(() -> ch.recv().await());
        waitUntil(() -> ch.waitingReceivers() == 1, "the receiver waits");
        h.abort();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        assertEquals(0, ch.waitingReceivers());
        assertTrue(ch.trySend(1));
        assertEquals(1, ch.len());
    }

    @Test
    void anAbortedFutureTaskParkedInRecvLeavesTheQueue() {
        Channel<Integer> ch = Channel.rendezvous();
        JoinHandle<Integer> h = rt.spawn(ch.recv());
        waitUntil(() -> ch.waitingReceivers() == 1, "the receiver waits");
        h.abort();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        waitUntil(() -> ch.waitingReceivers() == 0, "the dropped receive leaves");
        assertFalse(ch.trySend(1));
    }

    @Test
    void anAbortedThreadTaskParkedInSendGivesItsValueToTheHook() {
        ConcurrentLinkedQueue<Integer> hooked = new ConcurrentLinkedQueue<>();
        Channel<Integer> ch = Channel.rendezvous(hooked::add);
        JoinHandle<Void> h = rt.spawn(() -> {
            ch.send(5).await();
        });
        waitUntil(() -> ch.waitingSenders() == 1, "the sender waits");
        h.abort();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        assertEquals(0, ch.waitingSenders());
        assertEquals(List.of(5), List.copyOf(hooked));
        assertNull(ch.tryRecv());
    }

    @Test
    void anAbortedFutureTaskParkedInSendGivesItsValueToTheHook() {
        ConcurrentLinkedQueue<Integer> hooked = new ConcurrentLinkedQueue<>();
        Channel<Integer> ch = Channel.create(1, hooked::add);
        ch.trySend(0);
        JoinHandle<Void> h = rt.spawn(ch.send(5));
        waitUntil(() -> ch.waitingSenders() == 1, "the sender waits");
        h.abort();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        waitUntil(() -> hooked.size() == 1, "the hook gets the value");
        assertEquals(0, ch.waitingSenders());
        assertEquals(5, hooked.peek());
        assertEquals(0, ch.tryRecv());
        assertNull(ch.tryRecv());
    }

    @Test
    void closeEndsEveryConsumerLoopAfterTheyDrainedTheBuffer() {
        Channel<Integer> ch = Channel.create(16);
        for (int i = 0; i < 16; i++) {
            ch.trySend(i);
        }
        ch.close();
        AtomicIntegerArray seen = new AtomicIntegerArray(16);
        JoinHandle<Integer> a = rt.spawn(new Draining(ch, seen));
        JoinHandle<Integer> b = rt.spawn(() -> {
            int count = 0;
            for (Integer v; (v = ch.recv().await()) != null; ) {
                seen.incrementAndGet(v);
                count++;
            }
            return count;
        });
        assertEquals(16, a.await() + b.await());
    }

    @Test
    void closeWakesParkedSendersOfBothKindsWithSendError() {
        Channel<Integer> ch = Channel.rendezvous();
        JoinHandle<Object> thread = rt.spawn(() -> {
            try {
                ch.send(1).await();
                return "sent";
            } catch (SendError e) {
                return e.value();
            }
        });
        JoinHandle<Void> future = rt.spawn(ch.send(2));
        waitUntil(() -> ch.waitingSenders() == 2, "both senders wait");
        ch.close();
        assertEquals(1, thread.await());
        JoinError e = assertThrows(JoinError.class, future::await);
        assertEquals(2, ((SendError) e.getCause()).value());
    }
}
