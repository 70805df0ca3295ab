package dev.weft.internal.time;

import java.util.function.Consumer;

/**
 * A hierarchical timing wheel over millisecond ticks: O(1) insert and remove, and
 * the next deadline in O(levels). Not thread-safe: its owner (the
 * {@link TimeDriver}) guards it with a lock.
 */
final class TimerWheel {
    /*
     * Implementation notes.
     *
     * LEVELS levels of 64 slots. A slot on level L spans 64^L ticks, so level 0
     * holds the next 64 ms one tick per slot, level 1 the next 4 s 64 ms per slot,
     * ..., level 5 about 2.2 years. An entry is filed on the lowest level whose
     * slot distinguishes its tick from "elapsed" (the tick up to which the wheel
     * has been processed): the level of the highest bit in which they differ, in
     * groups of 6 bits. So an entry within the current 64-tick block of elapsed
     * sits on level 0, one in the current 4096-tick block but another 64-block on
     * level 1, and so on.
     *
     *   level 1: [ 0 | 1 |*2*| 3 | ... | 63 ]   each slot 64 ticks
     *   level 0: [ 0 | 1 | ... |*e*| ... | 63 ] each slot 1 tick, e = elapsed % 64
     *
     * Because of that filing rule, every entry on level L is later than every
     * entry on a level below L, so the earliest non-empty slot of the lowest
     * non-empty level starts the next expiration. One 64-bit occupancy word per
     * level finds that slot with a rotate and a trailing-zero count.
     *
     * Processing up to a tick `now`: take the next expiring slot while it starts at
     * or before now; set elapsed to its start; entries whose tick has come are
     * fired, the others (from a higher level, spanning many ticks) are filed again
     * and land on a lower level. Finally elapsed = now.
     *
     * Ticks more than 64^6 ahead are filed as if at the top level's horizon and
     * filed again when that is reached: they fire at their true tick.
     *
     * Each slot is an intrusive doubly linked list (head and tail, appended at the
     * tail), so remove is O(1) and entries of one tick fire in insertion order.
     *
     * Tested by TimerWheelTest (level boundaries, far deadlines, removal, a
     * randomized comparison with a sorted reference).
     */
    static final int LEVELS = 6;
    private static final int SLOT_BITS = 6;
    private static final int SLOTS = 1 << SLOT_BITS;
    /** Ticks the wheel can tell apart from "elapsed": 64^6. */
    static final long HORIZON = 1L << (SLOT_BITS * LEVELS);

    private final TimerEntry[] heads = new TimerEntry[LEVELS * SLOTS];
    private final TimerEntry[] tails = new TimerEntry[LEVELS * SLOTS];
    private final long[] occupied = new long[LEVELS];
    private long elapsed;
    private int size;

    TimerWheel(long startTick) {
        this.elapsed = startTick;
    }

    /** The tick up to which the wheel has been processed. */
    long elapsed() {
        return elapsed;
    }

    /** Entries filed. */
    int size() {
        return size;
    }

    /**
     * Files {@code e} to fire at {@code tick}. Answers {@code false}, filing nothing,
     * if that tick has already been processed: the entry is due now.
     */
    boolean insert(TimerEntry e, long tick) {
        if (tick <= elapsed) {
            return false;
        }
        e.tick = tick;
        file(e);
        size++;
        return true;
    }

    /** Takes {@code e} out of the wheel; it must be filed in it. */
    void remove(TimerEntry e) {
        int index = e.index;
        TimerEntry p = e.prev;
        TimerEntry n = e.next;
        if (p == null) {
            heads[index] = n;
        } else {
            p.next = n;
        }
        if (n == null) {
            tails[index] = p;
        } else {
            n.prev = p;
        }
        if (heads[index] == null) {
            occupied[index >>> SLOT_BITS] &= ~(1L << (index & (SLOTS - 1)));
        }
        e.prev = null;
        e.next = null;
        e.index = -1;
        size--;
    }

    /**
     * The tick at which the next slot expires, or {@link Long#MAX_VALUE} if the wheel
     * is empty. Entries may fire later than this (a higher-level slot is filed
     * again when it expires), never earlier.
     */
    long nextExpiration() {
        for (int level = 0; level < LEVELS; level++) {
            long occ = occupied[level];
            if (occ != 0) {
                return slotStart(level, nextSlot(level, occ));
            }
        }
        return Long.MAX_VALUE;
    }

