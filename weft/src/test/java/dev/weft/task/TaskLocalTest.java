package dev.weft.task;

import static dev.weft.Async.async;
import static dev.weft.Join.join;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.runtime.Runtime;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TaskLocalTest {
    private static final TaskLocal<String> REQUEST = TaskLocal.named("request");
    private static final TaskLocal<Integer> DEPTH = TaskLocal.named("depth");
    private Runtime rt;

    @BeforeEach
    void build() {
        rt = Runtime.builder().workerThreads(2).build();
    }

    @AfterEach
    void close() {
        rt.close();
    }

    @Test
    void getOutsideEveryScopeSaysHowToBindIt() {
        NoSuchElementException e = assertThrows(NoSuchElementException.class, REQUEST::get);
        assertTrue(e.getMessage().contains("request.scope"), e.getMessage());
        assertEquals(Optional.empty(), REQUEST.tryGet());
    }

    @Test
    void aScopedFutureSeesTheValueInEveryPollOnAWorker() {
        Future<String> reads = new Future<>() {
            private int polls;

            @Override
            public Poll<String> poll(dev.weft.Context cx) {
                if (polls++ == 0) {
                    cx.waker().wake();
                    return Poll.pending();
                }
                return Poll.ready(REQUEST.get() + "/" + polls);
            }
        };
        assertEquals("r-1/2", rt.blockOn(REQUEST.scope("r-1", reads)));
    }

    @Test
    void syncScopeBindsForTheBlockAndRestoresAfter() {
        String seen = REQUEST.syncScope("outer", () -> {
            String inner = REQUEST.syncScope("inner", REQUEST::get);
            return inner + "," + REQUEST.get();
        });
        assertEquals("inner,outer", seen);
        assertTrue(REQUEST.tryGet().isEmpty());
    }

    @Test
    void differentTaskLocalsNest() {
        String seen = REQUEST.syncScope("r", () -> DEPTH.syncScope(3, () -> REQUEST.get() + DEPTH.get()));
        assertEquals("r3", seen);
    }

    @Test
    void aSpawnedTaskDoesNotInheritItsSpawnersValues() {
        boolean childSees = rt.blockOn(() -> REQUEST.syncScope("parent",
                () -> Task.spawn(() -> REQUEST.tryGet().isPresent()).await()));
        assertEquals(false, childSees);
    }

    @Test
    void anAsyncBlockRunAsAChildTaskSeesTheValuesWhereItWasFirstPolled() {
        String both = rt.blockOn(() -> REQUEST.syncScope("shared", () -> {
            var r = join(async(() -> REQUEST.get() + "-a"), async(() -> REQUEST.get() + "-b")).await();
            return r.first() + "," + r.second();
        }));
        assertEquals("shared-a,shared-b", both);
    }

    @Test
    void anAsyncBlockAwaitedAloneRunsInlineInTheScope() {
        assertEquals("inline", rt.blockOn(() -> REQUEST.syncScope("inline", () -> async(REQUEST::get).await())));
    }

    @Test
    void aValueMustNotBeNull() {
        assertThrows(NullPointerException.class, () -> REQUEST.scope(null, Future.ready(1)));
        assertThrows(NullPointerException.class, () -> REQUEST.syncScope(null, () -> 1));
    }
}
