package dev.weft.internal.runtime;

import dev.weft.CheckedRunnable;
import dev.weft.Future;
import dev.weft.internal.Bodies;
import dev.weft.internal.time.TimeDriver;
import dev.weft.runtime.Handle;
import dev.weft.runtime.ShutdownReport;
import dev.weft.runtime.UnhandledExceptionPolicy;
import dev.weft.task.JoinHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A runtime's machinery: its scheduler, blocking pool, task registry and
 * configuration. The public {@code Runtime} and {@code Handle} are views of it.
 */
public final class RuntimeCore {
    private static final System.Logger LOG = System.getLogger("dev.weft.runtime");
    private static final ThreadFactory UNNAMED_VIRTUAL = Thread.ofVirtual().factory();

    private static final int RUNNING = 0;
    private static final int SHUTTING_DOWN = 1;
    private static final int TERMINATED = 2;

    final RuntimeConfig config;
    final Scheduler scheduler;
    final BlockingPool blocking;
    final TaskRegistry registry;
    /** The timers and clock, or {@code null} if time is not enabled. */
    private final TimeDriver time;
    /**
     * What could still make progress without the clock moving: workers not parked,
     * plus thread tasks and blocking jobs not parked in a Weft await. The paused
     * clock auto-advances only at zero; see docs/adr/0003. Kept only by a runtime whose
     * clock can be paused (the builder's pausableClock or startPaused): elsewhere
     * nothing reads it, and it costs every thread task four atomic updates of a line
     * that every carrier and the timer thread write (docs/adr/0003, Measurements).
     */
    private final AtomicInteger active;
    /** Whether {@link #active} is kept: the clock can be paused. */
    private final boolean countsActivity;
    private final AtomicInteger phase = new AtomicInteger(RUNNING);
    private final CountDownLatch terminated = new CountDownLatch(1);
    /** Published before {@link #terminated} opens; {@code null} there if the shutdown threw. */
    private volatile ShutdownReport report;
    /** What the first shutdown threw, if it did; written before {@link #terminated} opens. */
    private volatile Throwable shutdownFailure;
    private Handle handle;

    public RuntimeCore(RuntimeConfig config) {
        this.config = config;
        this.registry = new TaskRegistry(config.workerThreads());
        this.active = new AtomicInteger(config.workerThreads()); // workers start awake
        this.scheduler = new Scheduler(this, config.workerThreads(), config.eventInterval());
        this.blocking = new BlockingPool(this, config.maxBlockingThreads(),
                config.blockingKeepAlive().toNanos(), config.blockingQueueCapacity());
        this.countsActivity = config.timeEnabled() && config.pausableClock();
        this.time = config.timeEnabled()
                ? new TimeDriver(config.threadName(RuntimeConfig.ThreadRole.TIMER), config.pausableClock(),
                        config.startPaused(), config.autoAdvance(), this::isQuiescent,
                        config::runThreadStartHook, config::runThreadStopHook)
                : null;
        if (time != null) {
            time.start();
        }
        scheduler.start();
    }

    /** The timer driver, or {@code null} if this runtime was built without time. */
    public TimeDriver timeDriver() {
        return time;
    }

    // ---- activity, for the paused clock --------------------------------------------

    /**
     * A worker woke, or a thread task or blocking job started or was woken from a Weft
     * await. Counted only where the clock can be paused (see {@link #active}).
     */
    void becameActive() {
        if (countsActivity) {
            active.incrementAndGet();
        }
    }

    /** The reverse of {@link #becameActive()}; at zero the paused clock may move. */
    void becameInactive() {
        if (countsActivity && active.decrementAndGet() == 0) {
            time.signalQuiescent();
        }
    }

    /**
     * Nothing can make progress unless the clock moves. The count is read on both
     * sides of the queue check: a parking worker gives up its count before it
     * re-checks the queues and takes it back if it finds work, so a count of zero
     * alone may come from that window.
     */
    boolean isQuiescent() {
        return active.get() == 0 && !scheduler.hasWork() && active.get() == 0;
    }


    public RuntimeConfig config() {
        return config;
    }

