package dev.weft.internal.time;

import dev.weft.time.Clock;

/**
 * The runtime's door into making a public {@link Clock} for a driver, which the
 * public API does not expose. {@code Clock} installs the one implementation when it
 * is initialised.
 */
public abstract class ClockAccess {
    private static volatile ClockAccess instance;

    /** Called once, by {@code Clock}'s static initialiser. */
    public static void install(ClockAccess access) {
        instance = access;
    }

    /** The installed access, initialising {@code Clock} first if needed. */
    public static ClockAccess get() {
        ClockAccess a = instance;
        if (a == null) {
            try {
                Class.forName(Clock.class.getName(), true, Clock.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
            a = instance;
        }
        return a;
    }

    /** The public view of {@code driver}. */
    public abstract Clock clockOf(TimeDriver driver);
}
