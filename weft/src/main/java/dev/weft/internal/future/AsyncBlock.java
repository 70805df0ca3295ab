package dev.weft.internal.future;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import dev.weft.internal.Throwing;
import dev.weft.internal.runtime.Awaiting;
import dev.weft.internal.runtime.Bindings;
import dev.weft.internal.runtime.RuntimeCore;
import dev.weft.task.CancelledException;
import dev.weft.task.JoinError;
import dev.weft.task.JoinHandle;
import java.util.concurrent.Callable;

/**
 * A block of direct-style code as a lazy future. Awaited alone it runs inline on
 * the awaiting thread; polled (beside other futures) it runs as a child thread task
 * whose failure is this future's failure, and whose abort is this future's drop.
 * The child's failure goes to whoever polls the block, as an inline run's would, not
 * to the runtime's unhandled-exception policy; a block dropped after its child failed
 * drops that failure with it, as any dropped future's.
 */
public final class AsyncBlock<T> implements Future<T> {
    private Callable<T> body;
    private JoinHandle<T> child;
    private boolean done;
    private boolean dropped;

    public AsyncBlock(Callable<T> body) {
        this.body = body;
    }

    @Override
    public T await() {
        Callable<T> b = body;
        if (b == null) {
            return Future.super.await();
        }
        Awaiting.checkInlineAwait(this);
        body = null;
        done = true;
        try {
            return b.call();
        } catch (Exception e) {
            throw Throwing.sneaky(e);
        }
    }

    @Override
    public Poll<T> poll(Context cx) {
        if (dropped) {
            throw new IllegalStateException("this async block was dropped (a select branch that lost, a join that"
                    + " failed); a dropped future must not be polled again. Make a new async block instead.");
        }
        if (child == null) {
            if (body == null) {
                throw new IllegalStateException("this async block already ran inline (it was awaited);"
                        + " an async block runs once");
            }
            RuntimeCore rt = RuntimeCore.current("polling an async block (it runs as a child task)");
            child = rt.spawnChild(body, Bindings.current());
            body = null;
        }
        try {
            Poll<T> p = child.poll(cx);
            if (p.isReady()) {
                done = true;
            }
            return p;
        } catch (JoinError e) {
            done = true;
            if (e.isCancelled()) {
                throw new CancelledException("the child task running this async block was cancelled");
            }
            throw Throwing.sneaky(e.getCause());
        }
    }

    @Override
    public void drop() {
        dropped = true;
        body = null;
        if (child != null && !done) {
            child.abort();
        }
    }
}
