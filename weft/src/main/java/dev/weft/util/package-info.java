/**
 * Utilities built on the runtime's primitives (tokio-util's): for now the
 * {@link dev.weft.util.DelayQueue}, a queue whose values come out when their
 * deadline passes.
 */
package dev.weft.util;
