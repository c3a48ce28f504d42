package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.classchain.core.auth.AttemptLimiter.Admission;
import org.classchain.core.auth.AttemptLimiter.Source;
import org.classchain.core.testing.FakeClock;
import org.junit.jupiter.api.Test;

class AttemptLimiterTest {

    final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T08:00:00Z"));
    final AttemptLimiter limiter = new AttemptLimiter(clock);

    static final Source X = Source.direct("10.0.0.66");
    static final Source Y = Source.direct("10.0.0.20");

    /** One wrong guess; whether it was checked. */
    private boolean wrong(String user, Source s) {
        Admission a = limiter.admit(user, s);
        if (a.refused().isPresent()) {
            return false;
        }
        limiter.failure(a);
        return true;
    }

    @Test
    void tenWrongGuessesAtOnceThenOneEveryFortySecondsFromASource() {
        int checked = 0;
        // a source that failed is checked while the budget lasts
        for (int i = 0; i < 50; i++) {
            if (wrong("teacher", X)) {
                checked++;
            }
        }
        assertThat(checked).isEqualTo(AttemptLimiter.BURST);
        assertThat(limiter.admit("teacher", X).refused()).contains(AttemptLimiter.REFILL);
        clock.advance(AttemptLimiter.REFILL);
        assertThat(wrong("teacher", X)).isTrue();
        assertThat(wrong("teacher", X)).isFalse();
    }

    @Test
    void atMostAHundredWrongGuessesAnHourPlusAFewPerSource() {
        int checked = 0;
        for (int second = 0; second < 3600; second++) {
            for (int s = 0; s < 5; s++) {
                // five addresses guessing every second for an hour
                Source src = Source.direct("10.0.1." + s);
                if (wrong("teacher", src)) {
                    checked++;
                }
            }
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(checked).isBetween(99, 100 + 5 * AttemptLimiter.SOURCE_FAILURES);
    }

    @Test
    void aRightPasswordGivesItsTokenBackAndClearsItsSource() {
        for (int i = 0; i < AttemptLimiter.BURST - 1; i++) {
            wrong("teacher", Y);
        }
        assertThat(limiter.remaining("teacher")).isEqualTo(1);
        Admission a = limiter.admit("teacher", Y);
        assertThat(a.refused()).isEmpty();
        limiter.success(a);
        assertThat(limiter.remaining("teacher")).isEqualTo(1);
    }

    @Test
    void withTheBudgetSpentACleanSourceIsStillCheckedAndARepeatOffenderIsNot() {
        while (wrong("teacher", X)) {
            // spend the budget from X
        }
        // X, which failed ten times, is refused unchecked: whatever it sends, right or wrong
        Admission refused = limiter.admit("teacher", X);
        assertThat(refused.refused()).isPresent();
        assertThat(limiter.refusedAtStart("teacher", X)).isPresent();
        // Y has not failed: checked at once; a right password succeeds and costs nothing
        assertThat(limiter.refusedAtStart("teacher", Y)).isEmpty();
        Admission owner = limiter.admit("teacher", Y);
        assertThat(owner.refused()).isEmpty();
        limiter.success(owner);
        // a few typos from Y are still checked; after that Y is refused too
        for (int i = 0; i < AttemptLimiter.SOURCE_FAILURES; i++) {
            assertThat(wrong("teacher", Y)).isTrue();
        }
        assertThat(limiter.admit("teacher", Y).refused()).isPresent();
        // other accounts are untouched
        assertThat(wrong("student", X)).isTrue();
    }

    @Test
    void sourcesBehindARelayAreKeptApartAndOneRelayBringsOnlyAFew() {
        while (wrong("teacher", X)) {
            // spend the budget
        }
        String relay = "10.0.0.5";
        // an abuser behind the relay: a few checked guesses, then refused
        Source abuser = new Source(relay, "10.0.0.31");
        int checked = 0;
        while (wrong("teacher", abuser)) {
            checked++;
        }
        assertThat(checked).isEqualTo(AttemptLimiter.SOURCE_FAILURES);
        // another client of the same relay is checked
        Admission owner = limiter.admit("teacher", new Source(relay, "10.0.0.32"));
        assertThat(owner.refused()).isEmpty();
        limiter.success(owner);
        // a relay that invents client addresses gets a few, then none of its clients is checked
        int invented = 0;
        for (int i = 0; i < 100; i++) {
            if (wrong("teacher", new Source("10.0.0.99", "fake-" + i))) {
                invented++;
            }
        }
        assertThat(invented).isLessThanOrEqualTo(AttemptLimiter.ORIGINS_PER_RELAY * AttemptLimiter.SOURCE_FAILURES);
        assertThat(limiter.admit("teacher", new Source("10.0.0.99", "fake-new")).refused()).isPresent();
        // and that relay's inventions do not touch the honest relay's clients
        assertThat(limiter.admit("teacher", new Source(relay, "10.0.0.33")).refused()).isEmpty();
    }

    @Test
    void failuresAreForgottenAfterAnHour() {
        while (wrong("teacher", X)) {
            // spend the budget
        }
        clock.advance(AttemptLimiter.MEMORY);
        limiter.purge();
        assertThat(limiter.remaining("teacher")).isEqualTo(AttemptLimiter.BURST);
        while (wrong("teacher", Y)) {
            // spend it again from Y
        }
        assertThat(limiter.admit("teacher", X).refused()).as("X's failures are an hour old").isEmpty();
    }
}
