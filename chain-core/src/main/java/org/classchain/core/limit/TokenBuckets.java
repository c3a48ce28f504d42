package org.classchain.core.limit;

import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token bucket per key (a sender's address): {@code ratePerSecond} tokens a second, at most
 * {@code burst} saved up; each request takes one.
 *
 * <p>Bounded: the buckets are a {@link BoundedTable} of {@code maxKeys} keys, where a bucket that
 * has refilled completely can be forgotten (forgetting it changes nothing its sender could notice),
 * and keys that find the table full share one overflow bucket: a student who invents a new address
 * for every request neither grows the table nor gets a fresh burst each time.
 *
 * <p>Thread-safe (one lock; each call does constant work but for the sweep); time comes from the
 * given nanosecond ticker.
 */
public final class TokenBuckets {

    /** The key of the bucket shared by the keys that found the table full. */
    static final String OVERFLOW = "(keys beyond the table)";

    private final double ratePerNano;
    private final double burst;
    private final LongSupplier nanoTime;
    private final BoundedTable<Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.updated = now;
        }
    }

    /**
     * Buckets that refill at {@code ratePerSecond}, hold at most {@code burst} tokens (and start
     * full), and of which at most {@code maxKeys} are kept, besides the overflow bucket.
     *
     * @param nanoTime the time in nanoseconds, as {@link System#nanoTime()} (tests: a fake)
     * @throws IllegalArgumentException unless the rate is positive, the burst at least 1 and
     *                                  {@code maxKeys} at least 1
     */
    public TokenBuckets(double ratePerSecond, double burst, int maxKeys, LongSupplier nanoTime) {
        if (!(ratePerSecond > 0) || !(burst >= 1) || maxKeys < 1) {
            throw new IllegalArgumentException("a rate limit needs a positive rate, a burst of at least 1 and room"
                    + " for a key; not " + ratePerSecond + "/s, burst " + burst + ", " + maxKeys + " keys");
        }
        this.ratePerNano = ratePerSecond / TimeUnit.SECONDS.toNanos(1);
        this.burst = burst;
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.buckets = new BoundedTable<>(maxKeys, OVERFLOW, nanoTime, now -> new Bucket(burst, now), this::isFull);
    }

    /** Like the four-argument constructor, on {@link System#nanoTime()}. */
    public TokenBuckets(double ratePerSecond, double burst, int maxKeys) {
        this(ratePerSecond, burst, maxKeys, System::nanoTime);
    }

    /**
     * Takes one token from the bucket of {@code key}.
     *
     * @return 0 when there was one (the request may go ahead), else the nanoseconds until there is
     */
    public synchronized long take(String key) {
        long now = nanoTime.getAsLong();
        Bucket b = buckets.entry(Objects.requireNonNull(key));
        refill(b, now);
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((1 - b.tokens) / ratePerNano));
    }

    /**
     * Like {@link #take}, in whole seconds: what an HTTP {@code Retry-After} says.
     *
     * @return 0 when the request may go ahead, else the whole seconds (at least 1) until it may
     */
    public long takeOrSecondsToWait(String key) {
        long nanos = take(key);
        return nanos == 0 ? 0 : Math.max(1, (long) Math.ceil(nanos / (double) TimeUnit.SECONDS.toNanos(1)));
    }

    /** How many buckets are kept, the overflow bucket included: never more than {@code maxKeys + 1}. */
    public int tracked() {
        return buckets.size();
    }

    private boolean isFull(Bucket b, long now) {
        refill(b, now);
        return b.tokens >= burst;
    }

    private void refill(Bucket b, long now) {
        long elapsed = now - b.updated;
        if (elapsed > 0) {
            b.tokens = Math.min(burst, b.tokens + elapsed * ratePerNano);
            b.updated = now;
        }
    }
}
