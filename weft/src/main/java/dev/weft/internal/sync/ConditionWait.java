package dev.weft.internal.sync;

import dev.weft.Context;
import dev.weft.Future;
import dev.weft.Poll;
import java.util.function.BooleanSupplier;

/**
 * A future that completes once a condition of its owner holds, such as "every
 * receiver is gone" behind a sender's {@code closed()}. It waits on the owner's
 * {@link WaiterList} under the owner's {@link SpinLock}.
 *
 * <p>The owner's side of the contract: make the condition true (a volatile write,
 * or one under the lock), then, under the lock, drain the list's wakers and call
 * them after unlocking. Once true, the condition must stay true.
 *
 * <p>Cancel safety: cancel safe; dropping it only leaves the list.
 */
public final class ConditionWait extends Waiter implements Future<Void> {
    private final SpinLock lock;
    private final WaiterList<ConditionWait> list;
    private final BooleanSupplier done;
    /** Owner-only: linked by a poll of this future and not yet known to be unlinked. */
    private boolean registered;

    public ConditionWait(SpinLock lock, WaiterList<ConditionWait> list, BooleanSupplier done) {
        this.lock = lock;
        this.list = list;
        this.done = done;
    }

    @Override
    public Poll<Void> poll(Context cx) {
        if (done.getAsBoolean()) {
            drop();
            return Poll.ready(null);
        }
        lock.lock();
        try {
            // Checked again under the lock: the owner drains the list under it after
            // the condition became true, so from here on either we see it true or the
            // drain sees us linked.
            if (done.getAsBoolean()) {
                list.remove(this);
                registered = false;
                return Poll.ready(null);
            }
            waker = cx.waker();
            if (!isLinked()) {
                list.addLast(this);
                registered = true;
            }
            return Poll.pending();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void drop() {
        if (registered) {
            registered = false;
            lock.lock();
            try {
                list.remove(this);
                waker = null;
            } finally {
                lock.unlock();
            }
        }
    }
}
