package org.classchain.core.mining;

import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.classchain.BlockHeader;
import org.classchain.core.block.HeaderCodec;

/**
 * Searches nonces for a header whose hash meets its difficulty. The header is encoded once;
 * each attempt writes the 8 nonce bytes into that buffer and digests it: no re-serialisation.
 * The nonce lies in the header's second 64-byte SHA-256 block, so the first block is digested
 * once per search and each attempt starts from a copy of that state (the "midstate"): one
 * compression an attempt instead of two.
 *
 * <p>Not thread-safe: one miner per mining thread.
 */
public final class Miner {

    /** How many attempts pass between two checks of the cancel flag. */
    static final int CHECK_EVERY = 1 << 12;

    /**
     * How many attempts pass between two reads of the lowest winning nonce the other threads found:
     * a read every attempt (a volatile field) cost 3-5 % of the rate; the search waits for every
     * thread, so a thread must see another's win soon (256 attempts: about 30 us).
     */
    static final int READ_BEST_EVERY = 1 << 8;

    private static final Miner[] NO_HELPERS = new Miner[0];

    /** The first 64 header bytes, digested once per search; the nonce (bytes 88-95) lies after them. */
    private static final int MIDSTATE_BYTES = 64;

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
     * Finds a nonce, starting at {@code template.nonce()} and counting up: the lowest winning one.
     *
     * @param cancelled polled every few thousand attempts; when it answers true the search stops
     * @return the header with a winning nonce, or empty when cancelled
     */
    public Optional<BlockHeader> mine(BlockHeader template, BooleanSupplier cancelled) {
        return mine(template, cancelled, NO_HELPERS, Runnable::run);
    }

    /**
     * Finds the same nonce as {@link #mine(BlockHeader, BooleanSupplier)}, the lowest from
     * {@code template.nonce()} up, with {@code helpers.length + 1} threads: this one and one per
     * helper on {@code pool}, each trying every {@code n}-th nonce. A thread that finds one records
     * it; each stops once its next nonce is above the lowest found (read every
     * {@value #READ_BEST_EVERY} attempts), so the answer is the lowest
     * winning nonce whatever the threads' speeds (every honest peer mines the same block of a batch).
     * When a helper cannot be started the search runs on this thread alone.
     *
     * @param helpers miners of their own (one per helper thread), none of them this one
     * @param pool runs the helpers; must start each at once (not queue it behind the others)
     * @param cancelled polled every few thousand attempts by each thread; true stops the search
     * @return the header with the lowest winning nonce, or empty when cancelled
     */
    public Optional<BlockHeader> mine(BlockHeader template, BooleanSupplier cancelled, Miner[] helpers, Executor pool) {
        int ways = helpers.length + 1;
        AtomicLong best = new AtomicLong(Long.MAX_VALUE);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(helpers.length);
        for (int k = 1; k < ways; k++) {
            Miner helper = helpers[k - 1];
            long first = template.nonce() + k;
            try {
                pool.execute(() -> {
                    try {
                        helper.stride(template, first, ways, best, stop, cancelled);
                    } finally {
                        done.countDown();
                    }
                });
            } catch (RejectedExecutionException e) {
                stop.set(true); // the helpers already started stop at their next check
                for (int j = k; j < ways; j++) {
                    done.countDown();
                }
                awaitQuietly(done, stop);
                return mine(template, cancelled);
            }
        }
        stride(template, template.nonce(), ways, best, stop, cancelled);
        awaitQuietly(done, stop);
        long nonce = best.get();
        return stop.get() || nonce == Long.MAX_VALUE ? Optional.empty() : Optional.of(template.withNonce(nonce));
    }

    /**
     * Tries {@code first}, {@code first + step}, ... until a nonce wins (recorded in {@code best}
     * if lower), the next one is above {@code best} as last read, or the search is cancelled
     * ({@code stop}).
     */
    private void stride(BlockHeader template, long first, int step, AtomicLong best, AtomicBoolean stop,
                        BooleanSupplier cancelled) {
        byte[] buf = HeaderCodec.encode(template);
        int bits = template.difficultyBits();
        sha.reset();
        sha.update(buf, 0, MIDSTATE_BYTES);
        long nonce = first;
        try {
            long limit = Long.MAX_VALUE;
            while (true) {
                for (int i = 0; i < CHECK_EVERY; i++, nonce += step) {
                    if ((i & (READ_BEST_EVERY - 1)) == 0) {
                        limit = best.get(); // another thread's win, seen at most READ_BEST_EVERY attempts late
                    }
                    if (nonce > limit) {
                        attempts += i;
                        return;
                    }
                    putLong(buf, BlockHeader.NONCE_OFFSET, nonce);
                    MessageDigest attempt = copy(sha);
                    attempt.update(buf, MIDSTATE_BYTES, buf.length - MIDSTATE_BYTES);
                    attempt.digest(out, 0, out.length);
                    if (Difficulty.meets(out, bits)) {
                        attempts += i + 1;
                        long found = nonce;
                        best.accumulateAndGet(found, Math::min);
                        return;
                    }
                }
                attempts += CHECK_EVERY;
                if (stop.get()) {
                    return;
                }
                if (cancelled.getAsBoolean()) {
                    stop.set(true);
                    return;
                }
            }
        } catch (DigestException e) {
            throw new IllegalStateException("a 32-byte buffer holds a SHA-256 digest", e);
        }
    }

    /** A copy of the midstate; every JDK's SHA-256 can be cloned. */
    private static MessageDigest copy(MessageDigest midstate) {
        try {
            return (MessageDigest) midstate.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 digests can be cloned", e);
        }
    }

    /** Waits for the helpers; interrupted, it stops them (at their next check) and still waits. */
    private static void awaitQuietly(CountDownLatch done, AtomicBoolean stop) {
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                stop.set(true);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
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
