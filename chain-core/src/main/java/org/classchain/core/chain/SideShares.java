package org.classchain.core.chain;

import java.util.HashMap;
import java.util.Map;
import org.classchain.Hash;

/**
 * The blocks a {@link ChainState} keeps off the best chain, charged to the source that sent them
 * until they join it (DESIGN section 3): at most {@value #MAX_SIDE_BLOCKS} blocks and
 * {@value #MAX_SIDE_BYTES} bytes in all, and a share of each per source. Not thread-safe: the
 * chain state that holds it guards it.
 */
final class SideShares {

    static final int MAX_SIDE_BLOCKS = 8192;
    static final long MAX_SIDE_BYTES = 32L << 20;
    static final int MAX_SIDE_BLOCKS_PER_SOURCE = 2048;
    static final long MAX_SIDE_BYTES_PER_SOURCE = 8L << 20;

    private record Charge(String source, int bytes) {
    }

    private final Map<Hash, Charge> charges = new HashMap<>();
    private final Map<String, long[]> shares = new HashMap<>();
    private long bytes;

    /** Charges a block kept off the best chain to its sender; false when its share (or the whole) is full. */
    boolean charge(String source, Hash hash, int size) {
        long[] share = shares.computeIfAbsent(source, k -> new long[2]);
        if (charges.size() >= MAX_SIDE_BLOCKS || bytes + size > MAX_SIDE_BYTES
                || share[0] >= MAX_SIDE_BLOCKS_PER_SOURCE || share[1] + size > MAX_SIDE_BYTES_PER_SOURCE) {
            if (share[0] == 0) {
                shares.remove(source);
            }
            return false;
        }
        share[0]++;
        share[1] += size;
        bytes += size;
        charges.put(hash, new Charge(source, size));
        return true;
    }

    /** A charged block joined the best chain: it no longer counts against its sender. */
    void release(Hash hash) {
        Charge c = charges.remove(hash);
        if (c == null) {
            return;
        }
        bytes -= c.bytes();
        long[] share = shares.get(c.source());
        share[0]--;
        share[1] -= c.bytes();
        if (share[0] == 0) {
            shares.remove(c.source());
        }
    }

    /** The blocks charged to {@code source} and their encoded bytes. */
    long[] share(String source) {
        long[] share = shares.get(source);
        return share == null ? new long[2] : share.clone();
    }
}
