package dev.weft.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.task.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An await nested in an outer poll spins watching a queue that the outer future waits
 * on too, and a push meanwhile leaves the wake out (ThreadContext's notes). The inner
 * future answers ready on the poll after its spin without taking the value, as a
 * "wait for activity" future would; the outer await must still learn of the push and
 * poll again. With the count left unmoved by a spin that ends on its sign, the outer
 * await parked with the value in the queue (found in review).
 *
 * <p>The producer aims its push at the inner spin by reading whether the receiver's
 * await holds a watch (it does from its pending poll to its next poll or park, the
 * spin included).
 * A round whose value is not received within three seconds is lost; the producer then
 * wakes the receiver itself, and every later round at once, so that the test ends and
 * reports it.
 */
@Timeout(120)
class SpinWatchNestedAwaitTest {
    private static final VarHandle WATCHED;
    private static final int ROUNDS = 20_000;
    private static final long LOST_AFTER_NANOS = 3_000_000_000L;

    static {
        try {
            WATCHED = MethodHandles.privateLookupIn(ThreadContext.class, MethodHandles.lookup())
                    .findVarHandle(ThreadContext.class, "watched", SpinWatch.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Test
    void aPushLeftToANestedSpinStillReachesTheOuterAwait() throws Exception {
        AtomicReference<ThreadContext> receiverContext = new AtomicReference<>();
        AtomicInteger armed = new AtomicInteger(-1);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger lostRound = new AtomicInteger(-1);
        AtomicInteger pushedWhileSpinning = new AtomicInteger();
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            Mpsc.UnboundedPair<Integer> ch = Mpsc.unboundedChannel();
            Thread producer = Thread.ofPlatform().daemon().start(() -> {
                for (int i = 0; i < ROUNDS; i++) {
                    while (armed.get() != i) {
                        Thread.onSpinWait();
                    }
                    ThreadContext tc = receiverContext.get();
                    long until = System.nanoTime() + 20_000;
                    while (System.nanoTime() - until < 0) {
                        if (WATCHED.getVolatile(tc) != null) {
                            pushedWhileSpinning.incrementAndGet();
                            break;
                        }
                    }
                    ch.tx().send(i);
                    // After a loss every round is woken at once, so that the test ends and reports.
                    long deadline = System.nanoTime() + (lostRound.get() < 0 ? LOST_AFTER_NANOS : 0);
                    boolean rescued = false;
                    while (received.get() <= i) {
                        if (!rescued && System.nanoTime() - deadline > 0) {
                            rescued = true;
                            lostRound.compareAndSet(-1, i);
                            tc.wake();
                        }
                        Thread.onSpinWait();
                    }
                }
            });
            rt.blockOn(() -> Task.spawn(() -> {
                receiverContext.set(ThreadContext.current());
                for (int i = 0; i < ROUNDS; i++) {
                    int round = i;
                    boolean[] nested = {false};
                    Integer v = Future.pollFn(cx -> {
                        Poll<Integer> p = ch.rx().recv().poll(cx);
                        if (p.isPending() && !nested[0]) {
                            nested[0] = true;
                            Integer[] got = {null};
                            int[] polls = {0};
                            // Waits for activity on the channel: polls a receive once, then
                            // answers ready on any later poll.
                            Future.<Void>pollFn(inner -> {
                                if (polls[0]++ == 0) {
                                    Poll<Integer> q = ch.rx().recv().poll(inner);
                                    if (q.isReady()) {
                                        got[0] = q.value();
                                        return Poll.ready(null);
                                    }
                                    armed.set(round);
                                    return Poll.pending();
                                }
                                return Poll.ready(null);
                            }).await();
                            if (got[0] != null) {
                                return Poll.ready(got[0]);
                            }
                        }
                        return p;
                    }).await();
                    assertEquals(round, v);
                    received.incrementAndGet();
                }
            }).await());
            producer.join();
        }
        assertEquals(-1, lostRound.get(), "the value of this round sat in the queue with the outer await parked ("
                + pushedWhileSpinning.get() + " of " + ROUNDS + " pushes landed while the inner await spun)");
    }
}
