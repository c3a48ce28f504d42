package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.classchain.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

/**
 * The penalty table a student can add to with every address it sends from: it stays bounded, a
 * ban survives the student coming back under new names, and an honest peer's rare races are
 * forgiven.
 */
class PenaltiesTest {

    private final MutableClock clock = new MutableClock();
    private final Penalties penalties = new Penalties(clock);

    @Test
    void aStudentWithEndlessAddressesCannotGrowTheTable() {
        for (int i = 0; i < 3 * Penalties.MAX_TRACKED; i++) {
            penalties.invalidBlock("10.1." + (i / 250) + "." + (i % 250));
        }
        assertThat(penalties.tracked()).isLessThanOrEqualTo(Penalties.MAX_TRACKED + 1);
    }

    @Test
    void sendersThatFindTheTableFullShareOneRecordAndItsBan() {
        // fill the table with senders that carry a recent invalid block: none can be forgotten
        for (int i = 0; i < Penalties.MAX_TRACKED; i++) {
            penalties.invalidBlock("10.2." + (i / 250) + "." + (i % 250));
        }
        boolean banned = false;
        for (int i = 0; i < Penalties.MAX_INVALID; i++) {
            banned = penalties.invalidBlock("new-name-" + i);
        }
        assertThat(banned).as("ten invalid blocks under ten new names ban the overflow").isTrue();
        assertThat(penalties.banned("yet-another-name")).isTrue();
        assertThat(penalties.banned("10.2.0.1")).as("a sender with its own record keeps it").isFalse();
    }

    @Test
    void recordsThatCarryNothingMakeRoomForNewSenders() {
        for (int i = 0; i < Penalties.MAX_TRACKED; i++) {
            penalties.invalidBlock("10.3." + (i / 250) + "." + (i % 250));
        }
        clock.advance(Penalties.FORGIVE_AFTER);
        for (int i = 0; i < Penalties.MAX_INVALID - 1; i++) {
            assertThat(penalties.invalidBlock("10.4.0.1")).isFalse();
        }
        assertThat(penalties.invalidBlock("10.4.0.1")).as("its own record, not the overflow's").isTrue();
        assertThat(penalties.banned("10.4.0.1")).isTrue();
        assertThat(penalties.banned("10.4.0.2")).isFalse();
        assertThat(penalties.tracked()).isLessThan(Penalties.MAX_TRACKED);
    }

    @Test
    void rareInvalidBlocksAreForgivenButAQuickRunIsNot() {
        for (int i = 0; i < 3 * Penalties.MAX_INVALID; i++) {
            assertThat(penalties.invalidBlock("honest")).isFalse();
            clock.advance(Penalties.FORGIVE_AFTER.plusSeconds(1));
        }
        boolean banned = false;
        for (int i = 0; i < Penalties.MAX_INVALID; i++) {
            banned = penalties.invalidBlock("hostile");
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(banned).isTrue();
        assertThat(penalties.banned("hostile")).isTrue();
        clock.advance(Penalties.BAN);
        assertThat(penalties.banned("hostile")).isFalse();
    }

    @Test
    void aBannedSenderIsNotForgottenToMakeRoom() {
        for (int i = 0; i < Penalties.MAX_INVALID; i++) {
            penalties.invalidBlock("hostile");
        }
        clock.advance(Penalties.FORGIVE_AFTER);
        assertThat(penalties.banned("hostile")).as("the ban (5 min) outlasts nothing here").isFalse();
        for (int i = 0; i < Penalties.MAX_INVALID; i++) {
            penalties.invalidBlock("hostile");
        }
        for (int i = 0; i < 2 * Penalties.MAX_TRACKED; i++) {
            penalties.relayAllowed("10.5." + (i / 250) + "." + (i % 250));
        }
        assertThat(penalties.banned("hostile")).isTrue();
    }

    @Test
    void aHundredThousandRelayingAddressesKeepTheRelayBucketsBounded() {
        for (int i = 0; i < 100_000; i++) {
            penalties.relayAllowed("10.6." + (i >> 8) + "." + (i & 255));
            assertThat(penalties.relaySenders()).isLessThanOrEqualTo(Penalties.MAX_TRACKED + 1);
        }
        assertThat(penalties.tracked()).as("relaying adds no penalty record").isZero();
    }
}
