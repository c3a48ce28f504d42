package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.classchain.Role;
import org.classchain.core.net.InMemoryNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DESIGN 6: a genesis that pins fingerprints refuses a peer running other code, saying why. */
class FingerprintTest {

    @Test
    @Timeout(30)
    void aPinnedChainRefusesAnotherBuildAndAcceptsTheSameOne() throws Exception {
        try (InMemoryNetwork net = new InMemoryNetwork(9, 2);
             Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                     .fingerprint("aaaa").pinFingerprints(List.of("aaaa")).build();
             Peer other = Peer.builder().transport(net.newTransport()).seed("mem://1").fingerprint("bbbb")
                     .joinTimeout(Duration.ofSeconds(5)).build();
             Peer same = Peer.builder().transport(net.newTransport()).seed("mem://1").fingerprint("aaaa").build()) {
            teacher.start();
            assertThat(teacher.address()).isEqualTo("mem://1");
            assertThatThrownBy(other::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("refused this peer").hasMessageContaining("fingerprint 'bbbb'");
            same.start();
            assertThat(same.role()).isEqualTo(Role.STUDENT);
            assertThat(same.chain().genesis()).isEqualTo(teacher.chain().genesis());
        }
    }
}
