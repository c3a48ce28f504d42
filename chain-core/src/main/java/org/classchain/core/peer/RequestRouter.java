package org.classchain.core.peer;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.classchain.CommandReport;
import org.classchain.Hash;
import org.classchain.ModuleInfo;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.core.chain.ChainState;
import org.classchain.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer answers to each request: the table of its rows, one per message type, each mapping
 * it to the part of the peer that handles it, behind the penalty gate ({@link Penalties}: a sender
 * disconnected for invalid blocks is refused its announcements before any work, auth relays are
 * rate-limited per sender).
 *
 * <p>Rows open in three steps as the parts they call come to exist while the peer starts:
 * handshakes first (a seed calls this peer back while it joins), then what needs the chain, then
 * what needs accounts. Until the last step a request without a row is refused for now (503, with
 * why); after it, for good (400). A handler that throws gets 500; {@link #handle} never throws.
 * Thread-safe.
 */
final class RequestRouter {

    /** Answers one request of type {@code M}. */
    @FunctionalInterface
    interface Handler<M extends Message> {
        /**
         * The reply.
         *
         * @param from the caller's address, as the transport knows it
         */
        CompletableFuture<Message> handle(M request, String from);
    }

    /** Answers one request of type {@code M} at once. */
    @FunctionalInterface
    interface Answer<M extends Message> {
        /** The reply. */
        Message answer(M request, String from);
    }

    private static final Logger LOG = LoggerFactory.getLogger(RequestRouter.class);

    private final Penalties penalties;
    private final Supplier<String> name;
    private final Map<Class<?>, Handler<Message>> routes = new ConcurrentHashMap<>();
    /** Why a request without a row is refused for now; null once every row is there. */
    private volatile String starting = "this peer is starting";
    /** Answers whether a block is known, once the peer holds a chain. */
    private volatile Gossip gossip;

    /** @param name the peer's name in log lines, once it has one */
    RequestRouter(Penalties penalties, Supplier<String> name) {
        this.penalties = penalties;
        this.name = name;
    }

    static CompletableFuture<Message> done(Message m) {
        return CompletableFuture.completedFuture(m);
    }

    /**
     * What the peer shows of itself.
     *
     * @param status {@code GET /status}
     * @param report what this peer knows of a command
     * @param modules the command modules, as this peer's policy takes them
     * @param peers this peer and the peers it verified
     */
    record Views(Supplier<PeerStatus> status, Function<UUID, CommandReport> report, Supplier<List<ModuleInfo>> modules,
                 Supplier<List<PeerInfo>> peers) {
    }

    /** The first row: handshakes, answered while the peer joins its chain. */
    void openHandshakes(Handshakes handshakes) {
        route(Message.Hello.class, handshakes::onHello);
        starting = "this peer has not joined a chain yet";
    }

    /** The rows of the requests a peer answers once it holds a chain. */
    void openChain(ChainState chain, Gossip gossip, ReceiptCourier courier, Views views) {
        this.gossip = gossip;
        answer(Message.BlockAnnouncement.class, gossip::onBlock);
        answer(Message.GetBlocks.class, (g, from) -> g.from() < 0 || g.limit() < 1
                ? Message.Rejected.of(400, "from must be >= 0 and limit >= 1")
                : new Message.Blocks(chain.range(g.from(), Math.min(g.limit(), 1000))));
        answer(Message.GetBlock.class, (g, from) -> new Message.Blocks(chain.block(g.hash()).stream().toList()));
        answer(Message.GetHead.class, (g, from) -> new Message.HeadReply(chain.headInfo()));
        answer(Message.Receipts.class, (r, from) -> courier.onReceipts(r));
        answer(Message.GetStatus.class, (g, from) -> new Message.StatusReply(views.status().get()));
        answer(Message.GetCommand.class, (c, from) -> new Message.CommandReply(views.report().apply(c.id())));
        answer(Message.GetModules.class, (g, from) -> new Message.ModulesReply(views.modules().get()));
        answer(Message.GetPeers.class, (g, from) -> new Message.PeersReply(views.peers().get()));
        starting = "this peer is still starting";
    }

    /**
     * The rows of the requests that need accounts: sign-ins and what rides on them, registrations,
     * transfers, and the teacher's screens (a view token or a teacher host's signature).
     */
    void openAccounts(AuthRouter auth, AccountHosting hosting, Accounts accounts, BackupHosts backups,
                      Screens screens) {
        route(Message.AuthStart.class, auth::route);
        route(Message.AuthFinish.class, auth::route);
        route(Message.GrantRequest.class, auth::route);
        route(Message.EnrollRequest.class, auth::route);
        route(Message.LoginRequest.class, auth::login);
        route(Message.LogoutRequest.class, auth::route);
        route(Message.SubmitBatch.class, auth::submit);
        route(Message.AuthRelay.class, auth::onRelay);
        answer(Message.ViewCheck.class, (v, from) -> hosting.onViewCheck(v));
        route(Message.GetScreen.class, screens::onGetScreen);
        route(Message.ScreenRequest.class, screens::onScreenRequest);
        answer(Message.CredentialRequest.class, (r, from) -> backups.onCredentialRequest(r));
        answer(Message.RegisterAccount.class, accounts::onRegister);
        answer(Message.GetAccounts.class, (g, from) -> accounts.list());
        starting = null;
    }

    /** Adds the row of {@code type}. */
    @SuppressWarnings("unchecked")
    private <M extends Message> void route(Class<M> type, Handler<? super M> handler) {
        routes.put(type, (m, from) -> ((Handler<M>) handler).handle((M) m, from));
    }

    /** Adds the row of {@code type}, whose handler answers at once. */
    private <M extends Message> void answer(Class<M> type, Answer<? super M> answer) {
        route(type, (m, from) -> done(answer.answer(m, from)));
    }

    /** The reply to {@code request}; a refusal is a {@link Message.Rejected}. Never throws. */
    /** Whether a block was added here lately, without the chain's lock: {@link MessageHandler#knowsBlock}. */
    boolean knowsBlock(Hash hash) {
        Gossip g = gossip;
        return g != null && g.knows(hash);
    }

    CompletableFuture<Message> handle(String from, Message request) {
        try {
            Handler<Message> handler = routes.get(request.getClass());
            if (handler == null) {
                String why = starting;
                return done(why != null ? Message.Rejected.of(503, why) : Message.Rejected.of(400,
                        "a peer does not accept " + request.getClass().getSimpleName() + " as a request"));
            }
            Message refused = penaltyGate(from, request);
            return refused != null ? done(refused) : handler.handle(request, from);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: request {} failed: {}", name.get(), request.getClass().getSimpleName(), e.toString());
            return done(Message.Rejected.of(500, "internal error"));
        }
    }

    /** The refusal of a request from a sender that is disconnected or relays too fast, or null. */
    private Message penaltyGate(String from, Message request) {
        if (request instanceof Message.BlockAnnouncement a && penalties.banned(Penalties.key(from, a.senderAddress()))) {
            return Message.Rejected.of(403, "disconnected for a while: this peer sent invalid blocks");
        }
        if (request instanceof Message.AuthRelay && !penalties.relayAllowed(Penalties.key(from, null))) {
            return new Message.Rejected(429, "too many relays from this peer", 1);
        }
        return null;
    }
}
