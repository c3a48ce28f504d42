package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.Await;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A peer cut off long enough to drop all its neighbours finds its way back and catches up. Waits on
 * conditions, with the network's default timeout: with a 100 ms timeout, honest replies on a
 * loaded machine came too late ("no reply from mem://1 within 100 ms"), and a 600 ms sleep holds
 * fewer ticks when the machine is slow. A peer that is down fails every request at once anyway.
 */
class IsolationRecoveryTest {

    @Test
    @Timeout(60)
    void aPeerThatLostEveryNeighbourRecoversWhenTheNetworkReturns() throws Exception {
        try (InMemoryNetwork net = new InMemoryNetwork(21, 2);
             // the teacher keeps one neighbour (a), so b's only link is a
             Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                     .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(50)).maxNeighbours(1).build();
             Peer a = Peer.builder().transport(net.newTransport()).seed("mem://1").tick(Duration.ofMillis(50))
                     .maxNeighbours(2).build();
             Peer student = Peer.builder().transport(net.newTransport()).seed("mem://1").tick(Duration.ofMillis(50))
                     .maxNeighbours(1).build()) {
            teacher.start();
            a.start();
            student.start();
            Await.until("the student's one neighbour is a", Duration.ofSeconds(10),
                    () -> student.status().neighbours().contains(a.address()));
            assertThat(student.status().neighbours()).containsExactly(a.address());
            // down: every request fails at once (no timeout needed), so the failed ticks drop every neighbour
            net.setDown(student.address(), true);
            Await.until("the cut-off student dropped every neighbour", Duration.ofSeconds(20),
                    () -> student.status().neighbours().isEmpty());

            Transport ct = net.newTransport();
            ct.start((f, m) -> java.util.concurrent.CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            TeacherClient c = new TeacherClient(ct, new SecureRandom(), Duration.ofSeconds(5));
            assertThat(c.signIn(teacher.address(), "t", "pw")).isInstanceOf(Message.AuthConfirmed.class);
            for (int i = 0; i < 3; i++) {
                // no peer here has "record": forced past the host's module check (the chain is what is tested)
                Command cmd = Command.create("record", Target.all(), Map.of(), Instant.now(), Duration.ofMinutes(5));
                assertThat(c.submit(teacher.address(), List.of(cmd), true)).isInstanceOf(Message.Submitted.class);
            }
            Await.until("the teacher mined three blocks", Duration.ofSeconds(20),
                    () -> teacher.chain().headInfo().height() >= 3);
            net.setDown(student.address(), false);
            Await.until("the student caught up", Duration.ofSeconds(30),
                    () -> student.chain().head().equals(teacher.chain().head()));
            assertThat(student.chain().head()).isEqualTo(teacher.chain().head());
            assertThat(student.chain().headInfo().height()).isEqualTo(3);
            ct.close();
        }
    }
}
