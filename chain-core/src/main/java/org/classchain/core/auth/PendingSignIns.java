package org.classchain.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sign-ins a host started and has not seen finished (round one answered, round two not yet
 * come), bounded so that nobody's unfinished sign-ins keep anyone else from starting one
 * (issue 23, property 5). A start is never refused for room: it makes room.
 *
 * <p>Bounds: {@value #MAX_PER_ORIGIN} per origin (the client's address, or for a relay the
 * client the relaying peer names, as seen through that peer), {@value #MAX_PER_ACCOUNT} per
 * account and {@value #MAX_TOTAL} in all. Past the origin's bound, that origin's oldest goes.
 * Past the account's or the total, the one that goes is the one whose origin started the most
 * sign-ins lately plus the most pending through the same address (the relaying peer, or the
 * client itself), the oldest on a tie: the flooder's, not the teacher's, even when the flood
 * comes through the peer the teacher uses or names made-up origins. Each ends after
 * {@code expiry} by the host's clock.
 *
 * <p>Thread-safe.
 *
 * @param <V> what the host keeps for a sign-in
 */
final class PendingSignIns<V> {

    static final int MAX_TOTAL = 4096;
    static final int MAX_PER_ACCOUNT = 512;
    static final int MAX_PER_ORIGIN = 16;
    /** Origins whose recent starts are remembered; past that the least recent is forgotten. */
    static final int MAX_ORIGINS_REMEMBERED = 16_384;

    /** One pending sign-in. */
    record Entry<V>(String id, String account, String origin, String via, Instant startedAt, V value) {
    }

    /** Starts from one origin since {@code since}. */
    private static final class Starts {
        Instant since;
        int count;

        Starts(Instant since) {
            this.since = since;
        }
    }

    private final Clock clock;
    private final Duration expiry;
    private final LinkedHashMap<String, Entry<V>> byId = new LinkedHashMap<>(); // oldest first
    private final Map<String, Integer> perOrigin = new HashMap<>();
    private final Map<String, Integer> perVia = new HashMap<>();
    private final Map<String, Integer> perAccount = new HashMap<>();
    private final LinkedHashMap<String, Starts> starts = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Starts> eldest) {
            return size() > MAX_ORIGINS_REMEMBERED;
        }
    };

    PendingSignIns(Clock clock, Duration expiry) {
        this.clock = clock;
        this.expiry = expiry;
    }

    /**
     * Keeps a sign-in just started, making room as above.
     *
     * @param origin the client as the host can tell it (an address, or an origin "via" a relay)
     * @param via the address the request came from: the client's, or the relaying peer's
     * @return the sign-ins dropped to make room (for logs and tests)
     */
    synchronized List<Entry<V>> add(String id, String account, String origin, String via, V value) {
        Instant now = clock.instant();
        expire(now);
        Starts s = starts.computeIfAbsent(origin, o -> new Starts(now));
        if (!now.isBefore(s.since.plus(expiry))) {
            s.since = now;
            s.count = 0;
        }
        s.count++;
        List<Entry<V>> dropped = new ArrayList<>();
        if (perOrigin.getOrDefault(origin, 0) >= MAX_PER_ORIGIN) {
            byId.values().stream().filter(e -> e.origin.equals(origin)).findFirst().ifPresent(e -> drop(e, dropped));
        }
        if (perAccount.getOrDefault(account, 0) >= MAX_PER_ACCOUNT) {
            victim(account).ifPresent(e -> drop(e, dropped));
        }
        if (byId.size() >= MAX_TOTAL) {
            victim(null).ifPresent(e -> drop(e, dropped));
        }
        Entry<V> e = new Entry<>(id, account, origin, via, now, value);
        byId.put(id, e);
        perOrigin.merge(origin, 1, Integer::sum);
        perVia.merge(via, 1, Integer::sum);
        perAccount.merge(account, 1, Integer::sum);
        return dropped;
    }

    /** Removes and returns the sign-in {@code id}, if it is pending and has not expired. */
    synchronized Optional<Entry<V>> take(String id) {
        Entry<V> e = byId.get(id);
        if (e == null) {
            return Optional.empty();
        }
        remove(e);
        return clock.instant().isBefore(e.startedAt.plus(expiry)) ? Optional.of(e) : Optional.empty();
    }

    /** Drops the sign-ins that have expired. */
    synchronized void expire() {
        expire(clock.instant());
    }

    synchronized int size() {
        return byId.size();
    }

    synchronized int pending(String account) {
        return perAccount.getOrDefault(account, 0);
    }

    private void expire(Instant now) {
        for (Iterator<Entry<V>> it = byId.values().iterator(); it.hasNext(); ) {
            Entry<V> e = it.next();
            if (now.isBefore(e.startedAt.plus(expiry))) {
                break; // oldest first: the rest are younger
            }
            it.remove();
            uncount(e);
        }
    }

    /** Of {@code account}'s sign-ins (or all of them), the one that goes: see the class comment. */
    private Optional<Entry<V>> victim(String account) {
        Entry<V> worst = null;
        long worstScore = -1;
        Map<String, Long> scores = new HashMap<>();
        for (Entry<V> e : byId.values()) {
            if (account != null && !e.account.equals(account)) {
                continue;
            }
            long score = scores.computeIfAbsent(e.origin + "\n" + e.via, k -> {
                Starts s = starts.get(e.origin);
                return (long) (s == null ? 0 : s.count) + perVia.getOrDefault(e.via, 0);
            });
            if (score > worstScore) { // strictly: the oldest wins a tie
                worst = e;
                worstScore = score;
            }
        }
        return Optional.ofNullable(worst);
    }

    private void drop(Entry<V> e, List<Entry<V>> dropped) {
        remove(e);
        dropped.add(e);
    }

    private void remove(Entry<V> e) {
        if (byId.remove(e.id) != null) {
            uncount(e);
        }
    }

    private void uncount(Entry<V> e) {
        decrement(perOrigin, e.origin);
        decrement(perVia, e.via);
        decrement(perAccount, e.account);
    }

    private static void decrement(Map<String, Integer> m, String key) {
        m.computeIfPresent(key, (k, n) -> n <= 1 ? null : n - 1);
    }

    @Override
    public String toString() {
        return "PendingSignIns[" + size() + "]";
    }
}
