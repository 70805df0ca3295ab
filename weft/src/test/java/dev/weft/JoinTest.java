package dev.weft;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.Join.join;
import static dev.weft.Join.joinAll;
import static dev.weft.Join.tryJoin;
import static dev.weft.Join.tryJoinAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.task.Task;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class JoinTest {

    private final CountingWaker waker = new CountingWaker();
    private final Context cx = waker.context();

    private static List<ManualFuture<Integer>> manual(int n) {
        List<ManualFuture<Integer>> fs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            fs.add(new ManualFuture<>());
        }
        return fs;
    }

    /** Completes the futures last to first with 10, 20, 30...; the join must still order values by position. */
    private static void completeInReverse(List<ManualFuture<Integer>> fs, Future<?> join, Context cx) {
        for (int i = fs.size() - 1; i >= 0; i--) {
            assertTrue(join.poll(cx).isPending());
            fs.get(i).complete(10 * (i + 1));
        }
    }

    // ---- arities ----------------------------------------------------------------------

    @Test
    void joinOfTwoGivesBothValuesInOrder() {
        var fs = manual(2);
        var j = join(fs.get(0), fs.get(1));
        completeInReverse(fs, j, cx);
        assertEquals(new Join.Tuple2<>(10, 20), j.poll(cx).value());
    }

    @Test
    void joinOfThreeGivesEveryValueInOrder() {
        var fs = manual(3);
        var j = join(fs.get(0), fs.get(1), fs.get(2));
        completeInReverse(fs, j, cx);
        assertEquals(new Join.Tuple3<>(10, 20, 30), j.poll(cx).value());
    }

    @Test
    void joinOfFourGivesEveryValueInOrder() {
        var fs = manual(4);
        var j = join(fs.get(0), fs.get(1), fs.get(2), fs.get(3));
        completeInReverse(fs, j, cx);
        assertEquals(new Join.Tuple4<>(10, 20, 30, 40), j.poll(cx).value());
    }

    @Test
    void joinOfFiveGivesEveryValueInOrder() {
        var fs = manual(5);
        var j = join(fs.get(0), fs.get(1), fs.get(2), fs.get(3), fs.get(4));
        completeInReverse(fs, j, cx);
        assertEquals(new Join.Tuple5<>(10, 20, 30, 40, 50), j.poll(cx).value());
    }

    @Test
    void joinOfFuturesOfDifferentTypesKeepsEachType() {
        Join.Tuple2<String, Integer> t = join(Future.ready("a"), Future.ready(1)).poll(cx).value();
        assertEquals("a", t.first());
        assertEquals(1, t.second());
    }

    @Test
    void joinAllGivesEveryValueInTheOrderOfTheList() {
        var fs = manual(7);
        Future<List<Integer>> j = joinAll(fs);
        completeInReverse(fs, j, cx);
        assertEquals(List.of(10, 20, 30, 40, 50, 60, 70), j.poll(cx).value());
    }

    @Test
    void joinAllOfAnEmptyListIsReadyWithAnEmptyList() {
        assertEquals(List.of(), joinAll(List.<Future<Integer>>of()).poll(cx).value());
    }

    @Test
    void tryJoinOfEachArityGivesEveryValueWhenNoneFails() {
        Future<Integer> r = Future.ready(1);
        assertEquals(new Join.Tuple2<>(1, 1), tryJoin(r, r).poll(cx).value());
        assertEquals(new Join.Tuple3<>(1, 1, 1), tryJoin(r, r, r).poll(cx).value());
        assertEquals(new Join.Tuple4<>(1, 1, 1, 1), tryJoin(r, r, r, r).poll(cx).value());
        assertEquals(new Join.Tuple5<>(1, 1, 1, 1, 1), tryJoin(r, r, r, r, r).poll(cx).value());
        assertEquals(List.of(1, 1, 1), tryJoinAll(List.of(r, r, r)).poll(cx).value());
    }

    @Test
    void aNullFutureIsRefusedNamingItsPosition() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> join(Future.ready(1), null));
        assertTrue(e.getMessage().contains("future 1"), e.getMessage());
    }

    // ---- polling and waking -----------------------------------------------------------

    @Test
    void theJoinIsLazy() {
        var fs = manual(2);
        join(fs.get(0), fs.get(1));
        assertEquals(0, fs.get(0).polls() + fs.get(1).polls());
    }

    @Test
    void theFirstPollPollsEveryFuture() {
        var fs = manual(3);
        join(fs.get(0), fs.get(1), fs.get(2)).poll(cx);
        for (var f : fs) {
            assertEquals(1, f.polls());
        }
    }

    @Test
    void theJoinIsPendingUntilEveryFutureCompleted() {
        var fs = manual(2);
        var j = join(fs.get(0), fs.get(1));
        assertTrue(j.poll(cx).isPending());
        fs.get(0).complete(1);
        assertTrue(j.poll(cx).isPending());
        fs.get(1).complete(2);
        assertTrue(j.poll(cx).isReady());
    }

    @Test
    void aWokenChildWakesTheTaskPollingTheJoin() {
        var fs = manual(2);
        var j = join(fs.get(0), fs.get(1));
        j.poll(cx);
        assertEquals(0, waker.count());
        fs.get(1).waker().wake();
        assertEquals(1, waker.count());
    }

    @Test
    void aChildWakeWakesTheWakerOfTheLatestPoll() {
        var fs = manual(2);
        var j = join(fs.get(0), fs.get(1));
        CountingWaker earlier = new CountingWaker();
        CountingWaker latest = new CountingWaker();
        j.poll(earlier.context());
        j.poll(latest.context());
        fs.get(0).waker().wake();
        assertEquals(0, earlier.count());
        assertEquals(1, latest.count());
    }

    @Test
    void onlyWokenChildrenArePolledAgain() {
        var fs = manual(3);
        var j = joinAll(fs);
        j.poll(cx);
        fs.get(1).waker().wake();
        j.poll(cx);
        assertEquals(1, fs.get(0).polls());
        assertEquals(2, fs.get(1).polls());
        assertEquals(1, fs.get(2).polls());
    }

    @Test
    void aPollAfterASpuriousWakeOfTheTaskPollsNoChild() {
        var fs = manual(3);
        var j = joinAll(fs);
        j.poll(cx);
        assertTrue(j.poll(cx).isPending());
        for (var f : fs) {
            assertEquals(1, f.polls());
        }
    }

    @Test
    void aChildWokenManyTimesBeforeAPollIsPolledOnce() {
        var fs = manual(2);
        var j = joinAll(fs);
        j.poll(cx);
        for (int i = 0; i < 5; i++) {
            fs.get(0).waker().wake();
        }
        j.poll(cx);
        assertEquals(2, fs.get(0).polls());
        assertEquals(1, waker.count(), "one task wake-up for the child's five");
    }

    @Test
    void aChildThatWakesItselfDuringItsPollIsPolledOnTheNextPoll() {
        var j = join(Task.yieldNow(), Future.ready(1));
        assertTrue(j.poll(cx).isPending());
        assertEquals(1, waker.count());
        assertTrue(j.poll(cx).isReady());
    }

    @Test
    void childPollsGrowLinearlyWithTheNumberOfFutures() {
        int n = 20_000;
        var fs = manual(n);
        var j = joinAll(fs);
        j.poll(cx);
        for (var f : fs) {
            f.complete(1);
            j.poll(cx);
        }
        long total = 0;
        for (var f : fs) {
            total += f.polls();
        }
        assertEquals(2L * n, total);
    }

    // ---- failures ---------------------------------------------------------------------

    @Test
    void joinWaitsForEveryFutureBeforeThrowingAFailure() {
        var fs = manual(2);
        var j = join(fs.get(0), fs.get(1));
        j.poll(cx);
        fs.get(0).fail(new IOException("first"));
        assertTrue(j.poll(cx).isPending(), "the other future still runs");
        assertEquals(0, fs.get(1).drops());
        fs.get(1).complete(2);
        assertThrows(IOException.class, () -> j.poll(cx));
    }

    @Test
    void joinThrowsTheFirstFailureWithTheLaterOnesSuppressed() {
        var fs = manual(3);
        var j = joinAll(fs);
        j.poll(cx);
        IOException first = new IOException("first");
        IllegalStateException second = new IllegalStateException("second");
        IllegalArgumentException third = new IllegalArgumentException("third");
        fs.get(2).fail(first);   // first in time, last in position
        j.poll(cx);
        fs.get(0).fail(second);
        fs.get(1).fail(third);
        Throwable thrown = assertThrows(IOException.class, () -> j.poll(cx));
        assertSame(first, thrown);
        List<Throwable> suppressed = List.of(thrown.getSuppressed());
        assertEquals(2, suppressed.size());
        assertTrue(suppressed.contains(second));
        assertTrue(suppressed.contains(third));
    }

    @Test
    void tryJoinThrowsTheFirstFailureAtOnceAndDropsTheRest() {
        var fs = manual(3);
        var j = tryJoin(fs.get(0), fs.get(1), fs.get(2));
        j.poll(cx);
        IOException boom = new IOException("boom");
        fs.get(1).fail(boom);
        assertSame(boom, assertThrows(IOException.class, () -> j.poll(cx)));
        assertEquals(1, fs.get(0).drops());
        assertEquals(1, fs.get(2).drops());
        assertEquals(0, fs.get(1).drops(), "the failed future finished: it is not dropped");
    }

    @Test
    void tryJoinFailingOnTheFirstPollDropsTheFuturesNotYetPolled() {
        ManualFuture<Integer> later = new ManualFuture<>();
        IOException boom = new IOException("boom");
        var j = tryJoin(Future.<Integer>failed(boom), later);
        assertSame(boom, assertThrows(IOException.class, () -> j.poll(cx)));
        assertEquals(0, later.polls());
        assertEquals(1, later.drops());
    }

    @Test
    void tryJoinDoesNotDropFuturesThatAlreadyCompleted() {
        var fs = manual(2);
        var j = tryJoinAll(fs);
        j.poll(cx);
        fs.get(0).complete(1);
        j.poll(cx);
        fs.get(1).fail(new IOException("boom"));
        assertThrows(IOException.class, () -> j.poll(cx));
        assertEquals(0, fs.get(0).drops());
    }

    @Test
    void tryJoinKeepsItsFailureWhenDroppingTheRestThrows() {
        IllegalStateException dropFailure = new IllegalStateException("drop failed");
        Future<Integer> badDrop = new Future<>() {
            @Override
            public Poll<Integer> poll(Context c) {
                return Poll.pending();
            }

            @Override
            public void drop() {
                throw dropFailure;
            }
        };
        ManualFuture<Integer> failing = new ManualFuture<>();
        var j = tryJoin(badDrop, failing);
        j.poll(cx);
        IOException boom = new IOException("boom");
        failing.fail(boom);
        Throwable thrown = assertThrows(Throwable.class, () -> j.poll(cx));
        assertSame(boom, thrown);
        assertTrue(List.of(thrown.getSuppressed()).contains(dropFailure));
    }

    // ---- drop -------------------------------------------------------------------------

    @Test
    void dropDropsEveryFutureStillRunningOnce() {
        var fs = manual(3);
        var j = joinAll(fs);
        j.poll(cx);
        fs.get(1).complete(2);
        j.poll(cx);
        j.drop();
        j.drop();
        assertEquals(1, fs.get(0).drops());
        assertEquals(0, fs.get(1).drops(), "a completed future is not dropped");
        assertEquals(1, fs.get(2).drops());
    }

    @Test
    void dropBeforeTheFirstPollDropsEveryFuture() {
        var fs = manual(2);
        var j = join(fs.get(0), fs.get(1));
        j.drop();
        assertArrayEquals(new int[] {1, 1}, new int[] {fs.get(0).drops(), fs.get(1).drops()});
        assertEquals(0, fs.get(0).polls() + fs.get(1).polls());
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJoinOverManyReadyChildrenPollsEachAboutOnceDespiteTheBudget() {
        int n = 100_000;
        java.util.concurrent.atomic.AtomicLong polls = new java.util.concurrent.atomic.AtomicLong();
        try (dev.weft.runtime.Runtime rt = dev.weft.runtime.Runtime.builder().currentThread().build()) {
            List<Integer> values = rt.blockOn(Future.pollFn(cx -> {
                // Finished handles: each ready poll takes a unit of the task's budget.
                List<Future<Integer>> children = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    dev.weft.task.JoinHandle<Integer> h = Task.spawn(Future.ready(i));
                    children.add(c -> {
                        polls.incrementAndGet();
                        return h.poll(c);
                    });
                }
                return Poll.ready(children);
            }).andThen(children -> {
                // Let every child task finish first, then join them all from one task.
                return Task.yieldNow().andThen(__ -> joinAll(children));
            }));
            assertEquals(n, values.size());
        }
        // Children the budget stopped are kept for the next poll, not polled to no avail:
        // each is polled about once, plus the ones that were not finished yet at first.
        assertTrue(polls.get() < 3L * n, "polls: " + polls.get() + " for " + n + " children");
    }

    // ---- joins over task handles ------------------------------------------------------

    /** Spawns one future task per manual future on {@code rt}; each finishes when its future does. */

    /** A runtime with one worker: the joins' tasks run one at a time. */
    private static dev.weft.runtime.Runtime oneWorker() {
        return dev.weft.runtime.Runtime.builder().workerThreads(1).build();
    }
    private static List<dev.weft.task.JoinHandle<Integer>> spawnEach(
            dev.weft.runtime.Runtime rt, List<ManualFuture<Integer>> fs) {
        return rt.blockOn(Future.pollFn(c -> {
            List<dev.weft.task.JoinHandle<Integer>> hs = new ArrayList<>();
            for (ManualFuture<Integer> f : fs) {
                hs.add(Task.spawn(f));
            }
            return Poll.ready(hs);
        }));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJoinOverTaskHandlesIsWokenOnlyByTheHandleItWaitsFor() {
        try (var rt = oneWorker()) {
            var fs = manual(4);
            var hs = spawnEach(rt, fs);
            var j = joinAll(hs);
            assertTrue(j.poll(cx).isPending());
            // The tasks after the first finish: nothing the join waits for yet.
            for (int i = 3; i >= 1; i--) {
                fs.get(i).complete(10 * (i + 1));
            }
            waitUntil(() -> hs.get(1).isFinished() && hs.get(2).isFinished() && hs.get(3).isFinished());
            assertEquals(0, waker.count(), "woken by tasks it does not wait for yet");
            fs.get(0).complete(10);
            waitUntil(waker::isWoken);
            assertEquals(List.of(10, 20, 30, 40), j.poll(cx).value());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJoinOverTaskHandlesThrowsTheFirstFailureInTheListsOrderOnceAllFinished() {
        try (var rt = oneWorker()) {
            var fs = manual(3);
            var hs = spawnEach(rt, fs);
            var j = joinAll(hs);
            assertTrue(j.poll(cx).isPending());
            fs.get(2).fail(new IOException("last in the list, first in time"));
            waitUntil(() -> hs.get(2).isFinished());
            assertTrue(j.poll(cx).isPending(), "the first task still runs");
            fs.get(1).fail(new IllegalStateException("second in the list, second in time"));
            waitUntil(() -> hs.get(1).isFinished());
            assertTrue(j.poll(cx).isPending(), "the first task still runs");
            fs.get(0).complete(1);
            waitUntil(waker::isWoken);
            var e = assertThrows(dev.weft.task.JoinError.class, () -> j.poll(cx));
            assertTrue(e.getCause() instanceof IllegalStateException, "first in the list's order: " + e.getCause());
            assertEquals(1, e.getSuppressed().length);
            assertTrue(e.getSuppressed()[0].getCause() instanceof IOException);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHandleListedTwiceInAJoinGivesItsValueTwice() {
        try (var rt = oneWorker()) {
            var fs = manual(2);
            var hs = spawnEach(rt, fs);
            var j = joinAll(List.of(hs.get(1), hs.get(0), hs.get(1)));
            assertTrue(j.poll(cx).isPending());
            fs.get(1).complete(2);
            fs.get(0).complete(1);
            waitUntil(waker::isWoken);
            waitUntil(() -> hs.get(0).isFinished() && hs.get(1).isFinished());
            assertEquals(List.of(2, 1, 2), j.poll(cx).value());
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aTryJoinOverTaskHandlesStillFailsAsSoonAsAnyTaskFails() {
        try (var rt = oneWorker()) {
            var fs = manual(2);
            var hs = spawnEach(rt, fs);
            var j = tryJoinAll(hs);
            assertTrue(j.poll(cx).isPending());
            fs.get(1).fail(new IOException("second"));
            waitUntil(waker::isWoken);
            var e = assertThrows(dev.weft.task.JoinError.class, () -> j.poll(cx));
            assertTrue(e.getCause() instanceof IOException);
            fs.get(0).complete(1);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aHandleListedTwiceBesideOtherFuturesIsRefusedNamingBothPositions() {
        try (var rt = oneWorker()) {
            var fs = manual(1);
            var h = spawnEach(rt, fs).get(0);
            var other = new ManualFuture<Integer>();
            var e = assertThrows(IllegalArgumentException.class, () -> join(h, other, h));
            assertTrue(e.getMessage().contains("positions 0 and 2"), e.getMessage());
            assertEquals(1, other.drops(), "the refused join's futures are dropped, as a dropped join's are");
            assertThrows(IllegalArgumentException.class, () -> tryJoin(h, h));
            List<Future<Integer>> many = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                many.add(new ManualFuture<>());
            }
            many.set(3, h);
            many.set(17, h);
            e = assertThrows(IllegalArgumentException.class, () -> joinAll(many));
            assertTrue(e.getMessage().contains("positions 3 and 17"), e.getMessage());
            fs.get(0).complete(1);
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aJoinOverManyFinishedHandlesStillYieldsToOtherTasks() {
        int n = 10_000;
        try (dev.weft.runtime.Runtime rt = dev.weft.runtime.Runtime.builder().currentThread().build()) {
            boolean otherRanFirst = rt.blockOn(() -> {
                List<dev.weft.task.JoinHandle<Integer>> hs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    hs.add(Task.spawn(Future.ready(i)));
                }
                hs.get(n - 1).await(); // the one worker runs them in order: all finished
                java.util.concurrent.atomic.AtomicBoolean other = new java.util.concurrent.atomic.AtomicBoolean();
                // The joining task queues the other task on the one worker itself, right
                // before the join starts: the other can run only if the join yields.
                var joiner = Task.spawn(Future.pollFn(c -> {
                    Task.spawn(Future.pollFn(c2 -> {
                        other.set(true);
                        return Poll.ready(null);
                    }));
                    return Poll.ready(null);
                }).andThen(__ -> joinAll(hs)).map(values -> {
                    assertEquals(n, values.size());
                    assertEquals(n - 1, values.get(n - 1));
                    return other.get();
                }));
                return joiner.await();
            });
            assertTrue(otherRanFirst, "the join ran its 10,000 ready handles without yielding to the other task");
        }
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aDroppedJoinOverTaskHandlesIsNotWokenWhenTheTaskItWaitedForFinishes() {
        try (var rt = oneWorker()) {
            var fs = manual(2);
            var hs = spawnEach(rt, fs);
            var j = joinAll(hs);
            assertTrue(j.poll(cx).isPending());
            j.drop();
            fs.get(0).complete(1);
            fs.get(1).complete(2);
            waitUntil(() -> hs.get(0).isFinished() && hs.get(1).isFinished());
            assertEquals(0, waker.count(), "a dropped join keeps no waker in the handle it waited on");
            assertEquals(1, hs.get(0).await(), "dropping the join leaves the tasks and their outcomes alone");
        }
    }

    @Test
    void aJoinPolledAgainAfterItCompletedIsRefused() {
        Future<Join.Tuple2<Integer, Integer>> j = join(Future.ready(1), Future.ready(2));
        assertEquals(new Join.Tuple2<>(1, 2), j.poll(cx).value());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> j.poll(cx));
        assertTrue(e.getMessage().contains("already completed"), e.getMessage());
    }

    @Test
    void aDroppedJoinDropsEveryChildAndRefusesALaterPoll() {
        ManualFuture<Integer> a = new ManualFuture<>();
        ManualFuture<Integer> b = new ManualFuture<>();
        Future<Join.Tuple2<Integer, Integer>> j = join(a, b);
        assertTrue(j.poll(cx).isPending());
        j.drop();
        assertEquals(1, a.drops());
        assertEquals(1, b.drops());
        assertThrows(IllegalStateException.class, () -> j.poll(cx), "pending here would hang the task");
    }

    @Test
    void aJoinThatFailedRefusesALaterPoll() {
        Future<List<Integer>> j = tryJoinAll(List.of(Future.ready(1), Future.failed(new IOException("x"))));
        assertThrows(IOException.class, () -> j.poll(cx));
        assertThrows(IllegalStateException.class, () -> j.poll(cx));
    }
}
