package org.classchain.bench;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.classchain.BlockHeader;
import org.classchain.Hash;
import org.classchain.core.mining.Miner;
import org.classchain.core.peer.Peer;

/**
 * The time to mine one 17-bit block on the miner's thread alone and with helper threads (what a
 * peer does on a computer with more than one core), over the same headers, alternating one way
 * and the other block by block so that the machine's drift falls on both alike. Usage:
 * {@code MiningThreads [blocks] [helpers]} (default 300 blocks, one helper fewer than the cores,
 * at most 3).
 */
public final class MiningThreads {

    private MiningThreads() {
    }

    /**
     * Runs the measurement and prints one line per way.
     *
     * @param args blocks, helpers
     */
    public static void main(String[] args) {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 300;
        int helperCount = args.length > 1 ? Integer.parseInt(args[1])
                : Math.min(3, Runtime.getRuntime().availableProcessors() - 1);
        ExecutorService pool = new ThreadPoolExecutor(0, Math.max(1, helperCount), 60, TimeUnit.SECONDS,
                new SynchronousQueue<>());
        Miner miner = new Miner();
        Miner[] helpers = new Miner[helperCount];
        for (int i = 0; i < helperCount; i++) {
            helpers[i] = new Miner();
        }
        SecureRandom r = new SecureRandom();
        double[] one = new double[blocks];
        double[] many = new double[blocks];
        for (int i = 0; i < blocks + 20; i++) {
            byte[] prev = new byte[32];
            byte[] payload = new byte[32];
            r.nextBytes(prev);
            r.nextBytes(payload);
            BlockHeader h = new BlockHeader(BlockHeader.CURRENT_VERSION, 1, new Hash(prev), System.currentTimeMillis(),
                    new Hash(payload), Peer.DEFAULT_DIFFICULTY_BITS, 0);
            long t0 = System.nanoTime();
            BlockHeader a = miner.mine(h, () -> false).orElseThrow();
            long t1 = System.nanoTime();
            BlockHeader b = miner.mine(h, () -> false, helpers, pool).orElseThrow();
            long t2 = System.nanoTime();
            if (a.nonce() != b.nonce()) {
                throw new IllegalStateException("different nonces: " + a.nonce() + " and " + b.nonce());
            }
            if (i >= 20) { // the first 20: warm-up
                one[i - 20] = (t1 - t0) / 1e6;
                many[i - 20] = (t2 - t1) / 1e6;
            }
        }
        pool.shutdownNow();
        System.out.println(line("one thread", one));
        System.out.println(line("with " + helperCount + " helper(s)", many));
        System.out.printf("ratio of the means (with helpers / one thread): %.2f%n", mean(many) / mean(one));
    }

    private static String line(String what, double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return String.format("mining, 17 bits, %d blocks, %s: p50 %.1f, p99 %.1f, mean %.1f ms", s.length, what,
                s[s.length / 2], s[(int) Math.ceil(s.length * 0.99) - 1], mean(s));
    }

    private static double mean(double[] ms) {
        return Arrays.stream(ms).average().orElse(0);
    }
}
