package org.classchain.core.limit;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * What a peer keeps per sender (a rate bucket, a count of bad blocks), at most {@code maxKeys}
 * senders of it. When the table is full, the entries that can be forgotten without their sender
 * noticing are dropped (a full bucket, a forgiven record); if none can be, a new sender shares one
 * overflow entry with every other sender that found the table full. So a student who invents a new
 * address for every request neither grows the table nor gets a fresh entry each time. A full table
 * is searched for entries to forget at most once per {@link #SWEEP_INTERVAL_NANOS}, so a flood of
 * new senders costs no scan each.
 *
 * <p>Thread-safe (one lock). The entries themselves are the caller's to guard.
 *
 * @param <V> what is kept per sender
 */
public final class BoundedTable<V> {

    /** The shortest time between two searches of a full table for entries that can be forgotten. */
    public static final long SWEEP_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Whether an entry can be forgotten at a time, without its sender noticing. */
    @FunctionalInterface
    public interface Forgettable<V> {
        /**
         * {@return true when forgetting {@code entry} at {@code nowNanos} changes nothing its sender could notice}
         *
         * @param entry an entry of the table
         * @param nowNanos the table's time
         */
        boolean test(V entry, long nowNanos);
    }

    private final int maxKeys;
    private final String overflowKey;
    private final LongSupplier nanoTime;
    private final LongFunction<V> fresh;
    private final Forgettable<V> forgettable;
    private final Map<String, V> entries = new HashMap<>(); // guarded by this
    private long nextSweep;                                  // guarded by this

    /**
     * @param maxKeys how many senders have an entry of their own (the overflow entry besides)
     * @param overflowKey the key of the shared entry, one no sender can have
     * @param nanoTime the time in nanoseconds, as {@link System#nanoTime()} (tests: a fake)
     * @param fresh a new sender's entry, made at the given time
     * @param forgettable which entries a full table may drop
     * @throws IllegalArgumentException when {@code maxKeys} is below 1
     */
    public BoundedTable(int maxKeys, String overflowKey, LongSupplier nanoTime, LongFunction<V> fresh,
                        Forgettable<V> forgettable) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("a table needs room for a key, not " + maxKeys);
        }
        this.maxKeys = maxKeys;
        this.overflowKey = Objects.requireNonNull(overflowKey);
        this.nanoTime = Objects.requireNonNull(nanoTime);
        this.fresh = Objects.requireNonNull(fresh);
        this.forgettable = Objects.requireNonNull(forgettable);
        this.nextSweep = nanoTime.getAsLong();
    }

    /** {@return the entry of {@code key}: its own, made if there is room, else the shared overflow entry} */
    public synchronized V entry(String key) {
        V v = entries.get(Objects.requireNonNull(key));
        if (v != null) {
            return v;
        }
        long now = nanoTime.getAsLong();
        if (full() && now - nextSweep >= 0) {
            nextSweep = now + SWEEP_INTERVAL_NANOS;
            entries.entrySet().removeIf(e -> !e.getKey().equals(overflowKey) && forgettable.test(e.getValue(), now));
        }
        if (full()) {
            return entries.computeIfAbsent(overflowKey, k -> fresh.apply(now));
        }
        v = fresh.apply(now);
        entries.put(key, v);
        return v;
    }

    /**
     * {@return the entry {@code key} would get without making one: its own, else the overflow entry
     * when the table is full, else null}
     */
    public synchronized V peek(String key) {
        V v = entries.get(Objects.requireNonNull(key));
        return v != null || !full() ? v : entries.get(overflowKey);
    }

    /** {@return how many entries are kept, the overflow entry included: never more than {@code maxKeys + 1}} */
    public synchronized int size() {
        return entries.size();
    }

    private boolean full() {
        return entries.size() - (entries.containsKey(overflowKey) ? 1 : 0) >= maxKeys;
    }
}
