/**
 * Testing futures by hand: Tokio's {@code tokio-test}, for Weft.
 *
 * <p>A future does nothing until it is polled, and what it does when polled is
 * exactly what a test wants to see: did it answer pending, did it keep the waker,
 * was the waker woken when the value arrived, did dropping it release what it held.
 * A runtime hides all of that behind {@code await()}. This package lets a test be
 * the task: {@link dev.weft.test.PollHarness} polls a future on the test's thread
 * with a waker that counts its wake-ups, and {@link dev.weft.test.PollAssertions}
 * states what should have happened.
 *
 * <h2>A first test</h2>
 * {@snippet :
 * import static dev.weft.test.PollAssertions.*;
 *
 * @Test
 * void completingTheStageWakesTheTask() {
 *     var stage = new CompletableFuture<String>();
 *     var h = PollHarness.of(Future.fromStage(stage));
 *
 *     assertPending(h.poll());           // not there yet
 *     assertNotWoken(h);                 // and nothing woke the task
 *
 *     stage.complete("hello");
 *     assertWoken(h);                    // the completion woke it...
 *     assertReadyEq(h.poll(), "hello");  // ...and the next poll has the value
 * }
 * }
 *
 * <h2>Recipes</h2>
 * <ul>
 *   <li><b>Cancellation</b>: poll until pending, then {@link dev.weft.test.PollHarness#drop()},
 *       then check that whatever the future held (a queued request, a waker
 *       registration, a child task) was released and that no side effect follows.
 *       A harness is {@link java.lang.AutoCloseable}: in try-with-resources, every
 *       path drops the future.</li>
 *   <li><b>Woken from another thread</b>: after a pending poll, let the other thread
 *       do its part and wait for the condition with
 *       {@link dev.weft.test.PollHarness#waitForWake(java.time.Duration)}; never sleep
 *       "to let things settle".</li>
 *   <li><b>Failure</b>: a future fails by throwing from its poll;
 *       {@link dev.weft.test.PollAssertions#assertPollFails} polls and returns the
 *       exception, checked ones included.</li>
 *   <li><b>Odd corners</b>: {@link dev.weft.test.PollHarness#enter} hands your code the
 *       harness's context and the future, to poll a piece of it, spend budget, or
 *       poll a finished future on purpose.</li>
 * </ul>
 *
 * <h2>What a harness is not</h2>
 * Its context carries no cooperative budget (only a runtime's tasks have one), and
 * it is not a runtime: to test a future that spawns, or an async block polled beside
 * others, drive the harness from inside {@code runtime.blockOn(() -> ...)}.
 */
package dev.weft.test;
