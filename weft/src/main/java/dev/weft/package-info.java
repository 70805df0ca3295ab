/**
 * Futures: lazy values polled to completion, and the ways to await several at once.
 *
 * <h2>The model in five lines</h2>
 * <ul>
 *   <li>A {@link dev.weft.Future} does nothing until it is polled: by
 *       {@link dev.weft.Future#await()} on the calling thread, by a task it was
 *       spawned as, or by a combinator polled by either.</li>
 *   <li>{@link dev.weft.Future#poll(dev.weft.Context)} answers a value or
 *       "pending, and I will wake {@code cx.waker()} when I can go on".</li>
 *   <li>A future abandoned before it completes is {@linkplain dev.weft.Future#drop() dropped};
 *       that is how cancellation works. Each method returning a future says in its
 *       <em>Cancel safety</em> section what a drop loses.</li>
 *   <li>Direct-style code awaits with {@code future.await()} inside a thread task
 *       (a virtual thread); a future task is polled by the runtime's scheduler and
 *       composes futures instead of awaiting them.</li>
 *   <li>Every task has a cooperative budget ({@link dev.weft.Context#proceed()}), so
 *       one that is always ready still lets the others run.</li>
 * </ul>
 *
 * <h2>Which tool for which job</h2>
 * <table class="plain">
 *   <caption>Seed pattern and its Weft spelling</caption>
 *   <tr><th>you want</th><th>write</th></tr>
 *   <tr><td>independent work at the same time ({@code join!})</td>
 *       <td>{@code Join.join(a, b, c).await()}; {@code Join.tryJoin} to stop at the first failure</td></tr>
 *   <tr><td>the first of several ({@code select!})</td>
 *       <td>{@code Select.select(on(a, ...), on(b, ...)).await()}</td></tr>
 *   <tr><td>a block of code as a lazy future ({@code async { }})</td>
 *       <td>{@code Async.async(() -> ...)}</td></tr>
 *   <tr><td>a future task without a thread</td>
 *       <td>{@code map}, {@code andThen}, {@code recover}, {@link dev.weft.Loop#loop Loop.loop},
 *           {@link dev.weft.Future#pollFn Future.pollFn}</td></tr>
 *   <tr><td>a {@code CompletableFuture} on either side</td>
 *       <td>{@link dev.weft.Future#fromStage Future.fromStage}, {@code JoinHandle.toCompletableFuture()}</td></tr>
 * </table>
 *
 * {@snippet :
 * import static dev.weft.Async.async;
 * import static dev.weft.Join.join;
 *
 * var all = join(async(() -> fetchUsers()), async(() -> fetchOrders())).await();
 * render(all.first(), all.second());
 * }
 */
package dev.weft;
