package org.classchain.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The mining and validation ratios measured paired: the measured code and its bare limit run in
 * alternating short slices on the same thread, and each round's ratio is taken from two slices
 * a few milliseconds apart, so that load from other processes on a shared machine hits both
 * sides alike. Reports the median and the quartiles of the per-round ratios. A cross-check of
 * the JMH figures, using the very same benchmark methods.
 *
 * <p>Usage: {@code PairedRatio [rounds]} (default 60, after 20 warm-up rounds).
 */
public final class PairedRatio {

    private PairedRatio() {
    }

    interface Op {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        MiningBenchmark m = new MiningBenchmark();
        m.setUp();
        double[] mining = paired(rounds, () -> m.miner(), () -> m.bareDigest(), MiningBenchmark.ATTEMPTS,
                MiningBenchmark.ATTEMPTS, 4);
        ValidationBenchmark v = new ValidationBenchmark();
        v.setUp();
        double[] validation = paired(rounds, () -> v.fullValidation(), () -> v.bouncyCastleVerify(), 1, 1, 200);
        Results.detail("mining", Results.f("paired slices (%d rounds, miner and bare loop alternating): ratio median "
                + "%.3f, quartiles %.3f-%.3f", rounds, Results.quantile(mining, 0.5), Results.quantile(mining, 0.25),
                Results.quantile(mining, 0.75)));
        Results.detail("validation", Results.f("paired slices (%d rounds, full validation and BC verify "
                + "alternating): ratio median %.3f, quartiles %.3f-%.3f", rounds, Results.quantile(validation, 0.5),
                Results.quantile(validation, 0.25), Results.quantile(validation, 0.75)));
    }

    /**
     * Per round: time {@code reps} calls of {@code measured}, then of {@code bare}; the ratio of
     * their rates (work per call given), alternating which goes first.
     */
    static double[] paired(int rounds, Op measured, Op bare, int workMeasured, int workBare, int reps)
            throws Exception {
        List<Double> ratios = new ArrayList<>();
        for (int r = -20; r < rounds; r++) {
            double a;
            double b;
            if ((r & 1) == 0) {
                a = time(measured, reps);
                b = time(bare, reps);
            } else {
                b = time(bare, reps);
                a = time(measured, reps);
            }
            if (r >= 0) {
                ratios.add((workMeasured / a) / (workBare / b));
            }
        }
        return ratios.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double time(Op op, int reps) throws Exception {
        long t = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            op.run();
        }
        return (System.nanoTime() - t) / (double) reps;
    }
}
