package dev.weft.internal.runtime;

import static dev.weft.Select.on;
import static dev.weft.Select.select;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.Runtime;
import dev.weft.sync.Mpsc;
import dev.weft.sync.Notify;
import dev.weft.task.JoinHandle;
import dev.weft.task.Task;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A spin that watches a channel's queue marks the queue's head, and a push that lands
 * on a marked head leaves the wake out (ThreadContext's and MpscQueue's notes). A spin
 * ended by some other wake (here a {@link Notify} in the same select) must take its
 * mark away: the receiver may next park without a spin, and a push onto a head still
 * marked would leave it parked for good.
 *
 * <p>The driver first makes the receiver's spins fail (it sends only once the receiver
 * has parked), so that its spin score falls and most parks come without a spin, only
 * every few dozen with a probing one. Then, round after round, it kicks the receiver
 * through the Notify as soon as it sees the receiver's await holding a watch: a kick
 * that lands in a probing spin ends it by a wake. The receiver then parks, mostly
 * without a spin, and the driver sends. A value not received within two seconds is a
 * lost wake: the driver then wakes the receiver itself, so that the test ends and
 * reports it.
 */
@Timeout(120)
class SpinWatchMarkTest {
    private static final VarHandle NOTIFIED;
    private static final VarHandle WATCHED;
    private static final int PARKED = 1;
    private static final int LOWER_THE_SCORE = 600;
    private static final int ROUNDS = 10_000;
    private static final long LOST_AFTER_NANOS = 2_000_000_000L;
    private static final long WAIT_LIMIT_NANOS = 10_000_000_000L;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(ThreadContext.class, MethodHandles.lookup());
            NOTIFIED = l.findVarHandle(ThreadContext.class, "notified", int.class);
            WATCHED = l.findVarHandle(ThreadContext.class, "watched", SpinWatch.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Waits until {@code done} holds, failing the test after ten seconds. */
    private static void waitFor(String what, java.util.function.BooleanSupplier done) {
        long start = System.nanoTime();
        while (!done.getAsBoolean()) {
            assertTrue(System.nanoTime() - start < WAIT_LIMIT_NANOS, "waited ten seconds for " + what);
            Thread.onSpinWait();
        }
    }

    private static boolean parked(ThreadContext tc) {
        return (((int) NOTIFIED.getVolatile(tc)) & 3) == PARKED;
    }

    @Test
    void aSpinEndedByAnotherWakeLeavesNoMarkForALaterPush() {
        AtomicReference<ThreadContext> receiverContext = new AtomicReference<>();
        AtomicInteger received = new AtomicInteger();
        AtomicInteger kicks = new AtomicInteger();
        int lostRound = -1;
        int kicksAimed = 0;
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            Mpsc.UnboundedPair<Integer> ch = Mpsc.unboundedChannel();
            Notify kick = new Notify();
            JoinHandle<Void> receiver = rt.spawn(() -> {
                receiverContext.set(ThreadContext.current());
                for (;;) {
                    Integer v = select(on(ch.rx().recv(), x -> x), on(kick.notified(), x -> (Integer) null)).await();
                    if (v == null) {
                        kicks.incrementAndGet();
                    } else if (v < 0) {
                        return;
                    } else {
                        received.incrementAndGet();
                    }
                }
            });
            waitFor("the receiver to start", () -> receiverContext.get() != null);
            ThreadContext tc = receiverContext.get();
            for (int i = 0; i < LOWER_THE_SCORE; i++) {
                waitFor("the receiver to park", () -> parked(tc));
                ch.tx().send(i);
                int want = i + 1;
                waitFor("value " + i, () -> received.get() == want);
            }
            for (int i = 0; i < ROUNDS && lostRound < 0; i++) {
                // Kick as soon as the await holds a watch: in a probing spin, or just before a park.
                long until = System.nanoTime() + 50_000;
                while (System.nanoTime() - until < 0) {
                    if (WATCHED.getVolatile(tc) != null) {
                        kicksAimed++;
                        int before = kicks.get();
                        kick.notifyOne();
                        waitFor("the kick to be taken", () -> kicks.get() != before);
                        break;
                    }
                }
                waitFor("the receiver to park", () -> parked(tc));
                int value = LOWER_THE_SCORE + i;
                ch.tx().send(value);
                int want = value + 1;
                long deadline = System.nanoTime() + LOST_AFTER_NANOS;
                while (received.get() != want) {
                    if (System.nanoTime() - deadline > 0) {
                        lostRound = i;
                        tc.wake(); // rescue it, so that the test ends and reports
                        waitFor("the rescued value", () -> received.get() == want);
                        break;
                    }
                    Thread.onSpinWait();
                }
            }
            ch.tx().send(-1);
            receiver.await();
        }
        System.out.println("SpinWatchMarkTest: " + kicksAimed + " kicks aimed at a watch, " + kicks.get() + " taken");
        assertEquals(-1, lostRound, "a push after a kicked spin was not received: a lost wake");
    }
}
