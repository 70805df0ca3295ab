package dev.weft.benchmarks;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Runs every benchmark method of one JMH class round by round in one JVM, each round
 * tagged with where the host had placed the two CPUs ({@link CacheLineRoundTrip}), and
 * compares the methods only within rounds run in the same placement.
 *
 * <pre>
 * java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp weft-benchmarks/target/benchmarks.jar \
 *     dev.weft.benchmarks.PairedRounds SyncSelectBenchmark joxVirtualThreads [rounds] [warm-up rounds]
 * </pre>
 *
 * <p>Why: JMH runs one method after the other, each for tens of seconds, and on a virtual
 * machine whose host moves its CPUs the cost of a hand-off between workers changes
 * tenfold from one placement to the next (see {@link CacheLineRoundTrip}); a ratio of two
 * JMH scores then often compares two placements rather than two implementations. Here
 * each round runs every method once, in an order that rotates, between two measurements
 * of the placement; a round whose two measurements fall in different placements is left
 * out. For each placement the report gives every method's median (ns per operation, the
 * class's {@code @OperationsPerInvocation}) and the median over rounds of its ratio to
 * the named peer in the same round. Before every call the harness asks for a full
 * collection ({@code System.gc()}), so that no call pays for garbage earlier calls left
 * (a million dead virtual threads or handles in the spawn benchmark); what a call leaves
 * behind is then collected untimed, where a JMH score would include it.
 *
 * <p>Only what the {@code Sync*}, {@code TaskSpawn} and {@code TaskChain} benchmarks use is
 * supported: a class-level state with trial- and invocation-level setup and tear-down, and
 * benchmark methods without parameters. Anything else is refused with a message.
 */
public final class PairedRounds {
    /** Round trips up to this many ns: the two CPUs are hyperthreads of one core. */
    private static final double SHARED_CORE_MAX_NS = 45;
    /** Up to this many ns: two cores that share a cache; beyond, two that do not. */
    private static final double NEAR_CORES_MAX_NS = 150;
    private static final String[] PLACEMENTS = {"one core (hyperthreads)", "two cores, shared cache", "two cores, apart"};

