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

    /**
     * Checks the fields.
     *
     * @param height at least 0
     * @param hash never null
     * @param cumulativeWork positive
     * @throws IllegalArgumentException when the height is negative or the work is not positive
     */
    public Head {
        Objects.requireNonNull(hash, "hash");
        if (height < 0 || cumulativeWork <= 0) {
            throw new IllegalArgumentException("a head has a height >= 0 and positive work");
        }
    }

    /**
     * Whether this head has more cumulative work than {@code other}. A tie is never better: which
     * of two branches of equal work a peer follows depends on their grants, not on their heads
     * (see {@link #mayBeBetterThan}).
     *
     * @param other the head to compare with
     * @return whether this one has strictly more work
     */
    public boolean isBetterThan(Head other) {
        return cumulativeWork > other.cumulativeWork;
    }

    /**
     * Whether the branch ending at this head is worth fetching to compare with {@code other}'s: it
     * has more work, or as much work and another head (two hosts of the teacher's account granted
     * at once; fork choice then looks at the grants).
     *
     * @param other the head to compare with
     * @return whether this one's branch is worth fetching
     */
    public boolean mayBeBetterThan(Head other) {
        return cumulativeWork > other.cumulativeWork
                || cumulativeWork == other.cumulativeWork && !hash.equals(other.hash);
    }
}
