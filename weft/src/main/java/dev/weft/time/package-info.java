/**
 * Time: sleeps, timeouts, intervals and a clock that tests can steer (Tokio's
 * {@code tokio::time}).
 *
 * <h2>Waiting</h2>
 * {@snippet :
 * import static dev.weft.time.Time.*;
 *
 * sleep(Duration.ofMillis(250)).await();                       // a future: lazy, cancel safe
 * Sleep deadline = sleepUntil(Instant.now().plus(Duration.ofSeconds(5)));
 * }
 * Every timer of a runtime lives in one hierarchical timing wheel, fired by one
 * platform thread: inserting and cancelling a timer are O(1) list operations,
 * a million pending sleeps cost memory in proportion and no thread each. The
 * resolution is 1 ms: a sleep never completes before its deadline, and in real time
 * usually within a millisecond after it. Dropping a sleep (a lost select branch, an
 * aborted task) takes its timer out of the wheel.
 *
 * <h2>Timeouts: two ways</h2>
 * {@link Time#timeout(java.time.Duration, dev.weft.Future) timeout(d, future)} fails
 * with {@link Elapsed} when time runs out, and <em>drops</em> the future. That is
 * what you want when the work has no value unfinished. When it has (a half-read
 * frame, a place in a queue, progress to report), race it against a sleep in a
 * {@code select} instead, and keep the work alive with
 * {@link dev.weft.Future#borrow(dev.weft.Future) Future.borrow}:
 * {@snippet :
 * Future<Frame> reading = readFrame(conn);
 * for (;;) {
 *     Frame f = select(
 *             on(Future.borrow(reading), frame -> frame),
 *             on(sleep(Duration.ofSeconds(1)), __ -> null))
 *         .await();
 *     if (f != null) break;
 *     reportStillWaiting();            // reading keeps what it has read so far
 * }
 * }
 *
 * <h2>Ticks</h2>
 * {@link Time#interval(java.time.Duration) interval(period)} ticks every period;
 * its {@link Interval#tick() tick()} is cancel safe, so it can sit in a
 * {@code select} loop. What happens after missed ticks is a
 * {@link MissedTickBehavior}.
 *
 * <h2>Tests: the paused clock</h2>
 * A runtime built with {@code startPaused(true)} starts with its {@link Clock}
 * stopped. As soon as every task is parked, the clock jumps to the next timer, so a
 * test of an hour-long timeout runs in milliseconds, with the same order of events
 * as in real time. This works on the multi-thread runtime too. A task blocked
 * outside Weft holds the clock back. {@link Clock#advance(java.time.Duration)} moves
 * it by hand; auto-advance can be switched off. A runtime built with
 * {@code pausableClock(true)} starts running and can be paused later; one built
 * with neither option cannot be paused, and keeps no count of its tasks for it.
 * {@snippet :
 * try (Runtime rt = Runtime.builder().startPaused(true).build()) {
 *     rt.blockOn(() -> {
 *         Elapsed e = assertThrows(Elapsed.class,
 *                 () -> timeout(Duration.ofMinutes(10), neverAnswers()).await());
 *         assertEquals(Duration.ofMinutes(10), e.waited());     // in no real time
 *     });
 * }
 * }
 *
 * <p>The timers here ({@code sleep}, {@code timeout}, {@code interval} and their
 * kin) must be made from a task of a runtime with time enabled
 * ({@code Runtime.Builder.enableTime()}; {@code Runtime.main} enables it), and use
 * that runtime's clock. {@link dev.weft.time.Instant#now()} also works outside
 * every runtime (it then reads {@code System.nanoTime()}), and
 * {@code Runtime.clock()} gives a runtime's clock to any thread.
 */
package dev.weft.time;
