package org.classchain.core.peer;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.classchain.core.limit.BoundedTable;
import org.classchain.core.limit.TokenBuckets;

/**
 * Keeps a hostile peer from costing the others: a sender whose blocks keep failing validation is
 * disconnected for a while (its peer-to-peer requests refused before any work), and auth relays
 * are rate-limited per sender (a {@link TokenBuckets}, the REST rate limit's table). Thread-safe.
 *
 * <p>Bounded: at most {@link #MAX_TRACKED} senders are remembered, in a {@link BoundedTable} (and as many relay buckets, the
 * same way). When the table is full, the records that carry nothing (no ban, no recent invalid
 * block) are forgotten; if none can be, a new sender shares one overflow record with every other sender that
 * did not fit, so a student with many addresses (or, on a shared loopback, many announced
 * addresses) neither grows the table nor escapes a ban by coming back under a new name. Invalid
 * blocks are forgiven {@link #FORGIVE_AFTER} after the last one: honest races spread over a day
 * never add up to a ban.
 */
final class Penalties {

    /** Invalid blocks tolerated before a sender is disconnected (honest races produce a few). */
    static final int MAX_INVALID = 10;
    static final Duration BAN = Duration.ofMinutes(5);
    /** Relays per second per sender, and the burst. */
    static final double RELAYS_PER_SECOND = 20;
    static final double RELAY_BURST = 40;
    /** Senders remembered at most, in the penalty table and in the relay buckets each. */
    static final int MAX_TRACKED = 4096;
    /** The invalid-block count starts again this long after a sender's last invalid block. */
    static final Duration FORGIVE_AFTER = Duration.ofMinutes(10);
    /** The key of the record shared by the senders that found the table full. */
    static final String OVERFLOW = "(senders beyond the table)";

    private static final class Record {
        int invalid;
        long lastInvalid;
        long bannedUntil;

        /** True when forgetting this record changes nothing the sender could notice. */
        synchronized boolean blank(long now) { // milliseconds
            return now >= bannedUntil && (invalid == 0 || now - lastInvalid >= FORGIVE_AFTER.toMillis());
        }
    }

    private final Clock clock;
    private final BoundedTable<Record> bySender;
    private final TokenBuckets relays;

    Penalties(Clock clock) {
        this.clock = clock;
        this.bySender = new BoundedTable<>(MAX_TRACKED, OVERFLOW, () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()),
                now -> new Record(), (r, nowNanos) -> r.blank(TimeUnit.NANOSECONDS.toMillis(nowNanos)));
        this.relays = new TokenBuckets(RELAYS_PER_SECOND, RELAY_BURST, MAX_TRACKED,
                () -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
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
        Record r = bySender.peek(sender);
        if (r == null) {
            return false;
        }
        synchronized (r) {
            return clock.millis() < r.bannedUntil;
        }
    }

    /** How many senders are remembered (the overflow record counts as one). */
    int tracked() {
        return bySender.size();
    }

    /** Counts an invalid block; true when the sender is now disconnected. */
    boolean invalidBlock(String sender) {
        Record r = bySender.entry(sender);
        synchronized (r) {
            long now = clock.millis();
            if (now - r.lastInvalid >= FORGIVE_AFTER.toMillis()) {
                r.invalid = 0;
            }
            r.lastInvalid = now;
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
        return relays.take(sender) == 0;
    }

    /** How many senders have a relay bucket (the overflow bucket counts as one). */
    int relaySenders() {
        return relays.tracked();
    }
}
