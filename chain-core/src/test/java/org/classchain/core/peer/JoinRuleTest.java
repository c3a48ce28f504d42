package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import org.classchain.Role;
import org.classchain.core.net.InMemoryNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A student never silently becomes the teacher of a new chain because its seed was slow to answer. */
class JoinRuleTest {

    private final InMemoryNetwork network = new InMemoryNetwork(3, 2);

    @AfterEach
    void close() {
        network.close();
    }

    @Test
    @Timeout(30)
    void anUnansweringSeedIsRetriedThenRefusedWithAClearMessage() {
        Peer student = Peer.builder().transport(network.newTransport()).seed("mem://nobody")
                .joinTimeout(Duration.ofMillis(800)).build();
        try {
            assertThatThrownBy(student::start).isInstanceOf(IOException.class)
                    .hasMessageContaining("no seed answered").hasMessageContaining("mem://nobody")
                    .hasMessageContaining("--genesis-if-unreachable");
        } finally {
            student.close();
        }
    }

    @Test
    @Timeout(30)
    void theEagerRuleCreatesAChainWhenAsked() throws Exception {
        try (Peer eager = Peer.builder().transport(network.newTransport()).seed("mem://nobody").difficultyBits(4)
                .joinTimeout(Duration.ofMillis(300)).genesisIfUnreachable(true).account("t", "pw").build()) {
            eager.start();
            assertThat(eager.role()).isEqualTo(Role.TEACHER);
        }
    }

    @Test
    @Timeout(30)
    void aLateSeedIsWaitedFor() throws Exception {
        var seedTransport = network.newTransport();
        String seedAddress = seedTransport.localAddress();
        Peer teacher = Peer.builder().transport(seedTransport).account("t", "pw").difficultyBits(4).build();
        Peer student = Peer.builder().transport(network.newTransport()).seed(seedAddress)
                .joinTimeout(Duration.ofSeconds(20)).build();
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(700);
                teacher.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        late.start();
        try {
            student.start();
            assertThat(student.role()).isEqualTo(Role.STUDENT);
            late.join();
            assertThat(student.chain().chainId()).isEqualTo(teacher.chain().chainId());
        } finally {
            student.close();
            teacher.close();
        }
    }
}
