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
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A batch the host granted is on disk before anyone hears "accepted": when the relay that got
 * the grant vanishes and the host stops before its re-mine grace, the host mines it after a
 * restart.
 */
class GrantedBatchRestartTest {

    @TempDir
    Path tmp;

    private Peer teacher(InMemoryNetwork net) throws Exception {
        Peer p = Peer.builder().dataDir(tmp.resolve("teacher")).transport(net.newTransport()).account("t", "pw")
                .passwordPolicy(new PasswordPolicy(1000, 1000)).difficultyBits(4).tick(Duration.ofMillis(50))
                .remineAfter(Duration.ofMillis(500)).build();
        p.start();
        return p;
    }

    @Test
    @Timeout(60)
    void aGrantedBatchSurvivesTheHostStoppingBeforeItWasMined() throws Exception {
        // no peer here has "record": forced past the host's module check (the chain is what is tested)
        Command c = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(), Instant.now().plusSeconds(300));
        try (InMemoryNetwork net = new InMemoryNetwork(31, 2)) {
            Peer first = teacher(net);
            Transport relay = net.newTransport();
            relay.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            SrpClient srp = new SrpClient(new CanonicalJson(), new SecureRandom());
            Message ch = relay.send(first.address(), srp.start("t")).get(5, TimeUnit.SECONDS);
            Message ok = relay.send(first.address(), srp.respond((Message.AuthChallenge) ch, "pw")).get(5, TimeUnit.SECONDS);
            assertThat(srp.verifyServer((Message.AuthConfirmed) ok)).isTrue();
            Message granted = relay.send(first.address(), new Message.AuthRelay(UUID.randomUUID(), first.nodeId(), 6,
                    srp.grantRequest(List.of(c), List.of()).withForce(true))).get(5, TimeUnit.SECONDS);
            assertThat(granted).isInstanceOf(Message.GrantIssued.class);
            first.close(); // well inside the grace: nobody mined it, and the relay is gone too
            relay.close();
            assertThat(first.chain().heightOfCommand(c.id())).isEmpty();

            try (Peer again = teacher(net)) {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (again.chain().heightOfCommand(c.id()).isEmpty() && System.nanoTime() < end) {
                    Thread.sleep(20);
                }
                assertThat(again.chain().heightOfCommand(c.id())).isPresent();
            }
        }
    }
}
