package org.classchain;

import java.util.Objects;

/**
 * The fixed part of a block, hashed as 96 bytes in this order (big-endian):
 * {@code version u32 | height u64 | previousHash 32B | timestampMillis u64 | payloadHash 32B |
 * difficultyBits u32 | nonce u64}. The block hash is SHA-256 of those bytes.
 */
public record BlockHeader(int version, long height, Hash previousHash, long timestampMillis,
                          Hash payloadHash, int difficultyBits, long nonce) {

    /** The header format this code writes and accepts. */
    public static final int CURRENT_VERSION = 1;
    /** Size of the encoded header in bytes. */
    public static final int ENCODED_LENGTH = 4 + 8 + 32 + 8 + 32 + 4 + 8;
    /** Offset of the nonce in the encoded header. */
    public static final int NONCE_OFFSET = ENCODED_LENGTH - 8;

    /** Checks that the hashes are present and the height is not negative. */
    public BlockHeader {
        Objects.requireNonNull(previousHash, "previousHash");
        Objects.requireNonNull(payloadHash, "payloadHash");
        if (height < 0) {
            throw new IllegalArgumentException("height is negative");
        }
    }

    /** The same header with another nonce. */
    public BlockHeader withNonce(long newNonce) {
        return new BlockHeader(version, height, previousHash, timestampMillis, payloadHash, difficultyBits, newNonce);
    }
}
