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
        assertEquals(12, out.lines().filter(l -> l.startsWith("== ")).count(), out);
        assertTrue(out.contains("All 12 examples ran."), out);
        assertTrue(out.contains("biased select      : shutdown won 1000 of 1000"), out);
        assertTrue(out.contains("server is silent   : Err(timeout) after 5000 ms on the paused clock"), out);
        assertTrue(out.contains("select loop        : complete; kept \"The slow server's whole file.\""), out);
    }
}
