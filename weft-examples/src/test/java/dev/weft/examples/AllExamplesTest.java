package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AllExamplesTest {

    @Test
    void runsEveryExampleUnderItsOwnHeading() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AllExamples.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertEquals(17, out.lines().filter(l -> l.startsWith("== ")).count(), out);
        assertTrue(out.contains("All 17 examples ran."), out);
        assertTrue(out.contains("biased select      : shutdown won 1000 of 1000"), out);
        assertTrue(out.contains("server is silent   : Err(timeout) after 5000 ms on the paused clock"), out);
        assertTrue(out.contains("select loop        : complete; kept \"The slow server's whole file.\""), out);
        assertTrue(out.contains("every sender closed: recv() gave null after 10 messages"), out);
        assertTrue(out.contains("read-modify-write  : updates = 100 (none lost), at most 1 task inside the lock"), out);
        assertTrue(out.contains("served             : [client-1, client-2, client-3]"), out);
        assertTrue(out.contains("left in the backlog: [client-4]"), out);
        assertTrue(out.contains("unbounded channel  : peak buffer 1000 jobs"), out);
        assertTrue(out.contains("channel(16)        : peak buffer 16 jobs"), out);
        assertTrue(out.contains("waiter: entered the critical section"), out);
        assertTrue(out.contains("main: gave up on the lock after 50 ms"), out);
    }
}
