package dev.weft.sync;

/**
 * A receive failed because the channel is closed: the sending side is gone and
 * nothing is left to receive or see (Tokio's {@code RecvError} of {@code watch} and
 * {@code oneshot}).
 *
 * <p>Thrown by {@link Watch.Receiver#changed()}, {@link Watch.Receiver#waitFor} and
 * {@link Watch.Receiver#hasChanged()}, and by the oneshot channel's receive; each
 * method says when. Channels whose {@code recv()} hands out queued values (mpsc,
 * broadcast) answer {@code null} when closed and drained instead.
 */
public final class RecvError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecvError(String message) {
        super(message);
    }
}
