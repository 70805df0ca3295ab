package dev.weft.sync;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Future;
import dev.weft.Waker;
import dev.weft.runtime.Runtime;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class SemaphoreTest {

    @Test
    void acquireAndCloseAPermit() {
        Semaphore s = new Semaphore(2);
        Semaphore.Permit p = s.acquire().await();
        assertEquals(1, p.count());
        assertEquals(1, s.availablePermits());
        p.close();
        p.close(); // once only
        assertEquals(2, s.availablePermits());
        assertEquals(0, p.count());
    }

    @Test
    void acquireManyWaitsForAllOfThem() {
        Semaphore s = new Semaphore(1);
        Future<Semaphore.Permit> three = s.acquireMany(3);
        CountingWaker w = new CountingWaker();
        assertTrue(three.poll(Context.of(w)).isPending());
        s.addPermits(1);
        assertFalse(w.isWoken());
        s.addPermits(1);
        assertTrue(w.isWoken());
        Semaphore.Permit p = three.poll(Context.of(w)).value();
        assertEquals(3, p.count());
        p.close();
        assertEquals(3, s.availablePermits());
    }

    @Test
    void tryAcquireDoesNotWaitAndDoesNotBargePastAWaiter() {
        Semaphore s = new Semaphore(1);
        Semaphore.Permit held = s.tryAcquire();
        assertNotNull(held);
        assertNull(s.tryAcquire());
        Future<Semaphore.Permit> waiting = s.acquire();
        assertTrue(waiting.poll(Context.of(new CountingWaker())).isPending());
        held.close(); // goes to the waiter
        assertNull(s.tryAcquire(), "the released permit belongs to the waiter");
        assertNotNull(s.tryAcquireMany(0));
    }

    @Test
    void waitersAreServedInArrivalOrder() {
        Semaphore s = new Semaphore(0);
        List<Future<Semaphore.Permit>> acquires = new ArrayList<>();
        List<CountingWaker> wakers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Future<Semaphore.Permit> a = s.acquire();
            CountingWaker w = new CountingWaker();
            assertTrue(a.poll(Context.of(w)).isPending());
            acquires.add(a);
            wakers.add(w);
        }
        for (int i = 0; i < 20; i++) {
            s.addPermits(1);
            for (int j = 0; j < 20; j++) {
                assertEquals(j <= i ? 1 : 0, wakers.get(j).count(), "after " + (i + 1) + " permits, waiter " + j);
            }
            assertEquals(1, acquires.get(i).poll(Context.of(wakers.get(i))).value().count());
        }
    }

    @Test
    void closeFailsWaitersAndLaterAcquires() {
        Semaphore s = new Semaphore(0);
        Future<Semaphore.Permit> waiting = s.acquire();
        CountingWaker w = new CountingWaker();
        assertTrue(waiting.poll(Context.of(w)).isPending());
        s.close();
        assertTrue(s.isClosed());
        assertTrue(w.isWoken());
        AcquireError e = assertThrows(AcquireError.class, () -> waiting.poll(Context.of(w)));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
        assertThrows(AcquireError.class, () -> s.acquire().await());
        assertThrows(AcquireError.class, s::tryAcquire);
    }

    @Test
    void splitMergeAndForget() {
        Semaphore s = new Semaphore(5);
        Semaphore.Permit p = s.acquireMany(4).await();
        Semaphore.Permit one = p.split(1);
        assertEquals(3, p.count());
        assertEquals(1, one.count());
        assertThrows(IllegalArgumentException.class, () -> p.split(4));
        p.merge(one);
        assertEquals(4, p.count());
        assertEquals(0, one.count());
        assertThrows(IllegalArgumentException.class, () -> p.merge(new Semaphore(1).acquire().await()));
        p.forget();
        assertEquals(1, s.availablePermits(), "forgotten permits never come back");
        assertEquals(1, s.forgetPermits(3));
        assertEquals(0, s.availablePermits());
    }

    @Test
    void anAcquireHandedItsPermitsBeforeTheCloseCompletesWithThem() {
        Semaphore s = new Semaphore(1);
        Semaphore.Permit held = s.tryAcquire();
        Future<Semaphore.Permit> served = s.acquire();
        Future<Semaphore.Permit> stillWaiting = s.acquireMany(2);
        CountingWaker w = new CountingWaker();
        assertTrue(served.poll(Context.of(w)).isPending());
        assertTrue(stillWaiting.poll(Context.of(w)).isPending());
        held.close();                                 // served first: the permit is its
        s.close();
        Semaphore.Permit p = served.poll(Context.of(w)).value();
        assertEquals(1, p.count());
        assertThrows(AcquireError.class, () -> stillWaiting.poll(Context.of(w)));
        p.close();
        assertEquals(1, s.availablePermits(), "a held permit may still be given back after the close");
    }

    @Test
    void mergingAPermitIntoItselfIsRefusedAndLosesNothing() {
        Semaphore s = new Semaphore(3);
        Semaphore.Permit p = s.tryAcquireMany(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.merge(p));
        assertTrue(e.getMessage().contains("itself"), e.getMessage());
        assertEquals(2, p.count());
        p.close();
        assertEquals(3, s.availablePermits());
    }

    @Test
    void mergingEveryPermitOfAFullSemaphoreIntoOneGivesThemAllBack() {
        Semaphore s = new Semaphore(Semaphore.MAX_PERMITS);
        Semaphore.Permit a = s.tryAcquireMany(Semaphore.MAX_PERMITS - 1);
        Semaphore.Permit b = s.tryAcquire();
        a.merge(b);                                   // never more than the semaphore has in all
        assertEquals(Semaphore.MAX_PERMITS, a.count());
        assertEquals(0, b.count());
        assertThrows(IllegalArgumentException.class, () -> s.addPermits(1), "held permits count: it is full");
        a.close();
        assertEquals(Semaphore.MAX_PERMITS, s.availablePermits());
        assertEquals(0, a.count());
    }

    @Test
    void addPermitsIsRefusedWhenPermitsHeldWouldTakeTheTotalPastTheMaximum() {
        Semaphore s = new Semaphore(10);
        Semaphore.Permit held = s.tryAcquireMany(7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.addPermits(Semaphore.MAX_PERMITS - 9));
        assertTrue(e.getMessage().contains("10 in all (3 free, 7 held"), e.getMessage());
        assertTrue(e.getMessage().contains("MAX_PERMITS"), e.getMessage());
        assertEquals(3, s.availablePermits(), "nothing was added");
        s.addPermits(Semaphore.MAX_PERMITS - 10);     // exactly to the maximum
        held.close();                                 // and the held ones still fit
        assertEquals(Semaphore.MAX_PERMITS, s.availablePermits());
        assertEquals(0, held.count());
    }

    @Test
    void addPermitsCountsPermitsHandedToAnAcquireThatHasNotPolledYet() {
        Semaphore s = new Semaphore(0);
        Future<Semaphore.Permit> acq = s.acquireMany(3);
        CountingWaker w = new CountingWaker();
        assertTrue(acq.poll(w.context()).isPending());
        s.addPermits(3);                              // handed to the acquire, which has not polled since
        assertTrue(w.isWoken());
        assertEquals(0, s.availablePermits());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.addPermits(Semaphore.MAX_PERMITS - 2));
        assertTrue(e.getMessage().contains("3 in all (0 free, 3 held or handed to acquires"), e.getMessage());
        s.addPermits(Semaphore.MAX_PERMITS - 3);
        Semaphore.Permit p = acq.poll(w.context()).value();
        assertEquals(3, p.count());
        p.close();
        assertEquals(Semaphore.MAX_PERMITS, s.availablePermits());
    }

    @Test
    void droppingAnAcquireHandedItsPermitsGivesThemBackWithoutThrowingEvenToAFullSemaphore() {
        Semaphore s = new Semaphore(0);
        Future<Semaphore.Permit> acq = s.acquireMany(2);
        assertTrue(acq.poll(new CountingWaker().context()).isPending());
        s.addPermits(2);                              // handed to `acq`, which has not polled since
        assertThrows(IllegalArgumentException.class, () -> s.addPermits(Semaphore.MAX_PERMITS - 1),
                "the 2 handed out count towards the maximum");
        s.addPermits(Semaphore.MAX_PERMITS - 2);      // full, counting the 2
        assertDoesNotThrow(acq::drop, "a drop gives back what it was handed, and never throws");
        assertEquals(Semaphore.MAX_PERMITS, s.availablePermits());
    }

    @Test
    void forgottenPermitsNoLongerCountTowardsTheMaximum() {
        Semaphore s = new Semaphore(Semaphore.MAX_PERMITS);
        assertEquals(5, s.forgetPermits(5));
        assertThrows(IllegalArgumentException.class, () -> s.addPermits(6));
        s.addPermits(5);
        Semaphore.Permit p = s.tryAcquireMany(10);
        p.forget();                                   // held permits forgotten: gone from the total too
        assertEquals(0, p.count());
        assertThrows(IllegalArgumentException.class, () -> s.addPermits(11));
        s.addPermits(10);
        assertEquals(Semaphore.MAX_PERMITS, s.availablePermits());
        p.forget();                                   // a second forget has nothing left to forget
        assertThrows(IllegalArgumentException.class, () -> s.addPermits(1));
        assertEquals(Semaphore.MAX_PERMITS, s.forgetPermits(Integer.MAX_VALUE), "up to n: all there are");
        s.addPermits(Semaphore.MAX_PERMITS);
    }

    @Test
    void negativeCountsToAddOrForgetAreRefused() {
        Semaphore s = new Semaphore(1);
        IllegalArgumentException add = assertThrows(IllegalArgumentException.class, () -> s.addPermits(-1));
        assertTrue(add.getMessage().contains("cannot add a negative number of permits (-1)"), add.getMessage());
        IllegalArgumentException forget = assertThrows(IllegalArgumentException.class, () -> s.forgetPermits(-1));
        assertTrue(forget.getMessage().contains("cannot forget a negative number of permits (-1)"),
                forget.getMessage());
        assertEquals(1, s.availablePermits());
    }

    @Test
    void aPermitWhoseCloseMeetsAThrowingWakerIsGivenBackOnceAndDoesNotThrow() {
        Semaphore s = new Semaphore(1);
        Semaphore.Permit held = s.tryAcquire();
        assertNotNull(held);
        Future<Semaphore.Permit> waiting = s.acquire();
        Waker throwing = () -> {
            throw new IllegalStateException("a waker that fails");
        };
        assertTrue(waiting.poll(Context.of(throwing)).isPending());
        held.close(); // the permit goes to `waiting`; its waker's exception is logged, not the closer's
        assertEquals(0, held.count());
        held.close();                                 // "later calls do nothing"
        Semaphore.Permit got = waiting.poll(Context.of(Waker.noop())).value();
        assertEquals(1, got.count());
        assertEquals(0, s.availablePermits(), "a 1-permit semaphore whose permit is held has none free");
        got.close();
        assertEquals(1, s.availablePermits());
    }

    @Test
    void theTotalStaysWithinTheMaximumWhileAddsForgetsAndGiveBacksRace() throws Exception {
        int held = 3;
        Semaphore s = new Semaphore(Semaphore.MAX_PERMITS - 4);
        int rounds = 20_000;
        CountDownLatch start = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger added = new AtomicInteger();
        AtomicInteger forgotten = new AtomicInteger();
        Thread adder = new Thread(() -> {
            try {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    try {
                        s.addPermits(2);
                        added.addAndGet(2);
                    } catch (IllegalArgumentException full) {
                        // refused: the total would pass the maximum
                    }
                    forgotten.addAndGet(s.forgetPermits(1));
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        Thread holder = new Thread(() -> {
            try {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    Semaphore.Permit p = s.tryAcquireMany(held);
                    if (p != null) {
                        int free = s.availablePermits();
                        if (free > Semaphore.MAX_PERMITS - held) {
                            throw new AssertionError(free + " free beside " + held + " held");
                        }
                        p.close();                    // never refused
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        adder.start();
        holder.start();
        start.countDown();
        adder.join(TimeUnit.SECONDS.toMillis(50));
        holder.join(TimeUnit.SECONDS.toMillis(50));
        assertFalse(adder.isAlive() || holder.isAlive(), "the threads did not finish");
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
        assertEquals(Semaphore.MAX_PERMITS - 4 + added.get() - forgotten.get(), s.availablePermits());
        assertTrue(s.availablePermits() <= Semaphore.MAX_PERMITS);
    }

    @Test
    void aDroppedAcquirePolledAgainIsRefused() {
        Semaphore s = new Semaphore(0);
        Future<Semaphore.Permit> f = s.acquireMany(2);
        CountingWaker w = new CountingWaker();
        assertTrue(f.poll(Context.of(w)).isPending());
        f.drop();
        s.addPermits(2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> f.poll(Context.of(w)));
        assertTrue(e.getMessage().contains("acquireMany(2)") && e.getMessage().contains("dropped"), e.getMessage());
        assertEquals(2, s.availablePermits(), "nothing taken");
    }

    @Test
    void aClosedAcquireGivesBackWhatItWasAssignedEvenToASemaphoreFilledSinceTheClose() {
        for (boolean pollIt : new boolean[] {true, false}) {
            Semaphore s = new Semaphore(0);
            CountingWaker w = new CountingWaker();
            Future<Semaphore.Permit> acq = s.acquireMany(2);
            assertTrue(acq.poll(Context.of(w)).isPending());
            s.addPermits(1);                          // assigned to the waiter, which still needs 1
            s.close();
            assertThrows(IllegalArgumentException.class, () -> s.addPermits(Semaphore.MAX_PERMITS),
                    "the assigned permit counts");
            s.addPermits(Semaphore.MAX_PERMITS - 1);  // permits still count after the close: full
            if (pollIt) {
                assertThrows(AcquireError.class, () -> acq.poll(Context.of(w)));
            }
            acq.drop();                               // never throws
            assertEquals(Semaphore.MAX_PERMITS, s.availablePermits());
        }
    }

    @Test
    void badCountsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
        Semaphore s = new Semaphore(Semaphore.MAX_PERMITS);
        assertThrows(IllegalArgumentException.class, () -> s.addPermits(1));
        assertThrows(IllegalArgumentException.class, () -> s.acquireMany(-2));
    }

    @Test
    void aLostSelectBranchHoldsNoPermitAndLeavesNoWaiter() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            rt.blockOn(() -> {
                Semaphore s = new Semaphore(0);
                for (int i = 0; i < 100_000; i++) {
                    String r = select(on(s.acquire(), p -> "permit"), on(Future.ready("other"), o -> o)).biased()
                            .await();
                    assertEquals("other", r);
                }
                s.addPermits(1);
                assertEquals(1, s.availablePermits(), "no dropped waiter took it");
            });
        }
    }

    @Test
    void anAbortedTaskParkedInAcquireGivesUpItsPlace() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            rt.blockOn(() -> {
                Semaphore s = new Semaphore(0);
                AtomicInteger got = new AtomicInteger();
                JoinHandle<Void> threadWaiter = Task.spawn(() -> {
                    s.acquire().await().forget();
                    got.incrementAndGet();
                });
                JoinHandle<Void> futureWaiter = Task.spawn(s.acquire().map(p -> {
                    got.incrementAndGet();
                    return null;
                }));
                // wait until both are queued
                while (s.availablePermits() != 0 || queued(s) < 2) {
                    Task.yieldNow().await();
                }
                threadWaiter.abort();
                futureWaiter.abort();
                JoinError e1 = assertThrows(JoinError.class, threadWaiter::await);
                JoinError e2 = assertThrows(JoinError.class, futureWaiter::await);
                assertTrue(e1.isCancelled() && e2.isCancelled());
                s.addPermits(1);
                assertEquals(1, s.availablePermits());
                assertEquals(0, got.get());
            });
        }
    }

    private static int queued(Semaphore s) {
        return s.queuedWaiters();
    }

    @Test
    void cancelledExceptionIsWhatAnAbortedThreadTaskSees() {
        try (Runtime rt = Runtime.builder().workerThreads(1).build()) {
            rt.blockOn(() -> {
                Semaphore s = new Semaphore(0);
                AtomicInteger sawCancel = new AtomicInteger();
                JoinHandle<Void> t = Task.spawn(() -> {
                    try {
                        s.acquire().await();
                    } catch (CancelledException e) {
                        sawCancel.incrementAndGet();
                        throw e;
                    }
                });
                while (queued(s) < 1) {
                    Task.yieldNow().await();
                }
                t.abort();
                assertThrows(JoinError.class, t::await);
                assertEquals(1, sawCancel.get());
            });
        }
    }
}
