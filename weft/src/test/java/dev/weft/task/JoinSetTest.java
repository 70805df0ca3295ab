package dev.weft.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import dev.weft.RuntimePerTest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class JoinSetTest extends RuntimePerTest {
    @Test
    void joinNextGivesEachTaskOnceThenNull() {
        Set<Integer> seen = rt.blockOn(() -> {
            Set<Integer> values = new HashSet<>();
            try (JoinSet<Integer> set = new JoinSet<>()) {
                for (int i = 0; i < 50; i++) {
                    int n = i;
                    if (i % 2 == 0) {
                        set.spawn(() -> n);
                    } else {
                        set.spawn(Future.ready(n));
                    }
                }
                assertEquals(50, set.size());
                for (JoinHandle<Integer> done; (done = set.joinNext().await()) != null; ) {
                    assertTrue(values.add(done.await()));
                }
                assertTrue(set.isEmpty());
            }
            return values;
        });
        assertEquals(50, seen.size());
    }

    @Test
    void joinNextGivesTasksInTheOrderTheyFinish() throws Exception {
        CountDownLatch releaseFirst = new CountDownLatch(1);
        List<String> order = rt.blockOn(() -> {
            try (JoinSet<String> set = new JoinSet<>()) {
                set.spawn(() -> {
                    releaseFirst.await();
                    return "slow";
                });
                set.spawn(() -> "fast");
                List<String> got = new ArrayList<>();
                got.add(set.joinNext().await().await());
                releaseFirst.countDown();
                got.add(set.joinNext().await().await());
                return got;
            }
        });
        assertEquals(List.of("fast", "slow"), order);
    }

    @Test
    void aFailedTaskComesOutAsAHandleThatThrowsJoinError() {
        JoinError e = rt.blockOn(() -> {
            try (JoinSet<Integer> set = new JoinSet<>()) {
                set.spawn(() -> {
                    throw new IllegalStateException("boom");
                });
                JoinHandle<Integer> done = set.joinNext().await();
                return assertThrows(JoinError.class, done::await);
            }
        });
        assertTrue(e.isFailed());
    }

    @Test
    void tryJoinNextDoesNotWait() {
        rt.blockOn(() -> {
            try (JoinSet<Integer> set = new JoinSet<>()) {
                assertNull(set.tryJoinNext());
                set.spawn(Future.never());
                assertNull(set.tryJoinNext());
            }
        });
    }

    @Test
    void abortAllCancelsEveryTask() {
        rt.blockOn(() -> {
            try (JoinSet<Integer> set = new JoinSet<>()) {
                for (int i = 0; i < 10; i++) {
                    set.spawn(Future.never());
                    set.spawn(() -> Future.<Integer>never().await());
                }
                set.abortAll();
                int cancelled = 0;
                for (JoinHandle<Integer> done; (done = set.joinNext().await()) != null; ) {
                    assertTrue(assertThrows(JoinError.class, done::await).isCancelled());
                    cancelled++;
                }
                assertEquals(20, cancelled);
            }
        });
    }

    @Test
    void closeAbortsWhatIsStillRunning() throws Exception {
        CountDownLatch parked = new CountDownLatch(1);
        JoinSet<Void> set = new JoinSet<>(rt.handle());
        AbortHandle member = set.spawn(() -> {
            parked.countDown();
            Future.never().await();
        });
        assertTrue(parked.await(10, TimeUnit.SECONDS));
        set.close();
        JoinHandle<Void> done = set.joinNext().await();
        assertEquals(member.id(), done.id());
        assertTrue(assertThrows(JoinError.class, done::await).isCancelled());
    }

    @Test
    void joinAllGivesEveryValueOrAbortsTheRestOnFailure() {
        List<Integer> values = rt.blockOn(() -> {
            try (JoinSet<Integer> set = new JoinSet<>()) {
                for (int i = 1; i <= 5; i++) {
                    int n = i;
                    set.spawn(() -> n);
                }
                return set.joinAll().await();
            }
        });
        assertEquals(15, values.stream().mapToInt(Integer::intValue).sum());

        JoinError e = rt.blockOn(() -> {
            try (JoinSet<Integer> set = new JoinSet<>()) {
                set.spawn(Future.never());
                set.spawn(() -> {
                    throw new IllegalStateException("one bad apple");
                });
                return assertThrows(JoinError.class, () -> set.joinAll().await());
            }
        });
        assertTrue(e.isFailed());
    }

    @Test
    void shutdownAbortsAndWaitsForEveryTask() {
        int left = rt.blockOn(() -> {
            JoinSet<Integer> set = new JoinSet<>();
            for (int i = 0; i < 5; i++) {
                set.spawn(Future.never());
            }
            set.shutdown().await();
            return set.size();
        });
        assertEquals(0, left);
    }

    @Test
    void aSetBoundToAHandleSpawnsFromOutsideTheRuntime() {
        try (JoinSet<Integer> set = new JoinSet<>(rt.handle())) {
            set.spawn(() -> 3);
            set.spawnBlocking(() -> 4);
            int sum = 0;
            for (JoinHandle<Integer> done; (done = set.joinNext().await()) != null; ) {
                sum += done.await();
            }
            assertEquals(7, sum);
        }
    }

    @Test
    void aSetWithoutAHandleUsedOutsideTheRuntimeSaysHowToBindIt() {
        try (JoinSet<Integer> set = new JoinSet<>()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> set.spawn(() -> 1));
            assertTrue(e.getMessage().contains("new JoinSet<>(handle)"), e.getMessage());
            assertThrows(IllegalStateException.class, () -> set.spawn(Future.ready(1)));
            assertThrows(IllegalStateException.class, () -> set.spawnBlocking(() -> 1));
            assertEquals(0, set.size());
        }
    }

    @Test
    void detachAllLeavesTasksRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch finished = new CountDownLatch(1);
        try (JoinSet<Void> set = new JoinSet<>(rt.handle())) {
            set.spawn(() -> {
                release.await();
                finished.countDown();
            });
            set.detachAll();
            assertTrue(set.isEmpty());
        }
        release.countDown();
        assertTrue(finished.await(10, TimeUnit.SECONDS));
    }
}
