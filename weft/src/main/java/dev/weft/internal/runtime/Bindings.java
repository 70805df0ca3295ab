package dev.weft.internal.runtime;

/**
 * Task-local values in force on the current thread: an immutable list, innermost
 * binding first. Immutable so that an async block's child task can take the
 * parent's bindings as they are, in O(1).
 */
public final class Bindings {
    private final Object key;
    private final Object value;
    private final Bindings outer;

    private Bindings(Object key, Object value, Bindings outer) {
        this.key = key;
        this.value = value;
        this.outer = outer;
    }

    /** {@code outer} with {@code key} bound to {@code value} in front. */
    public static Bindings bind(Object key, Object value, Bindings outer) {
        return new Bindings(key, value, outer);
    }

    /** The binding of {@code key} in {@code b}, innermost first; {@code null} if unbound. */
    public static Bindings find(Bindings b, Object key) {
        for (; b != null; b = b.outer) {
            if (b.key == key) {
                return b;
            }
        }
        return null;
    }

    public Object value() {
        return value;
    }

    /** The bindings in force on this thread: the polling worker's, or the thread's. */
    public static Bindings current() {
        Thread t = Thread.currentThread();
        if (t instanceof Worker w) {
            return w.bindings;
        }
        ThreadTask<?> task = ThreadTask.of(t); // reading makes no context for a thread task
        return task != null ? task.bindings() : ThreadContext.current().bindings;
    }

    /** Replaces the bindings in force on this thread. */
    public static void set(Bindings b) {
        Worker w = Worker.current();
        if (w != null) {
            w.bindings = b;
        } else {
            ThreadContext.current().bindings = b;
        }
    }
}
