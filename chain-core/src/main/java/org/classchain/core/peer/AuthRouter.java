package org.classchain.core.peer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.classchain.Account;
import org.classchain.Command;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.chain.ChainState;
import org.classchain.core.dispatch.Dispatcher;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an auth request goes (DESIGN section 5, "Delegated auth"): a client may send any step of a
 * sign-in, and its MAC'd requests, to any peer; the peer answers it when it hosts the account
 * ({@link AccountHosting}) and relays it to a host otherwise. Round one goes to the account's hosts
 * in turn until one answers; the later steps to the host their session id names
 * ({@link SessionIds}). A relay travels straight to the host when its address is known, else hop
 * by hop through up to three neighbours in turn, at most {@value #RELAY_HOPS} hops; a relay that
 * comes back round a loop is refused (409). Also the two client requests that ride on a sign-in:
 * putting a person on the roster here, and a batch of commands this peer mines once granted.
 * Thread-safe.
 */
final class AuthRouter {

    /** How many hops a relayed sign-in may take. */
    static final int RELAY_HOPS = 6;

    private static final Logger LOG = LoggerFactory.getLogger(AuthRouter.class);

    private final String nodeId;
    private final Transport transport;
    private final PeerDirectory directory;
    private final ChainState chain;
    private final AccountHosting hosting;
    private final BlockProducer producer;
    private final Supplier<ModuleRegistry> modules;
    private final Roster roster;
    private final Random random;
    private final String name;
    private final BoundedCache<UUID, Boolean> relaysSeen = BoundedCache.expiringAfterWrite(50_000, Duration.ofMinutes(10));

    /**
     * @param producer mines the batches of commands granted through this peer
     * @param modules checks those commands' arguments
     * @param roster who is signed in at this peer
     */
    AuthRouter(String nodeId, Transport transport, PeerDirectory directory, ChainState chain, AccountHosting hosting,
               BlockProducer producer, Supplier<ModuleRegistry> modules, Roster roster, Random random,
               String name) {
        this.nodeId = nodeId;
        this.transport = transport;
        this.directory = directory;
        this.chain = chain;
        this.hosting = hosting;
        this.producer = producer;
        this.modules = modules;
        this.roster = roster;
        this.random = random;
        this.name = name;
    }

    /** Answers a client's auth request here, or relays it to a host of its account. */
    CompletableFuture<Message> route(Message.AuthRequest req, String from) {
        if (req instanceof Message.AuthStart && !hosting.hosts(req.username())) {
            Account account = chain.accounts().get(req.username());
            if (account == null) {
                // a name the chain does not know goes where the teacher's would, and gets a decoy
                // challenge there that fails like a wrong password: no route tells names apart
                account = chain.teacherAccount();
                if (account.isHostedBy(nodeId)) {
                    return RequestRouter.done(hosting.handle(req, from, null));
                }
            }
            List<String> hosts = account.hostKeys().stream().map(NodeKey::nodeId)
                    .sorted(Comparator.comparingInt(directory::failuresOf)).toList();
            return startAt(hosts, 0, req, from);
        }
        Optional<String> host = hostFor(req);
        if (host.isEmpty()) {
            return RequestRouter.done(Message.Rejected.of(401, req instanceof Message.AuthFinish
                    ? "unknown or expired sign-in: start again" : "unknown or expired session: sign in again"));
        }
        if (host.get().equals(nodeId)) {
            return RequestRouter.done(hosting.handle(req, from, null));
        }
        return relay(host.get(), req, from).thenApply(reply -> reply instanceof Message.Rejected r && r.code() == 409
                ? Message.Rejected.of(503, "the host of account '" + req.username() + "' is not reachable") : reply);
    }

    /** Puts a person on the roster here, once the host of their session said the login is good. */
    CompletableFuture<Message> login(Message.LoginRequest l, String from) {
        return route(l, from).thenApply(reply -> {
            if (reply instanceof Message.Ack && nodeId.equals(l.peerNodeId())) {
                roster.signedIn(l.username());
                LOG.info("peer {}: '{}' signed in here", name, l.username());
            }
            return reply;
        });
    }

    /** A client's batch of commands: checked, granted by a host of the teacher's account, then mined here. */
    CompletableFuture<Message> submit(Message.SubmitBatch s, String from) {
        Message.GrantRequest req = s.request();
        for (Command c : req.commands()) {
            List<String> problems = Dispatcher.problems(c, modules.get());
            if (!problems.isEmpty()) {
                return RequestRouter.done(Message.Rejected.of(400, "command " + c.module() + ": "
                        + String.join("; ", problems)));
            }
        }
        return route(req, from).thenApply(reply -> {
            if (reply instanceof Message.GrantIssued g) {
                producer.enqueue(new Payload(req.commands(), req.accounts(), g.grant(), null));
                LOG.info("peer {}: batch {} of {} command(s) granted to '{}', mining", name, g.grant().grantId(),
                        req.commands().size(), req.username());
                return new Message.Submitted(req.commands().stream().map(Command::id).toList(), g.grant().grantId());
            }
            return reply;
        });
    }

    /** Answers a relay another peer sent: handled here when this peer is the host, else sent one hop on. */
    CompletableFuture<Message> onRelay(Message.AuthRelay r, String from) {
        if (relaysSeen.putIfAbsent(r.relayId(), Boolean.TRUE) != null) {
            return RequestRouter.done(Message.Rejected.of(409, "relay " + r.relayId() + " already seen"));
        }
        if (r.hostNodeId().equals(nodeId)) {
            Message reply = hosting.handle(r.request(), from, r.origin());
            if (reply instanceof Message.Rejected rej && rej.code() == 429) {
                relaysSeen.remove(r.relayId()); // turned away unprocessed: the same relay may come by another route
            }
            return RequestRouter.done(reply);
        }
        if (chain.accounts().values().stream().noneMatch(a -> a.isHostedBy(r.hostNodeId()))) {
            return RequestRouter.done(Message.Rejected.of(400, "node " + r.hostNodeId()
                    + " hosts no account on this chain"));
        }
        if (r.hopsLeft() <= 1) {
            return RequestRouter.done(Message.Rejected.of(503, "relay hop limit reached"));
        }
        // the next hop learns who handed the relay to us, not what that peer claimed before
        return forward(new Message.AuthRelay(r.relayId(), r.hostNodeId(), r.hopsLeft() - 1, r.request(), from), from,
                false);
    }

    /** The host a later step is for: the one its session names; for round one, the account's first reachable host. */
    private Optional<String> hostFor(Message.AuthRequest req) {
        if (!(req instanceof Message.AuthStart)) {
            return SessionIds.host(SessionIds.of(req));
        }
        if (hosting.hosts(req.username())) {
            return Optional.of(nodeId);
        }
        Account account = chain.accounts().get(req.username());
        if (account == null || account.isRetired()) {
            return Optional.empty();
        }
        return account.hostKeys().stream().map(NodeKey::nodeId)
                .filter(id -> directory.addressOf(id).isPresent()).findFirst()
                .or(() -> Optional.of(account.hostKeys().get(0).nodeId()));
    }

    /** Round one of a sign-in goes to the account's hosts in turn until one answers. */
    private CompletableFuture<Message> startAt(List<String> hosts, int i, Message.AuthRequest req, String from) {
        String host = hosts.get(i);
        CompletableFuture<Message> attempt = host.equals(nodeId) ? RequestRouter.done(hosting.handle(req, from, null))
                : relay(host, req, from);
        return attempt.thenCompose(reply -> i + 1 < hosts.size() && reply instanceof Message.Rejected r
                && (r.code() == 503 || r.code() == 409) ? startAt(hosts, i + 1, req, from) : RequestRouter.done(reply));
    }

    /** Relays a request of a client of this peer to {@code host}. */
    private CompletableFuture<Message> relay(String host, Message.AuthRequest req, String from) {
        Message.AuthRelay relay = new Message.AuthRelay(UUID.randomUUID(), host, RELAY_HOPS, req, from);
        relaysSeen.put(relay.relayId(), Boolean.TRUE);
        return forward(relay, from, true);
    }

    /**
     * Sends a relay one hop on: straight to the host when its address is known, else (or when that
     * fails) through up to three neighbours in turn, each of which does the same. Replies travel
     * back along the same calls. A relay that comes back round a loop is refused (409) by the
     * peer that saw it first, and the next neighbour is tried. {@code ownRequest} (a client's
     * request that entered here) also moves on after a busy hop (429). A relay received from
     * another peer does not, so a flood entering through one peer cannot spread to the others'
     * allowances.
     */
    private CompletableFuture<Message> forward(Message.AuthRelay relay, String cameFrom, boolean ownRequest) {
        List<String> route = new ArrayList<>();
        directory.addressOf(relay.hostNodeId()).ifPresent(route::add);
        List<String> neighbours = new ArrayList<>(directory.neighbours());
        Collections.shuffle(neighbours, random);
        neighbours.stream().filter(n -> !n.equals(cameFrom) && !route.contains(n)).limit(3).forEach(route::add);
        return tryRoute(route, 0, relay, ownRequest, null);
    }

    private CompletableFuture<Message> tryRoute(List<String> route, int i, Message.AuthRelay relay, boolean retryBusy,
                                                Message.Rejected busy) {
        if (i >= route.size()) {
            return RequestRouter.done(busy != null ? busy
                    : Message.Rejected.of(503, "host " + relay.hostNodeId() + " is not reachable from this peer"));
        }
        String next = route.get(i);
        return transport.send(next, relay).handle((reply, err) -> {
            if (err != null) {
                directory.failed(next);
                return null;
            }
            return reply;
        }).thenCompose(reply -> {
            if (reply instanceof Message.Rejected r && r.code() == 429 && retryBusy) {
                return tryRoute(route, i + 1, relay, true, r); // our own client: that hop is busy, try another
            }
            if (reply == null || reply instanceof Message.Rejected r && (r.code() == 409 || r.code() == 503)) {
                return tryRoute(route, i + 1, relay, retryBusy, busy); // looped or unreachable
            }
            return RequestRouter.done(reply);
        });
    }
}
