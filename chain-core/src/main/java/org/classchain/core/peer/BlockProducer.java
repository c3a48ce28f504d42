package org.classchain.core.peer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.function.Predicate;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Payload;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.chain.ChainState;
import org.classchain.core.exec.Lane;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.mining.Miner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mines granted batches into blocks, one batch per block, on the current head. A search is
 * cancelled when the head moves and restarted on the new head unless the batch arrived in the
 * meantime (mined by someone else). Batches this peer mined or granted are remembered, so that
 * when their block drops out of the best chain they are mined again: an accepted command is
 * never lost. Mines on its {@link Lane} (a thread of its own, or a share of a pool), only while
 * there is a batch to mine; thread-safe.
 */
final class BlockProducer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BlockProducer.class);
    private static final int MAX_OWNED = 10_000;

    private final ChainState chain;
    private final BlockCodec codec;
    private final java.time.Clock clock;
    private final Random random;
    private final Predicate<Block> onMined;
    private final Lane lane;
    private final Runnable wake; // queues a run of the mining loop unless one is queued already
    private final Miner miner = new Miner();
    private final Deque<Payload> pending = new ArrayDeque<>();
    private final Map<UUID, Owned> owned = new LinkedHashMap<>();

    private record Owned(Payload payload, long sinceMillis) {
    }
    private volatile long headVersion;
    private volatile boolean started;
    private volatile boolean closed;

    BlockProducer(ChainState chain, BlockCodec codec, java.time.Clock clock, Random random, Predicate<Block> onMined,
                  String name) {
        this(chain, codec, clock, random, onMined, PeerThreads.dedicated().lane("miner", name, false));
    }

    /** Mines on {@code lane}, which it closes on {@link #close()}. */
    BlockProducer(ChainState chain, BlockCodec codec, java.time.Clock clock, Random random, Predicate<Block> onMined,
                  Lane lane) {
        this.chain = chain;
        this.codec = codec;
        this.clock = clock;
        this.random = random;
        this.onMined = onMined;
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

    /** The head moved: cancel the running search. */
    void headChanged() {
        headVersion++;
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
     * on a side branch.
     */
    synchronized void sweep(long graceMillis) {
        long now = clock.millis();
        for (Owned o : owned.values()) {
            UUID id = o.payload().grant().grantId();
            if (now - o.sinceMillis() < graceMillis || pending.contains(o.payload())
                    || chain.heightOfGrant(id).isPresent()) {
                continue;
            }
            LOG.info("batch {} is not on the best chain after {} ms; mining it here", id, now - o.sinceMillis());
            pending.add(o.payload());
        }
        if (!pending.isEmpty()) {
            kick(); // also restarts mining that a failure stopped with batches still queued
        }
    }

    synchronized int pendingCount() {
        return pending.size();
    }

    /** The first queued batch that is not on the chain yet, or null. */
    private synchronized Payload next() {
        for (Iterator<Payload> it = pending.iterator(); it.hasNext(); ) {
            Payload p = it.next();
            if (chain.heightOfGrant(p.grant().grantId()).isPresent()) {
                it.remove();
            } else {
                return p;
            }
        }
        return null;
    }

    /** Mines the queued batches one after the other until none is left. */
    private void run() {
        while (!closed) {
            Payload p = next();
            if (p == null) {
                return;
            }
            long version = headVersion;
            Block head = chain.head();
            if (chain.heightOfGrant(p.grant().grantId()).isPresent()) {
                continue;
            }
            BlockHeader template = new BlockHeader(BlockHeader.CURRENT_VERSION, head.height() + 1, head.hash(),
                    Math.max(clock.millis(), head.header().timestampMillis()), codec.payloadHash(p),
                    head.header().difficultyBits(), random.nextLong());
            Optional<BlockHeader> mined = miner.mine(template, () -> closed || headVersion != version);
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
                synchronized (this) {
                    owned.remove(p.grant().grantId());
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true; // the search in progress stops at its next check
        lane.close();
    }
}
