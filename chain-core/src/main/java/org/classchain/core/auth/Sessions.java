package org.classchain.core.auth;

import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.Role;

/**
 * The signed-in sessions an {@link AccountHost} keeps (DESIGN section 5; auth.md, "Sessions"):
 * each the key an SRP exchange agreed, alive until idle for
 * {@link AccountHost#SESSION_IDLE_TIMEOUT}, at most {@value #MAX_PER_ACCOUNT} per account (the
 * oldest go). A MAC'd request is good only with the session key's MAC and a counter above the
 * last. Thread-safe.
 */
final class Sessions {

    static final int MAX_PER_ACCOUNT = 16;

    /** A live session: its key never leaves this host. */
    static final class Session {
        final String id;
        final String username;
        final Role role;
        final byte[] key;
        long lastCounter; // guarded by this
        Instant lastUse; // guarded by this

        Session(String id, String username, Role role, byte[] key, Instant now) {
            this.id = id;
            this.username = username;
            this.role = role;
            this.key = key;
            this.lastUse = now;
        }

        synchronized Instant expiresAt() {
            return lastUse.plus(AccountHost.SESSION_IDLE_TIMEOUT);
        }

        @Override
        public String toString() {
            return "Session[" + username + "]";
        }
    }

    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** Opens a session after a verified sign-in; the account's oldest go past {@link #MAX_PER_ACCOUNT}. */
    void open(Session session) {
        sessions.put(session.id, session);
        List<Session> mine = sessions.values().stream().filter(s -> s.username.equals(session.username)).toList();
        if (mine.size() <= MAX_PER_ACCOUNT) {
            return;
        }
        mine.stream().sorted((a, b) -> a.expiresAt().compareTo(b.expiresAt()))
                .limit(mine.size() - MAX_PER_ACCOUNT)
                .forEach(s -> sessions.remove(s.id, s));
    }

    /** What a peer may know of the live session with this id, if any. */
    Optional<AccountHost.SessionInfo> info(String sessionId) {
        Session s = sessionId == null ? null : sessions.get(sessionId);
        if (s == null) {
            return Optional.empty();
        }
        Instant expiresAt = s.expiresAt();
        if (!clock.instant().isBefore(expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(new AccountHost.SessionInfo(s.username, s.role, expiresAt));
    }

    /** See {@link AccountHost#canView}. */
    boolean canView(String sessionId, long untilMillis, byte[] mac, String peerNodeId) {
        Session s = sessionId == null ? null : sessions.get(sessionId);
        if (s == null || s.role != Role.TEACHER || mac == null) {
            return false;
        }
        Instant now = clock.instant();
        Instant until = Instant.ofEpochMilli(untilMillis);
        if (!now.isBefore(s.expiresAt()) || !now.isBefore(until) || until.isAfter(now.plus(AccountHost.MAX_VIEW_TOKEN))) {
            return false;
        }
        return MessageDigest.isEqual(SessionMac.view(s.key, untilMillis, peerNodeId), mac);
    }

    /** The number of live sessions. */
    int active() {
        Instant now = clock.instant();
        return (int) sessions.values().stream().filter(s -> now.isBefore(s.expiresAt())).count();
    }

    /** The session of a MAC'd request whose MAC and counter are good; advances its counter. */
    Session authenticate(String sessionId, String username, long counter, byte[] message, byte[] mac) throws Refusal {
        if (sessionId == null || username == null) {
            throw Refusal.of(400, "a request names its session and username");
        }
        Session s = sessions.get(sessionId);
        if (s == null || !s.username.equals(username)) {
            throw Refusal.of(401, "unknown or expired session: sign in again");
        }
        synchronized (s) {
            Instant now = clock.instant();
            if (!now.isBefore(s.lastUse.plus(AccountHost.SESSION_IDLE_TIMEOUT))) {
                sessions.remove(sessionId, s);
                throw Refusal.of(401, "unknown or expired session: sign in again");
            }
            if (!MessageDigest.isEqual(SessionMac.mac(s.key, counter, message), mac)) {
                throw Refusal.of(401, "bad MAC");
            }
            if (counter <= s.lastCounter) {
                throw Refusal.of(401, "replayed counter");
            }
            s.lastCounter = counter;
            s.lastUse = now;
        }
        return s;
    }

    /** Ends a session now (signed out): its requests and view tokens are refused from now on. */
    void close(Session session) {
        sessions.remove(session.id, session);
    }

    /** Forgets the sessions that ended by {@code now}. */
    void sweep(Instant now) {
        sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    }

    int size() {
        return sessions.size();
    }
}
