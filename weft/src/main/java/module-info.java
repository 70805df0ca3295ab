/**
 * Weft: lazy poll-based futures, a work-stealing runtime, and tasks.
 *
 * <p>Only the API packages are exported; {@code dev.weft.internal.*} holds the
 * machinery and may change in any release.
 */
module dev.weft {
    requires jdk.management;

    exports dev.weft;
    exports dev.weft.runtime;
    exports dev.weft.sync;
    exports dev.weft.task;
    exports dev.weft.time;
    exports dev.weft.util;
}
