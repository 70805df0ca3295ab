package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import dev.weft.Select;
import dev.weft.runtime.Runtime;
import dev.weft.task.Task;
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

    @Test
    void fetchThatAnswersWinsTheRace() {
        assertEquals("200 OK from https://example.com", SelectExample.run().fastServer());
    }

    @Test
    void deadlineWinsAgainstASilentServerAndTheLosingFetchIsCancelled() {
        SelectExample.Outcome o = SelectExample.run();
        assertEquals("Err(timeout)", o.slowServer());
        assertTrue(o.slowFetchCancelled().contains("was cancelled"), o.slowFetchCancelled());
    }

    @Test
    void deadlineThatFiresFirstThrowsTimeoutException() {
        SelectExample.Server silent = new SelectExample.Server();
        assertThrows(TimeoutException.class, () -> Runtime.main(
                () -> SelectExample.fetchWithTimeout(silent.fetchData("u"), SelectExample.deadline(silent, Duration.ZERO))));
        // the fetch was running (the deadline waits for the request) and was aborted when it lost
        assertTrue(Future.fromStage(silent.fetchCancelled).await().contains("was cancelled"));
    }

    @Test
    void failedFetchIsTheSelectsFailure() {
        SelectExample.Server broken = new SelectExample.Server();
        broken.answer.completeExceptionally(new IOException("connection reset"));
        IOException e = assertThrows(IOException.class, () -> Runtime.main(
                () -> SelectExample.fetchWithTimeout(broken.fetchData("u"), Future.never())));
        assertEquals("connection reset", e.getMessage());
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
