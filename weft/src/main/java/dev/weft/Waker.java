package dev.weft;

/**
 * Tells the task that owns a pending future to poll it again.
 *
 * <p>A future that returns {@link Poll#pending()} keeps the waker of the
 * {@link Context} it was polled with and calls {@link #wake()} when it can make
 * progress: a value arrived, a lock was released, a timer fired.
 *
 * <p>Every waker must honour this contract:
 * <ul>
 *   <li>{@code wake()} is thread-safe: any thread may call it, at any time, even
 *       after the task finished (then it does nothing);</li>
 *   <li>it is idempotent: many wakes before the next poll cause one poll;</li>
 *   <li>it is cheap and never blocks: it schedules, it does not run the task;</li>
 *   <li>it never throws. The thread calling it is running another task's operation
 *       (a send, a release, a close), which must not fail halfway for it: Weft's sync
 *       primitives, {@code DelayQueue}, {@code Sleep.reset} and {@code Future.fromStage}
 *       log an exception a waker throws ({@code System.Logger} {@code dev.weft.sync},
 *       WARNING) and complete the operation as if the wake had worked (the runtime
 *       logs a throwing join or timer waker to its own logger);</li>
 *   <li>wake-ups may be spurious: a woken future must re-check its state and may
 *       return pending again.</li>
 * </ul>
 *
 * <p>Memory consistency effects: actions in a thread before it calls {@code wake()}
 * <i>happen-before</i> the poll that the wake-up causes.
 */
@FunctionalInterface
public interface Waker {

    /** Schedules the task behind this waker to be polled again. */
    void wake();

    /** A waker that does nothing; for polling futures whose wake-ups nobody needs. */
    static Waker noop() {
        return NoopWaker.INSTANCE;
    }

    /** The shared do-nothing waker. */
    enum NoopWaker implements Waker {
        INSTANCE;

        @Override
        public void wake() {
        }
    }
}
