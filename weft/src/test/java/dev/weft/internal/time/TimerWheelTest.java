package dev.weft.internal.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TimerWheelTest {
    private static final long L1 = 64;
    private static final long L2 = 64 * 64;
    private static final long L3 = 64 * 64 * 64;
    private static final long L4 = L3 * 64;
    private static final long L5 = L4 * 64;

    private static TimerEntry entry() {
        return new TimerEntry(null);
    }

    /** Advances slot by slot as the driver does, recording the wheel time at which each entry fires. */
    private static Map<TimerEntry, Long> runUntilEmpty(TimerWheel wheel) {
        Map<TimerEntry, Long> firedAt = new HashMap<>();
        long guard = 0;
        while (wheel.size() > 0) {
            long next = wheel.nextExpiration();
            assertTrue(next > wheel.elapsed(), "the next expiration lies ahead of elapsed");
            wheel.advance(next, e -> firedAt.put(e, next));
            assertTrue(++guard < 100_000, "the wheel keeps stepping without emptying");
        }
        return firedAt;
    }

    @Test
    void entriesAtLevelBoundariesFireExactlyAtTheirTick() {
        long[] ticks = {1, 2, 63, L1, L1 + 1, L2 - 1, L2, L2 + 1, L3 - 1, L3, L3 + 1, L4 - 1, L4, L4 + 1,
            L5 - 1, L5, L5 + 1, TimerWheel.HORIZON - 1};
        TimerWheel wheel = new TimerWheel(0);
        Map<TimerEntry, Long> wanted = new HashMap<>();
        for (long t : ticks) {
            TimerEntry e = entry();
            assertTrue(wheel.insert(e, t));
            wanted.put(e, t);
        }
        assertEquals(ticks.length, wheel.size());
        Map<TimerEntry, Long> firedAt = runUntilEmpty(wheel);
        assertEquals(wanted, firedAt, "each entry fires at its own tick, not before, not after");
    }

    @Test
    void boundariesHoldFromAnElapsedThatIsNotZero() {
        long start = 123_456_789L;
        TimerWheel wheel = new TimerWheel(start);
        Map<TimerEntry, Long> wanted = new HashMap<>();
        for (long d : new long[] {1, 63, 64, 65, L2 - 1, L2, L3 + 7, L4 * 3 + 5, L5 * 2 + 1}) {
            TimerEntry e = entry();
            assertTrue(wheel.insert(e, start + d));
            wanted.put(e, start + d);
        }
        assertEquals(wanted, runUntilEmpty(wheel));
    }

    @Test
    void aTickBeyondTheHorizonFiresAtItsTrueTick() {
        TimerWheel wheel = new TimerWheel(0);
        TimerEntry far = entry();
        long tick = TimerWheel.HORIZON * 3 + 12_345;
        assertTrue(wheel.insert(far, tick));
        assertEquals(Map.of(far, tick), runUntilEmpty(wheel));
    }

    @Test
    void anEntryBeyondTheHorizonHidesNoEarlierTopLevelEntry() {
        long day = 86_400_000L;
        for (long start : new long[] {0, L5 - 30_000, 5 * L5 + 17}) { // the second: next to a top-level slot boundary
            TimerWheel wheel = new TimerWheel(start);
            TimerEntry far = entry();
            TimerEntry minute = entry();
            TimerEntry twentyDays = entry();
            assertTrue(wheel.insert(far, start + 3 * TimerWheel.HORIZON));
            assertTrue(wheel.insert(minute, start + 60_000));
            assertTrue(wheel.insert(twentyDays, start + 20 * day));
            assertTrue(wheel.nextExpiration() <= start + 60_000, "from " + start);
            Map<TimerEntry, Long> fired = runUntilEmpty(wheel);
            assertEquals(Map.of(minute, start + 60_000, twentyDays, start + 20 * day,
                    far, start + 3 * TimerWheel.HORIZON), fired, "from " + start);
        }
    }

    @Test
    void aTickAlreadyProcessedIsRefused() {
        TimerWheel wheel = new TimerWheel(100);
        assertFalse(wheel.insert(entry(), 100), "the current tick is due now");
        assertFalse(wheel.insert(entry(), 5), "a past tick is due now");
        assertEquals(0, wheel.size());
        assertEquals(Long.MAX_VALUE, wheel.nextExpiration());
    }

    @Test
    void aJumpFarAheadFiresEverythingDueInTickOrder() {
        TimerWheel wheel = new TimerWheel(0);
        long[] ticks = {L4 + 3, 5, L2 + 9, 70, L3, 6};
        for (long t : ticks) {
            wheel.insert(entry(), t);
        }
        List<Long> order = new ArrayList<>();
        wheel.advance(L4 + 3, e -> order.add(e.tick));
        assertEquals(List.of(5L, 6L, 70L, L2 + 9, L3, L4 + 3), order);
        assertEquals(L4 + 3, wheel.elapsed());
        assertEquals(0, wheel.size());
    }

    @Test
    void entriesOfOneTickFireInInsertionOrder() {
        TimerWheel wheel = new TimerWheel(0);
        List<TimerEntry> inserted = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            TimerEntry e = entry();
            wheel.insert(e, 500);
            inserted.add(e);
        }
        List<TimerEntry> fired = new ArrayList<>();
        wheel.advance(500, fired::add);
        assertEquals(inserted, fired);
    }

    @Test
    void removingAMillionEntriesLeavesTheWheelEmpty() {
        TimerWheel wheel = new TimerWheel(0);
        SplittableRandom random = new SplittableRandom(7);
        List<TimerEntry> all = new ArrayList<>();
        for (int i = 0; i < 1_000_000; i++) {
            TimerEntry e = entry();
            wheel.insert(e, 1 + random.nextLong(L5));
            all.add(e);
        }
        for (TimerEntry e : all) {
            wheel.remove(e);
        }
        assertEquals(0, wheel.size());
        assertEquals(Long.MAX_VALUE, wheel.nextExpiration());
        List<TimerEntry> fired = new ArrayList<>();
        wheel.advance(TimerWheel.HORIZON, fired::add);
        assertEquals(List.of(), fired);
    }

    @Test
    void randomInsertsRemovesAndJumpsMatchASortedReference() {
        long seed = System.nanoTime();
        SplittableRandom random = new SplittableRandom(seed);
        TimerWheel wheel = new TimerWheel(0);
        TreeMap<Long, List<TimerEntry>> reference = new TreeMap<>();
        List<TimerEntry> live = new ArrayList<>();
        for (int round = 0; round < 20_000; round++) {
            int op = random.nextInt(10);
            long now = wheel.elapsed();
            if (op < 6) {
                long span = switch (random.nextInt(5)) {
                    case 0 -> 64;
                    case 1 -> L2;
                    case 2 -> L4;
                    case 3 -> L5 * 4;
                    default -> TimerWheel.HORIZON * 3; // beyond the horizon: clamped, filed again later
                };
                long tick = now + 1 + random.nextLong(span);
                TimerEntry e = entry();
                assertTrue(wheel.insert(e, tick));
                reference.computeIfAbsent(tick, k -> new ArrayList<>()).add(e);
                live.add(e);
            } else if (op < 8 && !live.isEmpty()) {
                TimerEntry e = live.remove(random.nextInt(live.size()));
                wheel.remove(e);
                List<TimerEntry> at = reference.get(e.tick);
                at.remove(e);
                if (at.isEmpty()) {
                    reference.remove(e.tick);
                }
            } else {
                long target = now + random.nextLong(op == 8 ? 200 : L3);
                List<TimerEntry> fired = new ArrayList<>();
                wheel.advance(target, fired::add);
                List<TimerEntry> expected = new ArrayList<>();
                for (List<TimerEntry> at : reference.headMap(target, true).values()) {
                    expected.addAll(at);
                }
                reference.headMap(target, true).clear();
                assertEquals(new java.util.HashSet<>(expected), new java.util.HashSet<>(fired),
                        "entries due by " + target + " (seed " + seed + ")");
                for (int i = 1; i < fired.size(); i++) {
                    assertTrue(fired.get(i - 1).tick <= fired.get(i).tick, "tick order (seed " + seed + ")");
                }
                live.removeAll(new java.util.HashSet<>(fired));
            }
            assertEquals(live.size(), wheel.size(), "size (seed " + seed + ")");
            if (!reference.isEmpty()) {
                assertTrue(wheel.nextExpiration() <= reference.firstKey(),
                        "the next expiration is never after the earliest entry (seed " + seed + ")");
            }
        }
    }
}
