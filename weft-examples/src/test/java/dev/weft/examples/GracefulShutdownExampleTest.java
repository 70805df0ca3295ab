package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.Future;
import dev.weft.time.Time;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GracefulShutdownExampleTest extends PausedRuntimePerTest {
    @Test
    void serverAcceptsTheConnectionsMadeBeforeCtrlC() {
        assertEquals(List.of("client-1", "client-2", "client-3"), GracefulShutdownExample.run(rt).served());
    }

    @Test
    void serverStopsAtTheSignalAndRunServerReturnsThen() {
        List<String> events = GracefulShutdownExample.run(rt).events();
        assertEquals(List.of(
                " 100 ms  client-1 connects",
                " 100 ms  server: accepted client-1",
                " 200 ms  client-2 connects",
                " 200 ms  server: accepted client-2",
                " 300 ms  client-3 connects",
                " 300 ms  server: accepted client-3",
                " 350 ms  operator: ctrl-c",
                " 350 ms  server: shutting down",
                " 350 ms  run_server: the server has stopped",
                " 400 ms  client-4 connects"), events);
    }

    @Test
    void theAcceptInFlightAtShutdownIsDroppedAndTakesNoConnectionWithIt() {
        GracefulShutdownExample.Outcome o = GracefulShutdownExample.run(rt);
        assertEquals(4, o.acceptsStarted(), "three that accepted, one waiting when the shutdown came");
        assertEquals(1, o.acceptsDropped());
        assertEquals(List.of("client-4"), o.leftInBacklog(), "the later client waits in the backlog, not lost");
    }

    @Test
    void aCtrlCAlreadyPressedStopsTheServerAtItsFirstSelectAndLosesNoConnection() {
        List<List<String>> servedAndLeft = rt.blockOn(() -> {
            var listener = new GracefulShutdownExample.Listener();
            listener.connect("early").await();
            List<String> served = GracefulShutdownExample.runServer(listener, Future.ready(null),
                    new GracefulShutdownExample.Events());
            return List.of(served, listener.close());
        });
        // The first select may see the shutdown, or the connection, or both ready (then a random branch
        // wins): the connection is served, or still in the backlog; never both, never neither.
        assertTrue(servedAndLeft.equals(List.of(List.of(), List.of("early")))
                || servedAndLeft.equals(List.of(List.of("early"), List.of())), servedAndLeft.toString());
    }

    @Test
    void aServerThatEndedOnItsOwnMakesTheShutdownSendAQuietNoOp() {
        List<String> events = rt.blockOn(() -> {
            var listener = new GracefulShutdownExample.Listener();
            var log = new GracefulShutdownExample.Events();
            listener.close();                                // accept gives null: the server ends by itself
            List<String> served = GracefulShutdownExample.runServer(listener, Time.sleep(Duration.ofSeconds(1)), log);
            assertEquals(List.of(), served);
            return log.lines();
        });
        assertEquals(List.of("   0 ms  server: listener closed", "1000 ms  run_server: the server has stopped"),
                events);
    }
}
