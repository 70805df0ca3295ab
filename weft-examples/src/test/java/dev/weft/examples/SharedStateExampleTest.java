package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.weft.runtime.Runtime;
import dev.weft.sync.Mutex;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SharedStateExampleTest {
    private Runtime rt;

    @BeforeEach
    void runtime() {
        rt = Runtime.builder().workerThreads(4).build();
    }

    @AfterEach
    void close() {
        rt.close();
    }

    @Test
    void everyThreadTaskAndEveryFutureTaskWroteItsKey() {
        SharedStateExample.Outcome o = SharedStateExample.run(rt, 200);
        for (int i = 0; i < 200; i++) {
            assertEquals("value " + i, o.state().get("thread-" + i));
            assertEquals("value " + i, o.state().get("future-" + i));
        }
        assertEquals(401, o.state().size(), "200 + 200 keys and the counter");
    }

    @Test
    void noReadModifyWriteIsLostAndNoTwoTasksAreEverInsideTheLock() {
        SharedStateExample.Outcome o = SharedStateExample.run(rt, 200);
        assertEquals("200", o.state().get("updates"));
        assertEquals(1, o.peakInside());
    }

    @Test
    void everyGuardWasReleasedByItsTryWithResources() {
        assertFalse(SharedStateExample.run(rt, 50).lockedAfter());
    }

    @Test
    void updateStateReplacesTheValueOfAKeyAndReleasesTheLock() {
        Mutex<Map<String, String>> state = new Mutex<>(new HashMap<>());
        rt.blockOn(() -> {
            SharedStateExample.updateState(state, "k", "v1");
            SharedStateExample.updateStateFuture(state, "k", "v2").await();
        });
        assertFalse(state.isLocked());
        try (var map = state.tryLock()) {
            assertEquals(Map.of("k", "v2"), map.get());
        }
    }

    @Test
    void aSingleOwnerTaskGetsEveryUpdateThroughTheChannel() {
        Map<String, String> owned = rt.blockOn(() -> SharedStateExample.ownedByOneTask(500));
        assertEquals(500, owned.size());
        assertEquals("from writer", owned.get("key-499"));
    }
}
