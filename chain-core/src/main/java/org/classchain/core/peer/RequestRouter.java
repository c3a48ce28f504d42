package org.classchain.core.peer;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.classchain.spi.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer answers to each request: one row per message type, mapping it to its handler,
 * behind the penalty gate ({@link Penalties}: a sender disconnected for invalid blocks is refused
 * its announcements before any work, auth relays are rate-limited per sender).
 *
 * <p>Rows are added as the parts they call come to exist while the peer starts; until the last
 * one is, a request without a row is refused for now (503, with why); after {@link #open()} it is
 * refused for good (400). A handler that throws gets 500; {@link #handle} never throws.
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

    /** @param name the peer's name in log lines, once it has one */
    RequestRouter(Penalties penalties, Supplier<String> name) {
        this.penalties = penalties;
        this.name = name;
    }

    static CompletableFuture<Message> done(Message m) {
        return CompletableFuture.completedFuture(m);
    }

    /** Adds the row of {@code type}. */
    @SuppressWarnings("unchecked")
    <M extends Message> RequestRouter route(Class<M> type, Handler<? super M> handler) {
        routes.put(type, (m, from) -> ((Handler<M>) handler).handle((M) m, from));
        return this;
    }

    /** Adds the row of {@code type}, whose handler answers at once. */
    <M extends Message> RequestRouter answer(Class<M> type, Answer<? super M> answer) {
        return route(type, (m, from) -> done(answer.answer(m, from)));
    }

    /** Why requests without a row (yet) are refused for now (503). */
    void starting(String why) {
        starting = why;
    }

    /** Every row is there: a request without one is refused for good (400). */
    void open() {
        starting = null;
    }

    /** The reply to {@code request}; a refusal is a {@link Message.Rejected}. Never throws. */
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
