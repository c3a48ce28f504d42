package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;

class PeerDirectoryTest {

    @Test
    void aPeerFillsHalfItsSlotsItselfAndKeepsTheRestForPeersThatAsk() {
        PeerDirectory d = new PeerDirectory("mem://0", 8, Clock.systemUTC());
        for (int i = 1; i <= 4; i++) {
            assertThat(d.hasRoom()).isTrue();
            assertThat(d.offerNeighbour("mem://" + i, true)).isTrue();
        }
        assertThat(d.hasRoom()).as("four outbound: it stops looking").isFalse();
        for (int i = 5; i <= 8; i++) {
            assertThat(d.offerNeighbour("mem://" + i, false)).as("inbound %d", i).isTrue();
        }
        assertThat(d.offerNeighbour("mem://9", false)).as("all eight slots taken").isFalse();
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
            assertThat(d.offerNeighbour("mem://" + i, false)).isTrue();
        }
        assertThat(d.hasRoom()).isFalse();
        assertThat(d.offerNeighbour("mem://1", true)).as("already one").isTrue();
    }

    @Test
    void withOneSlotThePeerMayStillFillItItself() {
        PeerDirectory d = new PeerDirectory("mem://0", 1, Clock.systemUTC());
        assertThat(d.hasRoom()).isTrue();
        assertThat(d.offerNeighbour("mem://1", true)).isTrue();
        assertThat(d.hasRoom()).isFalse();
    }
}
