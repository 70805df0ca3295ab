package dev.weft.runtime;

import dev.weft.internal.Bodies;
import dev.weft.CheckedRunnable;
import dev.weft.Future;
import dev.weft.internal.Throwing;
import dev.weft.internal.runtime.Awaiting;
import dev.weft.internal.runtime.RuntimeConfig;
import dev.weft.internal.runtime.RuntimeCore;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A Weft runtime: a work-stealing scheduler for future tasks, virtual threads for
 * thread tasks, a bounded pool for blocking work, and the registry of all its tasks.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     Runtime.main(() -> {                       // Tokio's #[tokio::main]
 *         var handle = Task.spawn(() -> expensiveComputation());
 *         System.out.println(handle.await());
 *     });
 * }
 *
 * try (var rt = Runtime.builder().workerThreads(4).enableAll().build()) {   // manual
 *     rt.blockOn(() -> { ... });
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 * <ul>
 *   <li><b>Workers</b>: {@link Builder#workerThreads} platform threads (one for a
 *       {@linkplain Builder#currentThread() current-thread runtime}) poll future
 *       tasks. This setting fully controls them.</li>
 *   <li><b>Thread tasks</b> run on JDK virtual threads. Their carriers belong to
 *       the JDK's own scheduler, shared by the whole JVM and sized by the system
 *       property {@code jdk.virtualThreadScheduler.parallelism} (default: the
 *       number of cores). The worker-thread setting does not change it; no public
 *       JDK API lets a runtime give its virtual threads carriers of its own.</li>
 *   <li><b>Blocking pool</b>: up to {@link Builder#maxBlockingThreads} platform
 *       threads for {@code spawnBlocking}, started on demand, each exiting after
 *       {@link Builder#blockingKeepAlive} idle.</li>
 * </ul>
 *
 * <h2>Shutdown</h2>
 * {@link #shutdown(Duration)} (and {@link #close()}, with the builder's
 * {@linkplain Builder#shutdownTimeout timeout}) refuses new tasks, aborts every
 * task, cancels queued blocking jobs that never started, waits for the tasks
 * until the deadline, and stops every worker and pool thread. What did not end in
 * time is named, by task id and name, in the {@link ShutdownReport}; {@code close()}
 * logs it. Code between two awaits cannot be stopped (no {@code Thread.interrupt},
 * which would close NIO channels): a thread task spinning without awaiting, or a
 * blocking job that never returns, is reported, not killed.
 *
 * <p>Thread-safe. A runtime may not be shut down from one of its own tasks (it would
 * wait for itself); use {@link #shutdownBackground()} there.
 */
public final class Runtime implements AutoCloseable {
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    private final RuntimeCore core;
    private final Handle handle;

    private Runtime(RuntimeConfig config) {
        this.core = new RuntimeCore(config);
        this.handle = new Handle(core);
        core.attachHandle(handle);
    }

    /** A builder for a multi-thread runtime, with Tokio's defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds the default runtime, runs {@code body} as a thread task on it, waits for
     * it and shuts the runtime down: Tokio's {@code #[tokio::main]}. Whatever the
     * body throws is rethrown as it was thrown, checked exceptions included. For other
     * settings, use {@link Builder#main(CheckedRunnable)}.
     */
    public static void main(CheckedRunnable body) {
        builder().enableAll().main(body);
    }

    /**
     * Builds the default runtime, runs {@code body} on it, shuts the runtime down and
     * returns the body's value.
     */
    public static <T> T main(Callable<T> body) {
        return builder().enableAll().main(body);
    }

    /**
     * The runtime's clock, to pause and advance it from anywhere, a test's own thread
     * included.
     *
     * @throws IllegalStateException if the runtime was built without time
     */
    public dev.weft.time.Clock clock() {
        return handle.clock();
    }

    /** The runtime's handle, for spawning onto it from anywhere. */
    public Handle handle() {
        return handle;
    }

    /**
     * Runs {@code future} to completion and returns its value: it is spawned as a
     * future task and the calling thread parks until it is done.
     *
     * <p>Cancel safety: if the runtime shuts down meanwhile, the future is dropped and
     * this throws {@link CancelledException}.
     *
     * @throws IllegalStateException if the runtime is shut down, or if called on a scheduler worker
     * @throws CancelledException if the runtime shut down before the future completed
     */
    public <T> T blockOn(Future<T> future) {
        return blockOn(core, future);
    }

    /**
     * Runs {@code body} as a thread task (so it may await, spawn and find
     * {@link Handle#current()}), waits for it and returns its value or throws its
     * exception as it was thrown.
     *
     * @throws IllegalStateException if the runtime is shut down, or if called on a
     *     scheduler worker (nothing is started then)
     * @throws CancelledException if the runtime shut down before the body finished
     */
    public <T> T blockOn(Callable<T> body) {
        return blockOn(core, body);
    }

    /** Runs {@code body}, which has no value, as {@link #blockOn(Callable)} does. */
    public void blockOn(CheckedRunnable body) {
        blockOn(core, Bodies.callable(body));
    }

    static <T> T blockOn(RuntimeCore core, Future<T> future) {
        Awaiting.checkBeforeBlockOn(); // before the root starts: refused, it must not run detached
        return awaitRoot(core.spawnRoot(future));
    }

    static <T> T blockOn(RuntimeCore core, Callable<T> body) {
        Awaiting.checkBeforeBlockOn();
        return awaitRoot(core.spawnRoot(body));
    }

    private static <T> T awaitRoot(JoinHandle<T> root) {
        try {
            return root.await();
        } catch (JoinError e) {
            if (e.isCancelled()) {
                throw new CancelledException("the runtime shut down (or the task was aborted) before the"
                        + " body given to blockOn finished");
            }
            throw Throwing.sneaky(e.getCause());
        } catch (CancelledException e) {
            root.abort(); // the caller itself is a cancelled task: take its root down with it
            throw e;
        }
    }

    /** Spawns a future task; see {@link Handle#spawn(Future)}. */
    public <T> JoinHandle<T> spawn(Future<T> future) {
        return handle.spawn(future);
    }

    /** Spawns a thread task; see {@link Handle#spawn(Callable)}. */
    public <T> JoinHandle<T> spawn(Callable<T> body) {
        return handle.spawn(body);
    }

    /** Spawns a thread task with no value; see {@link Handle#spawn(CheckedRunnable)}. */
    public JoinHandle<Void> spawn(CheckedRunnable body) {
        return handle.spawn(body);
    }

    /** Runs blocking work on the pool; see {@link Handle#spawnBlocking(Callable)}. */
    public <T> JoinHandle<T> spawnBlocking(Callable<T> body) {
        return handle.spawnBlocking(body);
    }

    /** Counters describing the runtime now. */
    public RuntimeMetrics metrics() {
        return handle.metrics();
    }

    /**
     * Shuts the runtime down: refuses new tasks, aborts every task, cancels blocking
     * jobs not yet started, waits for the tasks until {@code timeout} has passed,
     * stops the workers and the pool's threads. A second call waits for the first
     * and returns its report.
     *
     * <p>An interrupt of the calling thread, before or during the call, does not cut
     * the waits short (each ends by the timeout at the latest); the thread's interrupt
     * status is set again when this returns.
     *
     * @return what did not end in time
     * @throws IllegalStateException if called from one of this runtime's own tasks, or
     *     if an earlier call failed with an error before it finished (the error is the
     *     cause; the runtime counts as shut down, and no call waits for it again)
     */
    public ShutdownReport shutdown(Duration timeout) {
        return core.shutdown(timeout);
    }

    /** Starts {@link #shutdown} on a thread of its own and returns at once; usable inside the runtime's tasks. */
    public void shutdownBackground() {
        core.shutdownInBackground();
    }

    /**
     * Shuts down with the builder's {@linkplain Builder#shutdownTimeout timeout}; logs
     * the report at {@code WARNING} if anything did not end in time.
     */
    @Override
    public void close() {
        ShutdownReport r = core.shutdown(core.config().shutdownTimeout());
        if (!r.isClean()) {
            System.getLogger("dev.weft.runtime").log(System.Logger.Level.WARNING,
                    "runtime '" + core.config().name() + "': " + r);
        }
    }

    /** Whether shutdown has begun. */
    public boolean isShutdown() {
        return core.isShutdown();
    }

    @Override
    public String toString() {
        return "Runtime[" + core.config().name() + ", " + core.workerCount() + " workers]";
    }

    /**
     * Configures a runtime. The defaults are Tokio's where the JVM allows: as many
     * workers as cores, 512 blocking threads kept alive 10 s when idle.
     */
    public static final class Builder {
        private String name;
        private int workerThreads = java.lang.Runtime.getRuntime().availableProcessors();
        private boolean currentThread;
        private int maxBlockingThreads = 512;
        private Duration blockingKeepAlive = Duration.ofSeconds(10);
        private int blockingQueueCapacity = 65_536;
        private String threadNamePrefix = "weft";
        private Supplier<String> threadNameFn;
        private Runnable onThreadStart;
        private Runnable onThreadStop;
        private UnhandledExceptionPolicy policy = UnhandledExceptionPolicy.LOG;
        private boolean io;
        private boolean time;
        private boolean startPaused;
        private boolean pausableClock;
        private boolean autoAdvance = true;
        private int eventInterval = 61;
        private Duration shutdownTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /** A name for the runtime, used in messages and reports. Default: {@code weft-N}. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * How many platform worker threads poll future tasks. Default: the number of
         * cores. Thread tasks run on the JDK's virtual-thread carriers, which this does
         * not size (see the class documentation).
         *
         * @throws IllegalArgumentException if {@code n} is not between 1 and 32767
         * @throws IllegalStateException if {@link #currentThread()} was chosen (such a
         *     runtime has exactly one worker)
         */
        public Builder workerThreads(int n) {
            if (n < 1 || n > 32_767) {
                throw new IllegalArgumentException("workerThreads must be between 1 and 32767, got " + n);
            }
            if (currentThread) {
                throw new IllegalStateException("a current-thread runtime has exactly one worker;"
                        + " drop currentThread() to choose a worker count");
            }
            this.workerThreads = n;
            return this;
        }

        /** A runtime with exactly one worker thread (Tokio's current-thread flavour). */
        public Builder currentThread() {
            this.currentThread = true;
            this.workerThreads = 1;
            return this;
        }

        /**
         * The most platform threads the blocking pool runs at once. Default 512.
         *
         * @throws IllegalArgumentException if {@code n} is less than 1
         */
        public Builder maxBlockingThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("maxBlockingThreads must be at least 1, got " + n);
            }
            this.maxBlockingThreads = n;
            return this;
        }

        /**
         * How long an idle blocking thread waits for a job before it exits. Default 10 s.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder blockingKeepAlive(Duration keepAlive) {
            if (Objects.requireNonNull(keepAlive, "keepAlive").isNegative()) {
                throw new IllegalArgumentException("blockingKeepAlive must not be negative, got " + keepAlive);
            }
            this.blockingKeepAlive = keepAlive;
            return this;
        }

        /**
         * How many blocking jobs may wait for a thread; a spawnBlocking beyond that
         * throws rather than letting the queue grow without bound. Default 65,536.
         *
         * @throws IllegalArgumentException if less than 1
         */
        public Builder blockingQueueCapacity(int capacity) {
            if (capacity < 1) {
                throw new IllegalArgumentException("blockingQueueCapacity must be at least 1, got " + capacity);
            }
            this.blockingQueueCapacity = capacity;
            return this;
        }

        /**
         * Names threads {@code prefix-worker-N}, {@code prefix-blocking-N} and
         * {@code prefix-timer-N}. Default prefix {@code weft}.
         */
        public Builder threadName(String prefix) {
            this.threadNamePrefix = Objects.requireNonNull(prefix, "prefix");
            this.threadNameFn = null;
            return this;
        }

        /** Names each new worker, blocking and timer thread with {@code names.get()}. */
        public Builder threadNameFn(Supplier<String> names) {
            this.threadNameFn = Objects.requireNonNull(names, "names");
            return this;
        }

        /**
         * Runs {@code hook} on each thread the runtime starts (workers, blocking
         * threads, the timer thread) when it starts. A hook that throws is logged
         * ({@code dev.weft.runtime}, WARNING) and the thread runs on.
         */
        public Builder onThreadStart(Runnable hook) {
            this.onThreadStart = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /**
         * Runs {@code hook} on each thread the runtime starts (workers, blocking
         * threads, the timer thread) before it exits. A hook that throws is logged
         * and the thread exits as it would have.
         */
        public Builder onThreadStop(Runnable hook) {
            this.onThreadStop = Objects.requireNonNull(hook, "hook");
            return this;
        }

        /** What to do when a task fails; default {@link UnhandledExceptionPolicy#LOG}. */
        public Builder unhandledException(UnhandledExceptionPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Enables the I/O driver. The flag is recorded ({@link Handle#isIoEnabled()});
         * this version of Weft has no I/O driver yet, so nothing else changes.
         */
        public Builder enableIo() {
            this.io = true;
            return this;
        }

        /**
         * Enables the timer driver: {@code dev.weft.time}'s sleeps, timeouts and
         * intervals, on a hierarchical timing wheel fired by one platform thread
         * ({@code prefix-timer-N}). Without it they throw, naming this method.
         */
        public Builder enableTime() {
            this.time = true;
            return this;
        }

        /**
         * Starts the runtime with its clock paused (Tokio's {@code start_paused}), for
         * tests: see {@link dev.weft.time.Clock}. Enables time, and {@code true} makes
         * the clock {@linkplain #pausableClock pausable}.
         */
        public Builder startPaused(boolean paused) {
            this.startPaused = paused;
            if (paused) {
                this.time = true;
            }
            return this;
        }

        /**
         * Whether tests may pause this runtime's clock ({@link dev.weft.time.Clock#pause},
         * {@link dev.weft.time.Time#pause}) once it runs; default {@code false}, and
         * {@code true} with {@link #startPaused startPaused(true)}. {@code true} enables
         * time.
         *
         * <p>It is a switch because a paused clock has a price even while it runs: to
         * know when every task is parked (auto-advance, {@code advance}), the runtime
         * counts what could still make progress, which is a few atomic updates of one
         * shared counter for every thread task and every park and wake-up. A runtime
         * that is never paused pays nothing.
         */
        public Builder pausableClock(boolean pausable) {
            this.pausableClock = pausable;
            if (pausable) {
                this.time = true;
            }
            return this;
        }

        /**
         * Whether a paused clock jumps to the next timer by itself once every task is
         * parked; default {@code true}. Off, a paused clock moves only by
         * {@link dev.weft.time.Clock#advance}.
         */
        public Builder autoAdvance(boolean on) {
            this.autoAdvance = on;
            return this;
        }

        /** Enables every driver: {@link #enableIo()} and {@link #enableTime()}. */
        public Builder enableAll() {
            return enableIo().enableTime();
        }

        /**
         * How many tasks a worker polls between two looks at the global queue, so that
         * tasks woken from outside are not starved by a busy local queue. Default 61.
         *
         * @throws IllegalArgumentException if less than 1
         */
        public Builder eventInterval(int ticks) {
            if (ticks < 1) {
                throw new IllegalArgumentException("eventInterval must be at least 1, got " + ticks);
            }
            this.eventInterval = ticks;
            return this;
        }

        /**
         * How long {@link Runtime#close()} waits for tasks to end. Default 10 s.
         *
         * @throws IllegalArgumentException if negative
         */
        public Builder shutdownTimeout(Duration timeout) {
            if (Objects.requireNonNull(timeout, "timeout").isNegative()) {
                throw new IllegalArgumentException("shutdownTimeout must not be negative, got " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * Builds the runtime, runs {@code body} on it as {@link Runtime#blockOn(Callable)}
         * does, shuts it down and returns the body's value: {@link Runtime#main(Callable)}
         * with this builder's settings (Tokio's {@code #[tokio::main(flavor = ...)]}).
         */
        public <T> T main(Callable<T> body) {
            Objects.requireNonNull(body, "body");
            try (Runtime rt = build()) {
                return rt.blockOn(body);
            }
        }

        /** As {@link #main(Callable)}, for a body with no value. */
        public void main(CheckedRunnable body) {
            main(Bodies.callable(body));
        }

        /** Builds the runtime and starts its workers. */
        public Runtime build() {
            String n = name != null ? name : "weft-" + RUNTIMES.incrementAndGet();
            return new Runtime(new RuntimeConfig(n, workerThreads, maxBlockingThreads, blockingKeepAlive,
                    blockingQueueCapacity, threadNamePrefix, threadNameFn, onThreadStart, onThreadStop, policy,
                    io, time, startPaused || pausableClock, startPaused, autoAdvance, eventInterval, shutdownTimeout,
                    new AtomicInteger()));
        }
    }
}
