/**
 * Tasks: spawning, joining, aborting, and what a task carries.
 *
 * <h2>Three kinds of task, one handle</h2>
 * <ul>
 *   <li>{@link dev.weft.task.Task#spawn(dev.weft.Future) spawn(future)}: a future task,
 *       polled by the runtime's work-stealing scheduler; no thread of its own.</li>
 *   <li>{@link dev.weft.task.Task#spawn(java.util.concurrent.Callable) spawn(callable)}: a
 *       thread task, direct-style code on a virtual thread that awaits futures.</li>
 *   <li>{@link dev.weft.task.Task#spawnBlocking spawnBlocking(callable)}: blocking or
 *       CPU-heavy work on a bounded pool of platform threads, so that it starves
 *       nothing else (the seed's "blocking the runtime" pitfall).</li>
 * </ul>
 * Each returns a {@link dev.weft.task.JoinHandle}: await it for the value (or a
 * {@link dev.weft.task.JoinError}), {@linkplain dev.weft.task.JoinHandle#abort() abort}
 * it to cancel, drop it to detach. A {@link dev.weft.task.JoinSet} takes results as
 * tasks finish; a {@link dev.weft.task.TaskLocal} carries a value through a task's
 * code.
 *
 * <h2>Cancellation</h2>
 * Aborting a thread task makes the await it is parked in, or its next one, throw
 * {@link dev.weft.task.CancelledException}, and every later await too; {@code finally}
 * blocks run. Code between two awaits runs on, as in Rust. Weft never calls
 * {@code Thread.interrupt}: an interrupt closes NIO channels.
 *
 * {@snippet :
 * JoinHandle<Report> h = Task.spawn(() -> buildReport());
 * if (userCancelled) {
 *     h.abort();
 * }
 * try {
 *     use(h.await());
 * } catch (JoinError e) {
 *     if (!e.isCancelled()) throw e;
 * }
 * }
 */
package dev.weft.task;
