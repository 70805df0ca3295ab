package dev.weft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Loop;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A future task whose futures are always ready must still let the others run on a
 * single worker. (The thread-task half of this property needs a JVM with a single
 * virtual-thread carrier: {@link SingleCarrierTest}.)
 */
@Timeout(20)
class CooperativeBudgetTest {

    @Test
    void aLoopOfReadyStepsDoesNotStarveAnotherFutureTask() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            AtomicLong spins = new AtomicLong();
            JoinHandle<Void> spinner = rt.spawn(Loop.<Long, Void>loop(0L, n -> {
                spins.incrementAndGet();
                return Future.ready(Loop.next(n + 1));
            }));
            // On the only worker, behind the spinner: runs only if the spinner yields.
            assertEquals("ran", rt.spawn(Future.ready("ran")).await());
            spinner.abort();
            assertTrue(assertThrowsCancelled(spinner));
            assertTrue(spins.get() >= Context.BUDGET);
        }
    }

    @Test
    void aTaskPollingAFinishedHandleInALoopDoesNotStarveAnother() {
        try (Runtime rt = Runtime.builder().currentThread().build()) {
            JoinHandle<Integer> finished = rt.spawn(Future.ready(1));
            finished.await();
            JoinHandle<Void> spinner = rt.spawn(new Future<Void>() {
                @Override
                public Poll<Void> poll(Context cx) {
                    for (;;) {
                        if (finished.poll(cx).isPending()) {
                            return Poll.pending(); // the budget ran out: the handle woke us
                        }
                    }
                }
            });
            assertEquals("ran", rt.spawn(Future.ready("ran")).await());
            spinner.abort();
            assertTrue(assertThrowsCancelled(spinner));
        }
    }

    private static boolean assertThrowsCancelled(JoinHandle<?> h) {
        try {
            h.await();
            return false;
        } catch (JoinError e) {
            return e.isCancelled();
        }
    }
}
