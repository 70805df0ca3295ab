package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LockAcrossAwaitExampleTest extends PausedRuntimePerTest {
    @Test
    void anAbortedWaiterForAJdkLockStillEntersTheCriticalSectionOnceTheHolderIsDone() {
        assertEquals(List.of(
                "holder: has the lock, awaits the database",
                "main: aborted the waiter; finished: false",
                "holder: got row 42, releases the lock",
                "waiter: entered the critical section",
                "main: waiter ended normally"), rt.blockOn(LockAcrossAwaitExample::jdkLockHeldAcrossAwait)); // no await saw the abort
    }

    @Test
    void waitersForWeftsMutexLeaveAtOnceOnAbortOrTimeoutAndNeverEnter() {
        assertEquals(List.of(
                "holder: has the lock, awaits the database",
                "main: aborted the waiter; it ended cancelled",
                "main: gave up on the lock after 50 ms",
                "holder: got row 42, releases the lock",
                "main: the mutex is free, count 1"), rt.blockOn(LockAcrossAwaitExample::mutexHeldAcrossAwait));
    }

    @Test
    void aJdkLockAroundShortSectionsLosesNoUpdateInEitherKindOfTask() {
        Map<String, Integer> hits = rt.blockOn(() -> LockAcrossAwaitExample.shortSectionsWithAJdkLock(2_000));
        assertEquals(Map.of("/page/0", 1_000, "/page/1", 1_000, "/page/2", 1_000, "/page/3", 1_000), hits);
    }

    @Test
    void runShowsAllThree() {
        LockAcrossAwaitExample.Outcome o = LockAcrossAwaitExample.run();
        assertEquals("waiter: entered the critical section", o.jdkLock().get(3));
        assertEquals(5, o.mutex().size());
        assertEquals(2_000, o.shortHits().values().stream().mapToInt(Integer::intValue).sum());
    }
}
