package dev.weft.time;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static dev.weft.time.Time.interval;
import static dev.weft.time.Time.intervalAt;
import static dev.weft.time.Time.sleep;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class IntervalTest {
    private static final Duration TEN_MS = Duration.ofMillis(10);

    /** The next {@code n} ticks as "due@seen", in ms since {@code start}. */
    private static List<String> ticks(Interval iv, Instant start, int n) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Instant due = iv.tick().await();
            seen.add(due.durationSince(start).toMillis() + "@" + start.elapsed().toMillis());
        }
        return seen;
    }

    @Test
    void theFirstTickIsImmediateThenOnePerPeriod() {
        try (Runtime rt = SleepTest.paused()) {
            List<String> seen = rt.blockOn(() -> {
                Instant start = Instant.now();
                return ticks(interval(TEN_MS), start, 4);
            });
            assertEquals(List.of("0@0", "10@10", "20@20", "30@30"), seen);
        }
    }

    @Test
    void intervalAtStartsAtItsStart() {
        try (Runtime rt = SleepTest.paused()) {
            List<String> seen = rt.blockOn(() -> {
                Instant start = Instant.now();
                return ticks(intervalAt(start.plus(Duration.ofMillis(25)), TEN_MS), start, 3);
            });
            assertEquals(List.of("25@25", "35@35", "45@45"), seen);
        }
    }

    /** Ticks at 10 (on time), then the task is busy until 35, then four more ticks. */
    private static List<String> lateBy25(MissedTickBehavior behavior) {
        try (Runtime rt = SleepTest.paused()) {
            return rt.blockOn(() -> {
                Instant start = Instant.now();
                Interval iv = intervalAt(start.plus(TEN_MS), TEN_MS);
                iv.setMissedTickBehavior(behavior);
                List<String> seen = ticks(iv, start, 1);
                sleep(Duration.ofMillis(25)).await();
                seen.addAll(ticks(iv, start, 4));
                return seen;
            });
        }
    }

    @Test
    void burstCatchesUpWithTheOriginalSchedule() {
        assertEquals(List.of("10@10", "20@35", "30@35", "40@40", "50@50"), lateBy25(MissedTickBehavior.BURST));
    }

    @Test
    void delayRestartsTheScheduleFromTheLateTick() {
        assertEquals(List.of("10@10", "20@35", "45@45", "55@55", "65@65"), lateBy25(MissedTickBehavior.DELAY));
    }

    @Test
    void skipDropsTheMissedTicksAndKeepsTheGrid() {
        assertEquals(List.of("10@10", "20@35", "40@40", "50@50", "60@60"), lateBy25(MissedTickBehavior.SKIP));
    }

    @Test
    void lateByLessThanFiveMillisecondsIsNotMissed() {
        try (Runtime rt = SleepTest.paused()) {
            List<String> seen = rt.blockOn(() -> {
                Instant start = Instant.now();
                Interval iv = intervalAt(start.plus(TEN_MS), TEN_MS);
                iv.setMissedTickBehavior(MissedTickBehavior.DELAY);
                List<String> s = ticks(iv, start, 1);
                sleep(Duration.ofMillis(14)).await(); // the tick due at 20 is seen at 24
                s.addAll(ticks(iv, start, 2));
                return s;
            });
            assertEquals(List.of("10@10", "20@24", "30@30"), seen);
        }
    }

    @Test
    void resetsMoveTheNextTick() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Instant start = Instant.now();
                Interval iv = interval(TEN_MS);
                iv.tick().await();                                   // 0
                sleep(Duration.ofMillis(3)).await();
                iv.reset();                                          // next at 3 + 10
                assertEquals(start.plus(Duration.ofMillis(13)), iv.nextTick());
                assertEquals(start.plus(Duration.ofMillis(13)), iv.tick().await());
                iv.resetImmediately();
                assertEquals(start.plus(Duration.ofMillis(13)), iv.tick().await());
                iv.resetAfter(Duration.ofMillis(7));
                assertEquals(start.plus(Duration.ofMillis(20)), iv.tick().await());
                iv.resetAt(start.plus(Duration.ofSeconds(1)));
                assertEquals(start.plus(Duration.ofSeconds(1)), iv.tick().await());
                assertEquals(start.plus(Duration.ofSeconds(1)), Instant.now());
            });
        }
    }

    @Test
    void aTickThatLosesASelectIsNotConsumed() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                Instant start = Instant.now();
                Interval iv = intervalAt(start.plus(TEN_MS), TEN_MS);
                String first = select(on(iv.tick(), t -> "tick"), on(Future.ready("other"), o -> o)).biased().await();
                // biased toward the tick, which is pending: the ready branch wins and the tick future is dropped
                assertEquals("other", first);
                assertEquals(start.plus(TEN_MS), iv.tick().await(), "the same tick is still due");
            });
        }
    }

    @Test
    void aBurstOfMissedTicksStillYieldsToOtherTasks() {
        try (Runtime rt = Runtime.builder().currentThread().startPaused(true).build()) {
            rt.blockOn(() -> {
                Interval iv = interval(Duration.ofMillis(1));
                sleep(Duration.ofSeconds(100)).await(); // a hundred thousand ticks behind
                int[] ticks = {0};
                var ticker = dev.weft.task.Task.spawn(Future.pollFn(cx -> {
                    while (iv.pollTick(cx).isReady()) {
                        ticks[0]++;
                    }
                    return dev.weft.Poll.pending(); // the spent budget woke the task
                }));
                dev.weft.task.JoinHandle<Integer> other = dev.weft.task.Task.spawn(Future.pollFn(
                        cx -> dev.weft.Poll.ready(ticks[0])));
                int seenByOther = other.await();
                ticker.abort();
                // The ticker yields every 128 ticks; the other task, queued from outside the
                // worker, runs within the scheduler's event interval of such yields.
                assertEquals(true, seenByOther < 100_000, "the other task ran before the burst was over: " + seenByOther);
            });
        }
    }

    @Test
    void aPeriodMustBePositive() {
        try (Runtime rt = SleepTest.paused()) {
            rt.blockOn(() -> {
                assertThrows(IllegalArgumentException.class, () -> interval(Duration.ZERO));
                assertThrows(IllegalArgumentException.class, () -> interval(Duration.ofMillis(-1)));
            });
        }
    }
}
