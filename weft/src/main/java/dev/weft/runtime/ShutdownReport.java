package dev.weft.runtime;

import java.time.Duration;
import java.util.List;

/**
 * What a runtime's shutdown left behind: tasks that did not finish before the
 * deadline, blocking jobs that were cancelled without ever running, and threads of
 * the runtime still alive. An empty report ({@link #isClean()}) means every task
 * ended and every thread of the runtime stopped.
 *
 * @param waited            how long the shutdown waited
 * @param unfinished        tasks still running at the deadline (a thread task that never
 *                          reached an await, a blocking job that never returned)
 * @param blockingNeverRun  blocking jobs that were queued when the shutdown began; they
 *                          were cancelled and never ran
 * @param aliveThreads      the runtime's threads still alive at the deadline: its platform threads by
 *                          name, and a count of the timer's waking virtual threads
 */
public record ShutdownReport(
        Duration waited,
        List<TaskInfo> unfinished,
        List<TaskInfo> blockingNeverRun,
        List<String> aliveThreads) {

    public ShutdownReport {
        unfinished = List.copyOf(unfinished);
        blockingNeverRun = List.copyOf(blockingNeverRun);
        aliveThreads = List.copyOf(aliveThreads);
    }

    /** Whether everything ended in time and nothing queued was cancelled unrun. */
    public boolean isClean() {
        return unfinished.isEmpty() && blockingNeverRun.isEmpty() && aliveThreads.isEmpty();
    }

    /** A task, as a report names it. */
    public record TaskInfo(long id, String name, String kind) {
        @Override
        public String toString() {
            return kind + " task " + id + (name == null ? "" : " '" + name + "'");
        }
    }

    @Override
    public String toString() {
        if (isClean()) {
            return "clean shutdown in " + waited.toMillis() + " ms";
        }
        return "shutdown after " + waited.toMillis() + " ms left: unfinished " + unfinished
                + ", blocking jobs never run " + blockingNeverRun + ", threads alive " + aliveThreads;
    }
}
