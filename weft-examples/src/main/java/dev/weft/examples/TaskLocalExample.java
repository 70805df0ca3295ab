package dev.weft.examples;

import static dev.weft.Async.async;
import static dev.weft.Join.join;

import dev.weft.Future;
import dev.weft.runtime.Runtime;
import dev.weft.task.Task;
import dev.weft.task.TaskLocal;
import java.util.Optional;

/**
 * Task-locals: Tokio's {@code task_local!}, a value bound for the span of a future
 * or a block, seen by everything inside it.
 *
 * <pre>{@code
 * task_local! { static REQUEST_ID: String; }
 *
 * REQUEST_ID.scope("r-1".into(), async { handle("/users").await }).await;
 * REQUEST_ID.sync_scope("r-2".into(), || log("/orders"));
 * }</pre>
 *
 * <p>An async block polled beside others (a child task) sees the values of the code
 * that polled it; a spawned task starts with none, since it may outlive the scope.
 */
public final class TaskLocalExample {
    private TaskLocalExample() {
    }

    static final TaskLocal<String> REQUEST_ID = TaskLocal.named("request-id");

    /** Code deep inside a request finds the request's id without it being passed along. */
    static String log(String path) {
        return "[" + REQUEST_ID.get() + "] " + path;
    }

    /** The example's observable result. */
    record Outcome(String syncScope, String futureScope, String futureTaskScope, String firstChild,
            String secondChild, Optional<String> inSpawnedTask, Optional<String> outsideEveryScope) {
    }

    public static Outcome run() {
        try (Runtime rt = Runtime.builder().workerThreads(2).build()) {
            // A scope around a future spawned as a future task: bound during each of its polls, on a worker.
            String futureTask = rt.blockOn(
                    REQUEST_ID.scope("r-3", Task.yieldNow().map(__ -> log("/inventory"))));
            return rt.blockOn(() -> {
                String sync = REQUEST_ID.syncScope("r-1", () -> log("/users"));
                String future = REQUEST_ID.scope("r-2", Future.ready("/orders").map(TaskLocalExample::log)).await();
                var children = REQUEST_ID.syncScope("r-4",
                        () -> join(async(() -> log("/a")), async(() -> log("/b"))).await());
                Optional<String> spawned = REQUEST_ID.syncScope("r-5",
                        () -> Task.spawn(() -> REQUEST_ID.tryGet()).await());
                return new Outcome(sync, future, futureTask, children.first(), children.second(), spawned,
                        REQUEST_ID.tryGet());
            });
        }
    }

    public static void main(String[] args) {
        Outcome o = run();
        System.out.println("syncScope          : " + o.syncScope());
        System.out.println("scope (awaited)    : " + o.futureScope());
        System.out.println("scope (future task): " + o.futureTaskScope());
        System.out.println("async children     : " + o.firstChild() + ", " + o.secondChild());
        System.out.println("spawned task sees  : " + o.inSpawnedTask() + " (spawned tasks do not inherit)");
        System.out.println("outside any scope  : " + o.outsideEveryScope());
    }
}
