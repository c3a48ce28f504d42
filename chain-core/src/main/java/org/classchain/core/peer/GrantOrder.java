package org.classchain.core.peer;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.classchain.Grant;
import org.classchain.core.auth.GrantSequence;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.chain.ChainState;

/**
 * A host's place in the chain's sequence of grants. The next grant follows this host's last grant
 * while the grants it issued since the best chain's head are still to be mined on it (a teacher
 * clicking twice before the first block is mined), else the head's grant. When another host's
 * grants took the place of ours (a partition), ours are granted again at the end by
 * {@link BlockProducer}. Thread-safe.
 */
final class GrantOrder implements GrantSequence {

    private static final int MAX_REMEMBERED = 10_000;

    private final Supplier<ChainState> chain;
    private final Map<UUID, Grant> issued = new LinkedHashMap<>();
    private final BoundedCache<UUID, Boolean> lost = BoundedCache.ofSize(MAX_REMEMBERED);
    private UUID tip;

    GrantOrder(Supplier<ChainState> chain) {
        this.chain = chain;
    }

    @Override
    public synchronized UUID next() {
        ChainState c = chain.get();
        UUID head = c.headGrantId();
        // follow our own grants back from the last one: do they lead to the head, unmined?
        java.util.ArrayDeque<UUID> path = new java.util.ArrayDeque<>();
        for (UUID r = tip; r != null; ) {
            if (r.equals(head)) {
                // the newest of them below the first that lost its place (a grant that follows a
                // grant that can never be mined could never be mined either)
                UUID follow = head;
                for (UUID g : path) {
                    if (lost.get(g) != null) {
                        break;
                    }
                    follow = g;
                }
                return follow;
            }
            Grant g = issued.get(r);
            if (g == null || c.heightOfGrant(r).isPresent()) {
                break; // on the best chain below the head, or forgotten: another grant came since
            }
            path.addFirst(r);
            r = g.previousGrantId();
        }
        return head;
    }

    /**
     * A grant of ours lost its place for good (another host's grants took it, or its block was
     * refused where it belongs: its commands were already on the chain): no grant follows it again.
     */
    synchronized void lostPlace(UUID grantId) {
        lost.put(grantId, Boolean.TRUE);
    }

    @Override
    public synchronized void issued(Grant grant) {
        tip = grant.grantId();
        issued.put(grant.grantId(), grant);
        if (issued.size() > MAX_REMEMBERED) {
            Iterator<UUID> eldest = issued.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }
}
