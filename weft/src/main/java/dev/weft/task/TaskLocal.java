package dev.weft.task;

import dev.weft.internal.Bodies;
import dev.weft.CheckedRunnable;
import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.Throwing;
import dev.weft.internal.runtime.Bindings;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * A value bound for the span of a future or a block of code, and visible to
 * everything that runs inside that span: Tokio's {@code task_local!}.
 *
 * <pre>{@code
 * static final TaskLocal<String> REQUEST_ID = TaskLocal.named("request-id");
 *
 * REQUEST_ID.scope("r-42", handleRequest())            // a future: bound during each of its polls
 * REQUEST_ID.syncScope("r-42", () -> handle(request))  // direct-style code: bound while it runs
 * REQUEST_ID.get()                                     // "r-42" anywhere inside
 * }</pre>
 *
 * <h2>Inheritance</h2>
 * <ul>
 *   <li>Code inside a scope sees the value, however deep, including inner scopes of
 *       other task-locals. An inner scope of the same task-local hides the outer
 *       value until it ends.</li>
 *   <li>An async block ({@code Async.async}) belongs to the code that creates and
 *       awaits it: run inline it sees the scope it runs in; run as a child task (polled
 *       beside other futures) it sees the values bound where it was first polled.</li>
 *   <li>A spawned task ({@code Task.spawn}, {@code spawnBlocking}) starts with no
 *       values: it may outlive the spawner's scope. Pass what it needs explicitly,
 *       or bind it again inside the task.</li>
 * </ul>
 *
 * <p>Values are never {@code null}. A {@code TaskLocal} is thread-safe; a binding is
 * seen only by the task (and thread) in whose scope it is.
 *
 * @param <T> the type of the value
 */
public final class TaskLocal<T> {
    private final String name;

    private TaskLocal(String name) {
        this.name = name;
    }

    /** A new task-local; {@code name} appears in error messages. */
    public static <T> TaskLocal<T> named(String name) {
        return new TaskLocal<>(Objects.requireNonNull(name, "name"));
    }

    /**
     * The value bound by the innermost scope around the caller.
     *
     * @throws NoSuchElementException if no scope of this task-local encloses the caller
     */
    public T get() {
        Bindings b = Bindings.find(Bindings.current(), this);
        if (b == null) {
            throw new NoSuchElementException("task-local '" + name + "' has no value here: run this code inside "
                    + name + ".scope(value, future) or .syncScope(value, body); spawned tasks do not inherit"
                    + " their spawner's values");
        }
        return cast(b.value());
    }

    /** The value bound around the caller, or empty. */
    public Optional<T> tryGet() {
        Bindings b = Bindings.find(Bindings.current(), this);
        return b == null ? Optional.empty() : Optional.of(cast(b.value()));
    }

    @SuppressWarnings("unchecked")
    private T cast(Object v) {
        return (T) v;
    }

    /**
     * A future that runs {@code future} with this task-local bound to {@code value}
     * during each of its polls, and during its drop.
     *
     * <p>Cancel safety: as cancel safe as {@code future}.
     */
    public <R> Future<R> scope(T value, Future<R> future) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(future, "future");
        TaskLocal<T> key = this;
        return new Future<>() {
            @Override
            public Poll<R> poll(Context cx) {
                Bindings outer = Bindings.current();
                Bindings.set(Bindings.bind(key, value, outer));
                try {
                    return future.poll(cx);
                } finally {
                    Bindings.set(outer);
                }
            }

            @Override
            public void drop() {
                Bindings outer = Bindings.current();
                Bindings.set(Bindings.bind(key, value, outer));
                try {
                    future.drop();
                } finally {
                    Bindings.set(outer);
                }
            }
        };
    }

    /** Runs {@code body} on the calling thread with this task-local bound to {@code value}; returns its value. */
    public <R> R syncScope(T value, Callable<R> body) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(body, "body");
        Bindings outer = Bindings.current();
        Bindings.set(Bindings.bind(this, value, outer));
        try {
            return body.call();
        } catch (Exception e) {
            throw Throwing.sneaky(e);
        } finally {
            Bindings.set(outer);
        }
    }

    /** Runs {@code body}, which has no value, with this task-local bound to {@code value}. */
    public void syncScope(T value, CheckedRunnable body) {
        syncScope(value, Bodies.callable(body));
    }

    @Override
    public String toString() {
        return "TaskLocal[" + name + "]";
    }
}