    private PairedRounds() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: PairedRounds <benchmark class, e.g. SyncSelectBenchmark> <peer method>"
                    + " [rounds, default 40] [warm-up rounds, default 5]");
            System.exit(2);
        }
        String className = args[0].contains(".") ? args[0] : PairedRounds.class.getPackageName() + "." + args[0];
        try {
            Class<?> type;
            try {
                type = Class.forName(className);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("no class " + className + " on the class path");
            }
            int rounds = args.length > 2 ? count(args[2], "rounds", 1) : 40;
            int warmUp = args.length > 3 ? count(args[3], "warm-up rounds", 0) : 5;
            run(type, args[1], rounds, warmUp);
        } catch (IllegalArgumentException e) {
            System.err.println("PairedRounds: " + e.getMessage());
            System.exit(2);
        }
    }

    private static int count(String arg, String what, int least) {
        int n;
        try {
            n = Integer.parseInt(arg);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, not '" + arg + "'");
        }
        if (n < least) {
            throw new IllegalArgumentException(what + " must be at least " + least + ", not " + n);
        }
        return n;
    }

    private static void run(Class<?> type, String peer, int rounds, int warmUp) throws Exception {
        List<Method> benchmarks = new ArrayList<>();
        List<Method> trialSetups = new ArrayList<>();
        List<Method> trialTearDowns = new ArrayList<>();
        List<Method> invocationSetups = new ArrayList<>();
        List<Method> invocationTearDowns = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.isAnnotationPresent(Benchmark.class)) {
                if (m.getParameterCount() != 0) {
                    throw new IllegalArgumentException(m.getName() + " takes JMH parameters; run it under JMH instead");
                }
                benchmarks.add(m);
            }
            Setup setup = m.getAnnotation(Setup.class);
            if (setup != null) {
                (fixtureLevel(setup.value(), m) == Level.Trial ? trialSetups : invocationSetups).add(m);
            }
            TearDown tearDown = m.getAnnotation(TearDown.class);
            if (tearDown != null) {
                (fixtureLevel(tearDown.value(), m) == Level.Trial ? trialTearDowns : invocationTearDowns).add(m);
            }
        }
        benchmarks.sort((a, b) -> a.getName().compareTo(b.getName()));
        int peerIndex = benchmarks.stream().map(Method::getName).toList().indexOf(peer);
        if (peerIndex < 0) {
            throw new IllegalArgumentException("no benchmark method '" + peer + "' in " + type.getSimpleName()
                    + "; its methods: " + benchmarks.stream().map(Method::getName).toList());
        }
        OperationsPerInvocation ops = type.getAnnotation(OperationsPerInvocation.class);
        int opsPerCall = ops == null ? 1 : ops.value();

        Object state = type.getConstructor().newInstance();
        invokeAll(trialSetups, state);
        try {
            int n = benchmarks.size();
            double[][] nsPerOp = new double[rounds][n];
            int[] placement = new int[rounds];
            for (int r = -warmUp; r < rounds; r++) {
                double before = CacheLineRoundTrip.measure();
                double[] scores = new double[n];
                for (int k = 0; k < n; k++) {
                    int i = Math.floorMod(r + k, n); // each method leads in turn
                    // Garbage that earlier calls left is collected now, not during this
                    // call's timed run.
                    System.gc();
                    invokeAll(invocationSetups, state);
                    long start = System.nanoTime();
                    invoke(benchmarks.get(i), state);
                    scores[i] = (System.nanoTime() - start) / (double) opsPerCall;
                    invokeAll(invocationTearDowns, state);
                }
                double after = CacheLineRoundTrip.measure();
                if (r >= 0) {
                    nsPerOp[r] = scores;
                    int where = placementOf(before);
                    placement[r] = placementOf(after) == where ? where : -1;
                    System.out.printf(Locale.ROOT, "round %d: %s; round trip %.0f ns before, %.0f after%s%n", r,
                            format(benchmarks, scores), before, after,
                            placement[r] < 0 ? " (placement moved: left out)" : "");
                }
            }
            report(type, benchmarks, peerIndex, nsPerOp, placement);
        } finally {
            invokeAll(trialTearDowns, state);
        }
    }

    private static Level fixtureLevel(Level level, Method m) {
        if (level == Level.Iteration) {
            throw new IllegalArgumentException(m.getName() + " is an iteration-level fixture, which rounds do not"
                    + " have; run this benchmark under JMH instead");
        }
        return level;
    }

    private static int placementOf(double roundTripNs) {
        return roundTripNs <= SHARED_CORE_MAX_NS ? 0 : roundTripNs <= NEAR_CORES_MAX_NS ? 1 : 2;
    }

    private static void report(Class<?> type, List<Method> benchmarks, int peerIndex, double[][] nsPerOp,
            int[] placement) {
        int n = benchmarks.size();
        String peer = benchmarks.get(peerIndex).getName();
        System.out.printf(Locale.ROOT, "%n%s, ns per operation, medians over the rounds of each placement;"
                + " ratio: the median of each round's ratio to %s%n", type.getSimpleName(), peer);
        for (int p = 0; p < PLACEMENTS.length; p++) {
            List<double[]> in = new ArrayList<>();
            for (int r = 0; r < placement.length; r++) {
                if (placement[r] == p) {
                    in.add(nsPerOp[r]);
                }
            }
            if (in.isEmpty()) {
                continue;
            }
            System.out.printf(Locale.ROOT, "%n%s: %d rounds%n", PLACEMENTS[p], in.size());
            for (int i = 0; i < n; i++) {
                double[] score = new double[in.size()];
                double[] ratio = new double[in.size()];
                for (int r = 0; r < in.size(); r++) {
                    score[r] = in.get(r)[i];
                    ratio[r] = in.get(r)[i] / in.get(r)[peerIndex];
                }
                System.out.printf(Locale.ROOT, "  %-24s %10.1f ns  (%.1f-%.1f)  ratio %.2f%n", benchmarks.get(i).getName(),
                        median(score), min(score), max(score), median(ratio));
            }
        }
        long movedRounds = Arrays.stream(placement).filter(p -> p < 0).count();
        System.out.printf(Locale.ROOT, "%n%d of %d rounds left out: the placement moved during the round%n",
                movedRounds, placement.length);
    }

    private static String format(List<Method> benchmarks, double[] scores) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < scores.length; i++) {
            b.append(i == 0 ? "" : ", ").append(benchmarks.get(i).getName())
                    .append(String.format(Locale.ROOT, " %.1f", scores[i]));
        }
        return b.toString();
    }

    private static void invokeAll(List<Method> methods, Object state) throws Exception {
        for (Method m : methods) {
            invoke(m, state);
        }
    }

    private static void invoke(Method m, Object state) throws Exception {
        try {
            m.invoke(state);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElseThrow();
    }
}
