package org.classchain.core.chain;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.stream.Collectors;
import org.classchain.Block;
import org.classchain.Hash;

/**
 * The blocks a {@link ChainState} keeps aside (DESIGN section 3, "A granted batch occupies one
 * block; cheap checks first"): orphans waiting for their parent, and copies of granted blocks
 * waiting for a branch with more work. Bounded in blocks and bytes, with a share per sender; when
 * it is full the oldest go, and blocks far below the head are let go. Not thread-safe: the chain
 * state that holds it guards it.
 */
final class AsidePool {

    /** At most this many blocks and bytes aside, of which one source holds a share. */
    static final int MAX_ORPHANS = 256;
    static final long MAX_ORPHAN_BYTES = 8L << 20;
    static final int MAX_ORPHANS_PER_SOURCE = 32;
    static final long MAX_ORPHAN_BYTES_PER_SOURCE = 2L << 20;
    /** The number of blocks past the head's height below which a block kept aside is let go. */
    static final int STALE_DEPTH = 64;

    /** A block kept aside, with who sent it and its encoded size. */
    record Kept(Block block, String source, int bytes) {
    }

    private final ToIntFunction<Block> sizeOf;
    private final String local;
    private final Map<Hash, Kept> kept = new LinkedHashMap<>();
    private long bytes;

    /**
     * @param sizeOf a block's encoded size
     * @param local the source of the blocks this peer made itself, which have no share to keep to
     */
    AsidePool(ToIntFunction<Block> sizeOf, String local) {
        this.sizeOf = sizeOf;
        this.local = local;
    }

    boolean contains(Hash hash) {
        return kept.containsKey(hash);
    }

    /** The block kept aside with this hash, or null. */
    Kept get(Hash hash) {
        return kept.get(hash);
    }

    /** Takes this block out of the pool; null when it is not there. */
    Kept take(Hash hash) {
        Kept k = kept.remove(hash);
        if (k != null) {
            bytes -= k.bytes();
        }
        return k;
    }

    /** Takes out the blocks whose parent is {@code parent}, in the order they came. */
    List<Kept> takeChildrenOf(Hash parent) {
        List<Kept> children = new ArrayList<>();
        for (Iterator<Kept> it = kept.values().iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (k.block().previousHash().equals(parent)) {
                children.add(k);
                it.remove();
                bytes -= k.bytes();
            }
        }
        return children;
    }

    /** Lets go the blocks more than {@link #STALE_DEPTH} below a head at {@code headHeight}. */
    void dropStale(long headHeight) {
        long stale = headHeight - STALE_DEPTH;
        for (Iterator<Kept> it = kept.values().iterator(); it.hasNext(); ) {
            Kept k = it.next();
            if (k.block().height() < stale) {
                bytes -= k.bytes();
                it.remove();
            }
        }
    }

    /** Whether {@code source} has a block of this grant aside already (one per grant per sender). */
    boolean holdsGrant(String source, UUID grantId) {
        return kept.values().stream().anyMatch(k -> k.source().equals(source)
                && k.block().payload().grant().grantId().equals(grantId));
    }

    /** Puts a block aside within its source's share (the oldest go when the pool is full); false past the share. */
    boolean put(Block b, String source) {
        int size = sizeOf.applyAsInt(b);
        if (!source.equals(local)) {
            int count = 0;
            long held = 0;
            for (Kept k : kept.values()) {
                if (k.source().equals(source)) {
                    count++;
                    held += k.bytes();
                }
            }
            if (count >= MAX_ORPHANS_PER_SOURCE || held + size > MAX_ORPHAN_BYTES_PER_SOURCE) {
                return false;
            }
        }
        kept.put(b.hash(), new Kept(b, source, size));
        bytes += size;
        // the pool is full: the oldest go (the catch-up fetches what they were waiting for anyway)
        for (Iterator<Kept> it = kept.values().iterator(); it.hasNext()
                && (kept.size() > MAX_ORPHANS || bytes > MAX_ORPHAN_BYTES); ) {
            bytes -= it.next().bytes();
            it.remove();
        }
        return true;
    }

    /** The longest run of blocks kept aside that chains onto {@code b}. */
    int depthOn(Hash b) {
        int deepest = 0;
        for (Kept k : kept.values()) {
            if (k.block().previousHash().equals(b)) {
                deepest = Math.max(deepest, 1 + depthOn(k.block().hash()));
            }
        }
        return deepest;
    }

    /** The parents of blocks kept aside that are neither {@code known} nor aside: what to fetch. */
    Set<Hash> missingParents(Predicate<Hash> known) {
        return kept.values().stream().map(k -> k.block().previousHash()).filter(h -> !known.test(h) && !kept.containsKey(h))
                .collect(Collectors.toSet());
    }

    int count() {
        return kept.size();
    }

    long bytes() {
        return bytes;
    }
}
