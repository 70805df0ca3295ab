package dev.weft.benchmarks;

import java.util.List;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that records, beside every iteration's score, where the host had
 * placed the two CPUs: the {@link CacheLineRoundTrip} just before and just after the
 * iteration, as the secondary results {@code ·placement.before} and
 * {@code ·placement.after} (ns). Iterations of two benchmarks are comparable only when
 * their round trips fell in the same placement (see {@link PairedRounds}).
 *
 * <pre>
 * java -jar weft-benchmarks/target/benchmarks.jar SyncSelectBenchmark -prof dev.weft.benchmarks.PlacementProfiler
 * </pre>
 *
 * <p>Each measurement spins two threads for a few milliseconds outside the measured time.
 */
public final class PlacementProfiler implements InternalProfiler {
    private double before;

    @Override
    public String getDescription() {
        return "the cache-line round trip between the two CPUs before and after each iteration (ns)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = roundTrip();
    }

    @Override
    public List<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
            IterationResult result) {
        double after = roundTrip();
        return List.of(
                new ScalarResult("placement.before", before, "ns", AggregationPolicy.AVG),
                new ScalarResult("placement.after", after, "ns", AggregationPolicy.AVG));
    }

    private static double roundTrip() {
        try {
            return CacheLineRoundTrip.measure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }
}
