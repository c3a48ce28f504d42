package org.classchain.core.peer;

import java.util.List;
import java.util.function.Supplier;
import org.classchain.Block;
import org.classchain.core.chain.ChainState;
import org.classchain.core.chain.Reorg;
import org.classchain.core.dispatch.Dispatcher;
import org.classchain.core.exec.Lane;
import org.classchain.core.validation.Rule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where blocks enter the chain, whoever brought them (an announcement, a catch-up page, the
 * miner): accepted under one lock, and what follows from each change of the best chain handed on
 * in chain order on the events lane: detached blocks back to the {@link BlockProducer}, attached
 * blocks' commands to the {@link Dispatcher}, every block to the listeners, a new head to the
 * head comparison and the {@link ClockSkew}, and new blocks to {@link Gossip}. Thread-safe.
 */
final class BlockIntake {

    private static final Logger LOG = LoggerFactory.getLogger(BlockIntake.class);

    private final Supplier<ChainState> chain;
    private final Lane events;
    private final PeerListeners listeners;
    private final ClockSkew skew;
    private final Runnable headActivity;
    private final Gossip gossip;
    private final String name;
    private final Supplier<BlockProducer> producer;
    private final Supplier<Dispatcher> dispatcher;
    private final Object lock = new Object();

    /**
     * @param producer the peer's producer, null until it has one
     * @param dispatcher the peer's dispatcher, null until it has one: during the first catch-up of a
     *                   start there is none yet, and the peer hands it the whole chain once it
     *                   exists (the journal skips what ran)
     * @param headActivity told when the head changed: heads are compared at every tick again
     * @param gossip relays the blocks added from an announcement or mined here
     */
    BlockIntake(Supplier<ChainState> chain, Supplier<BlockProducer> producer, Supplier<Dispatcher> dispatcher,
                Lane events, PeerListeners listeners, ClockSkew skew, Runnable headActivity, Gossip gossip, String name) {
        this.chain = chain;
        this.producer = producer;
        this.dispatcher = dispatcher;
        this.events = events;
        this.listeners = listeners;
        this.skew = skew;
        this.headActivity = headActivity;
        this.gossip = gossip;
        this.name = name;
    }

    /**
     * Accepts blocks under the lock and queues their consequences, in chain order.
     *
     * @param from the address the blocks came from, not relayed back to; null for none
     * @param relay whether the blocks added are relayed (an announcement, a block mined here), and
     *              the new head judges the clock
     */
    ChainState.Result accept(List<Block> blocks, ChainState.Source source, String from, boolean relay) {
        return accept(blocks, source, from, relay, List.of());
    }

    /**
     * As {@link #accept(List, ChainState.Source, String, boolean)}, for an announcement that names the
     * peers its sender sends the block to: they are not relayed it ({@link Gossip#announce}).
     *
     * @param pushedTo the addresses the announcement named, not relayed to
     */
    ChainState.Result accept(List<Block> blocks, ChainState.Source source, String from, boolean relay,
                             List<String> pushedTo) {
        boolean mined = ChainState.Source.LOCAL.equals(source);
        synchronized (lock) {
            ChainState.Result r = chain.get().acceptAll(blocks, source);
            if (!r.added().isEmpty()) {
                events.execute(() -> afterAccept(r, from, relay, pushedTo, mined));
            }
            return r;
        }
    }

    /** Accepts a block mined here; whether it was added. */
    boolean acceptMined(Block block) {
        ChainState.Result r = accept(List.of(block), ChainState.Source.LOCAL, null, true);
        if (r.status() == ChainState.Status.INVALID) {
            if (r.rule() == Rule.COMMAND || r.rule() == Rule.GRANT_REPLAYED) {
                LOG.info("peer {}: batch {} repeats what the chain already has (a client retried); dropped: {}", name,
                        block.payload().grant().grantId(), r.reason());
            } else {
                LOG.warn("peer {} mined an invalid block, dropping its batch: {}", name, r.reason());
            }
        }
        return r.status() == ChainState.Status.ADDED;
    }

    private void afterAccept(ChainState.Result r, String from, boolean relay, List<String> pushedTo, boolean mined) {
        BlockProducer producer = this.producer.get();
        Dispatcher dispatcher = this.dispatcher.get();
        for (Reorg reorg : r.reorgs()) {
            for (Block b : reorg.detached()) {
                if (producer != null) {
                    producer.detached(b);
                }
                listeners.tell(l -> l.blockDetached(b));
            }
            for (Block b : reorg.attached()) {
                if (relay) {
                    LOG.info("peer {}: block #{} {} with {} command(s){}", name, b.height(), b.hash().shortHex(),
                            b.payload().commands().size(), reorg.detached().isEmpty() ? "" : " (reorg)");
                }
                if (dispatcher != null) {
                    dispatcher.submit(b.payload().commands());
                }
                listeners.tell(l -> l.blockAppended(b));
            }
        }
        if (!r.reorgs().isEmpty()) {
            if (producer != null) {
                producer.headChanged();
            }
            headActivity.run();
            if (relay) {
                List<Block> attached = r.reorgs().get(r.reorgs().size() - 1).attached();
                if (!attached.isEmpty()) {
                    skew.judge(attached.get(attached.size() - 1));
                }
            }
        }
        if (relay) {
            for (Block b : r.added()) {
                gossip.announce(b, from, pushedTo, mined);
            }
        }
    }
}
