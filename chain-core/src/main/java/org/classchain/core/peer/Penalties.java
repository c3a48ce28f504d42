package org.classchain.core.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a hostile peer from costing the others: a sender whose blocks keep failing validation is
 * disconnected for a while (its peer-to-peer requests refused before any work), and auth relays
 * are rate-limited per sender. Thread-safe.
 */
final class Penalties {

    /** Invalid blocks tolerated before a sender is disconnected (honest races produce a few). */
    static final int MAX_INVALID = 10;
    static final Duration BAN = Duration.ofMinutes(5);
    /** Relays per second per sender, and the burst. */
    static final double RELAYS_PER_SECOND = 20;
    static final double RELAY_BURST = 40;

    private static final class Record {
        int invalid;
        long bannedUntil;
        double tokens = RELAY_BURST;
        long refilledAt;
    }

    private final Clock clock;
    private final Map<String, Record> bySender = new ConcurrentHashMap<>();

    Penalties(Clock clock) {
        this.clock = clock;
    }

    /**
     * Who sent a request: the transport's address for it, except on the default loopback address,
     * where several peers of one machine share 127.0.0.1 and the address they announce tells them
     * apart (peers given their own 127.0.0.x count as machines of their own).
     */
    static String key(String from, String announced) {
        boolean loopback = from == null || from.equals("127.0.0.1") || from.equals("::1")
                || from.equals("0:0:0:0:0:0:0:1");
        return loopback && announced != null ? announced : String.valueOf(from);
    }

    boolean banned(String sender) {
        Record r = bySender.get(sender);
        return r != null && clock.millis() < r.bannedUntil;
    }

    /** Counts an invalid block; true when the sender is now disconnected. */
    boolean invalidBlock(String sender) {
        Record r = bySender.computeIfAbsent(sender, k -> new Record());
        synchronized (r) {
            if (++r.invalid >= MAX_INVALID) {
                r.bannedUntil = clock.millis() + BAN.toMillis();
                r.invalid = 0;
                return true;
            }
            return false;
        }
    }

    /** Takes a relay token; false when the sender relays faster than allowed. */
    boolean relayAllowed(String sender) {
        Record r = bySender.computeIfAbsent(sender, k -> new Record());
        synchronized (r) {
            long now = clock.millis();
            r.tokens = Math.min(RELAY_BURST, r.tokens + (now - r.refilledAt) * RELAYS_PER_SECOND / 1000.0);
            r.refilledAt = now;
            if (r.tokens < 1) {
                return false;
            }
            r.tokens -= 1;
            return true;
        }
    }
}
