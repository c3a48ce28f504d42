package org.classchain;

import java.util.Objects;

/**
 * The tip of a peer's best chain: what peers compare to decide who should catch up.
 *
 * @param height the head block's height
 * @param hash the head block's hash
 * @param cumulativeWork the sum of 2^difficultyBits over the chain from genesis to the head
 */
public record Head(long height, Hash hash, long cumulativeWork) {

    /** Checks the fields. */
    public Head {
        Objects.requireNonNull(hash, "hash");
        if (height < 0 || cumulativeWork <= 0) {
            throw new IllegalArgumentException("a head has a height >= 0 and positive work");
        }
    }

    /**
     * Whether this head is better than {@code other} under fork choice: more cumulative work,
     * ties going to the lower hash.
     */
    public boolean isBetterThan(Head other) {
        if (cumulativeWork != other.cumulativeWork) {
            return cumulativeWork > other.cumulativeWork;
        }
        return hash.compareTo(other.hash) < 0;
    }
}
