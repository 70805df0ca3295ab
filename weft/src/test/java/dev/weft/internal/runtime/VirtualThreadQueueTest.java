package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link VirtualThreadQueue} reads the JDK's count of virtual threads queued for a
 * carrier. With one carrier (its own JVM: surefire execution {@code single-carrier}
 * in weft/pom.xml) a virtual thread that spins holds it, so a second one started
 * meanwhile stays queued for as long as the test wants.
 */
@Tag("single-carrier")
@Timeout(30)
class VirtualThreadQueueTest {

    @BeforeAll
    static void requireOneCarrier() {
        assertEquals("1", System.getProperty("jdk.virtualThreadScheduler.parallelism"),
                "run these tests through the single-carrier surefire execution");
    }

    @Test
    void seesAThreadWaitingForTheCarrierAndNoneOnceItRan() throws InterruptedException {
        assumeTrue(Runtime.version().feature() >= 24, "the scheduler bean came with JDK 24");
        // Nothing is queued: "no" once the bean is found ("maybe" while it is looked up).
        awaitNoneWaiting("before the test");

        CountDownLatch holding = new CountDownLatch(1);
        AtomicBoolean release = new AtomicBoolean();
        AtomicBoolean waiterRan = new AtomicBoolean();
        Thread holder = Thread.ofVirtual().start(() -> {
            holding.countDown();
            while (!release.get()) {
                Thread.onSpinWait(); // holds the only carrier: never parks, never yields
            }
        });
        Thread waiter = null;
        try {
            holding.await();
            waiter = Thread.ofVirtual().start(() -> waiterRan.set(true));

            boolean seen = VirtualThreadQueue.mayHaveWaiting();
            assertFalse(waiterRan.get(), "the waiter ran although the only carrier was held");
            assertTrue(seen, "a virtual thread queued for the held carrier was not seen");
        } finally {
            release.set(true); // a failed assertion must not leave the carrier held for the next test
            holder.join();
            if (waiter != null) {
                waiter.join();
            }
        }
        assertTrue(waiterRan.get());
        awaitNoneWaiting("after both threads ended");
    }

    /** The count may lag a thread's start or end by a moment; 10 s is far beyond that. */
    private static void awaitNoneWaiting(String when) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean waiting = true;
        while (waiting && System.nanoTime() - deadline < 0) {
            waiting = VirtualThreadQueue.mayHaveWaiting();
            Thread.onSpinWait();
        }
        assertFalse(waiting, "no virtual thread is queued " + when + ", yet mayHaveWaiting() kept answering true"
                + " for 10 s (the count stayed above zero, or the scheduler bean was not found)");
    }
}
