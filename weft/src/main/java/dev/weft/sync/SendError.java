package dev.weft.sync;

/**
 * A send failed: the channel is closed (every receiver is gone, or the channel was
 * closed), or, for {@code Mpsc.Sender.sendTimeout}, the time ran out (then the
 * cause is the {@link dev.weft.time.Elapsed}). The value was not delivered; it
 * comes back with the error, so nothing is lost silently. A reserve that fails
 * this way had no value yet: {@link #value()} is then {@code null}.
 *
 * {@snippet :
 * try {
 *     tx.send(order).await();
 * } catch (SendError e) {
 *     Order undelivered = (Order) e.value();
 *     requeue(undelivered);
 * }
 * }
 */
public final class SendError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Object value;

    public SendError(String message, Object value) {
        super(message);
        this.value = value;
    }

    /** The value that was not delivered. */
    public Object value() {
        return value;
    }
}
