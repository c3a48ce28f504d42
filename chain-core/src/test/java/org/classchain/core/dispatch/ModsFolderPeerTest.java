package org.classchain.core.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.classchain.Command;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A third-party mod compiled against chain-api alone, dropped as a jar into a peer's mods
 * folder beside a broken jar: the peer starts, finds it and runs it; a peer whose local policy
 * denies it answers REFUSED and never runs it.
 */
class ModsFolderPeerTest {

    @TempDir
    Path work;

    @Test
    @Timeout(60)
    void aPeerRunsAModFromItsModsFolderAndItsPolicyCanRefuseIt() throws Exception {
        Path classes = ModJars.compile(work.resolve("build"), Map.of("com.example.hello.HelloModule",
                ModJars.module("com.example.hello.HelloModule", "hello-mod", "API_VERSION",
                        "return Outcome.executed(\"hello \" + argument(command, \"who\"));")));
        Path mods = Files.createDirectories(work.resolve("mods"));
        ModJars.jar(mods.resolve("hello.jar"), classes, List.of("com.example.hello.HelloModule"),
                List.of("com.example.hello.HelloModule"));
        Files.write(mods.resolve("broken.jar"), "not a zip".getBytes(StandardCharsets.US_ASCII));

        try (InMemoryNetwork net = new InMemoryNetwork(5, 2)) {
            Peer teacher = Peer.builder().transport(net.newTransport()).account("teacher", "pw").difficultyBits(6)
                    .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(100)).build();
            teacher.start();
            Peer runs = Peer.builder().transport(net.newTransport()).seed(teacher.address()).modsDir(mods)
                    .tick(Duration.ofMillis(100)).build();
            Peer refuses = Peer.builder().transport(net.newTransport()).seed(teacher.address()).modsDir(mods)
                    .policy(Policy.deny(Set.of("hello-mod"))).tick(Duration.ofMillis(100)).build();
            Transport clientTransport = net.newTransport();
            try {
                clientTransport.start((from, m) -> java.util.concurrent.CompletableFuture.completedFuture(
                        Message.Rejected.of(404, "a client serves nothing")));
                runs.start();
                refuses.start();
                TeacherClient client = new TeacherClient(clientTransport, new SecureRandom(), Duration.ofSeconds(5));
                assertThat(client.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
                Command c = new Command(UUID.randomUUID(), "hello-mod", Target.all(), Map.of("who", "world"),
                        Instant.now().plusSeconds(60));
                // only the students have hello-mod: the teacher's host takes it once its roster heard so
                Await.until("the teacher's roster lists hello-mod", Duration.ofSeconds(20), () -> {
                    try {
                        return client.peers(teacher.address()).stream()
                                .anyMatch(p -> p.modules().contains("hello-mod"));
                    } catch (Exception e) {
                        return false;
                    }
                });
                assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
                long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (teacher.report(c.id()).receipts().size() < 2 && System.nanoTime() < end) {
                    Thread.sleep(25);
                }
                Map<String, Receipt> byPeer = new java.util.HashMap<>();
                teacher.report(c.id()).receipts().forEach(r -> byPeer.put(r.peerId(), r));
                assertThat(byPeer.get(runs.nodeId())).satisfies(r -> {
                    assertThat(r.status()).isEqualTo(ReceiptStatus.EXECUTED);
                    assertThat(r.detail()).isEqualTo("hello world");
                });
                assertThat(byPeer.get(refuses.nodeId()).status()).isEqualTo(ReceiptStatus.REFUSED);
            } finally {
                clientTransport.close();
                refuses.close();
                runs.close();
                teacher.close();
            }
        }
    }
}
