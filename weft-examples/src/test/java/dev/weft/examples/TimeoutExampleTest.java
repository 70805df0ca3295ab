package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.time.Clock;
import dev.weft.time.Elapsed;
import dev.weft.time.Instant;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The example waits 28 s on its clock; paused, that takes no real time, so each test
 * has far less than that.
 */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class TimeoutExampleTest extends PausedRuntimePerTest {
    private static final String WHOLE_FILE = "The slow server's whole file.";

    @Test
    void timeoutDropsTheDownloadAfterExactlyFiveSecondsAndTheChunksItHeldWithIt() {
        TimeoutExample.Attempt a = rt.blockOn(() -> TimeoutExample.withTimeout(TimeoutExample.Server.steady()));
        assertEquals(Duration.ofSeconds(5), a.took());
        assertTrue(a.result().startsWith("timed out after 5 s"), a.result());
        assertEquals(2, a.chunksSent(), "chunks at 2 s and 4 s arrived before the limit");
        assertEquals("", a.kept(), "the caller has none of them");
    }

    @Test
    void elapsedSaysHowLongTheTimeoutWaited() {
        Elapsed e = assertThrows(Elapsed.class, () -> rt.blockOn(() -> Time.timeout(TimeoutExample.LIMIT,
                new TimeoutExample.Download(TimeoutExample.Server.steady())).await()));
        assertEquals(Duration.ofSeconds(5), e.waited());
    }

    @Test
    void theDroppedDownloadLeavesNoTimerAndReceivesNothingMore() {
        TimeoutExample.Server server = TimeoutExample.Server.steady();
        rt.blockOn(() -> {
            TimeoutExample.withTimeout(server);
            assertEquals(0, Clock.current().pendingTimers(), "the wait for chunk 3 left the wheel with the download");
            Time.sleep(Duration.ofMinutes(1)).await();          // long after the whole file would have come
            assertEquals(2, server.sent());
        });
    }

    @Test
    void aLimitLongEnoughGivesTheWholeFileWhenItArrives() {
        rt.blockOn(() -> {
            Instant start = Instant.now();
            String file = Time.timeout(Duration.ofSeconds(10),
                    new TimeoutExample.Download(TimeoutExample.Server.steady())).await();
            assertEquals(WHOLE_FILE, file);
            assertEquals(Duration.ofSeconds(8), start.elapsed(), "four chunks, two seconds each");
            assertEquals(0, Clock.current().pendingTimers(), "the unused deadline left the wheel");
        });
    }

    @Test
    void selectLoopKeepsTheSameDownloadAndGivesItMoreTimeWhileItProgresses() {
        TimeoutExample.Attempt a = rt.blockOn(() -> TimeoutExample.withSelectLoop(TimeoutExample.Server.steady()));
        assertEquals("complete", a.result());
        assertEquals(WHOLE_FILE, a.kept());
        assertEquals(4, a.chunksSent(), "each chunk once: the download survived the check at 5 s");
        assertEquals(List.of("2/4 chunks at 5 s: progressing, 5 s more"), a.reports());
        assertEquals(Duration.ofSeconds(8), a.took());
    }

    @Test
    void selectLoopCancelsAStalledDownloadOnPurposeAndKeepsWhatArrived() {
        TimeoutExample.Attempt a = rt.blockOn(() -> TimeoutExample.withSelectLoop(
                TimeoutExample.Server.stallingAfter(3)));
        assertEquals("cancelled", a.result());
        assertEquals("The slow server's whole ", a.kept());
        assertEquals(3, a.chunksSent());
        assertEquals(List.of(
                "2/4 chunks at 5 s: progressing, 5 s more",
                "3/4 chunks at 10 s: progressing, 5 s more",
                "3/4 chunks at 15 s: stalled, cancelled"), a.reports());
        assertEquals(Duration.ofSeconds(15), a.took());
    }

    @Test
    void selectLoopDropsBothOfItsFuturesWhenItEnds() {
        rt.blockOn(() -> {
            TimeoutExample.withSelectLoop(TimeoutExample.Server.steady());     // ends with the check pending
            assertEquals(0, Clock.current().pendingTimers(), "the check's timer left the wheel");
            TimeoutExample.withSelectLoop(TimeoutExample.Server.stallingAfter(3)); // ends with the download pending
            assertEquals(0, Clock.current().pendingTimers());
        });
    }

    @Test
    void runGivesTheThreeAttemptsOnItsOwnPausedClock() {
        TimeoutExample.Outcome o = TimeoutExample.run();
        assertEquals("", o.timeout().kept());
        assertEquals(WHOLE_FILE, o.selectLoop().kept());
        assertEquals("The slow server's whole ", o.selectLoopStalled().kept());
        Duration total = o.timeout().took().plus(o.selectLoop().took()).plus(o.selectLoopStalled().took());
        assertEquals(Duration.ofSeconds(28), total);
    }
}
