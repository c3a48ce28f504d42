package org.classchain;

import java.util.Objects;

/**
 * A block: its header, its payload and the header's hash.
 *
 * <p>{@code hash} is carried for convenience and is never trusted: a peer recomputes it from the
 * header bytes, like every other rule, before it accepts a block from anyone.
 */
public record Block(BlockHeader header, Payload payload, Hash hash) {

    /** Checks that nothing is missing. */
    public Block {
        Objects.requireNonNull(header, "header");
        Objects.requireNonNull(payload, "payload");
        Objects.requireNonNull(hash, "hash");
    }

    /** The block's height; genesis is 0. */
    public long height() {
        return header.height();
    }

    /** The hash of the block this one extends. */
    public Hash previousHash() {
        return header.previousHash();
    }

    @Override
    public String toString() {
        return "Block[#" + header.height() + " " + hash.shortHex() + ", " + payload.commands().size() + " commands]";
    }
}
