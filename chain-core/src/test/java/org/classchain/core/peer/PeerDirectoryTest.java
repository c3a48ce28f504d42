package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.classchain.NodeKey;
import org.classchain.PeerInfo;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.testing.Fixtures;
import org.classchain.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {

    private static final SecureRandom RANDOM = Fixtures.deterministic(15);

    private static NodeKey key() {
        return NodeIdentity.generate(RANDOM).publicKey();
    }

    /** Verifies {@code address} (as a call-back would) and offers it a slot. */
    private static boolean offer(PeerDirectory d, String address, boolean outbound) {
        if (d.entry(address).filter(e -> e.verified).isEmpty()) {
            d.verified(address, key());
        }
        return d.offerNeighbour(address, outbound);
    }

    @Test
    void aPeerRememberedFromBeforeARestartIsListedOfflineUntilItIsVerifiedAgain() {
        PeerDirectory d = new PeerDirectory("mem://0", 8, Clock.systemUTC());
        NodeKey bob = key();
        NodeKey carol = key();
        d.remember("mem://1", bob.nodeId(), List.of("52:54:00:12:34:56", "not a mac"));
        d.remember("mem://2", carol.nodeId(), List.of());
        d.remember("mem://0", "self", List.of());
        assertThat(d.infos()).extracting(PeerInfo::nodeId).containsExactly(bob.nodeId(), carol.nodeId());
        assertThat(d.infos().get(0).lastSeen()).isNull();
        assertThat(d.infos().get(0).macs()).as("how to wake it, kept while it is off").containsExactly("52:54:00:12:34:56");
        assertThat(d.offline(bob.nodeId())).isTrue();
        assertThat(d.sizes()[0]).as("not verified by the file").isZero();

        d.verified("mem://3", bob); // bob answers at another address
        assertThat(d.infos()).extracting(PeerInfo::address).containsExactly("mem://2", "mem://3");
        assertThat(d.offline(bob.nodeId())).isFalse();
        assertThat(d.infos().get(1).macs()).as("until its status names them again").containsExactly("52:54:00:12:34:56");
        d.verified("mem://2", key()); // someone else now serves carol's old address
        assertThat(d.infos()).extracting(PeerInfo::nodeId).doesNotContain(carol.nodeId()).hasSize(2);
    }

    @Test
    void theModulesAPeerSaysItHasAreKeptBoundedAndOnlyForVerifiedPeers() {
        PeerDirectory d = new PeerDirectory("mem://0", 8, Clock.systemUTC());
        d.learn("mem://1");
        d.heard("mem://1", List.of(), List.of("bell"), List.of());
        assertThat(d.modules()).as("an unverified address says nothing").isEmpty();
        d.verified("mem://1", key());
        d.verified("mem://2", key());
        List<String> many = new ArrayList<>(List.of("bell", "Not A Name", "bell", "x".repeat(65)));
        for (int i = 0; i < 2 * PeerDirectory.MAX_MODULES; i++) {
            many.add("m" + i);
        }
        d.heard("mem://1", List.of("alice"), many, List.of());
        d.heard("mem://2", List.of(), List.of("message", "bell"), List.of());
        assertThat(d.infos().get(0).modules()).hasSize(PeerDirectory.MAX_MODULES).startsWith("bell", "m0")
                .doesNotContain("Not A Name");
        assertThat(d.modules()).contains("bell", "message", "m0").doesNotContain("m" + PeerDirectory.MAX_MODULES)
                .hasSize(PeerDirectory.MAX_MODULES + 1);
    }

    @Test
    void aClaimIsShownSampledAndCountedOnlyOnceItsCallBackProvedIt() {
        PeerDirectory d = new PeerDirectory("mem://0", 8, Clock.systemUTC());
        NodeKey k = key();
        assertThat(d.claim("mem://1", k, "mem://1", true)).isEqualTo(PeerDirectory.Claim.CHECK);
        assertThat(d.claim("mem://1", k, "mem://1", true)).as("one call-back at a time").isEqualTo(PeerDirectory.Claim.NOT_NOW);
        assertThat(d.offerNeighbour("mem://1", false)).isFalse();
        assertThat(d.infos()).isEmpty();
        assertThat(d.sample(16, new Random(1))).isEmpty();
        assertThat(d.nextToPoll(8)).isEmpty();
        assertThat(d.addressOf(k.nodeId())).isEmpty();
        d.checked("mem://1", k);
        assertThat(d.infos()).singleElement().satisfies(p -> assertThat(p.nodeId()).isEqualTo(k.nodeId()));
        assertThat(d.claim("mem://1", k, "mem://1", true)).isEqualTo(PeerDirectory.Claim.PROVEN);
        // another key claiming a verified address: called back, and bound only if that proves it
        NodeKey other = key();
        assertThat(d.claim("mem://1", other, "mem://9", true)).isEqualTo(PeerDirectory.Claim.CHECK);
        d.checked("mem://1", null);
        assertThat(d.keyOf(k.nodeId())).contains(k);
        assertThat(d.addressOf(other.nodeId())).isEmpty();
        // a claim that did not hold is forgotten
        assertThat(d.claim("mem://2", key(), "mem://2", true)).isEqualTo(PeerDirectory.Claim.CHECK);
        d.checked("mem://2", null);
        assertThat(d.entry("mem://2")).isEmpty();
    }

    @Test
    void oneSenderHasOnlyAFewClaimsWaitingAndTheUnverifiedAreBounded() {
        PeerDirectory d = new PeerDirectory("mem://0", 8, Clock.systemUTC());
        int accepted = 0;
        for (int i = 0; i < 1100; i++) {
            if (d.claim("http://10.0.0.99:" + (20000 + i), key(), "10.0.0.99", true) == PeerDirectory.Claim.CHECK) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(PeerDirectory.MAX_CLAIMS_PER_SOURCE);
        assertThat(d.claim("http://10.0.0.7:8080", key(), "10.0.0.7", true)).as("another machine")
                .isEqualTo(PeerDirectory.Claim.CHECK);
        for (int i = 0; i < 2 * PeerDirectory.MAX_UNVERIFIED; i++) {
            d.learn("http://10.1.0." + (i % 250) + ":" + (8000 + i));
        }
        assertThat(d.sizes()[1]).isEqualTo(PeerDirectory.MAX_UNVERIFIED);
        assertThat(d.sizes()[0]).isZero();
    }

    @Test
    void aFullTableMakesRoomByEvictingThePeerThatFailedLongestAgoThenTheLeastRecentlySeen() {
        MutableClock clock = new MutableClock();
        PeerDirectory d = new PeerDirectory("mem://0", 8, clock);
        for (int i = 1; i <= PeerDirectory.MAX_KNOWN; i++) {
            d.verified("mem://" + i, key());
            clock.advance(Duration.ofMillis(1));
        }
        assertThat(d.offerNeighbour("mem://1", true)).isTrue();
        for (int i = 0; i < PeerDirectory.MAX_FAILURES; i++) {
            d.failed("mem://500");
        }
        d.verified("mem://new", key());
        assertThat(d.entry("mem://new")).isPresent();
        assertThat(d.entry("mem://500")).as("the failing one").isEmpty();
        d.verified("mem://newer", key());
        assertThat(d.entry("mem://2")).as("the least recently seen that is not a neighbour").isEmpty();
        assertThat(d.entry("mem://1")).as("a neighbour is kept").isPresent();
        assertThat(d.sizes()[0]).isEqualTo(PeerDirectory.MAX_KNOWN);
    }

    @Test
    void oneMachineOfTheLanHoldsABoundedShareOfTheTable() {
        PeerDirectory d = new PeerDirectory("http://10.0.0.1:8080", 8, Clock.systemUTC());
        for (int i = 0; i < 100; i++) {
            d.verified("http://10.0.0.66:" + (9000 + i), key());
        }
        d.verified("http://10.0.0.5:8080", key());
        assertThat(d.infos()).filteredOn(p -> p.address().startsWith("http://10.0.0.66:"))
                .hasSize(PeerDirectory.MAX_PER_HOST);
        assertThat(d.infos()).extracting(p -> p.address()).contains("http://10.0.0.5:8080");
    }

    @Test
    void aPeerFillsHalfItsSlotsItselfAndKeepsTheRestForPeersThatAsk() {
        PeerDirectory d = new PeerDirectory("mem://0", 8, Clock.systemUTC());
        for (int i = 1; i <= 4; i++) {
            assertThat(d.hasRoom()).isTrue();
            assertThat(offer(d, "mem://" + i, true)).isTrue();
        }
        assertThat(d.hasRoom()).as("four outbound: it stops looking").isFalse();
        for (int i = 5; i <= 8; i++) {
            assertThat(offer(d, "mem://" + i, false)).as("inbound %d", i).isTrue();
        }
        assertThat(offer(d, "mem://9", false)).as("all eight slots taken").isFalse();
        assertThat(d.neighbours()).hasSize(8);

        for (int i = 0; i < PeerDirectory.MAX_FAILURES; i++) {
            d.failed("mem://2");
        }
        assertThat(d.neighbours()).hasSize(7).doesNotContain("mem://2");
        assertThat(d.hasRoom()).as("an outbound neighbour dropped: it looks for another").isTrue();
    }

    @Test
    void peersThatAskFillEverySlotWhenThisOneFoundNone() {
        PeerDirectory d = new PeerDirectory("mem://0", 8, Clock.systemUTC());
        for (int i = 1; i <= 8; i++) {
            assertThat(offer(d, "mem://" + i, false)).isTrue();
        }
        assertThat(d.hasRoom()).isFalse();
        assertThat(offer(d, "mem://1", true)).as("already one").isTrue();
    }

    @Test
    void withOneSlotThePeerMayStillFillItItself() {
        PeerDirectory d = new PeerDirectory("mem://0", 1, Clock.systemUTC());
        assertThat(d.hasRoom()).isTrue();
        assertThat(offer(d, "mem://1", true)).isTrue();
        assertThat(d.hasRoom()).isFalse();
    }
}
