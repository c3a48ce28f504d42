package org.classchain;

import java.util.Objects;

/**
 * The fixed part of a block, hashed as 96 bytes in this order (big-endian):
 * {@code version u32 | height u64 | previousHash 32B | timestampMillis u64 | payloadHash 32B |
 * difficultyBits u32 | nonce u64}. The block hash is SHA-256 of those bytes.
 *
 * @param version the header format, {@link #CURRENT_VERSION}
 * @param height the distance from genesis, which is 0
 * @param previousHash the parent's hash; {@link Hash#ZERO} in genesis
 * @param timestampMillis when it was mined, epoch milliseconds, by the miner's clock
 * @param payloadHash the SHA-256 of the payload's canonical encoding
 * @param difficultyBits how many leading zero bits the block hash has to have
 * @param nonce what the miner varied until the hash had them
 */
public record BlockHeader(int version, long height, Hash previousHash, long timestampMillis,
                          Hash payloadHash, int difficultyBits, long nonce) {

    /** The header format this code writes and accepts. */
    public static final int CURRENT_VERSION = 1;
    /** Size of the encoded header in bytes. */
    public static final int ENCODED_LENGTH = 4 + 8 + 32 + 8 + 32 + 4 + 8;
    /** Offset of the nonce in the encoded header. */
    public static final int NONCE_OFFSET = ENCODED_LENGTH - 8;

    /**
     * Checks that the hashes are present and the height is not negative.
     *
     * @param version not checked here: a validator refuses an unknown one
     * @param height at least 0
     * @param previousHash never null
     * @param timestampMillis not checked here
     * @param payloadHash never null
     * @param difficultyBits not checked here: the chain's genesis fixes it
     * @param nonce any value
     * @throws IllegalArgumentException when the height is negative
     */
    public BlockHeader {
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(payloadHash, "payloadHash");
        if (height < 0) {
            throw new IllegalArgumentException("height is negative");
        }
    }

    /**
     * {@return the same header with another nonce}
     *
     * @param newNonce the nonce to try
     */
    public BlockHeader withNonce(long newNonce) {
        return new BlockHeader(version, height, previousHash, timestampMillis, payloadHash, difficultyBits, newNonce);
    }
}
