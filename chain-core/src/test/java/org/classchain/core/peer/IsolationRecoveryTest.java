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
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A peer cut off long enough to drop all its neighbours finds its way back and catches up. */
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
            net.setTimeout(Duration.ofMillis(100));
            teacher.start();
            a.start();
            student.start();
            long linked = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!student.status().neighbours().contains(a.address()) && System.nanoTime() < linked) {
                Thread.sleep(20);
            }
            assertThat(student.status().neighbours()).containsExactly(a.address());
            net.setDown(student.address(), true);
            Thread.sleep(600); // a dozen failed ticks: every neighbour dropped
            assertThat(student.status().neighbours()).isEmpty();

            Transport ct = net.newTransport();
            ct.start((f, m) -> java.util.concurrent.CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            TeacherClient c = new TeacherClient(ct, new SecureRandom(), Duration.ofSeconds(5));
            assertThat(c.signIn(teacher.address(), "t", "pw")).isInstanceOf(Message.AuthConfirmed.class);
            for (int i = 0; i < 3; i++) {
                // no peer here has "record": forced past the host's module check (the chain is what is tested)
                Command cmd = Command.create("record", Target.all(), Map.of(), Instant.now(), Duration.ofMinutes(5));
                assertThat(c.submit(teacher.address(), List.of(cmd), true)).isInstanceOf(Message.Submitted.class);
            }
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (teacher.chain().headInfo().height() < 3 && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            net.setDown(student.address(), false);
            end = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (!student.chain().head().equals(teacher.chain().head()) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(student.chain().head()).isEqualTo(teacher.chain().head());
            assertThat(student.chain().headInfo().height()).isEqualTo(3);
            ct.close();
        }
    }
}
