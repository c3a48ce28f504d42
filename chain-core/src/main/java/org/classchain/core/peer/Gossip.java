package org.classchain.core.peer;

import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.classchain.Block;
import org.classchain.Hash;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.chain.ChainState;
import org.classchain.core.validation.Rule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blocks announced by neighbours and relayed to them ({@code POST /api/v1/blocks}, DESIGN section
 * 7): an announced block is validated and stored through the {@link BlockIntake}, and each block
 * added (announced or mined here) is sent on once (dedupe by hash). A
 * sender whose blocks keep failing, or who sends blocks no honest peer sends, is charged
 * ({@link Penalties}) until it is disconnected for a while. An announcement whose parent is unknown
 * goes to the {@link CatchUp}, which fetches it only from a sender this peer verified. A block mined
 * here is pushed to every verified peer at once (at most {@value Message.BlockAnnouncement#MAX_PUSHED}),
 * and an announcement names whom its block is being sent to, so that it is not relayed to them again
 * ({@link #announce}). Gossip only
 * validates and forwards what arrives; catching up is apart.
 * Thread-safe.
 */
final class Gossip {

    /** Accepts blocks into the chain: {@link BlockIntake#accept}. */
    @FunctionalInterface
    interface Intake {
        ChainState.Result accept(List<Block> blocks, ChainState.Source source, String from, boolean relay,
                                 List<String> pushedTo);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Gossip.class);

    private final Transport transport;
    private final PeerDirectory directory;
    private final Penalties penalties;
    private final Supplier<ChainState> chain;
    private final Intake intake;
    private final CatchUp catchUp;
    private final HeadCheck headCheck;
    private final String name;
    private final BoundedCache<Hash, Boolean> relayed = BoundedCache.ofSize(50_000);

    /**
     * @param catchUp fetches the parent of an announced block, from a sender this peer verified
     * @param headCheck compares heads at the next tick when an announced block's parent is unknown
     */
    Gossip(Transport transport, PeerDirectory directory, Penalties penalties, Supplier<ChainState> chain, Intake intake,
           CatchUp catchUp, HeadCheck headCheck, String name) {
        this.transport = transport;
        this.directory = directory;
        this.penalties = penalties;
        this.chain = chain;
        this.intake = intake;
        this.catchUp = catchUp;
        this.headCheck = headCheck;
        this.name = name;
    }

    /** Answers a block announced by {@code from}. */
    Message onBlock(Message.BlockAnnouncement a, String from) {
        Block b = a.block();
        if (a.senderAddress() != null) {
            directory.seen(a.senderAddress());
        }
        if (knows(b.hash()) || chain.get().contains(b.hash())) {
            return new Message.Ack("known");
        }
        String sender = Penalties.key(from, a.senderAddress());
        ChainState.Result r = intake.accept(List.of(b), new ChainState.Source(sender, false), a.senderAddress(), true,
                a.pushedTo());
        switch (r.status()) {
            case COPY:
            case OVER_SHARE:
            case NOT_KEPT:
                // no honest peer sends these but by a rare race: cheap to refuse, and they count
                LOG.info("peer {}: not kept: block #{} {} from {}: {}", name, b.height(), b.hash().shortHex(),
                        a.senderAddress(), r.reason());
                charge(sender, a.senderAddress(), "blocks it may not");
                return r.status() == ChainState.Status.COPY ? Message.Rejected.of(409, r.reason())
                        : r.status() == ChainState.Status.NOT_KEPT ? Message.Rejected.of(422, r.reason())
                        : new Message.Rejected(429, r.reason(), 60);
            case INVALID:
                LOG.info("peer {}: rejected block #{} {} from {}: {}", name, b.height(), b.hash().shortHex(),
                        a.senderAddress(), r.reason());
                if (r.rule() != Rule.TIMESTAMP) {
                    charge(sender, a.senderAddress(), "invalid blocks");
                }
                return Message.Rejected.of(422, r.reason());
            case ORPHAN:
                headCheck.activity(); // and compare heads with a neighbour at the next tick
                return catchUp.onOrphan(a.senderAddress());
            default:
                return new Message.Ack("added");
        }
    }

    /**
     * Whether this block was added here and relayed lately: a look that does not wait for the
     * chain's lock, which a block being validated holds. False says nothing.
     */
    boolean knows(Hash hash) {
        return relayed.get(hash) != null;
    }

    /** Counts a block {@code sender} should not have sent; disconnects it when it keeps doing so. */
    private void charge(String sender, String address, String what) {
        if (penalties.invalidBlock(sender)) {
            LOG.warn("peer {}: {} keeps sending {}; disconnected for {}", name, address, what, Penalties.BAN);
            directory.ban(address);
        }
    }

    /**
     * Sends a block added here on, once: a block produced here to its neighbours and the other
     * verified peers, {@value Message.BlockAnnouncement#MAX_PUSHED} addresses in all with its own
     * (each computer of a room in one hop); an announced block to the neighbours that neither
     * {@code except} nor the announcement's {@code pushedTo} names. The announcement sent names this
     * peer, its targets, {@code except} and then {@code pushedTo}, as far as the list has room, so
     * that its receivers send it to nobody already sent it. The sends are issued together: none
     * waits for another's reply.
     *
     * @param except the address the block came from, or null
     * @param pushedTo the addresses its announcement said were sent it (none for a block produced here)
     * @param producedHere whether this peer mined the block
     */
    void announce(Block b, String except, List<String> pushedTo, boolean producedHere) {
        if (relayed.putIfAbsent(b.hash(), Boolean.TRUE) != null) {
            return;
        }
        String self = transport.localAddress();
        Set<String> skip = new HashSet<>(pushedTo);
        skip.add(self);
        if (except != null) {
            skip.add(except);
        }
        List<String> targets = (producedHere ? directory.pushTargets(Message.BlockAnnouncement.MAX_PUSHED - 1)
                : directory.neighbours()).stream().filter(n -> !skip.contains(n)).toList();
        if (targets.isEmpty()) {
            return;
        }
        Set<String> named = new LinkedHashSet<>();
        named.add(self);
        named.addAll(targets);
        if (except != null) {
            named.add(except);
        }
        named.addAll(pushedTo);
        List<String> list = List.copyOf(named).subList(0, Math.min(named.size(), Message.BlockAnnouncement.MAX_PUSHED));
        Message.BlockAnnouncement msg = new Message.BlockAnnouncement(b, self, list);
        for (String n : targets) {
            transport.send(n, msg).whenComplete((reply, err) -> {
                if (err != null) {
                    directory.failed(n);
                } else {
                    directory.seen(n);
                }
            });
        }
    }
}
