package org.classchain.core.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Limits failed sign-ins per account and per client address. The first {@value #FREE_FAILURES}
 * failures of a key cost nothing; from then on each attempt must wait a delay since the last
 * failure that starts at one second and doubles with every further failure, up to a cap: short
 * for an account (so an attack from many addresses cannot lock the owner out for long), long for
 * an address. A success resets that account and that address. Attempts refused because of a
 * delay do not count. A key is forgotten an hour after the longest delay it could impose.
 *
 * <p>Thread-safe; driven by the given clock.
 */
final class AttemptLimiter {

    static final int FREE_FAILURES = 5;
    static final Duration FIRST_DELAY = Duration.ofSeconds(1);
    static final Duration ACCOUNT_CAP = Duration.ofMinutes(1);
    static final Duration ADDRESS_CAP = Duration.ofMinutes(15);
    static final Duration FORGET_AFTER = Duration.ofHours(1);

    private static final int PURGE_ABOVE = 10_000;

    private static final class Failures {
        int count;
        Instant last;
    }

    private final Clock clock;
    private final Duration accountCap;
    private final Duration addressCap;
    private final Map<String, Failures> accounts = new HashMap<>(); // guarded by this
    private final Map<String, Failures> addresses = new HashMap<>(); // guarded by this

    AttemptLimiter(Clock clock) {
        this(clock, ACCOUNT_CAP, ADDRESS_CAP);
    }

    AttemptLimiter(Clock clock, Duration accountCap, Duration addressCap) {
        this.clock = clock;
        this.accountCap = accountCap;
        this.addressCap = addressCap;
    }

    /** How long an attempt for {@code username} from {@code address} must still wait, if at all. */
    synchronized Optional<Duration> blocked(String username, String address) {
        Instant now = clock.instant();
        Duration wait = max(remaining(accounts.get(username), accountCap, now),
                remaining(addresses.get(address), addressCap, now));
        return wait.isZero() ? Optional.empty() : Optional.of(wait);
    }

    /** Records a failed attempt. */
    synchronized void failure(String username, String address) {
        Instant now = clock.instant();
        bump(accounts, username, now);
        bump(addresses, address, now);
        if (accounts.size() + addresses.size() > PURGE_ABOVE) {
            purge(now);
        }
    }

    /** Records a success: forgets the failures of this account and of this address. */
    synchronized void success(String username, String address) {
        accounts.remove(username);
        addresses.remove(address);
    }

    /** Forgets keys whose delay ran out more than an hour ago. */
    synchronized void purge() {
        purge(clock.instant());
    }

    /** The delay after {@code failures} failures, before the cap. */
    static Duration delay(int failures, Duration cap) {
        if (failures < FREE_FAILURES) {
            return Duration.ZERO;
        }
        int doublings = failures - FREE_FAILURES;
        if (doublings >= 30) {
            return cap;
        }
        Duration d = FIRST_DELAY.multipliedBy(1L << doublings);
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private static Duration remaining(Failures f, Duration cap, Instant now) {
        if (f == null) {
            return Duration.ZERO;
        }
        Instant until = f.last.plus(delay(f.count, cap));
        return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
    }

    private static void bump(Map<String, Failures> map, String key, Instant now) {
        Failures f = map.computeIfAbsent(key, k -> new Failures());
        if (f.count < Integer.MAX_VALUE) {
            f.count++;
        }
        f.last = now;
    }

    private void purge(Instant now) {
        accounts.values().removeIf(f -> now.isAfter(f.last.plus(accountCap).plus(FORGET_AFTER)));
        addresses.values().removeIf(f -> now.isAfter(f.last.plus(addressCap).plus(FORGET_AFTER)));
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public String toString() {
        return "AttemptLimiter";
    }
}
