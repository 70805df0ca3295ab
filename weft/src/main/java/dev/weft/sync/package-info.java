/**
 * Synchronisation for tasks: channels to pass messages, and locks, semaphores and
 * notifications for shared state (Tokio's {@code tokio::sync}). Every waiting
 * method returns a future: it parks a thread task or suspends a future task, never
 * blocks a thread, and takes part in {@code select} and {@code join}. Each one says
 * in its Javadoc what is lost if it is dropped (its cancel safety).
 *
 * <h2>Which channel?</h2>
 * <table>
 *   <caption>Channels by shape</caption>
 *   <tr><th>you need</th><th>use</th></tr>
 *   <tr><td>many producers, one consumer, backpressure</td><td>{@link dev.weft.sync.Mpsc#channel(int)}</td></tr>
 *   <tr><td>the same, where the producer must never wait (and memory may grow)</td>
 *       <td>{@link dev.weft.sync.Mpsc#unboundedChannel()}</td></tr>
 *   <tr><td>one value, once: a reply to a request</td><td>{@link dev.weft.sync.Oneshot#channel()}</td></tr>
 *   <tr><td>every receiver sees every value (events, fan-out)</td><td>{@link dev.weft.sync.Broadcast#channel(int)}</td></tr>
 *   <tr><td>only the latest value matters (configuration, a shutdown flag)</td>
 *       <td>{@link dev.weft.sync.Watch#channel(Object)}</td></tr>
 *   <tr><td>several consumers share the work; or a hand-off with no buffer</td>
 *       <td>{@link dev.weft.sync.Channel#create(int)}, {@link dev.weft.sync.Channel#rendezvous()}</td></tr>
 * </table>
 *
 * {@snippet :
 * var ch = Mpsc.<String>channel(100);
 * Task.spawn(() -> {
 *     try (var tx = ch.tx()) {                      // closing the last sender ends the stream
 *         for (int i = 0; i < 10; i++) {
 *             tx.send("message " + i).await();      // waits while the buffer is full
 *         }
 *     }
 * });
 * for (String msg; (msg = ch.rx().recv().await()) != null; ) {
 *     System.out.println("received: " + msg);
 * }
 * }
 *
 * <p>Conventions shared by every channel: values are never {@code null}; a receive
 * that completes with {@code null} means "closed and drained"; a send to a closed
 * channel fails with {@link dev.weft.sync.SendError}, which carries the value back;
 * a value that can no longer be delivered goes to the undelivered-value hook given
 * to the factory, or stays with (or readable by) its owner: none disappears silently.
 *
 * <h2>Shared state</h2>
 * {@link dev.weft.sync.Mutex} and {@link dev.weft.sync.RwLock} guard a value across
 * awaits; their guards close with try-with-resources. For a short section that never
 * awaits, a JDK lock is cheaper and fine. {@link dev.weft.sync.Semaphore} limits
 * concurrency; {@link dev.weft.sync.Notify} wakes tasks without data;
 * {@link dev.weft.sync.Barrier} lines tasks up; {@link dev.weft.sync.OnceCell}
 * initialises a value once, asynchronously. Locks and semaphores are fair (first
 * come, first served) and share one waiter queue (see
 * {@code docs/adr/0004-waiter-queue-and-sync.md}).
 */
package dev.weft.sync;
