package dev.weft.internal.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.PlatformManagedObject;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether any virtual thread waits for a carrier: what a thread task's yield asks
 * first, since a yield with nobody waiting only unmounts and remounts the yielder
 * (see {@code ThreadContext.yieldCarrier} and ADR 0002, "Yielding only to someone").
 */
final class VirtualThreadQueue {
    /*
     * Implementation notes.
     *
     * The JDK answers through its public scheduler bean,
     * jdk.management.VirtualThreadSchedulerMXBean (JDK 24 and later):
     * getQueuedVirtualThreadCount() sums the sizes of the scheduler's queues, the
     * carriers' own and those of threads woken from outside (platform threads,
     * timers): a couple of reads per carrier. Weft compiles against JDK 21, so the
     * bean is found by name. Where it is missing (JDK 21 to 23, or a runtime image
     * without jdk.management) or cannot tell (it answers -1 where virtual threads
     * have no scheduler of their own), mayHaveWaiting() answers true and every
     * yield happens, as it did before this check.
     *
     * The count is an estimate: a thread queued while it is read may be missed. That
     * costs the thread one more budget of the yielder's awaits (128), no more: the
     * next spent budget asks again.
     *
     * The bean is looked up on first use, off the asking thread: the lookup loads the
     * management classes, 6-7 ms on this project's test machine, which a virtual
     * thread would spend holding its carrier. The thread that moves COUNT from null
     * to LOOKING starts a platform thread for it; until it is done every caller reads
     * LOOKING, which answers "maybe", and yields as it did before this check.
     */
    /** The answer without a bean to ask: the count is unknown (-1), so "maybe". */
    private static final MethodHandle UNKNOWN = MethodHandles.constant(long.class, -1L);
    /** The answer while the first lookup runs: "maybe". */
    private static final MethodHandle LOOKING = MethodHandles.constant(long.class, 1L);
    /** {@code () -> long}: the bean's queued count, UNKNOWN or LOOKING; null before the first use. */
    private static final AtomicReference<MethodHandle> COUNT = new AtomicReference<>();

    private VirtualThreadQueue() {}

    /** Whether some virtual thread may be queued to run; {@code true} where the JDK cannot say. */
    static boolean mayHaveWaiting() {
        MethodHandle c = COUNT.get();
        if (c == null) {
            if (COUNT.compareAndSet(null, LOOKING)) {
                Thread.ofPlatform().daemon().name("weft-scheduler-bean-lookup").start(() -> COUNT.set(lookUp()));
            }
            return true;
        }
        try {
            return (long) c.invokeExact() != 0;
        } catch (Throwable t) {
            return true;
        }
    }

    private static MethodHandle lookUp() {
        try {
            Class<? extends PlatformManagedObject> type = Class
                    .forName("jdk.management.VirtualThreadSchedulerMXBean")
                    .asSubclass(PlatformManagedObject.class);
            Object bean = ManagementFactory.getPlatformMXBean(type);
            if (bean == null) {
                return UNKNOWN;
            }
            return MethodHandles.publicLookup()
                    .findVirtual(type, "getQueuedVirtualThreadCount", MethodType.methodType(long.class))
                    .bindTo(bean);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return UNKNOWN; // before JDK 24, or without jdk.management: every yield happens
        }
    }
}
