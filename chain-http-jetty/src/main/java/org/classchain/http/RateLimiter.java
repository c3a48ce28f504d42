package org.classchain.http;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per remote address: {@code ratePerSecond} tokens a second, at most {@code burst}
 * saved up. Buckets that have refilled completely are forgotten when the table grows large, so a
 * flood of addresses cannot grow it without bound.
 *
 * <p>Thread-safe.
 */
final class RateLimiter {

    private static final int MAX_TRACKED = 10_000;

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoClock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    RateLimiter(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    RateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
        }
        this.ratePerNano = ratePerSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoClock = nanoClock;
    }

    /**
     * Takes one token for {@code key}.
     *
     * @return 0 when the request may go ahead, else the whole seconds (at least 1) until it may
     */
    long acquire(String key) {
        long now = nanoClock.getAsLong();
        if (buckets.size() > MAX_TRACKED) {
            buckets.values().removeIf(b -> b.isFullAt(now));
        }
        Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        double missing = bucket.take(now);
        if (missing <= 0) {
            return 0;
        }
        double nanos = missing / ratePerNano;
        return Math.max(1, (long) Math.ceil(nanos / TimeUnit.SECONDS.toNanos(1)));
    }

    /** How many addresses are tracked. */
    int trackedAddresses() {
        return buckets.size();
    }

    private final class Bucket {
        private double tokens;
        private long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }

        /** Takes a token; returns 0 when one was there, else how many tokens are missing. */
        synchronized double take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return 1 - tokens;
        }

        synchronized boolean isFullAt(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            long elapsed = now - updated;
            if (elapsed > 0) {
                tokens = Math.min(burst, tokens + elapsed * ratePerNano);
                updated = now;
            }
        }
    }
}
