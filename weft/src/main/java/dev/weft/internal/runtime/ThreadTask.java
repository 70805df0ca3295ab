package dev.weft.internal.runtime;

import java.util.concurrent.Callable;

/** Direct-style code on a virtual thread of its own, awaiting futures by parking. */
public final class ThreadTask<T> extends TaskCore<T> implements Runnable {
    private Callable<T> body;
    private final ThreadContext context;
    final Thread thread;

    ThreadTask(RuntimeCore runtime, String name, Callable<T> body, Bindings inherited) {
        super(runtime, name);
        this.body = body;
        this.thread = runtime.newVirtualThread(this, name);
        this.context = new ThreadContext(thread, runtime, this, inherited);
    }

    @Override
    public String kind() {
        return "thread";
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        try {
            runBody();
        } finally {
            runtime.becameInactive(); // counted from its spawn (RuntimeCore.startThread)
        }
    }

    private void runBody() {
        ThreadContext.install(context);
        Callable<T> b = body;
        body = null;
        if (context.isCancelled()) {
            finishCancelled(); // aborted before it started: the body never runs
            return;
        }
        T value;
        try {
            value = b.call();
        } catch (Throwable failure) {
            if (context.isCancelled()) {
                finishCancelled();
            } else {
                finishFailed(failure);
            }
            return;
        }
        if (context.isCancelled()) {
            finishCancelled();
        } else {
            finishWithValue(value);
        }
    }

    @Override
    public void abort() {
        if (!isFinished()) {
            context.cancel();
        }
    }
}
