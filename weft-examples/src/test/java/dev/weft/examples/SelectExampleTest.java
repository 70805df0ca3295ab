package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import dev.weft.Select;
import dev.weft.runtime.Runtime;
import dev.weft.task.Task;
import dev.weft.time.Clock;
import dev.weft.time.Instant;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SelectExampleTest {

    /** A multi-thread runtime whose clock starts paused: the 5-second sleep takes no real time. */
    private static Runtime pausedRuntime() {
        return Runtime.builder().workerThreads(2).startPaused(true).build();
    }

    @Test
    void fetchThatAnswersWinsAtOnceAndItsSleepLeavesTheTimerWheel() {
        try (Runtime rt = pausedRuntime()) {
            SelectExample.Outcome o = SelectExample.run(rt);
            assertEquals("200 OK from https://example.com", o.fastServer());
            assertEquals(Duration.ZERO, o.fastServerTook(), "no time passed on the paused clock");
            assertEquals(0, o.timersLeft(), "both losing sleeps were dropped, so no timer is left");
        }
    }

    @Test
    void silentServerLosesToTheSleepAfterExactlyFiveSecondsAndTheFetchIsCancelled() {
        try (Runtime rt = pausedRuntime()) {
            SelectExample.Outcome o = SelectExample.run(rt);
            assertEquals("Err(timeout)", o.slowServer());
            assertEquals(Duration.ofSeconds(5), o.slowServerTook());
            assertTrue(o.slowFetchCancelled().contains("was cancelled"), o.slowFetchCancelled());
        }
    }

    @Test
    void sleepThatFiresFirstThrowsTimeoutExceptionAndAbortsTheRunningFetch() {
        SelectExample.Server silent = new SelectExample.Server();
        try (Runtime rt = pausedRuntime()) {
            Instant before = rt.clock().now();
            assertThrows(TimeoutException.class, () -> rt.blockOn(() -> SelectExample.fetchWithTimeout(
                    silent.fetchData("u"))));
            assertEquals(Duration.ofSeconds(5), rt.clock().now().durationSince(before));
            // the fetch's child task was parked on the answer, and was aborted when its branch lost
            assertTrue(rt.blockOn(() -> Future.fromStage(silent.fetchCancelled).await()).contains("was cancelled"));
        }
    }

    @Test
    void fetchWithTimeoutAnswersOnARunningClockToo() {
        SelectExample.Server fast = new SelectExample.Server();
        fast.answer.complete("200 OK");
        assertEquals("200 OK from u", Runtime.main(() -> SelectExample.fetchWithTimeout(fast.fetchData("u"))));
    }

    @Test
    void failedFetchIsTheSelectsFailure() {
        SelectExample.Server broken = new SelectExample.Server();
        broken.answer.completeExceptionally(new IOException("connection reset"));
        try (Runtime rt = pausedRuntime()) {
            IOException e = assertThrows(IOException.class,
                    () -> rt.blockOn(() -> SelectExample.fetchWithTimeout(broken.fetchData("u"))));
            assertEquals("connection reset", e.getMessage());
            assertEquals(0, rt.blockOn(() -> Clock.current().pendingTimers()), "the losing sleep left the wheel");
        }
    }

    @Test
    void biasedSelectAlwaysTakesTheFirstReadyBranch() {
        SelectExample.Outcome o = SelectExample.run();
        assertEquals(o.rounds(), o.biasedShutdownWins());
    }

    @Test
    void unbiasedSelectLetsEitherReadyBranchWin() {
        // Each round starts at a random branch; 1000 rounds all on one side has probability 2^-999.
        SelectExample.Outcome o = SelectExample.run();
        assertTrue(o.fairShutdownWins() > 0 && o.fairShutdownWins() < o.rounds(), "shutdown won "
                + o.fairShutdownWins() + " of " + o.rounds());
    }

    @Test
    void preconditionsTakeEachTaskOnceThenElseEndsTheLoop() {
        List<String> seen = SelectExample.run().collected();
        assertEquals(2, seen.size());
        assertEquals(Set.of("a", "b"), Set.copyOf(seen));
    }

    @Test
    void elseBranchAnswersAtOnceWhenEveryBranchIsDisabled() {
        String v = Select.<String>select(Select.on(Future.<String>never()).when(false)).orElse(() -> "else").await();
        assertEquals("else", v);
    }

    @Test
    void handlesSelectedInEveryRoundStillHoldTheirValues() {
        List<String> seen = Runtime.main(() -> {
            var a = Task.spawn(() -> "a");
            var b = Task.spawn(() -> "b");
            List<String> got = SelectExample.collectBoth(a, b);
            // The handles were cancel safe: the loop took each value once, and they still hold it.
            assertEquals("a", a.await());
            assertEquals("b", b.await());
            return got;
        });
        assertEquals(Set.of("a", "b"), Set.copyOf(seen));
    }
}
