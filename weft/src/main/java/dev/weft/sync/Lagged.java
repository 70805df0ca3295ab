package dev.weft.sync;

/**
 * A {@link Broadcast.Receiver} fell behind: the channel overwrote {@link #skipped()}
 * values before this receiver read them (Tokio's {@code RecvError::Lagged}).
 *
 * <p>Nothing else is lost and the receiver stays usable: its next
 * {@link Broadcast.Receiver#recv() recv()} or {@link Broadcast.Receiver#tryRecv()
 * tryRecv()} continues with the oldest value the channel still keeps. A receiver
 * that lags often needs a larger capacity, or to do less work per value.
 *
 * {@snippet :
 * for (;;) {
 *     try {
 *         Event e = events.recv().await();
 *         if (e == null) break;                       // every sender is gone
 *         handle(e);
 *     } catch (Lagged lag) {
 *         log.warning("missed " + lag.skipped() + " events");
 *     }
 * }
 * }
 *
 * <p>It carries no stack trace: it reports an expected condition of the channel,
 * not a bug at the place it is thrown.
 */
public final class Lagged extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long skipped;

    Lagged(long skipped) {
        super("this broadcast receiver fell behind: " + skipped + (skipped == 1 ? " value was" : " values were")
                + " overwritten before it read them; the next receive continues with the oldest value still kept",
                null, false, false);
        this.skipped = skipped;
    }

    /** How many values this receiver missed (at least 1). */
    public long skipped() {
        return skipped;
    }
}