    /**
     * Processes the wheel up to {@code now} and hands the entries due, in tick order,
     * to {@code sink}, taken out of the wheel. Ticks before elapsed are ignored.
     */
    void advance(long now, Consumer<TimerEntry> sink) {
        for (;;) {
            int level = lowestOccupiedLevel();
            if (level < 0) {
                break;
            }
            int slot = nextSlot(level, occupied[level]);
            long start = slotStart(level, slot);
            if (start > now) {
                break;
            }
            int index = level * SLOTS + slot;
            TimerEntry e = heads[index];
            heads[index] = null;
            tails[index] = null;
            occupied[level] &= ~(1L << slot);
            if (start > elapsed) {
                elapsed = start;
            }
            while (e != null) {
                TimerEntry next = e.next;
                e.prev = null;
                e.next = null;
                if (e.tick <= elapsed) {
                    e.index = -1;
                    size--;
                    sink.accept(e);
                } else {
                    file(e); // from a higher level: it lands lower, nearer its tick
                }
                e = next;
            }
        }
        if (now > elapsed) {
            elapsed = now;
        }
    }

    /** Takes every entry out of the wheel and hands each to {@code sink} (a shutdown: none fires). */
    void drainAll(Consumer<TimerEntry> sink) {
        for (int index = 0; index < heads.length; index++) {
            TimerEntry e = heads[index];
            heads[index] = null;
            tails[index] = null;
            while (e != null) {
                TimerEntry next = e.next;
                e.prev = null;
                e.next = null;
                e.index = -1;
                sink.accept(e);
                e = next;
            }
        }
        java.util.Arrays.fill(occupied, 0L);
        size = 0;
    }

    private void file(TimerEntry e) {
        long when = Math.min(e.tick, elapsed + HORIZON - 1);
        long masked = (elapsed ^ when) | (SLOTS - 1);
        // Crossing a top-level boundary can set a bit above the horizon: top level then.
        int level = Math.min(LEVELS - 1, (63 - Long.numberOfLeadingZeros(masked)) / SLOT_BITS);
        int slot = (int) (when >>> (SLOT_BITS * level)) & (SLOTS - 1);
        int index = level * SLOTS + slot;
        e.index = index;
        TimerEntry tail = tails[index];
        e.prev = tail;
        e.next = null;
        if (tail == null) {
            heads[index] = e;
            occupied[level] |= 1L << slot;
        } else {
            tail.next = e;
        }
        tails[index] = e;
    }

    private int lowestOccupiedLevel() {
        for (int level = 0; level < LEVELS; level++) {
            if (occupied[level] != 0) {
                return level;
            }
        }
        return -1;
    }

    /**
     * The occupied slot of {@code level} that expires first: the first at or after
     * elapsed's position there, wrapping. On the top level elapsed's own slot can
     * only hold entries of the next turn (clamped to the horizon, see slotStart), so
     * the search starts after it and reaches it last. (Starting at it, one far entry
     * hid every other top-level entry until its own slot, a turn later: a sleep of
     * 20 days fired after 800.)
     */
    private int nextSlot(int level, long occ) {
        int here = (int) (elapsed >>> (SLOT_BITS * level)) & (SLOTS - 1);
        int from = level == LEVELS - 1 ? (here + 1) & (SLOTS - 1) : here;
        int zeros = Long.numberOfTrailingZeros(Long.rotateRight(occ, from));
        return (zeros + from) & (SLOTS - 1);
    }

    /** The first tick of {@code slot} on {@code level}, in the block of elapsed or, wrapped, the next one. */
    private long slotStart(int level, int slot) {
        int shift = SLOT_BITS * level;
        long levelSpan = 1L << (shift + SLOT_BITS);
        long start = (elapsed & -levelSpan) + ((long) slot << shift);
        if (start <= elapsed && level > 0) {
            // Only a far entry clamped to the horizon can sit "behind" elapsed on the
            // top level; it belongs to the next turn of that level.
            start += levelSpan;
        }
        return start;
    }
}
