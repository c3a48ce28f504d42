package org.classchain.core.auth;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bouncycastle.crypto.CryptoException;
import org.classchain.Account;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Role;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthRequest;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.GrantIssued;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.LoginRequest;
import org.classchain.wire.Message.Rejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host side of delegated authentication (DESIGN section 5) for the accounts in a
 * {@link CredentialStore}: answers SRP-6a rounds, keeps signed-in sessions ({@code Sessions}), signs
 * grants for MAC'd batches of TEACHER sessions ({@code GrantSigner}) and records logins. The host
 * never runs PBKDF2.
 *
 * <p>Replies: {@link AuthStart} gets {@link AuthChallenge}, {@link AuthFinish} gets
 * {@link AuthConfirmed}, {@link GrantRequest} gets {@link GrantIssued}, {@link LoginRequest} gets
 * {@link Message.Ack}, an {@link Message.EnrollRequest} of a TEACHER session gets an {@link Message.Ack}
 * that only says its MAC is good (the peer then decides whether the device may be enrolled); any of them may get {@link Rejected}: 400 malformed, 401 wrong credentials,
 * unknown or expired sign-in or session, bad MAC or replayed counter, 403 a STUDENT asking for a
 * grant, 429 too many failures (with {@code retryAfterSeconds}), 503 no chain yet.
 *
 * <p>An unknown username gets a plausible challenge (a salt and verifier derived from a
 * per-process secret, a fresh {@code B}) whose finish fails like a wrong password, so usernames
 * cannot be enumerated ({@code Decoys}). A restart changes those decoys.
 *
 * <p>Thread-safe: {@link #handle} may be called from any number of threads.
 */
public final class AccountHost {

    /** A session ends when it has been idle this long. */
    public static final Duration SESSION_IDLE_TIMEOUT = Duration.ofMinutes(30);
    /**
     * An SRP exchange must finish this soon after it started: a client's round two follows its
     * PBKDF2, well under a second here, a few seconds on a slow device.
     */
    public static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    /** The most commands one grant covers. */
    public static final int MAX_BATCH_COMMANDS = 64;
    /** The most accounts one grant covers. */
    public static final int MAX_BATCH_ACCOUNTS = 64;

    /** A view token may end at most this far ahead. */
    public static final Duration MAX_VIEW_TOKEN = Duration.ofHours(1);

    static final int MAX_PEER_ID_LENGTH = 128;
    private static final long SWEEP_EVERY_MILLIS = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(AccountHost.class);

    /**
     * A person signed in at a peer (a valid {@link LoginRequest}).
     *
     * @param username who
     * @param role their role
     * @param peerNodeId where
     * @param at when, by the host's clock
     */
    public record SignIn(String username, Role role, String peerNodeId, Instant at) {
    }

    /**
     * What a peer may know of a live session: no key.
     *
     * @param username the signed-in account
     * @param role its role
     * @param expiresAt when it ends unless used before
     */
    public record SessionInfo(String username, Role role, Instant expiresAt) {
    }

    private record Handshake(String username, Role role, HostSrp srp, BigInteger clientPublic, Instant startedAt,
                             AttemptLimiter.Source source, boolean decoy) {
        @Override
        public String toString() {
            return "Handshake[" + username + "]";
        }
    }

    private final CredentialStore store;
    private final NodeIdentity identity;
    private final CanonicalJson json;
    private final Clock clock;
    private final SecureRandom random;
    private final Supplier<String> chainId;
    private final Consumer<SignIn> signIns;
    private final GrantSigner signer;
    private final AttemptLimiter limiter;
    private final Decoys decoys;
    private final PendingSignIns<Handshake> handshakes;
    private final Sessions sessions;
    private final AtomicLong nextSweep = new AtomicLong(Long.MIN_VALUE);

    /**
     * A host.
     *
     * @param store the accounts hosted here
     * @param identity signs grants
     * @param json the canonical codec (batch hashes, grant signing bytes)
     * @param clock judges session and handshake expiry, command expiry and rate limits
     * @param random for {@code b}, session ids, grant ids
     * @param chainId the chain's id, or null while there is no chain (grants are then refused)
     * @param signIns told of every accepted login, on the calling thread; must not block or throw
     * @param order where each grant goes: the grant it follows
     */
    public AccountHost(CredentialStore store, NodeIdentity identity, CanonicalJson json, Clock clock,
                       SecureRandom random, Supplier<String> chainId, Consumer<SignIn> signIns, GrantSequence order) {
        this.store = Objects.requireNonNull(store, "store");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.json = Objects.requireNonNull(json, "json");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
        this.chainId = Objects.requireNonNull(chainId, "chainId");
        this.signIns = Objects.requireNonNull(signIns, "signIns");
        this.signer = new GrantSigner(identity, json, Objects.requireNonNull(order, "order"), random);
        this.limiter = new AttemptLimiter(clock);
        this.handshakes = new PendingSignIns<>(clock, HANDSHAKE_TIMEOUT);
        this.sessions = new Sessions(clock);
        this.decoys = new Decoys(random);
    }

    /**
     * Answers one auth request made to this host directly.
     *
     * @param request the request
     * @param clientAddress where it came from (sign-in limits are kept per source); null if unknown
     * @return the reply, never null
     */
    public Message handle(AuthRequest request, String clientAddress) {
        return handle(request, clientAddress, null);
    }

    /**
     * Answers one auth request, from a client or relayed.
     *
     * @param request the request
     * @param clientAddress where it came from: the client, or the relaying peer; null if unknown
     * @param relayedFor for a relayed request, where the relaying peer says it got it (its client or
     *                   the previous hop), else null; sign-in limits keep the sources behind one
     *                   relay apart, and bound how many one relay may bring
     * @return the reply, never null
     */
    public Message handle(AuthRequest request, String clientAddress, String relayedFor) {
        Objects.requireNonNull(request, "request");
        AttemptLimiter.Source source = new AttemptLimiter.Source(clientAddress == null ? "unknown" : clientAddress,
                relayedFor);
        sweepNowAndThen();
        try {
            if (request instanceof AuthStart s) {
                return start(s, source);
            } else if (request instanceof AuthFinish f) {
                return finish(f, source);
            } else if (request instanceof GrantRequest g) {
                return grant(g);
            } else if (request instanceof LoginRequest l) {
                return login(l);
            } else if (request instanceof Message.EnrollRequest e) {
                return enroll(e);
            } else if (request instanceof Message.LogoutRequest o) {
                Sessions.Session session = sessions.authenticate(o.session(), o.username(), o.counter(),
                        SigningBytes.logout(), o.mac());
                sessions.close(session);
                return new Message.Ack("signed out " + session.username);
            }
            return Rejected.of(400, "unknown auth request");
        } catch (Refusal r) {
            return r.rejected;
        } catch (IllegalArgumentException e) {
            return Rejected.of(400, e.getMessage());
        }
    }

    /** Whether this peer hosts {@code username}'s credential. */
    public boolean hosts(String username) {
        return store.find(username).isPresent();
    }

    /** The live session with this id, if any. */
    public Optional<SessionInfo> session(String sessionId) {
        return sessions.info(sessionId);
    }

    /**
     * Whether a view token opens the teacher's private views (receipt events, screens) at this
     * peer: {@code sessionId} (without the host prefix) is a live TEACHER session held here, the
     * token has not ended and ends within {@link #MAX_VIEW_TOKEN}, and {@code mac} is the session
     * key's MAC of {@code "view:" + peerNodeId} under {@code untilMillis}. Does not count as using
     * the session: viewing alone does not keep it alive.
     */
    public boolean canView(String sessionId, long untilMillis, byte[] mac, String peerNodeId) {
        return sessions.canView(sessionId, untilMillis, mac, peerNodeId);
    }

    /** The number of sign-ins started and not finished (nor expired, nor dropped to make room). */
    int pendingSignIns() {
        return handshakes.size();
    }

    /** The number of live sessions. */
    public int activeSessions() {
        return sessions.active();
    }

    // ------------------------------------------------------------------ SRP rounds

    private Message start(AuthStart s, AttemptLimiter.Source source) throws Refusal {
        String username = s.username();
        if (!Account.isValidUsername(username)) {
            throw refuse(400, "malformed username");
        }
        BigInteger clientPublic = Srp.publicValue(s.clientPublic(), "A");
        Optional<Duration> wait = limiter.refusedAtStart(username, source);
        if (wait.isPresent()) {
            throw limited(username, source, wait.get());
        }

        Optional<StoredCredential> credential = store.find(username);
        byte[] salt;
        int iterations;
        BigInteger verifier;
        Role role;
        if (credential.isPresent()) {
            StoredCredential c = credential.get();
            salt = c.salt();
            iterations = c.iterations();
            verifier = new BigInteger(1, c.verifier());
            role = c.role();
        } else {
            salt = decoys.salt(username);
            iterations = store.policy().iterations();
            verifier = decoys.verifier(username);
            role = Role.STUDENT;
        }
        HostSrp srp = new HostSrp(Srp.GROUP, verifier, Srp.digest(), random);
        BigInteger serverPublic = srp.generateServerCredentials();
        String id = newSessionId();
        // never refused for room: the pending sign-ins of whoever started the most make room
        List<PendingSignIns.Entry<Handshake>> dropped = handshakes.add(id, username, source.key(), source.address(),
                new Handshake(username, role, srp, clientPublic, clock.instant(), source, credential.isEmpty()));
        if (!dropped.isEmpty()) {
            LOG.debug("sign-in for {} from {} made room: dropped {} unfinished, of {}", username, source,
                    dropped.size(), dropped.get(0).origin());
        }
        return new AuthChallenge(id, salt, iterations, Srp.unsigned(serverPublic));
    }

    private Message finish(AuthFinish f, AttemptLimiter.Source source) throws Refusal {
        if (f.session() == null || f.username() == null) {
            throw refuse(400, "a finish names its session and username");
        }
        Handshake h = handshakes.take(f.session()).map(PendingSignIns.Entry::value).orElse(null);
        Instant now = clock.instant();
        if (h == null || !h.username.equals(f.username()) || !now.isBefore(h.startedAt.plus(HANDSHAKE_TIMEOUT))) {
            throw refuse(401, "unknown or expired sign-in: start again");
        }
        // the budget decides whether the evidence is checked at all; a refusal here says nothing
        // about the password (the right one is refused alike), so it is no oracle
        AttemptLimiter.Admission admission = limiter.admit(h.username, source);
        Optional<Duration> wait = admission.refused();
        if (wait.isPresent()) {
            throw limited(h.username, source, wait.get());
        }
        boolean valid = h.srp.verifyEvidence(h.clientPublic, f.clientEvidence());
        if (!valid || h.decoy) {
            limiter.failure(admission);
            LOG.debug("failed sign-in for {} from {}", h.username, source);
            throw refuse(401, "wrong username or password");
        }
        limiter.success(admission);
        byte[] serverEvidence;
        byte[] key;
        try {
            serverEvidence = h.srp.serverEvidence();
            key = h.srp.sessionKey();
        } catch (CryptoException e) {
            throw new IllegalStateException("SRP state after a verified M1 is complete", e);
        }
        sessions.open(new Sessions.Session(f.session(), h.username, h.role, key, now));
        LOG.info("{} ({}) signed in from {}", h.username, h.role, source);
        return new AuthConfirmed(serverEvidence, h.role, now.plus(SESSION_IDLE_TIMEOUT));
    }

    // ------------------------------------------------------------------ MAC'd requests

    private Message grant(GrantRequest r) throws Refusal {
        List<Command> commands = r.commands();
        List<Account> accounts = r.accounts();
        if (commands.isEmpty() && accounts.isEmpty()) {
            throw refuse(400, "an empty batch");
        }
        if (commands.size() > MAX_BATCH_COMMANDS || accounts.size() > MAX_BATCH_ACCOUNTS) {
            throw refuse(400, "a batch has at most " + MAX_BATCH_COMMANDS + " commands and "
                    + MAX_BATCH_ACCOUNTS + " accounts");
        }
        Sessions.Session session = sessions.authenticate(r.session(), r.username(), r.counter(),
                json.encodeBatch(commands, accounts), r.mac());
        if (session.role != Role.TEACHER) {
            throw refuse(403, "students cannot add commands");
        }
        Instant now = clock.instant();
        Instant latest = now.plus(Command.MAX_TTL);
        Set<UUID> ids = new HashSet<>();
        for (Command c : commands) {
            if (!c.notAfter().isAfter(now)) {
                throw refuse(400, "command " + c.id() + " has already expired");
            }
            if (c.notAfter().isAfter(latest)) {
                throw refuse(400, "command " + c.id() + " would stay valid longer than " + Command.MAX_TTL);
            }
            if (!ids.add(c.id())) {
                throw refuse(400, "command " + c.id() + " appears twice");
            }
        }
        String chain = chainId.get();
        if (chain == null) {
            throw refuse(503, "this peer hosts no chain yet");
        }
        return new GrantIssued(signer.grant(chain, session.username, commands, accounts, now));
    }

    /**
     * A new grant, at the current end of the grant sequence, for a batch this host granted before
     * whose grant can no longer take its place (another host's grants took it while the two could
     * not reach each other). The commands keep their ids, so no computer runs one twice; those
     * already on the chain are left out.
     *
     * @param old the grant this host issued for exactly {@code commands} and {@code accounts}
     * @param onChain whether a command id is on the chain already
     * @return the new grant and what it covers, or empty when nothing is left to grant
     * @throws IllegalArgumentException if {@code old} is not this host's grant for this batch
     */
    public Optional<Regranted> regrant(Grant old, List<Command> commands, List<Account> accounts,
                                       java.util.function.Predicate<UUID> onChain) {
        return signer.regrant(old, commands, accounts, onChain, clock.instant());
    }

    /**
     * A batch granted again by {@link #regrant}.
     *
     * @param grant the new grant
     * @param commands the commands it covers
     * @param accounts the account records it covers
     */
    public record Regranted(Grant grant, List<Command> commands, List<Account> accounts) {
    }

    /**
     * A grant this host issues on its own authority, without a session, for account records only
     * (never commands): a STUDENT account a student's peer registers, or a backup host added to an
     * account after its owner signed in there. Hosting the teacher's account already lets this
     * peer grant anything, so this adds no power; keeping commands out means a mistake in the
     * caller's checks cannot become a command.
     *
     * @param teacher the TEACHER account this peer hosts, in whose name the grant is issued
     * @throws IllegalArgumentException if this peer does not host that TEACHER account
     */
    public Grant grantOwnBatch(String teacher, List<Account> accounts) {
        StoredCredential host = store.find(teacher).orElseThrow(() ->
                new IllegalArgumentException("this peer does not host the account " + teacher));
        if (host.role() != Role.TEACHER) {
            throw new IllegalArgumentException(teacher + " is not a TEACHER account");
        }
        if (accounts.isEmpty()) {
            throw new IllegalArgumentException("an empty batch");
        }
        String chain = chainId.get();
        if (chain == null) {
            throw new IllegalStateException("no chain yet");
        }
        return signer.sign(chain, teacher, List.of(), accounts, clock.instant());
    }

    private Message login(LoginRequest r) throws Refusal {
        String peer = r.peerNodeId();
        if (peer == null || peer.isBlank() || peer.length() > MAX_PEER_ID_LENGTH) {
            throw refuse(400, "a login names the peer, in at most " + MAX_PEER_ID_LENGTH + " characters");
        }
        Sessions.Session session = sessions.authenticate(r.session(), r.username(), r.counter(),
                SigningBytes.login(peer), r.mac());
        SignIn signIn = new SignIn(session.username, session.role, peer, clock.instant());
        try {
            signIns.accept(signIn);
        } catch (RuntimeException e) {
            LOG.warn("the sign-in listener failed for {} at {}", session.username, peer, e);
        }
        return new Message.Ack("signed in " + session.username + " at " + peer);
    }

    private Message enroll(Message.EnrollRequest r) throws Refusal {
        Sessions.Session session = sessions.authenticate(r.session(), r.username(), r.counter(),
                SigningBytes.enroll(r.deviceKey()), r.mac());
        if (session.role != Role.TEACHER) {
            throw refuse(403, "only the teacher enrolls devices");
        }
        return new Message.Ack("enroll " + r.deviceKey().nodeId() + " for " + session.username);
    }

    // ------------------------------------------------------------------ helpers

    private static Refusal limited(String username, AttemptLimiter.Source source, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        LOG.warn("sign-in for {} from {} refused unchecked for {} s: the account's guessing budget is spent and "
                + "this source failed repeatedly", username, source, seconds);
        return new Refusal(new Rejected(429, "too many failed sign-ins: wait " + seconds + " s", seconds));
    }

    private static Refusal refuse(int code, String reason) {
        return Refusal.of(code, reason);
    }

    private void sweepNowAndThen() {
        long now = clock.millis();
        long due = nextSweep.get();
        if (now >= due && nextSweep.compareAndSet(due, now + SWEEP_EVERY_MILLIS)) {
            sweep(clock.instant());
        }
    }

    private void sweep(Instant now) {
        handshakes.expire();
        sessions.sweep(now);
        limiter.purge();
    }

    private String newSessionId() {
        byte[] id = new byte[16];
        random.nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    @Override
    public String toString() {
        return "AccountHost[" + identity.nodeId() + ", " + sessions.size() + " sessions]";
    }
}
