package dev.weft.internal.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded pool of platform threads behind {@code spawnBlocking}: a thread is
 * started when a job arrives and none is idle, up to the maximum; an idle thread
 * exits after the keep-alive; jobs beyond the threads wait in a bounded queue.
 */
final class BlockingPool {
    private final RuntimeCore runtime;
    private final int maxThreads;
    private final long keepAliveNanos;
    private final int queueCapacity;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition jobArrived = lock.newCondition();
    private final ArrayDeque<BlockingTask<?>> queue = new ArrayDeque<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Threads that left {@link #threads} to exit and are still running (the stop hook); joined by shutdown too. */
    private final List<Thread> exiting = new ArrayList<>();
    private int idle;
    /** Idle threads already signalled for a job but not yet awake; they are not idle for the next job. */
    private int signalled;
    private boolean shutdown;

    BlockingPool(RuntimeCore runtime, int maxThreads, long keepAliveNanos, int queueCapacity) {
        this.runtime = runtime;
        this.maxThreads = maxThreads;
        this.keepAliveNanos = keepAliveNanos;
        this.queueCapacity = queueCapacity;
    }

    /** Queues a job; throws if the pool is shut down or its queue is full. */
    void submit(BlockingTask<?> task) {
        Thread start = null;
        lock.lock();
        try {
            if (shutdown) {
                throw runtime.closedException("spawnBlocking");
            }
            if (queue.size() >= queueCapacity) {
                throw new IllegalStateException("the blocking pool's queue is full (" + queueCapacity
                        + " jobs wait for " + maxThreads + " threads); apply backpressure to the callers of"
                        + " spawnBlocking, or raise Runtime.builder().blockingQueueCapacity(...)");
            }
            queue.addLast(task);
            if (idle > signalled) {
                signalled++;
                jobArrived.signal();
            } else if (threads.size() < maxThreads) {
                start = newThread();
                threads.add(start);
            }
        } finally {
            lock.unlock();
        }
        if (start != null) {
            start.start();
        }
    }

    private Thread newThread() {
        Thread t = new Thread(this::loop, runtime.config.threadName(RuntimeConfig.ThreadRole.BLOCKING));
        t.setDaemon(true);
        return t;
    }

    private void loop() {
        ThreadContext tc = ThreadContext.current();
        tc.runtime = runtime;
        runtime.config.runThreadStartHook();
        try {
            for (;;) {
                BlockingTask<?> job = take();
                if (job == null) {
                    return;
                }
                Thread.interrupted(); // a job that left its thread interrupted must not hand that to the next
                job.run();
            }
        } finally {
            try {
                runtime.config.runThreadStopHook();
            } finally {
                lock.lock();
                try {
                    exiting.remove(Thread.currentThread());
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /** The next job, or {@code null} when this thread should exit (idle too long, or shutdown). */
    private BlockingTask<?> take() {
        lock.lock();
        try {
            long left = keepAliveNanos;
            for (;;) {
                BlockingTask<?> job = queue.pollFirst();
                if (job != null) {
                    return job;
                }
                if (shutdown || left <= 0) {
                    // No longer counted for new jobs, but joined by shutdown until it has exited.
                    threads.remove(Thread.currentThread());
                    exiting.add(Thread.currentThread());
                    return null;
                }
                idle++;
                try {
                    left = jobArrived.awaitNanos(left);
                } catch (InterruptedException e) {
                    // Nobody in Weft interrupts pool threads; treat it as a spurious wake-up.
                    Thread.interrupted();
                } finally {
                    idle--;
                    if (signalled > 0) {
                        signalled--;
                    }
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** An aborted job leaves the queue: it no longer takes a place there, nor counts as waiting. */
    void removeQueued(BlockingTask<?> job) {
        lock.lock();
        try {
            queue.remove(job);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Refuses new jobs, cancels the queued ones (answered, so the runtime can report
     * them), and lets idle threads exit.
     */
    List<BlockingTask<?>> shutdown() {
        List<BlockingTask<?>> cancelled = new ArrayList<>();
        lock.lock();
        try {
            shutdown = true;
            for (BlockingTask<?> job; (job = queue.pollFirst()) != null; ) {
                cancelled.add(job);
            }
            jobArrived.signalAll();
        } finally {
            lock.unlock();
        }
        cancelled.removeIf(job -> !job.cancelIfQueued());
        return cancelled;
    }

    /** Joins the pool's threads until the deadline; answers those still running. */
    List<Thread> awaitThreads(long deadlineNanos) throws InterruptedException {
        List<Thread> snapshot;
        lock.lock();
        try {
            snapshot = new ArrayList<>(threads);
            snapshot.addAll(exiting);
        } finally {
            lock.unlock();
        }
        List<Thread> alive = new ArrayList<>();
        for (Thread t : snapshot) {
            long left = deadlineNanos - System.nanoTime();
            if (left > 0) {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
            if (t.isAlive()) {
                alive.add(t);
            }
        }
        return alive;
    }

    int threadCount() {
        lock.lock();
        try {
            return threads.size();
        } finally {
            lock.unlock();
        }
    }

    int idleThreads() {
        lock.lock();
        try {
            return idle;
        } finally {
            lock.unlock();
        }
    }

    int queued() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
