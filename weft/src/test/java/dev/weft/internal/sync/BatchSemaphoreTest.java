package dev.weft.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.CountingWaker;
import dev.weft.Waker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class BatchSemaphoreTest {
    /** A bare acquire polled by hand. */
    static final class Node extends BatchSemaphore.Acquire {
        final CountingWaker waker = new CountingWaker();

        Node(BatchSemaphore s, int n) {
            super(s, n);
        }

        int poll() {
            return pollAcquire(Context.of(waker));
        }

        int poll(Waker w) {
            return pollAcquire(Context.of(w));
        }

        void drop() {
            dropAcquire();
        }
    }

    @Test
    void acquireAtOnceWhenPermitsAreThere() {
        BatchSemaphore s = new BatchSemaphore(3);
        assertEquals(BatchSemaphore.ACQUIRED, new Node(s, 2).poll());
        assertEquals(1, s.availablePermits());
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(1));
        assertEquals(BatchSemaphore.NO_PERMITS, s.tryAcquire(1));
    }

    @Test
    void waitersAreServedInOrderAndALargeOneIsNotOvertaken() {
        BatchSemaphore s = new BatchSemaphore(0);
        Node big = new Node(s, 3);
        Node small = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, big.poll());
        assertEquals(BatchSemaphore.PENDING, small.poll());
        s.release(2);
        assertFalse(big.waker.isWoken(), "2 of 3 assigned");
        assertFalse(small.waker.isWoken(), "the small one waits behind the big one");
        assertEquals(0, s.availablePermits(), "assigned permits are not available to others");
        assertEquals(BatchSemaphore.NO_PERMITS, s.tryAcquire(1), "no barging past waiters");
        s.release(2);
        assertEquals(1, big.waker.count());
        assertEquals(1, small.waker.count());
        assertEquals(BatchSemaphore.ACQUIRED, big.poll());
        assertEquals(BatchSemaphore.ACQUIRED, small.poll());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void oncePermitsNoLongerGoToWaitersAReleaseReachesTheCounter() {
        // The WAITERS bit: set while anyone is queued, cleared by whoever empties the
        // queue (a release that serves the last waiter, a drop, close).
        BatchSemaphore s = new BatchSemaphore(0);
        Node served = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, served.poll());
        s.release(2); // one to the waiter, one to the counter
        assertEquals(1, served.waker.count());
        assertEquals(1, s.availablePermits());
        assertEquals(BatchSemaphore.ACQUIRED, served.poll());

        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(1));
        Node dropped = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, dropped.poll());
        dropped.drop(); // nothing assigned: the queue is empty again
        s.release(1);
        assertEquals(1, s.availablePermits(), "no one waits: the permit is in the counter");
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(1));

        Node failed = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, failed.poll());
        s.close();
        assertEquals(BatchSemaphore.IS_CLOSED, failed.poll());
        s.release(1); // a guard dropped after close still counts its permit
        assertEquals(1, s.availablePermits());
        assertEquals(0, s.queuedWaiters());
    }

    @Test
    void aDroppedWaiterGivesBackWhatItWasAssignedToTheNext() {
        BatchSemaphore s = new BatchSemaphore(1);
        Node first = new Node(s, 3);
        Node second = new Node(s, 2);
        assertEquals(BatchSemaphore.PENDING, first.poll()); // took the 1 available
        assertEquals(BatchSemaphore.PENDING, second.poll());
        s.release(1); // first now has 2 of 3
        first.drop();
        assertEquals(1, second.waker.count(), "the 2 permits went on to the next waiter");
        assertEquals(BatchSemaphore.ACQUIRED, second.poll());
        assertEquals(0, s.availablePermits());
        assertEquals(0, s.queuedWaiters());
    }

    @Test
    void aWaiterAssignedEverythingButDroppedBeforeItsPollGivesItAllBack() {
        BatchSemaphore s = new BatchSemaphore(0);
        Node n = new Node(s, 2);
        assertEquals(BatchSemaphore.PENDING, n.poll());
        s.release(2);
        assertTrue(n.waker.isWoken());
        n.drop();
        assertEquals(2, s.availablePermits());
    }

    @Test
    void dropAfterAcquiringKeepsThePermitsWithTheCaller() {
        BatchSemaphore s = new BatchSemaphore(1);
        Node n = new Node(s, 1);
        assertEquals(BatchSemaphore.ACQUIRED, n.poll());
        n.drop();
        assertEquals(0, s.availablePermits());
        assertThrows(IllegalStateException.class, n::poll, "polled again after it acquired");
    }

    @Test
    void closeFailsWaitersAndLaterAcquiresAndReturnsPartialAssignments() {
        BatchSemaphore s = new BatchSemaphore(1);
        Node n = new Node(s, 3);
        assertEquals(BatchSemaphore.PENDING, n.poll());
        s.close();
        assertTrue(n.waker.isWoken());
        assertEquals(BatchSemaphore.IS_CLOSED, n.poll());
        assertEquals(1, s.availablePermits(), "the permit it had been assigned is back");
        assertEquals(BatchSemaphore.IS_CLOSED, s.tryAcquire(1));
        assertEquals(BatchSemaphore.IS_CLOSED, new Node(s, 1).poll());
        s.release(1);
        assertEquals(2, s.availablePermits(), "permits given back after close still count");
    }

    @Test
    void pollingAgainUpdatesTheWaker() {
        BatchSemaphore s = new BatchSemaphore(0);
        Node n = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, n.poll());
        CountingWaker other = new CountingWaker();
        assertEquals(BatchSemaphore.PENDING, n.pollAcquire(Context.of(other)));
        s.release(1);
        assertEquals(1, other.count());
        assertEquals(0, n.waker.count());
    }

    @Test
    void forgetTakesUpToTheAvailablePermits() {
        BatchSemaphore s = new BatchSemaphore(5);
        assertEquals(3, s.forget(3));
        assertEquals(2, s.forget(10));
        assertEquals(0, s.availablePermits());
        s.release(BatchSemaphore.MAX_PERMITS);
        assertEquals(BatchSemaphore.MAX_PERMITS, s.availablePermits());
        assertThrows(IllegalArgumentException.class, () -> new BatchSemaphore(-1));
        assertThrows(IllegalArgumentException.class, () -> s.release(-1));
    }

    @Test
    void aWakerThatThrowsInAReleaseLeavesEveryServedWaiterAssignedAndWoken() {
        BatchSemaphore s = new BatchSemaphore(0);
        Node first = new Node(s, 1);
        Node second = new Node(s, 1);
        Node third = new Node(s, 2);
        Waker throwing = () -> {
            throw new IllegalStateException("a waker that fails");
        };
        assertEquals(BatchSemaphore.PENDING, first.poll(throwing));
        assertEquals(BatchSemaphore.PENDING, second.poll());
        assertEquals(BatchSemaphore.PENDING, third.poll());
        s.release(3); // the throwing waker is logged, not passed on to the releaser (Wakers)
        assertEquals(1, second.waker.count());
        assertEquals(0, third.waker.count(), "still needs one");
        assertEquals(BatchSemaphore.ACQUIRED, first.poll());
        assertEquals(BatchSemaphore.ACQUIRED, second.poll());
        assertEquals(BatchSemaphore.PENDING, third.poll());
        s.release(1);
        assertEquals(BatchSemaphore.ACQUIRED, third.poll());
        assertEquals(0, s.availablePermits());
        assertEquals(0, s.queuedWaiters());
    }

    @Test
    void aClosedWaitersGiveBackCanFillTheSemaphoreToItsMaximum() {
        BatchSemaphore s = new BatchSemaphore(0);
        Node n = new Node(s, 2);
        assertEquals(BatchSemaphore.PENDING, n.poll());
        s.release(1);                                 // assigned: the node still needs 1
        s.close();
        s.release(BatchSemaphore.MAX_PERMITS - 1);    // the user's total: MAX_PERMITS
        assertEquals(BatchSemaphore.IS_CLOSED, n.poll());
        assertEquals(BatchSemaphore.MAX_PERMITS, s.availablePermits(), "given back in full, nothing capped");
        assertTrue(s.closedWithAll(BatchSemaphore.MAX_PERMITS));
    }

    // ---- deferred release ----------------------------------------------------------

    @Test
    void deferredPermitsAreCountedAndPulledInByATryAcquire() {
        BatchSemaphore s = BatchSemaphore.withDeferredRelease(2);
        long[] cell = s.deferredCell();
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(2));
        s.releaseDeferred(cell, 1);
        assertEquals(1, s.availablePermits(), "a freed permit counts as available");
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(1), "and is taken, not refused");
        assertEquals(BatchSemaphore.NO_PERMITS, s.tryAcquire(1));
        s.releaseDeferred(cell, 2);
        assertEquals(2, s.availablePermits());
    }

    @Test
    void anAcquireThatWouldWaitTakesTheFreedPermitsInstead() {
        BatchSemaphore s = BatchSemaphore.withDeferredRelease(3);
        long[] cell = s.deferredCell();
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(3));
        s.releaseDeferred(cell, 2);
        Node n = new Node(s, 2);
        assertEquals(BatchSemaphore.ACQUIRED, n.poll());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void aWaiterIsServedByTheNextDeferredReleaseInOrder() {
        BatchSemaphore s = BatchSemaphore.withDeferredRelease(2);
        long[] cell = s.deferredCell();
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(2));
        Node big = new Node(s, 2);
        Node small = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, big.poll());
        assertEquals(BatchSemaphore.PENDING, small.poll());
        s.releaseDeferred(cell, 1);
        assertFalse(big.waker.isWoken(), "1 of 2 assigned at once, not kept back");
        assertEquals(BatchSemaphore.NO_PERMITS, s.tryAcquire(1), "no barging past waiters");
        s.releaseDeferred(cell, 1);
        assertEquals(1, big.waker.count());
        assertFalse(small.waker.isWoken());
        s.releaseDeferred(cell, 1);
        assertEquals(1, small.waker.count());
        assertEquals(BatchSemaphore.ACQUIRED, big.poll());
        assertEquals(BatchSemaphore.ACQUIRED, small.poll());
        s.releaseDeferred(cell, 1);
        assertEquals(1, s.availablePermits(), "no one waits: the permit is deferred again");
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(1));
    }

    @Test
    void permitsOnTheirWayToAWaiterAreNeitherFreeNorTakenByANewcomer() {
        BatchSemaphore s = BatchSemaphore.withDeferredRelease(1);
        long[] cell = s.deferredCell();
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(1));
        Node waiter = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, waiter.poll());
        // The releaser caught between its getAndAdd (which saw MARK) and the lock:
        // one permit in the cell, not yet handed out.
        cell[BatchSemaphore.FREED] += 2;
        assertEquals(0, s.availablePermits(), "the permit is the waiter's, not free");
        assertEquals(BatchSemaphore.NO_PERMITS, s.tryAcquire(1));
        Node newcomer = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, newcomer.poll(), "no barging past the waiter");
        assertFalse(waiter.waker.isWoken());
        s.releaseDeferred(cell, 0); // the releaser gets the lock: everything in the cell goes out
        assertEquals(1, waiter.waker.count());
        assertFalse(newcomer.waker.isWoken());
        assertEquals(BatchSemaphore.ACQUIRED, waiter.poll());
        assertEquals(BatchSemaphore.PENDING, newcomer.poll());
    }

    @Test
    void aDeferredReleaseRefusesANegativeCount() {
        BatchSemaphore s = BatchSemaphore.withDeferredRelease(1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.releaseDeferred(s.deferredCell(), -1));
        assertTrue(e.getMessage().contains("got -1"), e.getMessage());
    }

    @Test
    void closeKeepsCountingDeferredPermits() {
        BatchSemaphore s = BatchSemaphore.withDeferredRelease(2);
        long[] cell = s.deferredCell();
        assertEquals(BatchSemaphore.ACQUIRED, s.tryAcquire(2));
        Node n = new Node(s, 1);
        assertEquals(BatchSemaphore.PENDING, n.poll());
        s.close();
        assertEquals(BatchSemaphore.IS_CLOSED, n.poll());
        assertFalse(s.closedWithAll(2));
        s.releaseDeferred(cell, 1);
        s.release(1);
        assertTrue(s.closedWithAll(2));
        assertEquals(BatchSemaphore.IS_CLOSED, s.tryAcquire(1));
    }
}
