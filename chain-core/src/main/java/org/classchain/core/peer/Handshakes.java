package org.classchain.core.peer;

import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.classchain.NodeKey;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.chain.ChainState;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The handshake ({@code POST /api/v1/peers}) on both sides, the call-back that proves an
 * address, and the greetings that make this computer known. Thread-safe.
 *
 * <p>Greeting ({@link #greet}): this peer sends a signed Hello; the Welcome that comes back, signed
 * by the answering node's key for the address called, verifies that address in the
 * {@link PeerDirectory}, and a Welcome that says so makes it a neighbour (outbound).
 *
 * <p>Being greeted ({@link #onHello}): the Hello's signature proves the key but not the address,
 * so an address that is not verified for that key yet is called back with a Hello of ours, and
 * bound (and offered an inbound neighbour slot) only when the Welcome comes back signed by the
 * claimed key for that address; the reply to the greeting waits for the call-back. A Hello from
 * an address this peer is greeting at that moment is that peer's call-back: it is answered at
 * once, offered no slot and not called back (the greeting under way verifies it). A Hello that is
 * not signed by the key it names, or presents a code fingerprint the chain does not pin, is
 * refused (DESIGN section 6).
 *
 * <p>Introductions ({@link #introduce}): a student greets a host of the teacher's account until
 * one answered, so that the host calls it back and knows it: its row in the room, and its
 * receipts kept.
 */
final class Handshakes implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Handshakes.class);
    /** How many addresses a Welcome samples. */
    static final int SAMPLE = 16;
    /**
     * How long the reply to a Hello waits for its call-back, at most (checked at each tick, so up to
     * a tick more): a greeter whose address answers slowly still gets its Welcome, without a slot,
     * and is bound when the call-back ends.
     */
    static final long CALL_BACK_WAIT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    /** A peer refused our handshake for a reason that retrying will not change. */
    static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason);
        }
    }

    private final NodeIdentity identity;
    private final Transport transport;
    private final PeerDirectory directory;
    private final String fingerprint;
    private final Random random;
    private final Supplier<ChainState> chain;
    private final String name;
    /** Addresses this peer is greeting right now, with how many greetings are under way. */
    private final Map<String, Integer> greeting = new ConcurrentHashMap<>();
    /** Addresses found serving another chain, logged once each. */
    private final java.util.Set<String> otherClasses = ConcurrentHashMap.newKeySet();
    /** Replies waiting for a call-back, with the System.nanoTime() at which they stop waiting. */
    private final Map<CompletableFuture<Boolean>, Long> waiting = new ConcurrentHashMap<>();
    /** The teacher's host this student last greeted successfully (so that it knows this computer). */
    private volatile String introducedAt;

    Handshakes(NodeIdentity identity, Transport transport, PeerDirectory directory, String fingerprint, Random random,
               Supplier<ChainState> chain, String name) {
        this.identity = identity;
        this.transport = transport;
        this.directory = directory;
        this.fingerprint = fingerprint;
        this.random = random;
        this.chain = chain;
        this.name = name;
    }

    private String self() {
        return transport.localAddress();
    }

    private Message.Hello ourHello() {
        return new Message.Hello(identity.nodeId(), identity.publicKey(), self(), fingerprint,
                HexFormat.of().formatHex(identity.sign(SigningBytes.hello(self(), fingerprint))));
    }

    /** Whether {@code w} is signed by the key it carries, whose node id it names, for {@code address}. */
    static boolean proves(Message.Welcome w, String address) {
        return w.publicKey() != null && address != null && address.equals(w.address())
                && w.publicKey().nodeId().equals(w.nodeId())
                && signedBy(w.publicKey(), SigningBytes.welcome(address), w.signature());
    }

    static boolean signedBy(NodeKey key, byte[] message, String signatureHex) {
        try {
            return Ed25519Signatures.verify(key, message, HexFormat.of().parseHex(signatureHex));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Greets {@code address}, asking to be its neighbour, and notes when it is a host of the
     * teacher's account. Completes with its Welcome; fails with {@link Refused} when it refused us.
     */
    CompletableFuture<Message.Welcome> greet(String address) {
        return handshake(address).thenApply(w -> {
            ChainState c = chain.get();
            if (c != null && c.teacherAccount().isHostedBy(w.nodeId()) && directory.addressOf(w.nodeId()).isPresent()) {
                introducedAt = address;
            }
            return w;
        });
    }

    /** Greets {@code address}; a failure (it does not answer, it refused us) is only noted in the directory. */
    void greetQuietly(String address) {
        greet(address).exceptionally(e -> null);
    }

    /** Asks a few peers whose node id is unknown who they are (a host's address is looked for). */
    void lookForPeers() {
        directory.unidentified().stream().limit(3).forEach(this::greetQuietly);
    }

    /**
     * A student greets a host of the teacher's account until one answered, so that the host calls
     * it back and knows it: its row in the room, and its receipts kept.
     */
    void introduce() {
        ChainState c = chain.get();
        if (c.teacherAccount().isHostedBy(identity.nodeId())) {
            return;
        }
        directory.addressOfHost(c.teacherAccount()).filter(a -> !a.equals(introducedAt)).ifPresent(this::greetQuietly);
    }

    /** The teacher's host may not know this computer (yet): greet it again at the next {@link #introduce}. */
    void introduceAgain() {
        introducedAt = null;
    }

    private CompletableFuture<Message.Welcome> handshake(String address) {
        greeting.merge(address, 1, Integer::sum);
        CompletableFuture<Message> sent;
        try {
            sent = transport.send(address, ourHello());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.whenComplete((m, e) -> greeting.computeIfPresent(address, (k, n) -> n > 1 ? n - 1 : null))
                .thenApply(reply -> {
                    if (reply instanceof Message.Welcome w) {
                        ChainState ours = chain.get();
                        if (ours != null && w.chainId() != null && !w.chainId().equals(ours.chainId())) {
                            // another class: never a neighbour, nor its peers ours to learn
                            directory.failed(address);
                            String why = address + " serves chain " + w.chainId() + " (genesis "
                                    + (w.genesisHash() == null ? "?" : w.genesisHash().hex()) + "), not this peer's chain "
                                    + ours.chainId() + " (genesis " + ours.genesis().hash().hex() + ")";
                            if (otherClasses.add(address)) {
                                LOG.warn("peer {}: refused {}; it keeps its chain", name, why);
                            }
                            throw new Refused(why);
                        }
                        if (proves(w, address)) {
                            directory.verified(address, w.publicKey());
                            if (w.neighbour()) {
                                directory.offerNeighbour(address, true);
                            }
                        } else {
                            directory.seen(address);
                            if (w.address() != null && !w.address().equals(address)) {
                                directory.learn(w.address()); // it says it serves elsewhere: greeted there later
                            }
                        }
                        w.peers().forEach(directory::learn);
                        return w;
                    }
                    if (reply instanceof Message.Rejected r) {
                        directory.failed(address);
                        throw new Refused(r.reason());
                    }
                    throw new IllegalStateException(address + " answered " + reply + " to a handshake");
                });
    }

    /** Answers a Hello; see the class comment. */
    CompletableFuture<Message> onHello(Message.Hello h, String from) {
        if (!h.publicKey().nodeId().equals(h.nodeId())) {
            return RequestRouter.done(Message.Rejected.of(400, "node id " + h.nodeId()
                    + " is not derived from the given key"));
        }
        if (!signedBy(h.publicKey(), SigningBytes.hello(h.address(), h.fingerprint()), h.signature())) {
            return RequestRouter.done(Message.Rejected.of(401, "the handshake is not signed by the node key it names"));
        }
        ChainState c = chain.get();
        if (c != null) {
            List<String> pinned = c.genesisConfig().fingerprints();
            if (!pinned.isEmpty() && !pinned.contains(h.fingerprint())) {
                LOG.warn("peer {}: refused {} at {}: code fingerprint {} is not pinned by this chain", name, h.nodeId(),
                        h.address(), h.fingerprint());
                return RequestRouter.done(Message.Rejected.of(403, "code fingerprint '" + h.fingerprint()
                        + "' is not one this chain accepts (same build everywhere, please)"));
            }
        }
        String address = h.address();
        boolean callBack = greeting.containsKey(address);
        String source = Penalties.key(from, address);
        switch (directory.claim(address, h.publicKey(), source, !callBack)) {
            case PROVEN:
                return RequestRouter.done(welcome(!callBack && directory.offerNeighbour(address, false)));
            case CHECK:
                CompletableFuture<Boolean> proven = new CompletableFuture<>();
                waiting.put(proven, System.nanoTime() + CALL_BACK_WAIT_NANOS);
                callBack(address, h.publicKey()).thenAccept(proven::complete);
                return proven.whenComplete((ok, e) -> waiting.remove(proven))
                        .thenApply(ok -> welcome(ok && directory.offerNeighbour(address, false)));
            default:
                return RequestRouter.done(welcome(false));
        }
    }

    /** Answers, without a slot, the Hellos whose call-back has taken too long; called at each tick. */
    void expire() {
        long now = System.nanoTime();
        waiting.forEach((reply, until) -> {
            if (now - until >= 0) {
                reply.complete(false);
            }
        });
    }

    /** Answers every Hello still waiting for its call-back (the peer is closing). */
    @Override
    public void close() {
        waiting.keySet().forEach(reply -> reply.complete(false));
    }

    /** Calls {@code address} back; true when it answered with a Welcome signed by {@code key} for it. */
    private CompletableFuture<Boolean> callBack(String address, NodeKey key) {
        CompletableFuture<Message> sent;
        try {
            sent = transport.send(address, ourHello());
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        return sent.handle((reply, err) -> {
            boolean ok = err == null && reply instanceof Message.Welcome w && key.equals(w.publicKey())
                    && proves(w, address);
            directory.checked(address, ok ? key : null);
            if (!ok) {
                LOG.debug("peer {}: {} did not answer the call-back as node {} ({})", name, address, key.nodeId(),
                        err != null ? err.toString() : String.valueOf(reply));
            }
            return ok;
        });
    }

    private Message.Welcome welcome(boolean neighbour) {
        ChainState c = chain.get();
        List<String> sample = directory.sample(SAMPLE, random);
        return new Message.Welcome(identity.nodeId(), c == null ? null : c.chainId(),
                c == null ? null : c.genesis().hash(), c == null ? null : c.headInfo(), neighbour, sample,
                identity.publicKey(), self(), HexFormat.of().formatHex(identity.sign(SigningBytes.welcome(self()))));
    }
}
