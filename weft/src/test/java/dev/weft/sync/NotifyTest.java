package dev.weft.sync;

import static dev.weft.Conditions.waitUntil;
import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.RuntimePerTest;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class NotifyTest extends RuntimePerTest {
    // ---- notifyOne

    @Test
    void notifyOneWakesTheOldestWaiter() {
        Notify n = new Notify();
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        Notify.Notified a = n.notified();
        Notify.Notified b = n.notified();
        assertTrue(a.poll(w1.context()).isPending());
        assertTrue(b.poll(w2.context()).isPending());
        n.notifyOne();
        assertEquals(1, w1.count());
        assertEquals(0, w2.count());
        assertTrue(a.poll(w1.context()).isReady());
        assertTrue(b.poll(w2.context()).isPending());
        n.notifyOne();
        assertTrue(b.poll(w2.context()).isReady());
        assertEquals(0, n.waiterCount());
        assertFalse(n.hasPermit());
    }

    // ---- notifyLast

    @Test
    void notifyLastWakesTheNewestWaiter() {
        Notify n = new Notify();
        CountingWaker w1 = new CountingWaker();
        CountingWaker w2 = new CountingWaker();
        CountingWaker w3 = new CountingWaker();
        Notify.Notified a = n.notified();
        Notify.Notified b = n.notified();
        Notify.Notified c = n.notified();
        assertTrue(a.poll(w1.context()).isPending());
        assertTrue(b.poll(w2.context()).isPending());
        assertTrue(c.poll(w3.context()).isPending());
        n.notifyLast();
        assertEquals(List.of(0, 0, 1), List.of(w1.count(), w2.count(), w3.count()));
        assertTrue(c.poll(w3.context()).isReady());
        n.notifyLast();
        assertEquals(1, w2.count());
        assertTrue(b.poll(w2.context()).isReady());
        n.notifyOne(); // the orders mix: the one left is both oldest and newest
        assertTrue(a.poll(w1.context()).isReady());
        assertEquals(0, n.waiterCount());
        assertFalse(n.hasPermit());
    }

    @Test
    void notifyLastWithNoWaiterStoresTheSamePermit() {
        Notify n = new Notify();
        n.notifyLast();
        n.notifyOne();
        assertTrue(n.hasPermit());
        assertTrue(n.notified().poll(new CountingWaker().context()).isReady());
        assertTrue(n.notified().poll(new CountingWaker().context()).isPending(), "permits do not add up");
    }

    @Test
    void droppingANotifiedChosenByNotifyLastPassesTheNotificationToTheNextNewest() {
        Notify n = new Notify();
        CountingWaker wa = new CountingWaker();
        CountingWaker wb = new CountingWaker();
        CountingWaker wc = new CountingWaker();
        Notify.Notified a = n.notified();
        Notify.Notified b = n.notified();
        Notify.Notified c = n.notified();
        assertTrue(a.poll(wa.context()).isPending());
        assertTrue(b.poll(wb.context()).isPending());
        assertTrue(c.poll(wc.context()).isPending());
        n.notifyLast(); // chooses c
        c.drop();       // before c saw it
        assertEquals(0, wa.count(), "passed on in the order it was chosen in: newest first");
        assertEquals(1, wb.count());
        assertTrue(b.poll(wb.context()).isReady());
        assertTrue(a.poll(wa.context()).isPending());
    }

    // ---- permits

    @Test
    void notifyOneWithNoWaiterStoresOnePermitThatTheNextNotifiedConsumes() {
        Notify n = new Notify();
        n.notifyOne();
        n.notifyOne(); // permits do not add up
        assertTrue(n.hasPermit());
        CountingWaker w = new CountingWaker();
        assertTrue(n.notified().poll(w.context()).isReady());
        assertTrue(n.notified().poll(w.context()).isPending(), "only one permit was stored");
    }

    @Test
    void aNotifiedCreatedBeforeNotifyOneButNotPolledTakesThePermit() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        n.notifyOne(); // f is not registered: the permit is stored
        assertTrue(n.hasPermit());
        assertTrue(f.poll(new CountingWaker().context()).isReady());
        assertFalse(n.hasPermit());
    }

    @Test
    void aReadyNotifiedStaysReady() {
        Notify n = new Notify();
        n.notifyOne();
        Notify.Notified f = n.notified();
        CountingWaker w = new CountingWaker();
        assertTrue(f.poll(w.context()).isReady());
        assertTrue(f.poll(w.context()).isReady());
        assertTrue(f.isNotified());
    }

    @Test
    void aNewWakerReplacesTheOldOne() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        CountingWaker first = new CountingWaker();
        CountingWaker second = new CountingWaker();
        assertTrue(f.poll(first.context()).isPending());
        assertTrue(f.poll(second.context()).isPending());
        n.notifyOne();
        assertEquals(0, first.count());
        assertEquals(1, second.count());
    }

    // ---- notifyWaiters

    @Test
    void notifyWaitersWakesEveryRegisteredWaiterAndStoresNoPermit() {
        Notify n = new Notify();
        List<Notify.Notified> fs = new ArrayList<>();
        List<CountingWaker> ws = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fs.add(n.notified());
            ws.add(new CountingWaker());
            assertTrue(fs.get(i).poll(ws.get(i).context()).isPending());
        }
        n.notifyWaiters();
        for (int i = 0; i < 5; i++) {
            assertEquals(1, ws.get(i).count());
            assertTrue(fs.get(i).poll(ws.get(i).context()).isReady());
        }
        assertFalse(n.hasPermit());
        assertTrue(n.notified().poll(new CountingWaker().context()).isPending(), "a later waiter is not affected");
    }

    @Test
    void notifyWaitersCompletesANotifiedCreatedBeforeTheCallEvenIfNeverPolled() {
        Notify n = new Notify();
        Notify.Notified before = n.notified();
        n.notifyWaiters();
        Notify.Notified after = n.notified();
        assertTrue(before.isNotified() || before.poll(new CountingWaker().context()).isReady());
        assertTrue(after.poll(new CountingWaker().context()).isPending());
    }

    @Test
    void notifyWaitersLeavesAStoredPermitAlone() {
        Notify n = new Notify();
        n.notifyOne();
        n.notifyWaiters();
        assertTrue(n.hasPermit());
        assertTrue(n.notified().poll(new CountingWaker().context()).isReady());
    }

    // ---- enable

    @Test
    void enableRegistersWithoutPollingSoNotifyOneChoosesIt() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        assertFalse(f.enable());
        assertEquals(1, n.waiterCount());
        n.notifyOne();
        assertFalse(n.hasPermit(), "the notification went to the enabled future, not to the permit");
        assertTrue(f.isNotified());
        assertTrue(f.poll(new CountingWaker().context()).isReady());
    }

    @Test
    void enableConsumesAStoredPermit() {
        Notify n = new Notify();
        n.notifyOne();
        Notify.Notified f = n.notified();
        assertTrue(f.enable());
        assertFalse(n.hasPermit());
        assertTrue(f.enable(), "enabling again answers the same");
        assertTrue(f.poll(new CountingWaker().context()).isReady());
    }

    @Test
    void aPermitTakenByEnableIsStoredAgainWhenTheNotifiedIsDroppedUnpolled() {
        Notify n = new Notify();
        n.notifyOne();
        Notify.Notified f = n.notified();
        assertTrue(f.enable(), "it took the permit");
        assertFalse(n.hasPermit());
        f.drop();
        assertTrue(n.hasPermit(), "the notification did not die with a future that never completed");
        assertTrue(n.notified().poll(new CountingWaker().context()).isReady());
    }

    @Test
    void aPermitTakenByEnableGoesToTheOldestWaiterWhenTheNotifiedIsDropped() {
        Notify n = new Notify();
        n.notifyOne();
        Notify.Notified f = n.notified();
        assertTrue(f.enable());
        Notify.Notified other = n.notified();
        CountingWaker w = new CountingWaker();
        assertTrue(other.poll(w.context()).isPending());
        f.drop();
        assertEquals(1, w.count());
        assertTrue(other.poll(w.context()).isReady());
        assertFalse(n.hasPermit());
    }

    @Test
    void aChosenNotifiedThatEnableReportedPassesItsNotificationOnWhenDropped() {
        Notify n = new Notify();
        Notify.Notified a = n.notified();
        Notify.Notified b = n.notified();
        assertFalse(a.enable());
        CountingWaker wb = new CountingWaker();
        assertTrue(b.poll(wb.context()).isPending());
        n.notifyOne(); // chooses a, the oldest
        assertTrue(a.enable(), "enable answers that it is notified");
        a.drop(); // never completed
        assertEquals(1, wb.count(), "the notification went on to b");
        assertTrue(b.poll(wb.context()).isReady());
    }

    @Test
    void aNotifiedCompletedByAPollAfterEnablePassesNothingOnWhenDropped() {
        Notify n = new Notify();
        n.notifyOne();
        Notify.Notified f = n.notified();
        assertTrue(f.enable());
        assertTrue(f.poll(new CountingWaker().context()).isReady());
        f.drop();
        assertFalse(n.hasPermit(), "the permit was spent by the completed poll");
    }

    @Test
    void enableThenPollRegistersTheWaker() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        f.enable();
        CountingWaker w = new CountingWaker();
        assertTrue(f.poll(w.context()).isPending());
        n.notifyWaiters();
        assertEquals(1, w.count());
    }

    @Test
    void aDroppedNotifiedRefusesToBePolledOrEnabled() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        f.drop();
        assertThrows(IllegalStateException.class, () -> f.poll(new CountingWaker().context()));
        assertThrows(IllegalStateException.class, f::enable);
    }

    // ---- drop: nothing lost, nothing left

    @Test
    void droppingAWaitingNotifiedUnregistersIt() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        CountingWaker w = new CountingWaker();
        assertTrue(f.poll(w.context()).isPending());
        f.drop();
        assertEquals(0, n.waiterCount());
        n.notifyOne();
        assertEquals(0, w.count());
        assertTrue(n.hasPermit(), "with no waiter left, the notification is stored");
    }

    @Test
    void droppingANotifiedChosenByNotifyOnePassesTheNotificationOn() {
        Notify n = new Notify();
        Notify.Notified a = n.notified();
        Notify.Notified b = n.notified();
        CountingWaker wa = new CountingWaker();
        CountingWaker wb = new CountingWaker();
        assertTrue(a.poll(wa.context()).isPending());
        assertTrue(b.poll(wb.context()).isPending());
        n.notifyOne(); // chooses a
        a.drop();      // before a saw it
        assertEquals(1, wb.count());
        assertTrue(b.poll(wb.context()).isReady());
    }

    @Test
    void droppingTheLastChosenNotifiedStoresThePermit() {
        Notify n = new Notify();
        Notify.Notified a = n.notified();
        assertTrue(a.poll(new CountingWaker().context()).isPending());
        n.notifyOne();
        a.drop();
        assertTrue(n.hasPermit());
    }

    @Test
    void droppingANotifiedReleasedByNotifyWaitersPassesNothingOn() {
        Notify n = new Notify();
        Notify.Notified a = n.notified();
        assertTrue(a.poll(new CountingWaker().context()).isPending());
        n.notifyWaiters();
        a.drop();
        assertFalse(n.hasPermit());
    }

    @Test
    void isNotifiedBeforeTheFirstPollSeesANotifyWaitersButNotAStoredPermit() {
        Notify n = new Notify();
        Notify.Notified f = n.notified();
        assertFalse(f.isNotified());
        n.notifyWaiters();
        assertTrue(f.isNotified(), "notifyWaiters since it was made: its first poll completes");
        assertTrue(f.poll(new CountingWaker().context()).isReady());

        n.notifyOne();                                // stores the permit
        Notify.Notified g = n.notified();
        Notify.Notified h = n.notified();
        assertFalse(g.isNotified(), "the permit is anyone's until a poll takes it");
        assertTrue(h.enable());
        assertTrue(h.isNotified());
        assertFalse(g.isNotified());
        assertTrue(g.poll(new CountingWaker().context()).isPending());
        g.drop();
        assertFalse(g.isNotified());
    }

    @Test
    void droppingAnUnpolledNotifiedDoesNothing() {
        Notify n = new Notify();
        n.notified().drop();
        assertEquals(0, n.waiterCount());
        assertFalse(n.hasPermit());
    }

    @Test
    void aHundredThousandLostSelectsLeaveNoWaiterBehind() {
        Notify n = new Notify();
        int rounds = 100_000;
        int lost = rt.blockOn(() -> {
            int losses = 0;
            for (int i = 0; i < rounds; i++) {
                // the notified branch is polled first, registers, and then loses
                boolean notified = select(on(n.notified(), __ -> true), on(Future.ready(false))).biased().await();
                if (!notified) {
                    losses++;
                }
            }
            return losses;
        });
        assertEquals(rounds, lost);
        assertEquals(0, n.waiterCount());
        n.notifyOne();
        assertTrue(n.hasPermit(), "no stale registration absorbed the notification");
    }

    @Test
    void aSelectLoopDoesNotLoseNotifications() {
        Notify n = new Notify();
        int notifications = 2_000;
        AtomicInteger seen = new AtomicInteger();
        JoinHandle<Integer> consumer = rt.spawn(() -> {
            while (seen.get() < notifications) {
                // the notified branch often loses to the yield and is dropped
                if (select(on(n.notified(), __ -> true), on(Task.yieldNow(), __ -> false)).await()) {
                    seen.incrementAndGet();
                }
            }
            return seen.get();
        });
        for (int i = 0; i < notifications; i++) {
            int before = i;
            // one at a time: a second notifyOne before the first is taken may coalesce with it, by design
            waitUntil(() -> seen.get() == before, "notification " + before + " to be seen");
            n.notifyOne();
        }
        assertEquals(notifications, consumer.await());
        assertFalse(n.hasPermit());
    }

    // ---- tasks

    @Test
    void threadTasksAndFutureTasksAreWokenByNotifyOne() throws Exception {
        Notify n = new Notify();
        JoinHandle<String> thread = rt.spawn(() -> {
            n.notified().await();
            return "thread";
        });
        JoinHandle<String> future = rt.spawn(n.notified().map(__ -> "future"));
        // Both must be waiting: with nobody waiting, a second notifyOne finds the one
        // permit already stored and adds nothing (by design), and a task would hang.
        waitUntil(() -> n.waiterCount() == 2, "both tasks to wait");
        n.notifyOne();
        n.notifyOne();
        assertEquals("thread", thread.await());
        assertEquals("future", future.await());
    }

    @Test
    void notifyWaitersReleasesEveryParkedTask() throws Exception {
        Notify n = new Notify();
        int tasks = 20;
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            hs.add(i % 2 == 0 ? rt.spawn(() -> n.notified().await()) : rt.spawn(n.notified()));
        }
        waitUntil(() -> n.waiterCount() == tasks, "every task to wait");
        n.notifyWaiters();
        for (JoinHandle<Void> h : hs) {
            h.await();
        }
    }

    @Test
    void abortingAThreadTaskChosenOrWaitingLosesNoNotification() throws Exception {
        Notify n = new Notify();
        CountDownLatch started = new CountDownLatch(1);
        JoinHandle<Void> doomed = rt.spawn(() -> {
            started.countDown();
            n.notified().await();
        });
        started.await();
        waitUntil(() -> n.waiterCount() == 1, "the doomed task to wait");
        JoinHandle<Void> survivor = rt.spawn(n.notified());
        waitUntil(() -> n.waiterCount() == 2, "the survivor to wait");
        n.notifyOne();   // chooses the doomed task
        doomed.abort();  // which may never see it
        try {
            doomed.await();
        } catch (JoinError cancelledOrNot) {
            // either it completed before the abort or it was cancelled: both fine
        }
        if (doomed.toCompletableFuture().isCompletedExceptionally()) {
            survivor.await(); // the notification passed on
        } else {
            n.notifyOne();
            survivor.await();
        }
        assertEquals(0, n.waiterCount());
    }

    @Test
    void abortingAFutureTaskWaitingOnNotifiedUnregistersIt() {
        Notify n = new Notify();
        JoinHandle<Void> h = rt.spawn(n.notified());
        waitUntil(() -> n.waiterCount() == 1, "the task to wait");
        h.abort();
        assertTrue(assertThrows(JoinError.class, h::await).isCancelled());
        waitUntil(() -> n.waiterCount() == 0, "the aborted task's registration to go");
        n.notifyOne();
        assertTrue(n.hasPermit());
    }

    // ---- counting stress

    @Test
    void notifyOneOrLastNTimesWithRandomDropsGivesExactlyNCompletions() throws Exception {
        long seed = System.nanoTime();
        try {
            countingStress(seed);
        } catch (Throwable t) {
            throw new AssertionError("seed " + seed, t);
        }
    }

    private void countingStress(long seed) throws Exception {
        Notify n = new Notify();
        int notifications = 3_000;
        int consumers = 4;
        Random main = new Random(seed);
        AtomicInteger completions = new AtomicInteger();
        AtomicInteger drops = new AtomicInteger();
        AtomicInteger aborts = new AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        List<JoinHandle<Void>> hs = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            hs.add(spawnConsumer(n, c % 2 == 0, new Random(seed + c), completions, drops, done));
        }
        for (int i = 0; i < notifications; i++) {
            if (main.nextInt(100) == 0) {
                // abort a random consumer (it may hold a chosen notification) and replace it
                int victim = main.nextInt(consumers);
                hs.get(victim).abort();
                aborts.incrementAndGet();
                hs.set(victim, spawnConsumer(n, main.nextBoolean(), new Random(main.nextLong()), completions, drops, done));
            }
            if (main.nextBoolean()) {
                n.notifyOne();
            } else {
                n.notifyLast();
            }
            int sent = i + 1;
            // one notification in flight at a time (permits coalesce by design): it must end
            // in exactly one completion, whoever gives up or is aborted on the way
            waitUntil(() -> completions.get() >= sent, "notification " + sent + " to complete");
        }
        assertEquals(notifications, completions.get(), "a notification completed twice");
        assertFalse(n.hasPermit(), "a permit was left over");
        done.set(true);
        n.notifyWaiters();
        for (JoinHandle<Void> h : hs) {
            try {
                h.await();
            } catch (JoinError e) {
                assertTrue(e.isCancelled(), e.toString());
            }
        }
        assertEquals(notifications, completions.get());
        assertEquals(0, n.waiterCount(), "a waiter was left registered");
        assertTrue(drops.get() > 0, "the test dropped no waiter");
    }

    private JoinHandle<Void> spawnConsumer(Notify n, boolean threadTask, Random rnd, AtomicInteger completions,
            AtomicInteger drops, java.util.concurrent.atomic.AtomicBoolean done) {
        if (threadTask) {
            return rt.spawn(() -> {
                while (!done.get()) {
                    Notify.Notified f = n.notified();
                    if (rnd.nextInt(4) == 0) {
                        // polled once, then it loses to a ready branch and is dropped
                        if (select(on(f, __ -> true), on(Future.ready(false))).biased().await()) {
                            count(done, completions);
                        } else {
                            drops.incrementAndGet();
                        }
                    } else {
                        f.await();
                        count(done, completions);
                    }
                }
            });
        }
        return rt.spawn(new Future<Void>() {
            Notify.Notified f;
            int polls;

            @Override
            public Poll<Void> poll(dev.weft.Context cx) {
                while (!done.get()) {
                    if (f == null) {
                        f = n.notified();
                        polls = 0;
                    }
                    if (f.poll(cx).isReady()) {
                        f = null;
                        count(done, completions);
                        continue;
                    }
                    if (++polls > 1 && rnd.nextInt(3) == 0) {
                        // woken (or spuriously polled) and gives up anyway
                        f.drop();
                        f = null;
                        drops.incrementAndGet();
                        continue;
                    }
                    return Poll.pending();
                }
                return Poll.ready(null);
            }

            @Override
            public void drop() {
                if (f != null) {
                    f.drop();
                }
            }
        });
    }

    private static void count(java.util.concurrent.atomic.AtomicBoolean done, AtomicInteger completions) {
        if (!done.get()) {
            completions.incrementAndGet();
        }
    }

    @Test
    void toStringSaysWhetherAPermitIsStored() {
        Notify n = new Notify();
        assertEquals("Notify[empty]", n.toString());
        n.notifyOne();
        assertEquals("Notify[permit stored]", n.toString());
    }
}
