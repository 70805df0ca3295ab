/**
 * The runtime: where tasks run.
 *
 * <p>{@link dev.weft.runtime.Runtime#main(dev.weft.CheckedRunnable) Runtime.main} is
 * Tokio's {@code #[tokio::main]}; {@link dev.weft.runtime.Runtime#builder()} builds
 * one by hand (worker threads, the blocking pool, thread names and hooks, the
 * policy for a task's unhandled exception). A {@link dev.weft.runtime.Handle}
 * reaches a runtime from anywhere; {@link dev.weft.runtime.Handle#current()} finds
 * the one running the caller.
 *
 * {@snippet :
 * try (Runtime rt = Runtime.builder().workerThreads(4).enableAll().build()) {
 *     int answer = rt.blockOn(() -> Task.spawn(() -> 6 * 7).await());
 *     ShutdownReport report = rt.shutdown(Duration.ofSeconds(5)); // names what did not end
 * }
 * }
 *
 * <p>Import {@code dev.weft.runtime.Runtime} by name: a wildcard import of this
 * package clashes with {@code java.lang.Runtime}.
 */
package dev.weft.runtime;
