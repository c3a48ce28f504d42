package org.classchain.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Where the harnesses leave their figures: one tab-separated line per figure in the file named
 * by the system property {@code bench.results} (default
 * {@code benchmarks/target/results/results.tsv}); {@link Summary} reads every file of that folder. Also small statistics helpers. Not thread-safe (harness threads call
 * it from main).
 */
final class Results {

    private Results() {
    }

    static Path file() {
        return Path.of(System.getProperty("bench.results", "benchmarks/target/results/results.tsv"));
    }

    /**
     * Records a summary row: figure name, measured value, reference, ratio, target, met; plus
     * free-text detail lines for BENCHMARKS.md.
     */
    static void record(String figure, String measured, String reference, String ratio, String target, boolean met) {
        String line = String.join("\t", figure, measured, reference, ratio, target, met ? "yes" : "no") + "\n";
        System.out.print("RESULT " + line);
        append(line);
    }

    /** A detail line under a figure, printed and kept. */
    static void detail(String figure, String text) {
        String line = "#" + figure + "\t" + text + "\n";
        System.out.print("  " + figure + ": " + text + "\n");
        append(line);
    }

    private static void append(String line) {
        try {
            Path f = file();
            if (f.getParent() != null) {
                Files.createDirectories(f.getParent());
            }
            Files.writeString(f, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The q-quantile (0–1) of the values, nearest-rank. */
    static double quantile(double[] values, double q) {
        double[] v = values.clone();
        Arrays.sort(v);
        int rank = (int) Math.ceil(q * v.length);
        return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
    }

    static double quantile(List<Double> values, double q) {
        return quantile(values.stream().mapToDouble(Double::doubleValue).toArray(), q);
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
