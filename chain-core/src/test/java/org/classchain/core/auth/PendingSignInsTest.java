package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.classchain.core.testing.FakeClock;
import org.junit.jupiter.api.Test;

/** Issue 23, property 5, the rule alone: unfinished sign-ins are bounded and never keep the teacher out. */
class PendingSignInsTest {

    static final Duration EXPIRY = Duration.ofSeconds(30);
    final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T08:00:00Z"));
    final PendingSignIns<String> pending = new PendingSignIns<>(clock, EXPIRY);
    int next;

    private String start(String account, String origin, String via) {
        String id = "s" + next++;
        pending.add(id, account, origin, via, id);
        return id;
    }

    @Test
    void anOriginPastItsBoundLosesItsOwnOldest() {
        String teachers = start("teacher", "10.0.0.1", "10.0.0.1");
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < PendingSignIns.MAX_PER_ORIGIN + 5; i++) {
            mine.add(start("teacher", "10.0.0.66", "10.0.0.66"));
        }
        assertThat(pending.size()).isEqualTo(PendingSignIns.MAX_PER_ORIGIN + 1);
        assertThat(pending.take(mine.get(0))).as("the flooder's oldest").isEmpty();
        assertThat(pending.take(mine.get(mine.size() - 1))).isPresent();
        assertThat(pending.take(teachers)).as("the teacher's").isPresent();
    }

    @Test
    void aFullAccountDropsTheFloodersNotTheTeachers() {
        // made-up origins through one relay, real ones of many machines directly and through a student's peer
        String early = start("teacher", "10.0.0.1", "10.0.0.1");
        for (int i = 0; i < 3000; i++) {
            start("teacher", "origin-" + i + " via 10.0.0.99", "10.0.0.99");
            start("teacher", "10.0.1." + (i % 50), "10.0.1." + (i % 50));
            start("teacher", "10.0.2." + (i % 50) + " via 10.0.0.5", "10.0.0.5");
        }
        String viaStudent = start("teacher", "10.0.0.1 via 10.0.0.5", "10.0.0.5");
        for (int i = 0; i < 1000; i++) {
            start("teacher", "origin-x" + i + " via 10.0.0.99", "10.0.0.99");
            start("teacher", "10.0.2." + (i % 50) + " via 10.0.0.5", "10.0.0.5");
        }
        assertThat(pending.pending("teacher")).isEqualTo(PendingSignIns.MAX_PER_ACCOUNT);
        assertThat(pending.take(early)).as("the teacher's at the own peer, started before the flood").isPresent();
        assertThat(pending.take(viaStudent)).as("the teacher's through the flooded student's peer").isPresent();
    }

    @Test
    void theTotalIsBoundedAcrossAccountsAndMadeUpNames() {
        String teachers = start("teacher", "10.0.0.1", "10.0.0.1");
        for (int i = 0; i < 10_000; i++) {
            start("name" + i, "10.1." + (i % 1000), "10.1." + (i % 1000));
        }
        assertThat(pending.size()).isEqualTo(PendingSignIns.MAX_TOTAL);
        assertThat(pending.take(teachers)).isPresent();
    }

    @Test
    void aSignInExpiresOnTheHostsClock() {
        String id = start("teacher", "10.0.0.1", "10.0.0.1");
        String later = start("teacher", "10.0.0.1", "10.0.0.1");
        clock.advance(EXPIRY);
        assertThat(pending.take(id)).isEmpty();
        pending.expire();
        assertThat(pending.size()).isZero();
        assertThat(pending.take(later)).isEmpty();
    }
}
