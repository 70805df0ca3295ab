package dev.weft.internal.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the JDK's virtual-thread scheduler has anything queued: what a thread
 * task's yield asks first, since a yield with nothing waiting only unmounts and
 * remounts the yielder (see {@code ThreadContext.yieldCarrier} and ADR 0002,
 * "Yielding only to someone").
 */
final class VirtualThreadQueue {
    /*
     * Implementation notes.
     *
     * The JDK answers through its public scheduler bean,
     * jdk.management.VirtualThreadSchedulerMXBean (JDK 24 and later):
     * getQueuedVirtualThreadCount() sums the sizes of the scheduler's queues, the
     * carriers' own and those of tasks submitted from outside (threads unparked by
     * platform threads, expired timers): a couple of reads per carrier. Every way a
     * virtual thread becomes runnable passes through one of those queues, so one
     * waiting for a carrier is counted. Weft compiles against JDK 21, so the bean is
     * found by name. Where it is missing (JDK 21 to 23; on the class path, a runtime
     * image without jdk.management) or cannot tell (it answers -1 where virtual
     * threads have no scheduler of their own), mayHaveWaiting() answers true and every
     * yield happens, as it did before this check. (On the module path dev.weft
     * requires jdk.management, so there it is always present.)
     *
     * The count is an estimate: a thread queued while it is read may be missed. That
     * costs the thread one more budget of the yielder's awaits (128), no more: the
     * next spent budget asks again.
     *
     * The bean is looked up once, off the asking thread: the lookup loads the
     * management classes (6-7 ms on this project's test machine), which a virtual
     * thread would spend holding its carrier. The first caller starts a platform
     * thread for it; that thread also makes the first call through the handle (whose
     * own linking costs milliseconds) before it publishes it in `count`. Until then
     * every caller reads null, answers true and yields. A lookup that fails in any
     * way, or a thread that cannot be started, leaves `count` null for good: the
     * check is an economy, so nothing of its failure reaches an await.
     */
    private static final AtomicBoolean LOOKUP_STARTED = new AtomicBoolean();
    /** {@code () -> long}: the bean's queued count; null before the lookup ends, or without a bean. */
    private static volatile MethodHandle count;

    private VirtualThreadQueue() {}

    /** Whether something may be queued to run on the carriers; {@code true} where the JDK cannot say. */
    static boolean mayHaveWaiting() {
        MethodHandle c = count;
        if (c == null) {
            if (!LOOKUP_STARTED.get() && LOOKUP_STARTED.compareAndSet(false, true)) {
                startLookup();
            }
            return true;
        }
        try {
            return (long) c.invokeExact() != 0;
        } catch (Throwable t) {
            return true;
        }
    }

    private static void startLookup() {
        try {
            // Not Thread.ofPlatform() nor a method reference: loading the builder classes or
            // linking a lambda made the first call take 1.3-1.6 ms here instead of 0.6-0.8.
            Thread t = new Thread(null, new Lookup(), "weft-scheduler-bean-lookup", 0, false);
            t.setDaemon(true);
            t.start();
        } catch (Throwable t) {
            // No thread for the lookup (out of native threads): every yield happens.
        }
    }

    /** The lookup, on its own thread. */
    private static final class Lookup implements Runnable {
        @Override
        public void run() {
            lookUp();
        }
    }

    private static void lookUp() {
        try {
            Class<? extends PlatformManagedObject> type = Class
                    .forName("jdk.management.VirtualThreadSchedulerMXBean")
                    .asSubclass(PlatformManagedObject.class);
            Object bean = ManagementFactory.getPlatformMXBean(type);
            if (bean == null) {
                return;
            }
            MethodHandle h = MethodHandles.publicLookup()
                    .findVirtual(type, "getQueuedVirtualThreadCount", MethodType.methodType(long.class))
                    .bindTo(bean);
            if ((long) h.invokeExact() >= 0) { // -1: this JDK's scheduler cannot tell
                count = h;
            }
        } catch (Throwable t) {
            // Before JDK 24, no jdk.management, or a failing bean: every yield happens.
        }
    }
}
