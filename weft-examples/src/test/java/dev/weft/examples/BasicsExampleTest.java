package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.runtime.Handle;
import dev.weft.runtime.Runtime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class BasicsExampleTest {

    @Test
    void mainStyleRuntimeFetchesTheBody() {
        assertEquals("<h1>hello from https://example.com</h1>", BasicsExample.macroStyle());
    }

    @Test
    void manualRuntimeHasFourWorkersAndEveryDriverEnabled() {
        BasicsExample.Manual m = BasicsExample.manual();
        assertEquals("<h1>hello from https://example.org</h1>", m.body());
        assertEquals(4, m.workers());
        assertTrue(m.timeEnabled());
        assertTrue(m.ioEnabled());
    }

    @Test
    void runtimeIsGoneOnceMainReturns() {
        BasicsExample.run();
        assertTrue(Handle.tryCurrent().isEmpty(), "the test thread belongs to no runtime afterwards");
    }

    @Test
    void aFailureOfTheAsyncFnTravelsToTheAwaiterAsThrown() {
        // '?' in Rust: the exception of an inner await is the exception of fetchData's await.
        class Refused extends Exception {
            Refused() {
                super("connection refused");
            }
        }
        Exception e = assertThrows(Refused.class, () -> Runtime.main(() -> dev.weft.Async.<String>async(() -> {
            throw new Refused();
        }).await()));
        assertEquals("connection refused", e.getMessage());
    }
}
