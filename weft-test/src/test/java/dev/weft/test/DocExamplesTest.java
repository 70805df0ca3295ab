package dev.weft.test;

import static dev.weft.test.PollAssertions.assertNotWoken;
import static dev.weft.test.PollAssertions.assertPending;
import static dev.weft.test.PollAssertions.assertReady;
import static dev.weft.test.PollAssertions.assertReadyEq;
import static dev.weft.test.PollAssertions.assertWoken;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.weft.Future;
import dev.weft.task.Task;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The examples of this package's Javadoc, compiled and run so that they cannot rot. Keep them in step. */
class DocExamplesTest {

    /** package-info.java, "A first test"; and PollHarness's class example. */
    @Test
    void completingTheStageWakesTheTask() {
        var stage = new CompletableFuture<String>();
        var h = PollHarness.of(Future.fromStage(stage));

        assertPending(h.poll());
        assertNotWoken(h);

        stage.complete("hello");
        assertWoken(h);
        assertReadyEq(h.poll(), "hello");
    }

    /** PollAssertions's class example. */
    @Test
    void aYieldIsPendingOnceAfterWakingItsTask() {
        var h = PollHarness.of(Task.yieldNow());
        assertPending(h.poll());
        assertWoken(h);
        assertReady(h.poll());
    }

    /** PollHarness.enter's example. */
    @Test
    void enterSeesATestContextWithoutBudget() {
        var h = PollHarness.of(Future.<Integer>never());
        boolean budgeted = h.enter((cx, future) -> cx.hasBudget());
        assertFalse(budgeted);
    }
}
