package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @Test
    void a_burst_then_the_rate() {
        RateLimiter limiter = new RateLimiter(2, 3, now::get);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(1);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isEqualTo(1);
    }

    @Test
    void addresses_are_limited_separately() {
        RateLimiter limiter = new RateLimiter(1, 1, now::get);
        assertThat(limiter.acquire("a")).isZero();
        assertThat(limiter.acquire("a")).isPositive();
        assertThat(limiter.acquire("b")).isZero();
    }

    @Test
    void a_slow_rate_asks_for_a_longer_wait() {
        RateLimiter limiter = new RateLimiter(0.1, 1, now::get);
        limiter.acquire("a");
        assertThat(limiter.acquire("a")).isEqualTo(10);
    }

    @Test
    void idle_addresses_are_forgotten_when_the_table_is_large() {
        RateLimiter limiter = new RateLimiter(100, 10, now::get);
        for (int i = 0; i < 10_050; i++) {
            limiter.acquire("10.0." + i);
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        limiter.acquire("fresh");
        assertThat(limiter.trackedAddresses()).isLessThan(100);
    }
}
