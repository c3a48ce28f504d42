package org.classchain;

import java.util.Objects;

/**
 * A block: its header, its payload and the header's hash.
 *
 * <p>{@code hash} is carried for convenience and is never trusted: a peer recomputes it from the
 * header bytes, like every other rule, before it accepts a block from anyone.
 *
 * @param header the hashed part
 * @param payload what the block carries; the header names its hash
 * @param hash the SHA-256 of the encoded header, as the sender claims it
 */
public record Block(BlockHeader header, Payload payload, Hash hash) {

    /**
     * Checks that nothing is missing.
     *
     * @param header never null
     * @param payload never null
     * @param hash never null; not checked against the header here
     */
    public Block {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(hash, "hash");
    }

    /** {@return the block's height; genesis is 0} */
    public long height() {
        return header.height();
    }

    /** {@return the hash of the block this one extends} */
    public Hash previousHash() {
        return header.previousHash();
    }

    @Override
    public String toString() {
        return "Block[#" + header.height() + " " + hash.shortHex() + ", " + payload.commands().size() + " commands]";
    }
}
