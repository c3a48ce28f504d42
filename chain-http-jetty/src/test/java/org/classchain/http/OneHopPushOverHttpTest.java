package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Hash;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22 over real HTTP peers: the teacher's peer POSTs each block it mines to every student it
 * verified, naming them all in {@code pushedTo}, and no student POSTs it to another: one POST per
 * student per block, where each student used to relay it to its neighbours (most of those answered
 * "known").
 */
@Timeout(120)
class OneHopPushOverHttpTest {

    private record Sent(String from, String to, Hash block) {
    }

    @Test
    void eachBlockIsPostedOnceToEachStudentByTheTeacherOnly() throws Exception {
        int students = 6;
        List<Sent> sent = new CopyOnWriteArrayList<>();
        RecordingModule record = new RecordingModule();
        List<Peer> peers = new ArrayList<>();
        Transport client = JettyTransport.builder().build();
        try {
            for (int i = 0; i <= students; i++) {
                Transport counted = new ForwardingTransport(JettyTransport.builder().host("127.0.0.1").port(0).build()) {
                    @Override
                    public CompletableFuture<Message> send(String address, Message request) {
                        if (request instanceof Message.BlockAnnouncement a) {
                            sent.add(new Sent(localAddress(), address, a.block().hash()));
                        }
                        return inner.send(address, request);
                    }
                };
                Peer.Builder b = Peer.builder().transport(counted).tick(Duration.ofMillis(100))
                        .modules(ModuleRegistry.of(record));
                Peer p = i == 0 ? b.account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000))
                        .difficultyBits(8).build() : b.seed(peers.get(0).address()).build();
                peers.add(p);
                p.start();
            }
            Peer teacher = peers.get(0);
            Await.until("the teacher verified every student", Duration.ofSeconds(60), () -> {
                Message m = teacher.handle("127.0.0.1", new Message.GetPeers()).join();
                return m instanceof Message.PeersReply r && r.peers().size() == students + 1; // itself first
            });
            TeacherClient t = new TeacherClient(client, new SecureRandom(), Duration.ofSeconds(10));
            assertThat(t.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
            for (int n = 1; n <= 3; n++) {
                Command c = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                        Instant.now().plus(Duration.ofMinutes(5)));
                assertThat(t.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
                long height = n;
                Await.until("every student has block #" + n, Duration.ofSeconds(30),
                        () -> peers.stream().allMatch(p -> p.chain().headInfo().height() == height));
            }
            for (long h = 1; h <= 2; h++) { // the last block's relays, were there any, might still be under way
                Block b = teacher.chain().blockAt(h).orElseThrow();
                List<Sent> posts = sent.stream().filter(s -> s.block().equals(b.hash())).toList();
                assertThat(posts).as("POSTs of block #%d", h).allMatch(s -> s.from().equals(teacher.address()))
                        .hasSize(students);
                assertThat(posts.stream().map(Sent::to).distinct().count()).isEqualTo(students);
            }
        } finally {
            peers.forEach(Peer::close);
            client.close();
        }
    }
}
