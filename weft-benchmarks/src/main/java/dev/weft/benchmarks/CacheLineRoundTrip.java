package dev.weft.benchmarks;

import java.util.Arrays;

/**
 * How far apart the two CPUs this JVM runs on are, right now: the round trip of one
 * cache line between two spinning platform threads.
 *
 * <p>On a virtual machine the host decides where the guest's CPUs run, and moves them.
 * On the 2-CPU machine these benchmarks were written on, the round trip takes one of
 * three values, each held for seconds to tens of seconds: about 30 ns (the two CPUs
 * are hyperthreads of one core), about 70 ns (two cores that share a cache) and about
 * 300 ns (two cores that do not). Every benchmark whose tasks hand data between
 * workers pays that latency on each hand-off, so its score moves with the placement,
 * and two benchmarks run one after the other may each have run in a different one.
 * {@link PairedRounds} measures this before and after each round so that it compares
 * only rounds run in the same placement.
 */
final class CacheLineRoundTrip {
    private static final int TRIPS = 2_000;
    private static final int SAMPLES = 5;

    private volatile int turn;

    private CacheLineRoundTrip() {
    }

    /**
     * The median of {@value #SAMPLES} samples of {@value #TRIPS} round trips, in ns. Two
     * threads spin for the few milliseconds this takes.
     */
    static double measure() throws InterruptedException {
        return new CacheLineRoundTrip().run();
    }

    private double run() throws InterruptedException {
        // `turn` odd: the echo thread's move; even: ours; negative: the echo thread stops.
        Thread echo = new Thread(() -> {
            for (;;) {
                int t;
                while (((t = turn) & 1) == 0) {
                    if (t < 0) {
                        return;
                    }
                    Thread.onSpinWait();
                }
                turn = t + 1;
            }
        }, "cache-line-echo");
        echo.setDaemon(true);
        echo.start();
        double[] samples = new double[SAMPLES];
        try {
            for (int s = 0; s < SAMPLES; s++) {
                long start = System.nanoTime();
                for (int i = 0; i < TRIPS; i++) {
                    int t = turn + 1;
                    turn = t;
                    while (turn == t) {
                        Thread.onSpinWait();
                    }
                }
                samples[s] = (System.nanoTime() - start) / (double) TRIPS;
            }
        } finally {
            turn = -2;
            echo.join();
        }
        Arrays.sort(samples);
        return samples[SAMPLES / 2];
    }
}
