package org.classchain.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds online password guessing per account without ever holding back the right password
 * (DESIGN 5, lock-out; docs/auth.md, "Guessing budget").
 *
 * <p>Each account has a budget of wrong guesses: a token bucket of {@value #BURST} refilled by one
 * every {@link #REFILL}, so that at most 100 wrong guesses are checked in any hour. While the
 * budget lasts, every finish is checked against the verifier; checking one takes a token, and a
 * right password gives it back. Once the budget is spent, a finish is still checked when its
 * source has had fewer than {@value #SOURCE_FAILURES} failed guesses for that account in the last
 * hour; any other finish is refused unchecked (429), the right password included, so a refusal
 * tells the guesser nothing. Checking a wrong guess in that state costs nothing from the budget and
 * counts against its source. A source is the address the host sees, and for a relay, the address
 * the relaying peer says it got the request from: one relaying peer may bring at most
 * {@value #ORIGINS_PER_RELAY} such sources in an hour once the budget is spent, so a peer that
 * invents client addresses gains at most that many.
 *
 * <p>So the real teacher, from any source that has not failed repeatedly in the last hour, is
 * checked at once whatever others did, and an attacker gets at most 100 guesses an hour plus
 * {@value #SOURCE_FAILURES} per address it controls (and per {@value #ORIGINS_PER_RELAY} invented
 * behind each relaying peer it controls). Nothing is ever delayed: an attempt is checked now or
 * refused now.
 *
 * <p>Thread-safe; driven by the given clock.
 */
final class AttemptLimiter {

    /** Wrong guesses an account may take at once. */
    static final int BURST = 10;
    /** One more wrong guess per this: 90 an hour, so with the burst at most 100 in any hour. */
    static final Duration REFILL = Duration.ofSeconds(40);
    /** Failed guesses a source may have in {@link #MEMORY} and still be checked once the budget is spent. */
    static final int SOURCE_FAILURES = 3;
    /** Sources behind one relaying peer that may be checked, in {@link #MEMORY}, once the budget is spent. */
    static final int ORIGINS_PER_RELAY = 8;
    /** How long a failure counts against its source. */
    static final Duration MEMORY = Duration.ofHours(1);
    /** The most sources remembered per account; past that, unknown sources are not checked over budget. */
    static final int MAX_SOURCES = 4096;

    private static final int PURGE_ABOVE = 10_000;

    /**
     * Where an attempt comes from, as far as the host can tell.
     *
     * @param address the address the host sees: the client's, or the relaying peer's
     * @param origin for a relay, the address the relaying peer got the request from; else null
     */
    record Source(String address, String origin) {
        /** A request made to this host directly. */
        static Source direct(String address) {
            return new Source(address, null);
        }

        String key() {
            return origin == null ? address : origin + " via " + address;
        }

        @Override
        public String toString() {
            return key();
        }
    }

    /** The answer to {@link #admit}: check the evidence, or refuse for a while unchecked. */
    static final class Admission {
        final String username;
        final Source source;
        final boolean budgeted;
        final Duration refusedFor;

        private Admission(String username, Source source, boolean budgeted, Duration refusedFor) {
            this.username = username;
            this.source = source;
            this.budgeted = budgeted;
            this.refusedFor = refusedFor;
        }

        /** How long to wait before this source is checked again, if it is refused now. */
        Optional<Duration> refused() {
            return Optional.ofNullable(refusedFor);
        }
    }

    private static final class Budget {
        double tokens = BURST;
        Instant refilledAt;
        /** Per source key: its failed guesses in the last hour, oldest first, at most SOURCE_FAILURES. */
        final Map<String, Deque<Instant>> failures = new HashMap<>();
        /** Per relaying peer: the sources behind it checked over budget, and when first. */
        final Map<String, Map<String, Instant>> relayed = new HashMap<>();

        Budget(Instant now) {
            refilledAt = now;
        }
    }

    private final Clock clock;
    private final Map<String, Budget> accounts = new HashMap<>(); // guarded by this

    AttemptLimiter(Clock clock) {
        this.clock = clock;
    }

    /**
     * Whether a sign-in may start: refused only when a finish from this source would be refused
     * now, so that the host does no SRP work for it. Changes nothing.
     */
    synchronized Optional<Duration> refusedAtStart(String username, Source source) {
        Budget b = accounts.get(username);
        if (b == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        refill(b, now);
        if (b.tokens >= 1) {
            return Optional.empty();
        }
        return Optional.ofNullable(overBudget(b, source, now, false));
    }

    /**
     * Decides whether the evidence of a finish is checked. A checked finish must be followed by
     * {@link #success} or {@link #failure} with the admission.
     */
    synchronized Admission admit(String username, Source source) {
        Instant now = clock.instant();
        Budget b = accounts.computeIfAbsent(username, u -> new Budget(now));
        refill(b, now);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return new Admission(username, source, true, null);
        }
        Duration wait = overBudget(b, source, now, true);
        return new Admission(username, source, false, wait);
    }

    /** A checked finish had the wrong evidence. */
    synchronized void failure(Admission a) {
        Instant now = clock.instant();
        Budget b = accounts.computeIfAbsent(a.username, u -> new Budget(now));
        Deque<Instant> f = b.failures.get(a.source.key());
        if (f == null) {
            if (b.failures.size() >= MAX_SOURCES) {
                prune(b, now);
            }
            f = new ArrayDeque<>();
            b.failures.put(a.source.key(), f);
        }
        f.addLast(now);
        while (f.size() > SOURCE_FAILURES) {
            f.removeFirst();
        }
        if (accounts.size() > PURGE_ABOVE) {
            purge(now);
        }
    }

    /** A checked finish had the right evidence: its token goes back, its source's failures are forgotten. */
    synchronized void success(Admission a) {
        Budget b = accounts.get(a.username);
        if (b == null) {
            return;
        }
        if (a.budgeted) {
            b.tokens = Math.min(BURST, b.tokens + 1);
        }
        b.failures.remove(a.source.key());
    }

    /** Forgets accounts whose budget is full and whose failures are all older than an hour. */
    synchronized void purge() {
        purge(clock.instant());
    }

    /** The wrong guesses {@code username} may still take now, rounded down (for tests and logs). */
    synchronized int remaining(String username) {
        Budget b = accounts.get(username);
        if (b == null) {
            return BURST;
        }
        refill(b, clock.instant());
        return (int) Math.floor(b.tokens);
    }

    /**
     * With the budget spent: null when {@code source} may still be checked (and, when {@code take},
     * its relay's allowance is used), else how long until it may.
     */
    private static Duration overBudget(Budget b, Source source, Instant now, boolean take) {
        Duration untilToken = Duration.ofMillis((long) Math.ceil((1 - b.tokens) * REFILL.toMillis()));
        Deque<Instant> f = b.failures.get(source.key());
        if (f != null) {
            f.removeIf(t -> !now.isBefore(t.plus(MEMORY)));
            if (f.size() >= SOURCE_FAILURES) {
                return min(untilToken, Duration.between(now, f.peekFirst().plus(MEMORY)));
            }
        } else if (b.failures.size() >= MAX_SOURCES) {
            return untilToken;
        }
        if (source.origin() != null) {
            Map<String, Instant> behind = b.relayed.computeIfAbsent(source.address(), k -> new HashMap<>());
            behind.values().removeIf(t -> !now.isBefore(t.plus(MEMORY)));
            if (!behind.containsKey(source.key())) {
                if (behind.size() >= ORIGINS_PER_RELAY) {
                    Instant oldest = behind.values().stream().min(Instant::compareTo).orElse(now);
                    return min(untilToken, Duration.between(now, oldest.plus(MEMORY)));
                }
                if (take) {
                    behind.put(source.key(), now);
                }
            }
        }
        return null;
    }

    private static void refill(Budget b, Instant now) {
        if (!now.isAfter(b.refilledAt)) {
            return;
        }
        double earned = (double) Duration.between(b.refilledAt, now).toMillis() / REFILL.toMillis();
        b.tokens = Math.min(BURST, b.tokens + earned);
        b.refilledAt = now;
    }

    private static void prune(Budget b, Instant now) {
        for (Iterator<Deque<Instant>> it = b.failures.values().iterator(); it.hasNext(); ) {
            Deque<Instant> f = it.next();
            f.removeIf(t -> !now.isBefore(t.plus(MEMORY)));
            if (f.isEmpty()) {
                it.remove();
            }
        }
        b.relayed.values().forEach(m -> m.values().removeIf(t -> !now.isBefore(t.plus(MEMORY))));
        b.relayed.values().removeIf(Map::isEmpty);
    }

    private void purge(Instant now) {
        for (Iterator<Budget> it = accounts.values().iterator(); it.hasNext(); ) {
            Budget b = it.next();
            refill(b, now);
            prune(b, now);
            if (b.tokens >= BURST && b.failures.isEmpty() && b.relayed.isEmpty()) {
                it.remove();
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "AttemptLimiter";
    }
}
