package org.classchain.core.mining;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.classchain.BlockHeader;
import org.classchain.core.block.HeaderCodec;

/**
 * Searches nonces for a header whose hash meets its difficulty. The header is encoded once;
 * each attempt writes the 8 nonce bytes into that buffer and digests it: no re-serialisation.
 *
 * <p>Not thread-safe: one miner per mining thread.
 */
public final class Miner {

    /** How many attempts pass between two checks of the cancel flag. */
    static final int CHECK_EVERY = 1 << 12;

    private final MessageDigest sha;
    private final byte[] out = new byte[32];
    private long attempts;

    /** A miner with its own SHA-256 instance. */
    public Miner() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Finds a nonce, starting at {@code template.nonce()} and counting up.
     *
     * @param cancelled polled every few thousand attempts; when it answers true the search stops
     * @return the header with a winning nonce, or empty when cancelled
     */
    public Optional<BlockHeader> mine(BlockHeader template, BooleanSupplier cancelled) {
        byte[] buf = HeaderCodec.encode(template);
        int bits = template.difficultyBits();
        long nonce = template.nonce();
        try {
            while (true) {
                for (int i = 0; i < CHECK_EVERY; i++, nonce++) {
                    putLong(buf, BlockHeader.NONCE_OFFSET, nonce);
                    sha.update(buf, 0, buf.length);
                    sha.digest(out, 0, out.length);
                    if (Difficulty.meets(out, bits)) {
                        attempts += i + 1;
                        return Optional.of(template.withNonce(nonce));
                    }
                }
                attempts += CHECK_EVERY;
                if (cancelled.getAsBoolean()) {
                    return Optional.empty();
                }
            }
        } catch (DigestException e) {
            throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
        }
    }

    /** Attempts made by this miner so far (for benchmarks and logs). */
    public long attempts() {
        return attempts;
    }

    private static void putLong(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 56);
        b[off + 1] = (byte) (v >>> 48);
        b[off + 2] = (byte) (v >>> 40);
        b[off + 3] = (byte) (v >>> 32);
        b[off + 4] = (byte) (v >>> 24);
        b[off + 5] = (byte) (v >>> 16);
        b[off + 6] = (byte) (v >>> 8);
        b[off + 7] = (byte) v;
    }
}
