package org.classchain.core.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.crypto.CryptoException;
import org.classchain.Account;
import org.classchain.Command;
import org.classchain.Role;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.LoginRequest;
import org.classchain.wire.Message.ViewCheck;

/**
 * The client side of a sign-in (the CLI, tests; the console page does the same in JavaScript):
 * {@link #start}, {@link #respond} with the password, {@link #verifyServer}, then any number of
 * {@link #grantRequest}, {@link #login} and {@link #enroll}, each MAC'd with the session key and the next
 * counter (1, 2, 3, ...). The password, {@code P'} and the key never leave this object.
 *
 * <p>Calls must come in that order; a new {@link #start} abandons the previous sign-in.
 * Thread-safe (calls are serialised).
 */
public final class SrpClient {

    /** The most PBKDF2 iterations a challenge may ask for (a hostile relay could ask for more to stall the client). */
    public static final int MAX_ITERATIONS = 10_000_000;

    private final CanonicalJson json;
    private final SecureRandom random;

    private ClientSrp srp;
    private String username;
    private String session;
    private byte[] key;
    private Role role;
    private Instant expiresAt;
    private long counter;

    /** A client with no sign-in yet. */
    public SrpClient(CanonicalJson json, SecureRandom random) {
        this.json = Objects.requireNonNull(json, "json");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** Round one: picks {@code a} and returns {@code A} for {@code username}. */
    public synchronized AuthStart start(String username) {
        if (!Account.isValidUsername(username)) {
            throw new IllegalArgumentException("not a valid username: " + username);
        }
        forget();
        this.username = username;
        this.srp = new ClientSrp(Srp.GROUP, Srp.digest(), random);
        return new AuthStart(username, Srp.unsigned(srp.begin()));
    }

    /**
     * Round two: hardens the password with the challenge's salt and iterations and returns M1.
     *
     * @throws IllegalArgumentException if the challenge is malformed (bad B, salt or iteration count)
     * @throws IllegalStateException if {@link #start} was not called
     */
    public synchronized AuthFinish respond(AuthChallenge challenge, String password) {
        Objects.requireNonNull(challenge, "challenge");
        Objects.requireNonNull(password, "password");
        if (srp == null || session != null) {
            throw new IllegalStateException("start() first, and respond once");
        }
        if (challenge.session() == null || challenge.session().isEmpty()) {
            throw new IllegalArgumentException("the challenge names no session");
        }
        byte[] salt = challenge.salt();
        if (salt.length == 0 || salt.length > 64) {
            throw new IllegalArgumentException("the challenge's salt has " + salt.length + " bytes");
        }
        if (challenge.iterations() < 1 || challenge.iterations() > MAX_ITERATIONS) {
            throw new IllegalArgumentException("the challenge asks for " + challenge.iterations() + " iterations");
        }
        BigInteger serverPublic = Srp.publicValue(challenge.serverPublic(), "B");
        byte[] hardened = PasswordHardening.harden(password, salt, challenge.iterations());
        try {
            byte[] m1 = srp.answer(salt, username.getBytes(StandardCharsets.UTF_8), hardened, serverPublic);
            session = challenge.session();
            return new AuthFinish(username, session, m1);
        } catch (CryptoException e) {
            throw new IllegalArgumentException("the challenge's B is not usable: " + e.getMessage(), e);
        } finally {
            Arrays.fill(hardened, (byte) 0);
        }
    }

    /**
     * Whether the host's M2 proves it knew the verifier (compared in constant time). Only then is
     * the client signed in.
     */
    public synchronized boolean verifyServer(AuthConfirmed confirmed) {
        Objects.requireNonNull(confirmed, "confirmed");
        if (session == null) {
            throw new IllegalStateException("respond() first");
        }
        if (key != null) {
            return true;
        }
        try {
            if (!srp.confirm(confirmed.serverEvidence())) {
                return false;
            }
        } catch (CryptoException e) {
            return false;
        }
        key = srp.key();
        role = confirmed.role();
        expiresAt = confirmed.expiresAt();
        return true;
    }

    /** A MAC'd request for a grant on this batch, with the next counter. */
    public synchronized GrantRequest grantRequest(List<Command> commands, List<Account> accounts) {
        requireSignedIn();
        long c = ++counter;
        byte[] mac = SessionMac.batch(key, c, json.encodeBatch(commands, accounts));
        return new GrantRequest(username, session, c, commands, accounts, mac);
    }

    /** A MAC'd end of this session, with the next counter. */
    public synchronized org.classchain.wire.Message.LogoutRequest logout() {
        requireSignedIn();
        long c = ++counter;
        return new org.classchain.wire.Message.LogoutRequest(username, session, c, SessionMac.logout(key, c));
    }

    /** A MAC'd login at {@code peerNodeId}, with the next counter. */
    public synchronized LoginRequest login(String peerNodeId) {
        Objects.requireNonNull(peerNodeId, "peerNodeId");
        requireSignedIn();
        long c = ++counter;
        return new LoginRequest(username, session, c, peerNodeId, SessionMac.login(key, c, peerNodeId));
    }

    /** A MAC'd request to enroll the device with this node key as a host of the account, with the next counter. */
    public synchronized org.classchain.wire.Message.EnrollRequest enroll(org.classchain.NodeKey deviceKey) {
        Objects.requireNonNull(deviceKey, "deviceKey");
        requireSignedIn();
        long c = ++counter;
        return new org.classchain.wire.Message.EnrollRequest(username, session, c, deviceKey,
                SessionMac.mac(key, c, SigningBytes.enroll(deviceKey)));
    }

    /**
     * A token that opens the teacher's private views (receipt events, screens) at the peer with
     * node id {@code peerNodeId} until {@code until}; it uses no counter and may be sent many
     * times. The peer must hold this session (the teacher signed in there).
     */
    public synchronized ViewCheck view(String peerNodeId, Instant until) {
        Objects.requireNonNull(peerNodeId, "peerNodeId");
        requireSignedIn();
        return new ViewCheck(session, until.toEpochMilli(), SessionMac.view(key, until.toEpochMilli(), peerNodeId));
    }

    /** Whether M2 was verified. */
    public synchronized boolean isSignedIn() {
        return key != null;
    }

    /** The username of the current sign-in, or null. */
    public synchronized String username() {
        return username;
    }

    /** The session id, once the challenge arrived; else null. */
    public synchronized String session() {
        return session;
    }

    /** The role the host confirmed, or null before. */
    public synchronized Role role() {
        return role;
    }

    /** When the host said the session ends if idle, or null before. */
    public synchronized Instant expiresAt() {
        return expiresAt;
    }

    /** K, for tests only. */
    synchronized byte[] sessionKey() {
        return key == null ? null : key.clone();
    }

    private void requireSignedIn() {
        if (key == null) {
            throw new IllegalStateException("not signed in: the host's evidence was not verified");
        }
    }

    private void forget() {
        if (key != null) {
            Arrays.fill(key, (byte) 0);
        }
        srp = null;
        username = null;
        session = null;
        key = null;
        role = null;
        expiresAt = null;
        counter = 0;
    }

    @Override
    public synchronized String toString() {
        return "SrpClient[" + (username == null ? "idle" : username + (key == null ? ", signing in" : ", signed in"))
                + "]";
    }
}
