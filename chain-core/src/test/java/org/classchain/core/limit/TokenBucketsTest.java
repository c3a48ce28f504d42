package org.classchain.core.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The one token bucket table, on a clock the test moves: what the REST rate limit and the relay limit rely on. */
class TokenBucketsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private long seconds(TokenBuckets b, String key) {
        return b.takeOrSecondsToWait(key);
    }

    @Test
    void aBurstThenTheRate() {
        TokenBuckets limiter = new TokenBuckets(2, 3, 100, now::get);
        assertThat(seconds(limiter, "a")).isZero();
        assertThat(seconds(limiter, "a")).isZero();
        assertThat(seconds(limiter, "a")).isZero();
        assertThat(seconds(limiter, "a")).isEqualTo(1);
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(seconds(limiter, "a")).isZero();
        assertThat(limiter.take("a")).as("nanoseconds until the next token").isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
    }

    @Test
    void keysAreLimitedSeparately() {
        TokenBuckets limiter = new TokenBuckets(1, 1, 100, now::get);
        assertThat(seconds(limiter, "a")).isZero();
        assertThat(seconds(limiter, "a")).isPositive();
        assertThat(seconds(limiter, "b")).isZero();
    }

    @Test
    void aSlowRateAsksForALongerWait() {
        TokenBuckets limiter = new TokenBuckets(0.1, 1, 100, now::get);
        limiter.take("a");
        assertThat(seconds(limiter, "a")).isEqualTo(10);
    }

    @Test
    void idleKeysAreForgottenWhenTheTableIsFull() {
        TokenBuckets limiter = new TokenBuckets(100, 10, 10_000, now::get);
        for (int i = 0; i < 10_050; i++) {
            limiter.take("10.0." + i);
        }
        now.addAndGet(TimeUnit.SECONDS.toNanos(1));
        limiter.take("fresh");
        assertThat(limiter.tracked()).isLessThan(100);
    }

    @Test
    void aHundredThousandSendersKeepTheTableAtItsBoundAndShareOneBurst() {
        // a student inventing a new address per request, faster than any bucket refills
        TokenBuckets limiter = new TokenBuckets(1, 5, 1_000, now::get);
        int allowed = 0;
        for (int i = 0; i < 100_000; i++) {
            if (limiter.take("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255)) == 0) {
                allowed++;
            }
            assertThat(limiter.tracked()).isLessThanOrEqualTo(1_000 + 1);
            now.addAndGet(1_000); // a microsecond apart
        }
        assertThat(limiter.tracked()).isEqualTo(1_000 + 1);
        // each of the first thousand had its own burst; the 99,000 after them shared one
        assertThat(allowed).isBetween(1_000, 1_000 + 5 + 1);
    }

    @Test
    void aSenderWithItsOwnBucketKeepsItWhenTheTableOverflows() {
        TokenBuckets limiter = new TokenBuckets(1, 2, 10, now::get);
        assertThat(limiter.take("honest")).isZero();
        for (int i = 0; i < 1_000; i++) {
            limiter.take("flood-" + i);
        }
        assertThat(limiter.take("honest")).as("its second token, not the overflow's").isZero();
        assertThat(limiter.take("flood-new")).as("the flood's shared bucket is empty").isPositive();
    }

    @Test
    void aBadSettingIsRefusedWithItsValues() {
        assertThatThrownBy(() -> new TokenBuckets(0, 1, 1, now::get)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0/s");
        assertThatThrownBy(() -> new TokenBuckets(1, 0.5, 1, now::get)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBuckets(1, 1, 0, now::get)).isInstanceOf(IllegalArgumentException.class);
    }
}
