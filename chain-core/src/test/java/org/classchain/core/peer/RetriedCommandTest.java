package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that did not hear "accepted" sends the same command again after the host restarted
 * (which no longer remembers its grant, so grants it anew), and that batch is refused where it
 * belongs (its command is on the chain). The teacher's next
 * command must still be mined: no later grant may follow the refused one. (Found by
 * FaultScheduleTest seed 4510838902362048963: the next command was granted again and again after
 * the refused batch, and never reached the chain.) A new command sent along with the retried one
 * is granted again without it.
 */
class RetriedCommandTest {

    @TempDir
    Path tmp;

    private static Command command() {
        // no peer here has "record": forced past the host's module check (the chain is what is tested)
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of(), Instant.now().plusSeconds(300));
    }

    @Test
    @Timeout(60)
    void aCommandSentAgainDoesNotStopTheCommandsAfterIt() throws Exception {
        try (InMemoryNetwork net = new InMemoryNetwork(7, 2)) {
            Transport t = net.newTransport();
            t.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            Command x = command();
            try (Peer teacher = teacher(net)) {
                TeacherClient client = signedIn(t, teacher);
                assertThat(client.submit(teacher.address(), List.of(x), true)).isInstanceOf(Message.Submitted.class);
                await(teacher, x);
            }
            try (Peer teacher = teacher(net)) {
                // the retry of x, with a new command w, is granted (the host does not know the client
                // heard nothing), then y
                TeacherClient client = signedIn(t, teacher);
                Command w = command();
                assertThat(client.submit(teacher.address(), List.of(x, w), true)).isInstanceOf(Message.Submitted.class);
                Command y = command();
                assertThat(client.submit(teacher.address(), List.of(y), true)).isInstanceOf(Message.Submitted.class);
                await(teacher, y);
                await(teacher, w); // accepted with the retried x: granted again without it
                Command z = command();
                assertThat(client.submit(teacher.address(), List.of(z), true)).isInstanceOf(Message.Submitted.class);
                await(teacher, z);

                long copies = teacher.chain().range(0, Integer.MAX_VALUE).stream()
                        .map(Block::payload).flatMap(p -> p.commands().stream()).filter(c -> c.id().equals(x.id()))
                        .count();
                assertThat(copies).as("x on the chain once").isEqualTo(1);
                assertThat(teacher.chain().heightOfCommand(y.id()).orElseThrow())
                        .isLessThan(teacher.chain().heightOfCommand(z.id()).orElseThrow());
            } finally {
                t.close();
            }
        }
    }

    private Peer teacher(InMemoryNetwork net) throws Exception {
        Peer p = Peer.builder().dataDir(tmp.resolve("teacher")).transport(net.newTransport())
                .account("t", "pw").passwordPolicy(new PasswordPolicy(1000, 1000)).difficultyBits(4)
                .tick(Duration.ofMillis(50)).remineAfter(Duration.ofMillis(300)).build();
        p.start();
        return p;
    }

    private static TeacherClient signedIn(Transport t, Peer teacher) throws Exception {
        TeacherClient client = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(5));
        assertThat(client.signIn(teacher.address(), "t", "pw")).isInstanceOf(Message.AuthConfirmed.class);
        return client;
    }

    private static void await(Peer peer, Command c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (peer.chain().heightOfCommand(c.id()).isEmpty() && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        assertThat(peer.chain().heightOfCommand(c.id())).as("%s on the chain within 15 s", c.id()).isPresent();
    }
}
