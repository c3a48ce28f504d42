package org.classchain.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the JMH results (JSON) into the mining and validation rows, then prints the summary
 * table of every figure recorded in the results file, in the order of BENCHMARKS.md, followed
 * by each figure's detail lines.
 *
 * <p>Usage: {@code Summary jmh.json}.
 */
public final class Summary {

    static final List<String> ORDER = List.of("mining", "validation", "click-30", "click-100", "gossip-10k", "catch-up",
            "idle-heap", "start-up", "file-fanout");

    private Summary() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && Files.isRegularFile(Path.of(args[0]))) {
            jmhRows(Path.of(args[0]));
        }
        Map<String, String> rows = new LinkedHashMap<>();
        Map<String, List<String>> details = new HashMap<>();
        List<String> lines = new ArrayList<>();
        Path dir = Path.of(System.getProperty("bench.results.dir", "benchmarks/target/results"));
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".tsv")).sorted().toList()) {
                    lines.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
                }
            }
        }
        for (String line : lines) {
            if (line.startsWith("#")) {
                String[] p = line.substring(1).split("\t", 2);
                details.computeIfAbsent(p[0], k -> new ArrayList<>()).add(p[1]);
            } else if (!line.isBlank()) {
                String[] p = line.split("\t");
                rows.put(p[0], "| " + String.join(" | ", p) + " |");
            }
        }
        System.out.println();
        System.out.println("| figure | measured | reference (same run) | ratio | target | met |");
        System.out.println("|---|---|---|---|---|---|");
        for (String f : ORDER) {
            System.out.println(rows.getOrDefault(f, "| " + f + " | not run | | | | no |"));
        }
        System.out.println();
        for (Map.Entry<String, List<String>> e : details.entrySet()) {
            System.out.println(e.getKey() + ":");
            e.getValue().forEach(d -> System.out.println("  " + d));
        }
    }

    private static void jmhRows(Path json) throws Exception {
        Map<String, double[]> score = new HashMap<>();
        for (JsonNode b : new ObjectMapper().readTree(json.toFile())) {
            String name = b.get("benchmark").asText();
            JsonNode m = b.get("primaryMetric");
            double best = 0;
            for (JsonNode fork : m.get("rawData")) {
                for (JsonNode it : fork) {
                    best = Math.max(best, it.asDouble());
                }
            }
            score.put(name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1),
                    new double[] {m.get("score").asDouble(), m.get("scoreError").asDouble(), best});
        }
        double[] miner = score.get("MiningBenchmark.miner");
        double[] bare = score.get("MiningBenchmark.bareDigest");
        double[] naive = score.get("MiningBenchmark.naiveReserialise");
        if (miner != null && bare != null) {
            Results.record("mining", Results.f("%,.0f attempts/s", miner[2]), Results.f("bare SHA-256 midstate loop %,.0f/s",
                    bare[2]), Results.f("%.2f", miner[2] / bare[2]), ">= 0.90 of bare", miner[2] / bare[2] >= 0.9);
            Results.detail("mining", Results.f("JMH, 1 thread: best iteration Miner %,.0f, bare MessageDigest midstate loop "
                    + "%,.0f attempts/s (ratio %.2f); means Miner %,.0f ± %,.0f, bare %,.0f ± %,.0f (ratio %.2f)",
                    miner[2], bare[2], miner[2] / bare[2], miner[0], miner[1], bare[0], bare[1], miner[0] / bare[0]));
            double[] whole = score.get("MiningBenchmark.wholeHeaderDigest");
            if (whole != null) {
                Results.detail("mining", Results.f("whole header digested every attempt (two compressions, the "
                        + "miner's way before its midstate): best %,.0f attempts/s; the miner is %.2f times that",
                        whole[2], miner[2] / whole[2]));
            }
            if (naive != null) {
                Results.detail("mining", Results.f("naive (re-serialise the block every attempt): best %,.0f "
                        + "attempts/s = %.3f of bare; the miner is %.0f times faster", naive[2], naive[2] / bare[2],
                        miner[2] / naive[2]));
            }
        }
        double[] full = score.get("ValidationBenchmark.fullValidation");
        double[] bc = score.get("ValidationBenchmark.bouncyCastleVerify");
        double[] jdk = score.get("ValidationBenchmark.jdkVerify");
        if (full != null && bc != null) {
            Results.record("validation", Results.f("%,.0f blocks/s", full[2]), Results.f("bare BC Ed25519 verify "
                    + "%,.0f/s", bc[2]), Results.f("%.2f", full[2] / bc[2]), ">= 0.50 of bare", full[2] / bc[2] >= 0.5);
            Results.detail("validation", Results.f("JMH, 1 thread: best iteration full validation %,.0f blocks/s, "
                    + "Bouncy Castle Ed25519 verify %,.0f/s (ratio %.2f); means %,.0f ± %,.0f and %,.0f ± %,.0f "
                    + "(ratio %.2f)", full[2], bc[2], full[2] / bc[2], full[0], full[1], bc[0], bc[1], full[0] / bc[0]));
            if (jdk != null) {
                Results.detail("validation", Results.f("the JDK's own Ed25519 verify: best %,.0f/s, mean %,.0f ± %,.0f/s "
                        + "(Bouncy Castle is %.1f times faster)", jdk[2], jdk[0], jdk[1], bc[2] / jdk[2]));
            }
        }
    }
}
