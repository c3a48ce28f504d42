package org.classchain.core.peer;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.classchain.Account;
import org.classchain.Attachment;
import org.classchain.NodeKey;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.chain.ChainState;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.exec.Lane;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.identity.SealedBox;
import org.classchain.core.limit.TokenBuckets;
import org.classchain.spi.host.DesktopService;
import org.classchain.wire.Message;
import org.classchain.wire.Message.GetScreen;
import org.classchain.wire.Message.Rejected;
import org.classchain.wire.Message.ScreenFrame;
import org.classchain.wire.Message.ScreenRequest;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Screens on a side channel (DESIGN, "Screens off the chain"): the teacher's console asks its own
 * peer for a picture of one computer ({@link GetScreen}, with the teacher's view token); that
 * peer, a host of the teacher's account, signs a {@link ScreenRequest} and sends it to the
 * computer, straight when it knows its address, else through up to three neighbours, each of
 * which relays it (at most {@value #HOPS} hops, a loop refused by the id it saw; a way that ends
 * nowhere is 504, so the hop before tries the next). The computer
 * answers only a request signed by a host of the teacher's account on its chain, issued within
 * {@link #FRESH} of its clock, with an id it has not seen, under the requester's rate, when its
 * local policy allows {@code screenshot}; it takes the picture through its {@link DesktopService},
 * one at a time on a thread of its own, requests that come while one is taken sharing it (at most
 * {@value #MAX_WAITING} waiting, then 503), and seals it to the request's fresh X25519 key
 * (AES-256-GCM, see {@link ScreenFrame}) so that a relaying classmate sees no pixels; the
 * teacher's peer opens it. Nothing here touches the chain.
 *
 * <p>Thread-safe; never blocks the caller.
 */
final class Screens {

    /** How many hops a screen request may take. */
    static final int HOPS = 4;
    /** How far a request's {@code issuedAt} may be from this peer's clock. */
    static final Duration FRESH = Duration.ofSeconds(60);
    /** The module name whose local refusal ({@code --deny screenshot}) also refuses the side channel. */
    static final String MODULE = "screenshot";
    /** Requests a computer answers per teacher's host, per second (a live view at 4/s plus thumbnails). */
    static final double RATE = 8;
    /** Saved-up requests per teacher's host. */
    static final double BURST = 16;
    /** Requests a teacher's session may make of its own peer per second (30 thumbnails at once, plus a live view). */
    static final double SESSION_RATE = 20;
    /** Saved-up requests per teacher's session. */
    static final double SESSION_BURST = 64;
    /** Requests waiting for the picture being taken, at most. */
    static final int MAX_WAITING = 8;
    /** The largest picture: sealed (a 16-byte tag more), it still fits an {@link Attachment}. */
    static final int MAX_PICTURE = Attachment.MAX_BYTES - 16;
    /** How long a picture may take. */
    static final Duration CAPTURE_TIMEOUT = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(Screens.class);

    private final NodeIdentity identity;
    private final Supplier<ChainState> chain;
    private final Transport transport;
    private final PeerDirectory directory;
    private final AccountHosting hosting;
    private final Policy policy;
    private final Optional<DesktopService> desktop;
    private final Clock clock;
    private final Lane lane;
    private final Random random;
    private final SecureRandom keys = new SecureRandom();
    private final String name;
    private final TokenBuckets perRequester;
    private final TokenBuckets perSession;
    private final BoundedCache<UUID, Boolean> seen = BoundedCache.expiringAfterWrite(50_000, FRESH.multipliedBy(3));
    /** The picture being taken, per width, and how many wait for it. */
    private final Map<Integer, Capture> capturing = new ConcurrentHashMap<>();

    private record Capture(CompletableFuture<Message> frame, int[] waiting) {
    }

    /**
     * @param desktop where pictures come from; none: every request is refused (503 "no display")
     * @param lane the thread pictures are taken on, one at a time
     */
    Screens(NodeIdentity identity, Supplier<ChainState> chain, Transport transport, PeerDirectory directory,
            AccountHosting hosting, Policy policy, Optional<DesktopService> desktop, Clock clock, Lane lane,
            Random random, String name) {
        this.identity = identity;
        this.chain = chain;
        this.transport = transport;
        this.directory = directory;
        this.hosting = hosting;
        this.policy = policy;
        this.desktop = desktop;
        this.clock = clock;
        this.lane = lane;
        this.random = random;
        this.name = name;
        long origin = System.nanoTime();
        // the buckets follow the peer's clock, so a test that controls time controls them too
        this.perRequester = new TokenBuckets(RATE, BURST, 1024, () -> origin + TimeUnit.MILLISECONDS.toNanos(clock.millis()));
        this.perSession = new TokenBuckets(SESSION_RATE, SESSION_BURST, 1024,
                () -> origin + TimeUnit.MILLISECONDS.toNanos(clock.millis()));
    }

    /** The teacher's console asking this peer: the view token first, then the picture, here or from the computer. */
    CompletableFuture<Message> onGetScreen(GetScreen g, String from) {
        Message view = hosting.onViewCheck(g.view());
        if (view instanceof Rejected r) {
            return RequestRouter.done(r);
        }
        if (g.width() < ScreenRequest.MIN_WIDTH || g.width() > ScreenRequest.MAX_WIDTH) {
            return RequestRouter.done(Rejected.of(400, "width must be " + ScreenRequest.MIN_WIDTH + "-"
                    + ScreenRequest.MAX_WIDTH + ", not " + g.width()));
        }
        long wait = perSession.takeOrSecondsToWait(g.view().session());
        if (wait > 0) {
            return RequestRouter.done(new Rejected(429, "too many screen requests from this session", wait));
        }
        String self = identity.nodeId();
        if (g.nodeId().equals(self)) {
            return capture(g.width());
        }
        ChainState c = chain.get();
        SealedBox.Pair mine = SealedBox.fresh(keys);
        ScreenRequest request = sign(c.chainId(), UUID.randomUUID(), g.nodeId(), clock.millis(), g.width(),
                mine.publicKey());
        seen.put(request.id(), Boolean.TRUE);
        return forward(request, null, reply -> open(reply, request, mine.privateKey())).thenApply(reply ->
                reply instanceof Rejected r && r.code() == 409 ? Rejected.of(504, "computer " + shortId(g.nodeId())
                        + " is not reachable from this peer") : reply);
    }

    /**
     * The picture a computer sealed to this request's key and signed, opened; a picture that is
     * not sealed, not signed by the request's target (one a relay swapped in), or does not open is
     * refused (502).
     */
    private static Message open(Message reply, ScreenRequest request, byte[] priv) {
        if (!(reply instanceof ScreenFrame f) || !f.sealed()) {
            return Rejected.of(502, "the answer was not a picture sealed by the computer");
        }
        if (f.signerKey() == null || !f.signerKey().nodeId().equals(request.target())
                || !Ed25519Signatures.verify(f.signerKey(), SigningBytes.screenFrame(request.id(), f), f.signature())) {
            return Rejected.of(502, "the picture was not signed by computer " + shortId(request.target())
                    + " (a relay may have swapped it)");
        }
        try {
            byte[] key = SealedBox.key(SigningBytes.SCREEN_KEY, priv, f.ephemeralKey(), request.replyKey(),
                    f.ephemeralKey());
            byte[] jpeg = SealedBox.gcm(Cipher.DECRYPT_MODE, key, f.nonce(), aad(request), f.picture().content());
            return new ScreenFrame(new Attachment(f.picture().contentType(), jpeg), f.capturedAt());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Rejected.of(502, "the picture did not come from the computer intact");
        }
    }

    /** The picture sealed to the request's reply key, so only the requester opens it, and signed by this computer. */
    private Message seal(Message frame, ScreenRequest request) {
        if (!(frame instanceof ScreenFrame f)) {
            return frame;
        }
        try {
            SealedBox.Pair mine = SealedBox.fresh(keys);
            byte[] nonce = new byte[SealedBox.NONCE];
            keys.nextBytes(nonce);
            byte[] key = SealedBox.key(SigningBytes.SCREEN_KEY, mine.privateKey(), request.replyKey(),
                    request.replyKey(), mine.publicKey());
            byte[] sealed = SealedBox.gcm(Cipher.ENCRYPT_MODE, key, nonce, aad(request), f.picture().content());
            ScreenFrame out = new ScreenFrame(new Attachment(f.picture().contentType(), sealed), f.capturedAt(),
                    mine.publicKey(), nonce);
            return out.signed(identity.publicKey(), identity.sign(SigningBytes.screenFrame(request.id(), out)));
        } catch (GeneralSecurityException e) {
            return Rejected.of(400, "cannot seal a picture to this reply key");
        }
    }

    /** What a picture is bound to: its request's id. */
    private static byte[] aad(ScreenRequest request) {
        return request.id().toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A screen request another peer sent: answered when it is for this computer, else relayed one hop on. */
    CompletableFuture<Message> onScreenRequest(ScreenRequest r, String from) {
        ChainState c = chain.get();
        Optional<NodeKey> key = teacherHostKey(c, r.requester());
        if (key.isEmpty()) {
            return RequestRouter.done(Rejected.of(403, "screens are the teacher's: " + shortId(r.requester())
                    + " hosts no teacher's account on this chain"));
        }
        if (!Ed25519Signatures.verify(key.get(), signingBytes(c.chainId(), r), r.signature())) {
            return RequestRouter.done(Rejected.of(401, "the screen request's signature is not its requester's"));
        }
        long skew = Math.abs(clock.millis() - r.issuedAt());
        if (skew > FRESH.toMillis()) {
            return RequestRouter.done(Rejected.of(401, "stale screen request: issued " + skew / 1000
                    + " s away from this computer's clock"));
        }
        if (seen.putIfAbsent(r.id(), Boolean.TRUE) != null) {
            return RequestRouter.done(Rejected.of(409, "screen request " + r.id() + " already seen"));
        }
        if (!r.target().equals(identity.nodeId())) {
            if (r.hopsLeft() <= 1) {
                return RequestRouter.done(Rejected.of(504, "screen request hop limit reached"));
            }
            return forward(r.nextHop(), from, reply -> reply);
        }
        if (r.width() < ScreenRequest.MIN_WIDTH || r.width() > ScreenRequest.MAX_WIDTH) {
            return RequestRouter.done(Rejected.of(400, "width must be " + ScreenRequest.MIN_WIDTH + "-"
                    + ScreenRequest.MAX_WIDTH + ", not " + r.width()));
        }
        if (r.replyKey().length != X25519.POINT_SIZE) {
            return RequestRouter.done(Rejected.of(400, "replyKey must be an X25519 key of 32 bytes"));
        }
        long wait = perRequester.takeOrSecondsToWait(r.requester());
        if (wait > 0) {
            return RequestRouter.done(new Rejected(429, "too many screen requests", wait));
        }
        return capture(r.width()).thenApply(frame -> seal(frame, r));
    }

    /** This computer's picture, unless its policy or its desktop says no. */
    private CompletableFuture<Message> capture(int width) {
        if (!policy.permits(MODULE)) {
            return RequestRouter.done(Rejected.of(403, "this computer refuses screenshots (its policy denies '"
                    + MODULE + "')"));
        }
        if (desktop.isEmpty()) {
            return RequestRouter.done(Rejected.of(503, "no display: this computer has no desktop service"));
        }
        DesktopService d = desktop.get();
        while (true) {
            Capture running = capturing.get(width);
            if (running != null) {
                synchronized (running) {
                    if (!running.frame().isDone()) {
                        if (running.waiting()[0] >= MAX_WAITING) {
                            return RequestRouter.done(new Rejected(503, "this computer is busy taking pictures", 1));
                        }
                        running.waiting()[0]++;
                        return running.frame();
                    }
                }
                capturing.remove(width, running);
                continue;
            }
            if (capturing.size() >= 2) {
                return RequestRouter.done(new Rejected(503, "this computer is busy taking pictures", 1));
            }
            Capture mine = new Capture(new CompletableFuture<>(), new int[] {0});
            if (capturing.putIfAbsent(width, mine) != null) {
                continue;
            }
            lane.execute(() -> {
                Message m;
                try {
                    if (!d.hasDisplay()) {
                        m = Rejected.of(503, "no display: " + d.noDisplayReason());
                    } else {
                        byte[] jpeg = d.screen(width, MAX_PICTURE);
                        m = new ScreenFrame(new Attachment("image/jpeg", jpeg), clock.instant());
                    }
                } catch (UnsupportedOperationException | IllegalStateException e) {
                    m = Rejected.of(503, "no picture: " + e.getMessage());
                } catch (Exception | Error e) {
                    LOG.warn("peer {}: taking a picture of the screens failed: {}", name, e.toString());
                    m = Rejected.of(500, "taking a picture of the screens failed: " + e.getMessage());
                }
                capturing.remove(width, mine);
                mine.frame().complete(m);
            });
            return mine.frame().completeOnTimeout(Rejected.of(503, "taking a picture of the screens took too long"),
                    CAPTURE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Sends a request one hop on: straight to the target when its address is known, else (or when
     * that fails) through up to three neighbours in turn; a loop (409) or an unreachable hop moves
     * on to the next. So does a relay's refusal, or an answer of a relay that {@code accept} turns
     * into one (a picture the teacher's peer cannot open): a relaying classmate may have made it up,
     * so another way is tried, and the first such refusal is the answer only when no way gives a
     * picture. Only the target's own refusal, straight from it, ends the search.
     *
     * @param accept what this peer makes of an answer that is not a refusal (the teacher's peer opens the picture)
     */
    private CompletableFuture<Message> forward(ScreenRequest r, String cameFrom, Function<Message, Message> accept) {
        List<String> route = new ArrayList<>();
        String direct = directory.addressOf(r.target()).orElse(null);
        if (direct != null) {
            route.add(direct);
        }
        List<String> neighbours = new ArrayList<>(directory.neighbours());
        Collections.shuffle(neighbours, random);
        neighbours.stream().filter(n -> !n.equals(cameFrom) && !route.contains(n)).limit(3).forEach(route::add);
        return tryRoute(route, 0, r, direct, accept, null);
    }

    private CompletableFuture<Message> tryRoute(List<String> route, int i, ScreenRequest r, String direct,
                                                Function<Message, Message> accept, Rejected relayRefusal) {
        if (i >= route.size()) {
            return RequestRouter.done(relayRefusal != null ? relayRefusal : Rejected.of(504, "computer "
                    + shortId(r.target()) + " is not reachable from this peer"));
        }
        String next = route.get(i);
        return transport.send(next, r).handle((reply, err) -> {
            if (err != null) {
                directory.failed(next);
                return null;
            }
            return reply;
        }).thenCompose(reply -> {
            if (reply == null || reply instanceof Rejected rej && (rej.code() == 409 || rej.code() == 504)) {
                return tryRoute(route, i + 1, r, direct, accept, relayRefusal);
            }
            Message answer = reply instanceof Rejected ? reply : accept.apply(reply);
            if (answer instanceof Rejected rej && !next.equals(direct)) {
                return tryRoute(route, i + 1, r, direct, accept, relayRefusal != null ? relayRefusal : rej);
            }
            return RequestRouter.done(answer);
        });
    }

    private ScreenRequest sign(String chainId, UUID id, String target, long issuedAt, int width, byte[] replyKey) {
        ScreenRequest unsigned = new ScreenRequest(id, target, identity.nodeId(), issuedAt, width, replyKey, HOPS,
                new byte[0]);
        return new ScreenRequest(id, target, identity.nodeId(), issuedAt, width, replyKey, HOPS,
                identity.sign(signingBytes(chainId, unsigned)));
    }

    /** What the requester signs: everything but the hops left. */
    static byte[] signingBytes(String chainId, ScreenRequest r) {
        return SigningBytes.screenRequest(chainId, r);
    }

    /** The key of {@code nodeId} when it hosts the teacher's account on {@code c}. */
    private static Optional<NodeKey> teacherHostKey(ChainState c, String nodeId) {
        Account teacher = c.teacherAccount();
        return teacher.hostKeys().stream().filter(k -> k.nodeId().equals(nodeId)).findFirst();
    }

    private static String shortId(String nodeId) {
        return nodeId.length() > 8 ? nodeId.substring(0, 8) : nodeId;
    }
}
