package dev.weft.internal.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.runtime.ThreadContext;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Notify;
import dev.weft.task.JoinHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A push leaves the wake out only when the head node it linked to is marked by the
 * spin of the receiver it would wake (MpscChannel, I3). A thread's watch is whatever
 * the last pending receive of its latest poll set: a poll that polled a receive and
 * then stopped waiting on it (here: handed the receiver on to task U, and waits for
 * something else) still spins watching the queue, and marks its head. A push onto that
 * mark must still wake U, the registered receiver; a build that skipped the wake on any
 * mark left U parked with the value in the queue (found in review).
 *
 * <p>Round by round: thread task T polls a receive (pending: T's await will watch the
 * queue), lets thread task U take the receiver over, waits in that same poll until U's
 * receive is pending and U is parked (rxWaker is U's context), then returns pending on a
 * gate that has nothing to do with the channel. T's await then spins watching the queue
 * and marks its head. The driver pushes once the head is marked (or T parked without a
 * spin), then waits two seconds for U to get the value.
 */
@Timeout(120)
class SpinMarkOfAnotherThreadTest {
    private static final VarHandle QUEUE;
    private static final VarHandle RX_WAKER;
    private static final VarHandle HEAD;
    private static final VarHandle WATCHER;
    private static final VarHandle NOTIFIED;
    private static final int ROUNDS = 3_000;
    private static final long LOST_AFTER_NANOS = 2_000_000_000L;
    private static final long WAIT_LIMIT_NANOS = 10_000_000_000L;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            QUEUE = MethodHandles.privateLookupIn(MpscChannel.class, l)
                    .findVarHandle(MpscChannel.class, "queue", MpscQueue.class);
            RX_WAKER = MethodHandles.privateLookupIn(MpscChannel.class, l)
                    .findVarHandle(MpscChannel.class, "rxWaker", dev.weft.Waker.class);
            HEAD = MethodHandles.privateLookupIn(MpscQueueHead.class, l)
                    .findVarHandle(MpscQueueHead.class, "head", MpscQueue.Node.class);
            WATCHER = MethodHandles.privateLookupIn(MpscQueue.Node.class, l)
                    .findVarHandle(MpscQueue.Node.class, "watcher", dev.weft.Waker.class);
            NOTIFIED = MethodHandles.privateLookupIn(ThreadContext.class, l)
                    .findVarHandle(ThreadContext.class, "notified", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void waitFor(String what, BooleanSupplier done) {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() - start < WAIT_LIMIT_NANOS, "waited ten seconds for " + what);
            Thread.onSpinWait();
        }
    }

    private static boolean parked(ThreadContext tc) {
        return (((int) NOTIFIED.getVolatile(tc)) & 3) == 1; // PARKED
    }

    /** The head is marked by the spin of {@code spinner}. */
    private static boolean spinWatches(MpscChannel<?> chan, ThreadContext spinner) {
        Object head = HEAD.getVolatile(QUEUE.get(chan));
        return WATCHER.getVolatile(head) == spinner;
    }

    @Test
    void aPushOntoTheMarkOfAThreadThatNoLongerReceivesWakesTheReceiver() {
        // T waits inside its poll for U to park, so U needs a carrier of its own; with one
        // CPU nothing spins, so there would be no mark to test either.
        assumeTrue(java.lang.Runtime.getRuntime().availableProcessors() > 1,
                "needs two CPUs: two carriers, and spins");
        MpscChannel<Integer> chan = MpscChannel.unbounded(null);
        AtomicReference<ThreadContext> tRef = new AtomicReference<>();
        AtomicReference<ThreadContext> uRef = new AtomicReference<>();
        AtomicInteger tPending = new AtomicInteger(-1);
        AtomicInteger uReceived = new AtomicInteger(-1);
        AtomicInteger aimedAtMark = new AtomicInteger();
        Notify goU = new Notify();
        Notify tGate = new Notify();
        AtomicInteger stopAfter = new AtomicInteger(Integer.MAX_VALUE);
        int lostRound = -1;
        boolean stillRegistered = false;
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            JoinHandle<Void> u = rt.spawn(() -> {
                uRef.set(ThreadContext.current());
                for (;;) {
                    goU.notified().await();
                    Integer v = chan.recv().await(); // U owns the receiver for this one receive
                    if (v < 0) {
                        return;
                    }
                    uReceived.set(v);
                }
            });
            JoinHandle<Void> t = rt.spawn(() -> {
                tRef.set(ThreadContext.current());
                waitFor("U to start", () -> uRef.get() != null);
                ThreadContext uTc = uRef.get();
                for (int i = 0; i < ROUNDS; i++) {
                    int round = i;
                    Notify.Notified gate = tGate.notified();
                    boolean[] first = {true};
                    Future.<Void>pollFn(cx -> {
                        if (first[0]) {
                            first[0] = false;
                            // T's turn with the receiver: nothing there, so its await will watch the queue.
                            assertTrue(chan.recv().poll(cx).isPending());
                            // The receiver goes to U, who receives and parks.
                            goU.notifyOne();
                            waitFor("U's receive to park", () -> RX_WAKER.getVolatile(chan) == uTc && parked(uTc));
                            tPending.set(round);
                        }
                        return gate.poll(cx); // T now waits for something else
                    }).await();
                    if (round >= stopAfter.get()) {
                        return;
                    }
                }
            });
            waitFor("T to start", () -> tRef.get() != null);
            ThreadContext tTc = tRef.get();
            for (int i = 0; i < ROUNDS; i++) {
                int round = i;
                waitFor("T's pending poll", () -> tPending.get() == round);
                // Aim at T's spin: push once the head is marked; if T parked without a spin, push anyway.
                waitFor("T to spin or park", () -> spinWatches(chan, tTc) || parked(tTc));
                if (spinWatches(chan, tTc)) {
                    aimedAtMark.incrementAndGet();
                }
                chan.sendUnbounded(round);
                long deadline = System.nanoTime() + LOST_AFTER_NANOS;
                while (uReceived.get() != round) {
                    if (System.nanoTime() - deadline > 0) {
                        lostRound = round;
                        stillRegistered = RX_WAKER.getVolatile(chan) == uRef.get();
                        uRef.get().wake(); // rescue U, so that the test ends and reports
                        waitFor("the rescued value", () -> uReceived.get() == round);
                        break;
                    }
                    Thread.onSpinWait();
                }
                if (lostRound >= 0 || round == ROUNDS - 1) {
                    stopAfter.set(round);
                    tGate.notifyOne();
                    break;
                }
                tGate.notifyOne();
            }
            t.await();
            goU.notifyOne();
            chan.sendUnbounded(-1);
            u.await();
        }
        System.out.println("SpinMarkOfAnotherThreadTest: " + aimedAtMark.get() + " pushes aimed at a spin's mark");
        assertEquals(-1, lostRound, "U's pending receive was not woken by the push of round " + lostRound
                + ": the push found the head marked by T's spin and left the wake out (U's waker still registered,"
                + " never taken: " + stillRegistered + ")");
    }
}
