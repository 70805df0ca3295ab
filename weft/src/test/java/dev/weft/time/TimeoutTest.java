package dev.weft.time;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static dev.weft.time.Time.sleep;
import static dev.weft.time.Time.timeout;
import static dev.weft.time.Time.timeoutAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.ContextAccess;
import dev.weft.runtime.Runtime;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class TimeoutTest {

    /** Never ready; counts its drops. */
    static final class Hanging implements Future<String> {
        final AtomicInteger drops = new AtomicInteger();

        @Override
        public Poll<String> poll(Context cx) {
            return Poll.pending();
        }

        @Override
        public void drop() {
            drops.incrementAndGet();
        }
    }

    @Test
    void aReadyFutureCompletesWithoutArmingATimer() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Future<Integer> t = timeout(Duration.ofSeconds(1), Future.ready(5));
                assertEquals(5, t.poll(Context.of(new CountingWaker())).value());
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void runningOutFailsWithElapsedThatSaysHowLongAndDropsTheFuture() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Hanging inner = new Hanging();
                Instant start = Instant.now();
                Elapsed e = assertThrows(Elapsed.class, () -> timeout(Duration.ofSeconds(2), inner).await());
                assertEquals(Duration.ofSeconds(2), e.waited());
                assertTrue(e.getMessage().contains("2 s"), e.getMessage());
                assertEquals(Duration.ofSeconds(2), start.elapsed());
                assertEquals(1, inner.drops.get(), "the future was dropped once");
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void aFutureThatCompletesInTimeGivesItsValueAndDisarmsTheTimer() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                String v = timeout(Duration.ofSeconds(5), sleep(Duration.ofSeconds(1)).map(__ -> "done")).await();
                assertEquals("done", v);
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void timeoutAtAnInstant() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Instant at = Instant.now().plus(Duration.ofMillis(750));
                Elapsed e = assertThrows(Elapsed.class, () -> timeoutAt(at, new Hanging()).await());
                assertEquals(Duration.ofMillis(750), e.waited());
                assertEquals(at, Instant.now());
            });
        }
    }

    @Test
    void aZeroOrPastTimeoutOfAPendingFutureFailsOnItsFirstPoll() {
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            rt.blockOn(() -> {
                Context cx = Context.of(new CountingWaker());
                Hanging inner = new Hanging();
                assertThrows(Elapsed.class, () -> timeout(Duration.ZERO, inner).poll(cx));
                assertEquals(1, inner.drops.get());
                Future<String> past = timeoutAt(Instant.now().minus(Duration.ofSeconds(1)), new Hanging());
                assertThrows(Elapsed.class, () -> past.poll(cx));
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void onAPausedClockATimeoutFirstPolledAtItsDeadlineFailsOnThatPoll() {
        try (Runtime rt = Runtime.builder().workerThreads(1).startPaused(true).autoAdvance(false).build()) {
            Clock clock = rt.clock();
            Hanging inner = new Hanging();
            Future<String> t = rt.blockOn(() -> timeout(Duration.ofSeconds(1), inner));
            clock.advance(Duration.ofSeconds(1)).await();
            rt.blockOn(() -> {
                assertThrows(Elapsed.class, () -> t.poll(Context.of(new CountingWaker())));
            });
            assertEquals(1, inner.drops.get());
            assertEquals(0, clock.pendingTimers());
        }
    }

    @Test
    void inRealTimeATimeoutFirstPolledAfterItsDeadlineStillFails() {
        // Arming reads no clock: the deadline is filed and the driver fires it at once.
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            rt.blockOn(() -> {
                Instant start = Instant.now();
                Hanging inner = new Hanging();
                Future<String> t = timeout(Duration.ofMillis(5), inner);
                while (start.elapsed().compareTo(Duration.ofMillis(10)) < 0) {
                    Thread.onSpinWait();
                }
                long before = System.nanoTime();
                Elapsed e = assertThrows(Elapsed.class, t::await);
                long took = System.nanoTime() - before;
                assertEquals(Duration.ofMillis(5), e.waited());
                assertTrue(took < 1_000_000_000L, "failed only after " + took / 1_000_000 + " ms");
                assertEquals(1, inner.drops.get());
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void theFuturesOwnFailureTravelsAsItIsAndDisarmsTheTimer() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Future<String> failing = sleep(Duration.ofMillis(10)).map(__ -> {
                    throw new IllegalStateException("inner");
                });
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> timeout(Duration.ofSeconds(1), failing).await());
                assertEquals("inner", e.getMessage());
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void droppingTheTimeoutDropsTheFutureAndTheTimer() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Hanging inner = new Hanging();
                Future<String> t = timeout(Duration.ofSeconds(1), inner);
                assertTrue(t.poll(Context.of(new CountingWaker())).isPending());
                assertEquals(1, Clock.current().pendingTimers());
                t.drop();
                assertEquals(1, inner.drops.get());
                assertEquals(0, Clock.current().pendingTimers());
            });
        }
    }

    @Test
    void theTimeoutFiresEvenIfTheFutureSpendsTheWholeBudgetEveryPoll() {
        // Real time: a future that is always busy keeps the paused clock from moving.
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            Future<String> greedy = cx -> {
                while (cx.proceed()) {
                    Thread.onSpinWait();
                }
                return Poll.pending(); // proceed() woke the task: it runs again at once
            };
            assertThrows(Elapsed.class, () -> rt.blockOn(() -> timeout(Duration.ofMillis(20), greedy).await()));
        }
    }

    @Test
    void aZeroTimeoutOfAFutureReadyWhenItMayProceedNeverFailsForTheBudgetAlone() {
        // Each await's poll takes one unit; every 128th starts with the budget spent, and
        // the inner future answers pending without being tried: that is not a timeout.
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            int done = rt.blockOn(() -> {
                int n = 0;
                for (int i = 0; i < 3 * Context.BUDGET; i++) {
                    Future<Integer> tried = cx -> cx.proceed() ? Poll.ready(1) : Poll.pending();
                    n += timeout(Duration.ZERO, tried).await();
                }
                return n;
            });
            assertEquals(3 * Context.BUDGET, done);
        }
    }

    @Test
    void aPollThatStartsWithTheBudgetSpentWakesTheTaskAndAsksTheDeadlineOnTheNextPoll() {
        try (Runtime rt = Runtime.builder().workerThreads(1).enableTime().build()) {
            rt.blockOn(() -> {
                CountingWaker w = new CountingWaker();
                Context cx = ContextAccess.get().budgeted(w);
                while (cx.proceed()) {
                    // spend the budget, as 128 earlier operations of the task would
                }
                int wakesBefore = w.count();
                Hanging inner = new Hanging(); // pending without asking for the budget
                Future<String> t = timeout(Duration.ZERO, inner);
                assertTrue(t.poll(cx).isPending(), "no answer from the deadline on a spent budget");
                assertTrue(w.count() > wakesBefore, "the task is woken, so it polls again after its yield");
                ContextAccess.get().refill(cx);
                assertThrows(Elapsed.class, () -> t.poll(cx));
                assertEquals(1, inner.drops.get());
            });
        }
    }

    @Test
    void aSelectWithASleepBranchIsATimeoutThatKeepsTheFutureAlive() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Hanging slow = new Hanging();
                String r = select(
                        on(Future.borrow(slow), v -> v),
                        on(sleep(Duration.ofSeconds(5)), __ -> "timed out"))
                    .await();
                assertEquals("timed out", r);
                assertEquals(0, slow.drops.get(), "the borrowed future survives the select");
            });
        }
    }

    @Test
    void checkedFailuresOfTheFutureAreNotWrapped() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Future<String> io = Future.failed(new IOException("disk"));
                IOException e = assertThrows(IOException.class, () -> timeout(Duration.ofSeconds(1), io).await());
                assertEquals("disk", e.getMessage());
            });
        }
    }
}
