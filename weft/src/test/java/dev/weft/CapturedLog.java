package dev.weft;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What one logger publishes while this is open, for tests that check a failure was
 * reported rather than lost. Weft logs through {@code System.Logger}, which the JDK
 * backs with {@code java.util.logging} when nothing else is configured, as in these
 * tests. The records still reach the logger's usual handlers too.
 */
public final class CapturedLog implements AutoCloseable {
    /** Held here: java.util.logging keeps loggers only weakly, and with them their handlers. */
    private final Logger logger;
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private CapturedLog(String name) {
        logger = Logger.getLogger(name);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    /** Starts capturing what the logger {@code name} publishes. */
    public static CapturedLog of(String name) {
        return new CapturedLog(name);
    }

    /** The records published at {@code WARNING} so far. */
    public List<LogRecord> warnings() {
        return records.stream().filter(r -> r.getLevel() == Level.WARNING).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
