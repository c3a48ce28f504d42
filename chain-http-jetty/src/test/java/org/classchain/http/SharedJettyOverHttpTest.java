package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: peers that share a JVM share Jetty's threads, timer, buffers and client
 * ({@link JettyShared}). A classroom on one shared set runs the teacher's commands everywhere,
 * keeps only one selector thread per server besides the shared pool (no pool, acceptor, timer or
 * client of a transport's own), outlives a peer that leaves, and a transport that needs what a
 * shared client cannot give it (TLS, a bind address) is refused with the reason.
 */
@Timeout(90)
class SharedJettyOverHttpTest {

    private static final int STUDENTS = 4;

    @TempDir
    Path dir;

    @Test
    void aClassroomOnSharedJettyRunsCommandsWithoutThreadsOfItsOwn() throws Exception {
        RecordingModule record = new RecordingModule();
        List<Peer> peers = new ArrayList<>();
        try (JettyShared shared = JettyShared.start(32)) {
            JettyTransport client = JettyTransport.builder().build();
            try {
                Peer teacher = Peer.builder().transport(JettyTransport.builder().shared(shared).build())
                        .account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000)).difficultyBits(12)
                        .tick(Duration.ofMillis(100)).modules(ModuleRegistry.of(record)).build();
                teacher.start();
                peers.add(teacher);
                for (int i = 0; i < STUDENTS; i++) {
                    Peer p = Peer.builder().transport(JettyTransport.builder().shared(shared).build())
                            .seed(teacher.address()).difficultyBits(12).tick(Duration.ofMillis(100))
                            .modules(ModuleRegistry.of(record)).build();
                    p.start();
                    peers.add(p);
                }
                TeacherClient t = new TeacherClient(client, new SecureRandom(), Duration.ofSeconds(10));
                assertThat(t.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
                runEverywhere(t, teacher, peers, record);

                // the transports' own Jetty threads are gone: no server pool, acceptor, timer or client
                List<String> own = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                        .filter(n -> n.matches("classchain-http-(client-)?[0-9]+.*")).toList();
                assertThat(own).as("threads of a transport's own pool, timer or client").isEmpty();
                long sharedThreads = Thread.getAllStackTraces().keySet().stream()
                        .filter(th -> th.getName().startsWith("classchain-http-shared")).count();
                assertThat(sharedThreads).isLessThanOrEqualTo(32 + 1);

                // a student leaves: the shared pool and client go on serving the others
                peers.remove(peers.size() - 1).close();
                runEverywhere(t, teacher, peers, record);
            } finally {
                peers.forEach(Peer::close);
                client.close();
            }
        }
    }

    private static void runEverywhere(TeacherClient t, Peer teacher, List<Peer> peers, RecordingModule record)
            throws Exception {
        Command c = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(t.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        Await.until("every student ran it", Duration.ofSeconds(30), () -> peers.subList(1, peers.size()).stream()
                .allMatch(p -> record.runs(p.nodeId(), c.id()) == 1));
    }

    @Test
    void aTransportThatNeedsAClientOfItsOwnIsRefusedWithTheReason() throws Exception {
        try (JettyShared shared = JettyShared.start(8)) {
            assertThatThrownBy(() -> JettyTransport.builder().shared(shared).bindAddress("127.0.0.2").build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bind address");
            assertThatThrownBy(() -> JettyShared.start(2)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at least 8");
        }
    }
}
