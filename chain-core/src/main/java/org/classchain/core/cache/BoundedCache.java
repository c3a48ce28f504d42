package org.classchain.core.cache;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * A map that holds at most {@code maximumSize} entries, dropping the least recently used one to
 * make room, and optionally forgets an entry a fixed time after it was written or last read.
 * Thread-safe: every method holds the cache's lock, which no caller's code runs under except the
 * mapping function of {@link #computeIfAbsent}. A value is handed out as it is, so a mutable value
 * needs its own guard. Null keys and values are refused.
 *
 * <p>This is all that chain-core needs of a cache (it replaced Guava's, whose jar and its
 * dependencies weighed more than the rest of the launcher's own code): a lock around an
 * access-ordered {@link LinkedHashMap}. Every caller does far more work per entry (a signature
 * check, a network message) than the lock costs.
 *
 * @param <K> the keys
 * @param <V> the values
 */
public final class BoundedCache<K, V> {

    enum Expiry { NEVER, AFTER_WRITE, AFTER_ACCESS }

    private record Entry<V>(V value, long stamp) {
    }

    private final int maximumSize;
    private final Expiry expiry;
    private final long ttlNanos;
    private final LongSupplier ticker;
    private final LinkedHashMap<K, Entry<V>> map; // guarded by this

    BoundedCache(int maximumSize, Expiry expiry, Duration ttl, LongSupplier ticker) {
        if (maximumSize < 1) {
            throw new IllegalArgumentException("maximumSize must be at least 1, not " + maximumSize);
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("the time to live must be positive, not " + ttl);
        }
        this.maximumSize = maximumSize;
        this.expiry = expiry;
        this.ttlNanos = ttl.toNanos();
        this.ticker = Objects.requireNonNull(ticker);
        this.map = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
                return size() > BoundedCache.this.maximumSize;
            }
        };
    }

    /**
     * A cache that forgets only to make room.
     *
     * @param maximumSize how many entries it holds at most
     * @param <K> the keys
     * @param <V> the values
     * @return an empty cache
     */
    public static <K, V> BoundedCache<K, V> ofSize(int maximumSize) {
        return new BoundedCache<>(maximumSize, Expiry.NEVER, Duration.ofDays(1), System::nanoTime);
    }

    /**
     * A cache that also forgets an entry {@code ttl} after it was last put.
     *
     * @param maximumSize how many entries it holds at most
     * @param ttl how long an entry lives after it was put
     * @param <K> the keys
     * @param <V> the values
     * @return an empty cache
     */
    public static <K, V> BoundedCache<K, V> expiringAfterWrite(int maximumSize, Duration ttl) {
        return new BoundedCache<>(maximumSize, Expiry.AFTER_WRITE, ttl, System::nanoTime);
    }

    /**
     * A cache that also forgets an entry {@code ttl} after it was last put or read.
     *
     * @param maximumSize how many entries it holds at most
     * @param ttl how long an entry lives after it was last put or read
     * @param <K> the keys
     * @param <V> the values
     * @return an empty cache
     */
    public static <K, V> BoundedCache<K, V> expiringAfterAccess(int maximumSize, Duration ttl) {
        return new BoundedCache<>(maximumSize, Expiry.AFTER_ACCESS, ttl, System::nanoTime);
    }

    /**
     * The value of {@code key}, or null when it has none (never had, expired or made room).
     *
     * @param key the key
     * @return its value, or null
     */
    public synchronized V get(K key) {
        Entry<V> e = live(key);
        return e == null ? null : e.value();
    }

    /**
     * Maps {@code key} to {@code value}, replacing its value if it had one.
     *
     * @param key the key
     * @param value its new value
     */
    public synchronized void put(K key, V value) {
        map.put(Objects.requireNonNull(key), new Entry<>(Objects.requireNonNull(value), ticker.getAsLong()));
    }

    /**
     * Maps {@code key} to {@code value} unless it has a value already.
     *
     * @param key the key
     * @param value its value if it has none
     * @return the value it had, or null when {@code value} was put
     */
    public synchronized V putIfAbsent(K key, V value) {
        Entry<V> e = live(key);
        if (e != null) {
            return e.value();
        }
        put(key, value);
        return null;
    }

    /**
     * The value of {@code key}, computing and putting it first when it has none.
     *
     * @param key the key
     * @param compute makes the value of a key that has none; must not return null
     * @return the value, found or computed
     */
    public synchronized V computeIfAbsent(K key, Function<? super K, ? extends V> compute) {
        Entry<V> e = live(key);
        if (e != null) {
            return e.value();
        }
        V value = compute.apply(key);
        put(key, value);
        return value;
    }

    /**
     * Forgets {@code key}.
     *
     * @param key the key
     */
    public synchronized void remove(K key) {
        map.remove(key);
    }

    /**
     * How many entries the cache holds, counting none that expired.
     *
     * @return the count
     */
    public synchronized int size() {
        long now = ticker.getAsLong();
        for (Iterator<Entry<V>> it = map.values().iterator(); it.hasNext(); ) {
            if (expired(it.next(), now)) {
                it.remove();
            }
        }
        return map.size();
    }

    /** The live entry of {@code key}, refreshed when entries expire after access; null if none. */
    private Entry<V> live(K key) {
        Entry<V> e = map.get(Objects.requireNonNull(key));
        if (e == null) {
            return null;
        }
        long now = ticker.getAsLong();
        if (expired(e, now)) {
            map.remove(key);
            return null;
        }
        if (expiry == Expiry.AFTER_ACCESS) {
            e = new Entry<>(e.value(), now);
            map.put(key, e);
        }
        return e;
    }

    private boolean expired(Entry<V> e, long now) {
        return expiry != Expiry.NEVER && now - e.stamp() >= ttlNanos;
    }
}
