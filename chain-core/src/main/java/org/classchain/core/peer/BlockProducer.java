package org.classchain.core.peer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Predicate;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Grant;
import org.classchain.Payload;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.chain.ChainState;
import org.classchain.core.exec.Lane;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.mining.Miner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mines granted batches into blocks, one batch per block, each on the block whose grant its grant
 * follows (see {@link org.classchain.Grant#previousGrantId()}): batches granted in a row are mined
 * in that order as their predecessors arrive. A search is cancelled when the head moves and
 * restarted on the new head unless the batch arrived in the meantime (mined by someone else).
 * Batches this peer mined or granted are remembered, so that when their block drops out of the
 * best chain they are mined again; a batch whose place another host's grants took for good is
 * granted again at the end of the chain by its host ({@code regrant}): an accepted command is
 * never lost. Mines on its {@link Lane} (a thread of its own, or a share of a pool), only while
 * there is a batch to mine; thread-safe.
 */
final class BlockProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlockProducer.class);
    private static final int MAX_OWNED = 10_000;
    /** A relayed batch still waiting for the grant it follows after this many graces is let go. */
    static final int ABANDON_AFTER_GRACES = 30;

    private final ChainState chain;
    private final BlockCodec codec;
    private final java.time.Clock clock;
    private final Predicate<Block> onMined;
    private final Regrants regrant;
    private final Lane lane;
    private final Runnable wake; // queues a run of the mining loop unless one is queued already
    private final Miner miner = new Miner();
    /** Miners of the helper threads, one each; empty when this peer mines on one thread. */
    private final Miner[] helpers;
    /** Where the helpers run (null without helpers); shut down on {@link #close()}. */
    private final java.util.concurrent.ExecutorService helperPool;
    private final Deque<Payload> pending = new ArrayDeque<>();
    private final Map<UUID, Owned> owned = new LinkedHashMap<>();
    private final BoundedCache<UUID, Boolean> displacedIds = BoundedCache.ofSize(MAX_OWNED);

    private record Owned(Payload payload, long sinceMillis) {
    }

    /** What a host does for the batches it granted whose place other grants took. */
    interface Regrants {
        /** A peer that grants nothing. */
        Regrants NONE = new Regrants() {
            @Override
            public boolean grantedHere(Grant grant) {
                return false;
            }

            @Override
            public Optional<Payload> regrant(Payload batch) {
                return Optional.empty();
            }
        };

        /** Whether this peer issued {@code grant}. */
        boolean grantedHere(Grant grant);

        /** The batch granted again at the end of the chain; empty when it is not ours or nothing is left of it. */
        Optional<Payload> regrant(Payload batch);

        /**
         * A batch granted here was refused where it belongs. No grant follows it any more; the
         * commands it has that are not on the chain are granted again when some of its commands are
         * (a client retried them), else (refused for another reason) nothing is granted again.
         */
        default Optional<Payload> refused(Payload batch) {
            return Optional.empty();
        }
    }
    private volatile long headVersion;
    private volatile boolean started;
    private volatile boolean closed;

    BlockProducer(ChainState chain, BlockCodec codec, java.time.Clock clock, Predicate<Block> onMined,
                  String name) {
        this(chain, codec, clock, onMined, Regrants.NONE, PeerThreads.dedicated().lane("miner", name, false));
    }

    /**
     * Mines on {@code lane}, which it closes on {@link #close()}.
     *
     * @param regrant grants again at the end of the chain the batches this peer granted
     */
    BlockProducer(ChainState chain, BlockCodec codec, java.time.Clock clock, Predicate<Block> onMined,
                  Regrants regrant, Lane lane) {
        this(chain, codec, clock, onMined, regrant, lane, null, 0);
    }

    /**
     * Mines on {@code lane} and, when {@code helperPool} is given, on {@code helperCount} more
     * threads of it at once (the same block: the lowest winning nonce, {@link Miner}); closes both
     * on {@link #close()}.
     *
     * @param regrant grants again at the end of the chain the batches this peer granted
     */
    BlockProducer(ChainState chain, BlockCodec codec, java.time.Clock clock, Predicate<Block> onMined,
                  Regrants regrant, Lane lane, java.util.concurrent.ExecutorService helperPool, int helperCount) {
        this.helperPool = helperPool;
        this.helpers = new Miner[helperPool == null ? 0 : helperCount];
        for (int i = 0; i < helpers.length; i++) {
            helpers[i] = new Miner();
        }
        this.chain = chain;
        this.codec = codec;
        this.clock = clock;
        this.onMined = onMined;
        this.regrant = regrant;
        this.lane = lane;
        this.wake = lane.coalescing(this::run);
    }

    void start() {
        started = true;
        kick();
    }

    /** Makes sure a run of the mining loop is queued or running. */
    private void kick() {
        if (started && !closed) {
            wake.run();
        }
    }

    /** Queues a granted batch for mining and remembers it as ours. */
    synchronized void enqueue(Payload payload) {
        remember(payload);
        if (pending.stream().noneMatch(p -> p.grant().grantId().equals(payload.grant().grantId()))) {
            pending.add(payload);
        }
        kick();
    }

    /** Remembers a batch this peer granted without queueing it (the relaying peer mines it). */
    synchronized void remember(Payload payload) {
        owned.putIfAbsent(payload.grant().grantId(), new Owned(payload, clock.millis()));
        if (owned.size() > MAX_OWNED) {
            Iterator<UUID> it = owned.keySet().iterator();
            it.next();
            it.remove();
        }
    }

    /** Whether this batch was granted or mined here. */
    synchronized Optional<Payload> owned(UUID grantId) {
        return Optional.ofNullable(owned.get(grantId)).map(Owned::payload);
    }

    /** The head moved: cancel the running search, and mine what now goes on the new head. */
    void headChanged() {
        headVersion++;
        synchronized (this) {
            if (!pending.isEmpty()) {
                kick();
            }
        }
    }

    /** Blocks left the best chain: queue again those of their batches that are ours. */
    synchronized void detached(Block block) {
        Payload p = block.payload();
        if (p.grant() != null && owned.containsKey(p.grant().grantId())) {
            LOG.info("re-queueing batch {} ({} commands) from block #{} that left the best chain",
                    p.grant().grantId(), p.commands().size(), block.height());
            if (!pending.contains(p)) {
                pending.addFirst(p);
            }
            kick();
        }
    }

    /**
     * Queues again every batch of ours older than {@code graceMillis} that is neither on the best
     * chain nor queued: a relay that dropped a batch we granted, or a block of ours that lost a race
     * on a side branch. A batch whose place is taken for good is granted again by its host, and
     * forgotten by a peer that only relayed it (its host grants it again).
     */
    void sweep(long graceMillis) {
        long now = clock.millis();
        List<Owned> displaced = new ArrayList<>();
        synchronized (this) {
            Block head = chain.head();
            for (Iterator<Owned> it = owned.values().iterator(); it.hasNext(); ) {
                Owned o = it.next();
                UUID id = o.payload().grant().grantId();
                if (now - o.sinceMillis() < graceMillis || chain.heightOfGrant(id).isPresent()) {
                    continue;
                }
                if (displaced(o.payload(), head)) {
                    displacedIds.put(id, Boolean.TRUE); // and so are the grants that follow it
                    displaced.add(o);
                } else if (minable(o.payload(), head)) {
                    if (!pending.contains(o.payload())) {
                        LOG.info("batch {} is not on the best chain after {} ms; mining it here", id,
                                now - o.sinceMillis());
                        pending.add(o.payload());
                    }
                } else if (now - o.sinceMillis() > graceMillis * ABANDON_AFTER_GRACES
                        && !regrant.grantedHere(o.payload().grant())) {
                    // waiting on a grant that never came: a relay lets go; its host grants it again
                    it.remove();
                    pending.remove(o.payload());
                }
            }
        }
        for (Owned o : displaced) { // in the order they were granted, so that they are granted again in it
            Payload old = o.payload();
            Optional<Payload> again = regrant.regrant(old);
            synchronized (this) {
                owned.remove(old.grant().grantId());
                pending.remove(old);
            }
            if (again.isPresent()) {
                LOG.info("batch {} lost its place to other grants; granted again as {}", old.grant().grantId(),
                        again.get().grant().grantId());
                enqueue(again.get());
            }
        }
        synchronized (this) {
            if (!pending.isEmpty()) {
                kick(); // also restarts mining that a failure stopped with batches still queued
            }
        }
    }

    /** Whether this batch can be mined on {@code head} now: its grant follows the head's. */
    private static boolean minable(Payload p, Block head) {
        Grant before = head.payload().grant();
        if (p.grant().isLegacy()) {
            return before == null || before.isLegacy();
        }
        return p.grant().previousGrantId().equals(before == null ? Grant.FIRST : before.grantId());
    }

    /**
     * Whether the place of this batch (not on the best chain) is taken for good: the grant it follows
     * is on the best chain below the head, or lost its own place, or it names none after ordered grants.
     */
    private boolean displaced(Payload p, Block head) {
        Grant g = p.grant();
        if (minable(p, head)) {
            return false;
        }
        if (g.isLegacy()) {
            return true;
        }
        return Grant.FIRST.equals(g.previousGrantId()) || chain.heightOfGrant(g.previousGrantId()).isPresent()
                || displacedIds.get(g.previousGrantId()) != null;
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /**
     * The first queued batch that is not on the chain yet and goes on {@code head}, or null. Batches
     * that follow a grant still to come stay queued for when it arrives.
     */
    private synchronized Payload next(Block head) {
        for (Iterator<Payload> it = pending.iterator(); it.hasNext(); ) {
            Payload p = it.next();
            if (chain.heightOfGrant(p.grant().grantId()).isPresent()) {
                it.remove();
            } else if (minable(p, head)) {
                return p;
            }
        }
        return null;
    }

    /** Mines the queued batches one after the other until none is left. */
    private void run() {
        while (!closed) {
            long version = headVersion;
            Block head = chain.head();
            Payload p = next(head);
            if (p == null) {
                return; // nothing to mine on this head: a new head wakes the producer again
            }
            // The header is fixed by the grant and the parent: stamped with the grant's time (unless this
            // clock is behind it) and searched from nonce 0, so that every honest peer that mines a batch
            // (its relay, its host after the grace, a client's retry through another relay) mines the
            // same block, and no two honest copies of one grant split the room until the next block.
            long stamp = Math.max(head.header().timestampMillis(),
                    Math.min(p.grant().issuedAt().toEpochMilli(), clock.millis()));
            BlockHeader template = new BlockHeader(BlockHeader.CURRENT_VERSION, head.height() + 1, head.hash(),
                    stamp, codec.payloadHash(p), head.header().difficultyBits(), 0L);
            Optional<BlockHeader> mined = miner.mine(template, () -> closed || headVersion != version, helpers,
                    helperPool == null ? Runnable::run : helperPool);
            if (mined.isEmpty()) {
                continue;
            }
            Block block = codec.seal(mined.get(), p);
            synchronized (this) {
                pending.remove(p);
            }
            boolean accepted;
            try {
                accepted = onMined.test(block);
            } catch (RuntimeException e) {
                LOG.warn("mined block #{} was not accepted: {}", block.height(), e.toString());
                accepted = false;
            }
            if (!accepted) {
                boolean refused;
                synchronized (this) {
                    refused = chain.head().hash().equals(head.hash());
                    if (refused) {
                        // refused where it belongs: invalid for good (its commands are on the chain
                        // already: a client retried), and the grants that follow it lose their place
                        // with it (their host grants them again)
                        owned.remove(p.grant().grantId());
                        displacedIds.put(p.grant().grantId(), Boolean.TRUE);
                    } else if (!pending.contains(p)) {
                        pending.addFirst(p); // the head moved under the search: the place decides again
                    }
                }
                if (refused && regrant.grantedHere(p.grant())) {
                    // no later grant of this host follows the refused one; what is left of it, if
                    // anything, is granted again at the end
                    regrant.refused(p).ifPresent(again -> {
                        LOG.info("batch {} was refused where it belongs; granted again as {}", p.grant().grantId(),
                                again.grant().grantId());
                        enqueue(again);
                    });
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true; // the search in progress stops at its next check
        lane.close();
        if (helperPool != null) {
            helperPool.shutdownNow(); // a helper's search ends at its next check of closed
            try {
                helperPool.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