    /** Called once by {@code Runtime}, which owns the public handle. */
    public void attachHandle(Handle handle) {
        this.handle = handle;
    }

    public Handle handle() {
        return handle;
    }

    // ---- finding the current runtime ---------------------------------------------

    /** The runtime whose task or thread is running here, or {@code null}. */
    public static RuntimeCore currentOrNull() {
        Thread t = Thread.currentThread();
        if (t instanceof Worker w) {
            return w.scheduler.runtime;
        }
        ThreadTask<?> task = ThreadTask.of(t); // a spawn from a thread task makes no context for it
        return task != null ? task.runtime : ThreadContext.current().runtime;
    }

    /** The runtime whose task or thread is running here; throws if there is none. */
    public static RuntimeCore current(String operation) {
        RuntimeCore rt = currentOrNull();
        if (rt == null) {
            throw new IllegalStateException(operation + " needs a Weft runtime, and thread '"
                    + Thread.currentThread().getName() + "' is not running one of its tasks. Run this code"
                    + " inside Runtime.main(() -> ...) or runtime.blockOn(...), or call it on a runtime or"
                    + " handle directly: runtime.spawn(...), handle.spawn(...).");
        }
        return rt;
    }

    /** The task running on this thread (any kind), or {@code null}. */
    public static TaskCore<?> currentTask() {
        Thread t = Thread.currentThread();
        if (t instanceof Worker w) {
            return w.currentTask;
        }
        ThreadTask<?> task = ThreadTask.of(t);
        return task != null ? task : ThreadContext.current().task;
    }

    // ---- spawning ----------------------------------------------------------------

    public <T> JoinHandle<T> spawnFuture(Future<T> future, String name) {
        return startFuture(future, name, false);
    }

    public <T> JoinHandle<T> spawnThread(Callable<T> body, String name, Bindings inherited) {
        return startThread(body, name, inherited, false);
    }

    /** A thread task whose body has no value; run as it is, with no adapter (ThreadTask's notes). */
    public JoinHandle<Void> spawnThread(CheckedRunnable body, String name, Bindings inherited) {
        // A body that is a Callable too would be called, not run: that rare one gets the adapter.
        return startThread(body instanceof Callable<?> ? Bodies.callable(body) : body, name, inherited, false);
    }

    /** The root task of a blockOn: its failure is rethrown to the caller, so the policy does not report it. */
    public <T> JoinHandle<T> spawnRoot(Future<T> future) {
        return startFuture(future, null, true);
    }

    /** The root task of a blockOn, as a thread task. */
    public <T> JoinHandle<T> spawnRoot(Callable<T> body) {
        return startThread(body, null, null, true);
    }

    /**
     * The child task of an async block polled beside other futures: its failure is the
     * block's, thrown to whoever polls the block, so the policy does not report it.
     */
    public <T> JoinHandle<T> spawnChild(Callable<T> body, Bindings inherited) {
        return startThread(body, null, inherited, true);
    }

    private <T> JoinHandle<T> startFuture(Future<T> future, String name, boolean rethrown) {
        Objects.requireNonNull(future, "future");
        FutureTask<T> task = new FutureTask<>(this, name, future);
        if (rethrown) {
            task.markFailureRethrown();
        }
        if (!registry.addUnpolled()) { // counted now, listed if its first poll is pending
            throw closedException("spawn");
        }
        task.start();
        return task;
    }

    /** {@code body} is a {@code Callable<T>} or, for {@code T = Void}, a {@link CheckedRunnable}. */
    private <T> JoinHandle<T> startThread(Object body, String name, Bindings inherited, boolean rethrown) {
        Objects.requireNonNull(body, "body");
        ThreadTask<T> task = new ThreadTask<>(this, name, body, inherited);
        if (rethrown) {
            task.markFailureRethrown();
        }
        register(task, "spawn");
        becameActive(); // until its run() ends, except while parked in an await
        task.start();
        return task;
    }

    public <T> JoinHandle<T> spawnBlocking(Callable<T> body, String name) {
        Objects.requireNonNull(body, "body");
        BlockingTask<T> task = new BlockingTask<>(this, name, body);
        register(task, "spawnBlocking");
        becameActive(); // until it ends or is cancelled unstarted, except while parked in an await
        try {
            blocking.submit(task);
        } catch (RuntimeException refused) {
            becameInactive();
            registry.remove(task);
            throw refused;
        }
        return task;
    }

