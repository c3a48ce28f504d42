package org.classchain.core.mining;

import org.classchain.GenesisConfig;

/**
 * Difficulty arithmetic. A hash meets {@code bits} when its first {@code bits} bits are zero; a
 * block of that difficulty is worth 2^bits (the expected number of attempts to mine it).
 */
public final class Difficulty {
    private Difficulty() {
    }

    /** The number of leading zero bits of {@code hash} (0–256 for a 32-byte hash). */
    public static int leadingZeroBits(byte[] hash) {
        int bits = 0;
        for (byte b : hash) {
            if (b == 0) {
                bits += 8;
                continue;
            }
            return bits + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return bits;
    }

    /** Whether {@code hash} has at least {@code bits} leading zero bits. Checks whole bytes first. */
    public static boolean meets(byte[] hash, int bits) {
        int full = bits >>> 3;
        for (int i = 0; i < full; i++) {
            if (hash[i] != 0) {
                return false;
            }
        }
        int rest = bits & 7;
        return rest == 0 || (hash[full] & 0xff) >>> (8 - rest) == 0;
    }

    /** The work of one block of this difficulty: 2^bits. */
    public static long work(int bits) {
        if (bits < 0 || bits > GenesisConfig.MAX_DIFFICULTY_BITS) {
            throw new IllegalArgumentException("difficulty bits out of range: " + bits);
        }
        return 1L << bits;
    }
}
