package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Nobody can pass for the teacher's host in a handshake and so collect (and withhold) the students' receipts. */
class ImpersonationTest {

    @Test
    @Timeout(60)
    void forgedHandshakesDoNotDivertReceipts() throws Exception {
        RecordingModule module = new RecordingModule();
        try (InMemoryNetwork net = new InMemoryNetwork(41, 2);
             Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                     .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(50))
                     .modules(ModuleRegistry.of(module)).build();
             Peer student = Peer.builder().transport(net.newTransport()).seed("mem://1").tick(Duration.ofMillis(50))
                     .modules(ModuleRegistry.of(module)).build()) {
            teacher.start();
            student.start();
            List<Message> toImpostor = new CopyOnWriteArrayList<>();
            Transport impostor = net.newTransport();
            impostor.start((f, m) -> {
                toImpostor.add(m);
                return CompletableFuture.completedFuture(new Message.Ack("thanks"));
            });
            NodeIdentity own = NodeIdentity.generate(new SecureRandom());
            String teacherId = teacher.nodeId();
            List<Message.Hello> forged = new ArrayList<>();
            // the teacher's id and key, no valid signature
            forged.add(new Message.Hello(teacherId, teacher.status().publicKey(), impostor.localAddress(), "", "00"));
            // the teacher's id with the impostor's own key
            forged.add(new Message.Hello(teacherId, own.publicKey(), impostor.localAddress(), "",
                    HexFormat.of().formatHex(own.sign(SigningBytes.hello(impostor.localAddress(), "")))));
            // its own id, properly signed, but claiming to serve at the teacher's address
            forged.add(new Message.Hello(own.nodeId(), own.publicKey(), teacher.address(), "",
                    HexFormat.of().formatHex(own.sign(SigningBytes.hello(teacher.address(), "")))));
            for (int i = 0; i < 10; i++) {
                for (Message.Hello h : forged) {
                    impostor.send(student.address(), h).get(5, TimeUnit.SECONDS);
                }
            }

            Transport ct = net.newTransport();
            ct.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            TeacherClient c = new TeacherClient(ct, new SecureRandom(), Duration.ofSeconds(5));
            assertThat(c.signIn(teacher.address(), "t", "pw")).isInstanceOf(Message.AuthConfirmed.class);
            List<Command> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Command cmd = Command.create("record", Target.all(), Map.of(), Instant.now(), Duration.ofMinutes(5));
                assertThat(c.submit(teacher.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
                sent.add(cmd);
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (sent.stream().anyMatch(x -> teacher.report(x.id()).receipts().isEmpty()) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            for (Command x : sent) {
                assertThat(teacher.report(x.id()).receipts()).as("receipt of %s at the teacher", x.id()).hasSize(1);
            }
            assertThat(toImpostor).noneMatch(m -> m instanceof Message.Receipts);
            impostor.close();
            ct.close();
        }
    }
}