    private void register(TaskCore<?> task, String operation) {
        if (!registry.add(task)) {
            throw closedException(operation);
        }
    }

    Thread newVirtualThread(Runnable r, String name) {
        return name == null ? UNNAMED_VIRTUAL.newThread(r) : Thread.ofVirtual().name(name).unstarted(r);
    }

    IllegalStateException closedException(String operation) {
        return new IllegalStateException(operation + " on runtime '" + config.name()
                + "', which is shut down or shutting down; no task can start on it any more."
                + " Build a new runtime, or spawn before closing it.");
    }

    public boolean isShutdown() {
        return phase.get() != RUNNING;
    }

    // ---- failures ----------------------------------------------------------------

    void onTaskFailed(TaskCore<?> task, Throwable cause) {
        UnhandledExceptionPolicy policy = config.unhandledExceptionPolicy();
        if (policy == UnhandledExceptionPolicy.IGNORE) {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, task + " failed on runtime '" + config.name() + "'", cause);
        if (policy == UnhandledExceptionPolicy.SHUTDOWN_RUNTIME) {
            shutdownInBackground();
        }
    }

    void logCallbackFailure(TaskCore<?> task, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "a completion callback of " + task + " threw", t);
    }

    void logWakerFailure(TaskCore<?> task, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "the waker of a poll of " + task + "'s handle threw", t);
    }

    void logDropFailure(TaskCore<?> task, Throwable t) {
        LOG.log(System.Logger.Level.WARNING, "dropping the future of " + task + " threw", t);
    }

    // ---- shutdown ----------------------------------------------------------------

    /** Starts a shutdown on a thread of its own and returns at once. */
    public void shutdownInBackground() {
        if (phase.get() != RUNNING) {
            return;
        }
        Thread t = new Thread(() -> {
            ShutdownReport r = shutdown(config.shutdownTimeout());
            if (!r.isClean()) {
                LOG.log(System.Logger.Level.WARNING, "runtime '" + config.name() + "': " + r);
            }
        }, config.threadNamePrefix() + "-shutdown");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Cancels every task, waits for them until the deadline, stops the workers and
     * the blocking pool. A second call waits for the first one's report.
     *
     * <p>Whatever happens, the first call ends the shutdown: if it throws (nothing on
     * its path runs user code; an {@code Error} such as an out-of-memory could), the
     * runtime is still marked terminated, and every later call throws an exception
     * carrying that failure instead of waiting forever for a report that never comes.
     */
    public ShutdownReport shutdown(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        refuseFromOwnTask();
        if (!phase.compareAndSet(RUNNING, SHUTTING_DOWN)) {
            awaitTermination();
            ShutdownReport r = report;
            if (r == null) {
                throw new IllegalStateException("the shutdown of runtime '" + config.name()
                        + "' failed before it finished (see the cause); some of its threads may still"
                        + " be running", shutdownFailure);
            }
            return r;
        }
        ShutdownReport r = null;
        try {
            r = stopEverything(timeout);
            return r;
        } catch (Throwable t) {
            shutdownFailure = t;
            throw t;
        } finally {
            report = r;
            phase.set(TERMINATED);
            terminated.countDown();
        }
    }

    /** The body of the first {@link #shutdown}: answers the report it is to publish. */
    private ShutdownReport stopEverything(Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + Math.max(0, timeout.toNanos());
        // An interrupt does not cut the shutdown short: every wait below is bounded by
        // the deadline anyway, and one cut short would report less than is left (a
        // future task never polled is in no registry list). It is kept for the caller.
        boolean interrupted = Thread.interrupted();
        registry.markClosed();
        // The pool first, so that queued jobs are reported as never run rather than
        // merely aborted.
        List<BlockingTask<?>> neverRun = blocking.shutdown();
        for (TaskCore<?> t : registry.snapshot()) {
            t.abort();
        }
        if (time != null) {
            // Before the wait: a blocking job (no abort reaches it) or a thread outside
            // the runtime waiting on a timer is woken to fail, not left until the deadline.
            time.stopTimers();
        }
        registry.awaitEmpty(deadline);
        interrupted |= Thread.interrupted();
        List<String> alive = new ArrayList<>();
        interrupted |= throughInterrupts(() -> scheduler.stop(deadline));
        boolean workersAlive = false;
        for (Worker w : scheduler.workers) {
            if (w.isAlive()) {
                alive.add(w.getName());
                workersAlive = true;
            }
        }
        List<Thread> blockingAlive = new ArrayList<>();
        interrupted |= throughInterrupts(() -> {
            blockingAlive.clear();
            blockingAlive.addAll(blocking.awaitThreads(deadline));
        });
        for (Thread t : blockingAlive) {
            alive.add(t.getName());
        }
        if (time != null) {
            interrupted |= throughInterrupts(() -> time.stop(deadline));
            if (time.thread().isAlive()) {
                alive.add(time.thread().getName());
            }
            int waking = time.wakingThreads();
            if (waking > 0) {
                alive.add(waking + " virtual thread(s) of " + time.thread().getName() + " calling wakers");
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        List<ShutdownReport.TaskInfo> unfinished = new ArrayList<>();
        List<TaskCore<?>> left = registry.snapshot();
        if (workersAlive) {
            // A future task in or before its first poll is in no registry list (TaskRegistry's
            // notes); on workers that outlived the deadline it is still there: report it too.
            Set<TaskCore<?>> listed = Collections.newSetFromMap(new IdentityHashMap<>());
            listed.addAll(left);
            for (FutureTask<?> t : scheduler.tasksOnWorkers()) {
                if (!t.isFinished() && listed.add(t)) {
                    left.add(t);
                }
            }
        }
        for (TaskCore<?> t : left) {
            unfinished.add(info(t));
        }
        List<ShutdownReport.TaskInfo> cancelledUnrun = new ArrayList<>();
        for (BlockingTask<?> t : neverRun) {
            cancelledUnrun.add(info(t));
        }
        return new ShutdownReport(Duration.ofNanos(System.nanoTime() - start), unfinished, cancelledUnrun, alive);
    }

    /** A wait of the shutdown, bounded by its deadline. */
    private interface ShutdownStep {
        void run() throws InterruptedException;
    }

    /**
     * Runs {@code step}, again after each interrupt (every step may be repeated, and
     * waits no longer than the deadline); answers whether it was interrupted.
     */
    private static boolean throughInterrupts(ShutdownStep step) {
        boolean interrupted = false;
        for (;;) {
            try {
                step.run();
                return interrupted;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    private static ShutdownReport.TaskInfo info(TaskCore<?> t) {
        return new ShutdownReport.TaskInfo(t.id, t.name, t.kind());
    }

    private void refuseFromOwnTask() {
        Worker w = Worker.current();
        TaskCore<?> task = currentTask();
        boolean own = (w != null && w.scheduler.runtime == this) || (task != null && task.runtime == this);
        if (own) {
            throw new IllegalStateException("shutting down runtime '" + config.name() + "' from inside "
                    + (task != null ? task : "its worker " + w.getName())
                    + " would wait for that task itself. Close the runtime from the thread that built it,"
                    + " or call runtime.shutdownBackground() / handle.shutdownBackground().");
        }
    }

    private void awaitTermination() {
        boolean interrupted = false;
        while (terminated.getCount() > 0) {
            try {
                terminated.await();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- metrics -----------------------------------------------------------------

    public int liveTasks() {
        return registry.size();
    }

    public int workerCount() {
        return scheduler.workers.length;
    }

    public int blockingThreads() {
        return blocking.threadCount();
    }

    public int idleBlockingThreads() {
        return blocking.idleThreads();
    }

    public int blockingQueueDepth() {
        return blocking.queued();
    }

    public int globalQueueDepth() {
        return scheduler.queuedGlobal();
    }

    public int workerQueueDepth(int worker) {
        return scheduler.workers[worker].local.size();
    }

    public int parkedWorkers() {
        return scheduler.idle.parkedWorkers();
    }
}
