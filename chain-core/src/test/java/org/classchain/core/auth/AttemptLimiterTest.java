package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {

    final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T08:00:00Z"));
    final AttemptLimiter limiter = new AttemptLimiter(clock);

    @Test
    void fiveFailuresAreFreeThenTheDelayDoubles() {
        for (int i = 0; i < 4; i++) {
            limiter.failure("teacher", "x");
            assertThat(limiter.blocked("teacher", "x")).isEmpty();
        }
        limiter.failure("teacher", "x");
        assertThat(limiter.blocked("teacher", "x")).contains(Duration.ofSeconds(1));
        clock.advance(Duration.ofSeconds(1));
        assertThat(limiter.blocked("teacher", "x")).isEmpty();
        limiter.failure("teacher", "x");
        assertThat(limiter.blocked("teacher", "x")).contains(Duration.ofSeconds(2));
        clock.advance(Duration.ofSeconds(2));
        limiter.failure("teacher", "x");
        assertThat(limiter.blocked("teacher", "x")).contains(Duration.ofSeconds(4));
    }

    @Test
    void delaysAreCappedShortForAnAccountAndLongForAnAddress() {
        assertThat(AttemptLimiter.delay(4, AttemptLimiter.ADDRESS_CAP)).isZero();
        assertThat(AttemptLimiter.delay(5, AttemptLimiter.ADDRESS_CAP)).isEqualTo(Duration.ofSeconds(1));
        assertThat(AttemptLimiter.delay(14, AttemptLimiter.ADDRESS_CAP)).isEqualTo(Duration.ofSeconds(512));
        assertThat(AttemptLimiter.delay(15, AttemptLimiter.ADDRESS_CAP)).isEqualTo(Duration.ofMinutes(15));
        assertThat(AttemptLimiter.delay(Integer.MAX_VALUE, AttemptLimiter.ADDRESS_CAP))
                .isEqualTo(Duration.ofMinutes(15));
        assertThat(AttemptLimiter.delay(40, AttemptLimiter.ACCOUNT_CAP)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theOwnerFromAnotherAddressWaitsAtMostTheAccountCap() {
        // a patient attacker at x, trying whenever allowed, for a long time
        for (int i = 0; i < 40; i++) {
            limiter.blocked("teacher", "x").ifPresent(clock::advance);
            limiter.failure("teacher", "x");
        }
        assertThat(limiter.blocked("teacher", "x")).contains(Duration.ofMinutes(15));
        assertThat(limiter.blocked("teacher", "y")).contains(Duration.ofMinutes(1));
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.blocked("teacher", "y")).isEmpty();
        assertThat(limiter.blocked("teacher", "x")).contains(Duration.ofMinutes(14));
        // the owner succeeds at y: the account is free again, the attacker's address is not
        limiter.success("teacher", "y");
        assertThat(limiter.blocked("teacher", "y")).isEmpty();
        assertThat(limiter.blocked("teacher", "x")).contains(Duration.ofMinutes(14));
    }

    @Test
    void anAddressIsLimitedAcrossAccounts() {
        for (int i = 0; i < 5; i++) {
            limiter.failure("user" + i, "x");
        }
        assertThat(limiter.blocked("someone-else", "x")).contains(Duration.ofSeconds(1));
        assertThat(limiter.blocked("someone-else", "y")).isEmpty();
    }

    @Test
    void aSuccessResetsTheAccountAndAddress() {
        for (int i = 0; i < 5; i++) {
            limiter.failure("teacher", "x");
        }
        clock.advance(Duration.ofSeconds(1));
        limiter.success("teacher", "x");
        for (int i = 0; i < 4; i++) {
            limiter.failure("teacher", "x");
        }
        assertThat(limiter.blocked("teacher", "x")).isEmpty();
    }

    @Test
    void oldFailuresAreForgotten() {
        for (int i = 0; i < 5; i++) {
            limiter.failure("teacher", "x");
        }
        clock.advance(AttemptLimiter.ADDRESS_CAP.plus(AttemptLimiter.FORGET_AFTER).plusSeconds(1));
        limiter.purge();
        limiter.failure("teacher", "x");
        assertThat(limiter.blocked("teacher", "x")).isEmpty();
    }
}
