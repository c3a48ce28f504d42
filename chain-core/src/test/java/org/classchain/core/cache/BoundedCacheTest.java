package org.classchain.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The cache that replaced Guava's: what it keeps, what it drops to make room, and when it forgets. */
class BoundedCacheTest {

    private final AtomicLong nanos = new AtomicLong(1_000);

    private BoundedCache<String, Integer> cache(int size, BoundedCache.Expiry expiry, Duration ttl) {
        return new BoundedCache<>(size, expiry, ttl, nanos::get);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void fullDropsTheLeastRecentlyUsed() {
        BoundedCache<String, Integer> c = BoundedCache.ofSize(2);
        c.put("a", 1);
        c.put("b", 2);
        assertThat(c.get("a")).isEqualTo(1); // now b is the least recently used
        c.put("c", 3);
        assertThat(c.get("b")).isNull();
        assertThat(c.get("a")).isEqualTo(1);
        assertThat(c.get("c")).isEqualTo(3);
        assertThat(c.size()).isEqualTo(2);
    }

    @Test
    void aMillionKeysNeverHoldMoreThanTheBound() {
        BoundedCache<Integer, Boolean> c = BoundedCache.ofSize(1_000);
        for (int i = 0; i < 1_000_000; i++) {
            c.putIfAbsent(i, Boolean.TRUE);
        }
        assertThat(c.size()).isEqualTo(1_000);
        assertThat(c.get(999_999)).isTrue();
        assertThat(c.get(0)).isNull();
    }

    @Test
    void expiringAfterWriteForgetsDespiteReads() {
        BoundedCache<String, Integer> c = cache(10, BoundedCache.Expiry.AFTER_WRITE, Duration.ofMinutes(2));
        c.put("a", 1);
        advance(Duration.ofSeconds(119));
        assertThat(c.get("a")).isEqualTo(1);
        advance(Duration.ofSeconds(1));
        assertThat(c.get("a")).isNull();
        assertThat(c.size()).isZero();
        assertThat(c.putIfAbsent("a", 2)).as("an expired entry is absent").isNull();
        assertThat(c.get("a")).isEqualTo(2);
    }

    @Test
    void expiringAfterAccessLivesWhileRead() {
        BoundedCache<String, Integer> c = cache(10, BoundedCache.Expiry.AFTER_ACCESS, Duration.ofMinutes(10));
        c.put("a", 1);
        for (int i = 0; i < 5; i++) {
            advance(Duration.ofMinutes(9));
            assertThat(c.computeIfAbsent("a", k -> 99)).isEqualTo(1);
        }
        advance(Duration.ofMinutes(10));
        assertThat(c.get("a")).isNull();
    }

    @Test
    void neverExpiringIgnoresTime() {
        BoundedCache<String, Integer> c = cache(10, BoundedCache.Expiry.NEVER, Duration.ofSeconds(1));
        c.put("a", 1);
        advance(Duration.ofDays(365));
        assertThat(c.get("a")).isEqualTo(1);
    }

    @Test
    void putIfAbsentAndComputeIfAbsentKeepTheFirstValue() {
        BoundedCache<String, Integer> c = BoundedCache.ofSize(10);
        assertThat(c.putIfAbsent("a", 1)).isNull();
        assertThat(c.putIfAbsent("a", 2)).isEqualTo(1);
        assertThat(c.computeIfAbsent("a", k -> 3)).isEqualTo(1);
        assertThat(c.computeIfAbsent("b", String::length)).isEqualTo(1);
        c.put("a", 4);
        assertThat(c.get("a")).isEqualTo(4);
        c.remove("a");
        assertThat(c.get("a")).isNull();
    }

    @Test
    void refusesNullsAndNonsenseBounds() {
        BoundedCache<String, Integer> c = BoundedCache.ofSize(1);
        assertThatThrownBy(() -> c.put(null, 1)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.put("a", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> c.computeIfAbsent("a", k -> null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> BoundedCache.ofSize(0)).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> BoundedCache.expiringAfterWrite(1, Duration.ZERO)).hasMessageContaining("positive");
    }

    @Test
    void concurrentWritersKeepTheBound() throws Exception {
        BoundedCache<Integer, Boolean> c = BoundedCache.ofSize(500);
        Thread[] writers = new Thread[4];
        for (int t = 0; t < writers.length; t++) {
            int base = t * 100_000;
            writers[t] = new Thread(() -> {
                for (int i = 0; i < 50_000; i++) {
                    c.putIfAbsent(base + i, Boolean.TRUE);
                    c.get(base + i / 2);
                }
            }, "cache-writer-" + t);
            writers[t].start();
        }
        for (Thread w : writers) {
            w.join();
        }
        assertThat(c.size()).isEqualTo(500);
    }
}
