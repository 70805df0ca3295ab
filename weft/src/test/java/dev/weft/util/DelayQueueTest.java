package dev.weft.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CapturedLog;
import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.runtime.Runtime;
import dev.weft.time.Clock;
import dev.weft.time.Instant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class DelayQueueTest {
    private static Runtime paused() {
        return Runtime.builder().workerThreads(2).startPaused(true).build();
    }

    /** Drains the queue, as "value@ms since start". */
    private static List<String> drain(DelayQueue<String> q, Instant start) {
        List<String> out = new ArrayList<>();
        for (DelayQueue.Expired<String> e; (e = q.next().await()) != null; ) {
            assertEquals(e.deadline(), Instant.now(), "it came out at its deadline");
            out.add(e.value() + "@" + start.elapsed().toMillis());
        }
        return out;
    }

    @Test
    void valuesComeOutInDeadlineOrderEachAtItsDeadline() {
        try (Runtime rt = paused()) {
            List<String> out = rt.blockOn(() -> {
                Instant start = Instant.now();
                DelayQueue<String> q = new DelayQueue<>();
                q.insert("c", Duration.ofSeconds(3));
                q.insert("a", Duration.ofMillis(10));
                q.insert("b", Duration.ofSeconds(1));
                assertEquals(3, q.size());
                return drain(q, start);
            });
            assertEquals(List.of("a@10", "b@1000", "c@3000"), out);
        }
    }

    @Test
    void equalDeadlinesComeOutInInsertionOrder() {
        try (Runtime rt = paused()) {
            List<String> out = rt.blockOn(() -> {
                Instant start = Instant.now();
                DelayQueue<String> q = new DelayQueue<>();
                Instant at = start.plus(Duration.ofMillis(50));
                for (String s : List.of("1", "2", "3", "4")) {
                    q.insertAt(s, at);
                }
                return drain(q, start);
            });
            assertEquals(List.of("1@50", "2@50", "3@50", "4@50"), out);
        }
    }

    @Test
    void removeAndResetByKey() {
        try (Runtime rt = paused()) {
            List<String> out = rt.blockOn(() -> {
                Instant start = Instant.now();
                DelayQueue<String> q = new DelayQueue<>();
                DelayQueue.Key a = q.insert("a", Duration.ofMillis(10));
                DelayQueue.Key b = q.insert("b", Duration.ofMillis(20));
                DelayQueue.Key c = q.insert("c", Duration.ofMillis(30));
                assertEquals("b", q.remove(b));
                assertFalse(q.contains(b));
                assertNull(q.tryRemove(b));
                q.reset(a, Duration.ofMillis(40));        // a now after c
                assertEquals(start.plus(Duration.ofMillis(40)), q.deadline(a));
                assertTrue(q.contains(c));
                return drain(q, start);
            });
            assertEquals(List.of("c@30", "a@40"), out);
        }
    }

    @Test
    void anEarlierValueInsertedWhileWaitingWakesTheWaiter() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                DelayQueue<String> q = new DelayQueue<>();
                q.insert("late", Duration.ofHours(1));
                CountingWaker w = new CountingWaker();
                assertTrue(q.pollExpired(Context.of(w)).isPending());
                q.insert("soon", Duration.ofMillis(5));
                assertEquals(1, w.count(), "the waiter was told that an earlier value arrived");
                assertEquals("soon", q.next().await().value());
            });
        }
    }

    @Test
    void anEmptyQueueAnswersNullAndHoldsNoTimer() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                DelayQueue<String> q = new DelayQueue<>();
                assertNull(q.next().await());
                DelayQueue.Key k = q.insert("x", Duration.ofSeconds(1));
                assertTrue(q.pollExpired(Context.of(new CountingWaker())).isPending());
                assertEquals(1, Clock.current().pendingTimers());
                q.remove(k);
                assertNull(q.next().await());
                assertEquals(0, Clock.current().pendingTimers(), "an empty queue lets its timer go");
                assertNull(q.peekDeadline());
                assertTrue(q.isEmpty());
            });
        }
    }

    @Test
    void aKeyThatIsGoneOrForeignIsRefusedClearly() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                DelayQueue<String> q = new DelayQueue<>();
                DelayQueue<String> other = new DelayQueue<>();
                DelayQueue.Key k = q.insert("x", Duration.ZERO);
                DelayQueue.Key foreign = other.insert("y", Duration.ZERO);
                assertEquals("x", q.next().await().value());
                NoSuchElementException gone = assertThrows(NoSuchElementException.class, () -> q.remove(k));
                assertTrue(gone.getMessage().contains("no longer in this queue"), gone.getMessage());
                assertThrows(NoSuchElementException.class, () -> q.reset(k, Duration.ofSeconds(1)));
                assertThrows(NoSuchElementException.class, () -> q.remove(foreign));
                assertEquals(1, other.size());
            });
        }
    }

    @Test
    void clearInvalidatesEveryKey() {
        try (Runtime rt = paused()) {
            rt.blockOn(() -> {
                DelayQueue<String> q = new DelayQueue<>();
                DelayQueue.Key k = q.insert("x", Duration.ofSeconds(1));
                q.clear();
                assertTrue(q.isEmpty());
                assertFalse(q.contains(k));
            });
        }
    }

    @Test
    void clearWakesATaskWaitingForTheNextValue() {
        try (Runtime rt = Runtime.builder().workerThreads(2).startPaused(true).autoAdvance(false).build()) {
            rt.blockOn(() -> {
                DelayQueue<String> q = new DelayQueue<>();
                q.insert("a", Duration.ofSeconds(10));
                CountingWaker w = new CountingWaker();
                assertTrue(q.pollExpired(Context.of(w)).isPending());
                q.clear();
                assertEquals(1, w.count(), "woken: the next poll answers null");
                assertNull(q.pollExpired(Context.of(w)).value());
            });
        }
    }

    @Test
    void removingTheLastValueWakesATaskWaitingForTheNextOne() {
        try (Runtime rt = Runtime.builder().workerThreads(2).startPaused(true).autoAdvance(false).build()) {
            rt.blockOn(() -> {
                DelayQueue<String> q = new DelayQueue<>();
                DelayQueue.Key key = q.insert("session", Duration.ofHours(1));
                CountingWaker w = new CountingWaker();
                assertTrue(q.pollExpired(Context.of(w)).isPending());
                assertEquals("session", q.remove(key));
                assertEquals(1, w.count(), "woken: the queue is empty, next() answers null");
                assertNull(q.pollExpired(Context.of(w)).value());
            });
        }
    }

    @Test
    void aWaiterWhoseWakerThrowsCostsTheInsertAndTheRemoveNothing() {
        // A queue shared under a lock: one task waits in next(), another inserts and removes.
        try (Runtime rt = Runtime.builder().workerThreads(2).startPaused(true).autoAdvance(false).build();
                CapturedLog log = CapturedLog.of("dev.weft.sync")) {
            rt.blockOn(() -> {
                DelayQueue<String> q = new DelayQueue<>();
                DelayQueue.Key late = q.insert("late", Duration.ofHours(1));
                Context throwing = Context.of(() -> {
                    throw new IllegalStateException("the waker of the waiting task threw");
                });
                assertTrue(q.pollExpired(throwing).isPending());
                DelayQueue.Key soon = q.insert("soon", Duration.ofMillis(5)); // earlier: wakes the waiter
                assertEquals(2, q.size());
                assertTrue(q.pollExpired(throwing).isPending());
                assertEquals("soon", q.remove(soon));
                assertEquals("late", q.remove(late), "the last remove wakes the waiter and still gives its value");
                assertTrue(q.isEmpty());
            });
            assertEquals(2, log.warnings().size(), "each throwing wake was logged");
        }
    }
}
