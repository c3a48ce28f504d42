package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.mining.Miner;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.spi.Message;
import org.classchain.spi.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two peers on different blocks of the same height (the announcement of the better one was lost)
 * meet on the lower hash through the periodic head comparison alone.
 */
class TieHealTest {

    @Test
    @Timeout(60)
    void aLostAnnouncementOfATieIsHealedByHeadComparison() throws Exception {
        BlockCodec codec = new BlockCodec(new CanonicalJson());
        try (InMemoryNetwork net = new InMemoryNetwork(23, 2);
             Peer teacher = Peer.builder().transport(net.newTransport()).account("t", "pw").difficultyBits(4)
                     .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(50)).build();
             Peer student = Peer.builder().transport(net.newTransport()).seed("mem://1").tick(Duration.ofMillis(50))
                     .build()) {
            teacher.start();
            student.start();
            Transport raw = net.newTransport();
            raw.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            net.partition(1, List.of(student.address(), raw.localAddress()));

            Transport ct = net.newTransport();
            ct.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            TeacherClient c = new TeacherClient(ct, new SecureRandom(), Duration.ofSeconds(5));
            assertThat(c.signIn(teacher.address(), "t", "pw")).isInstanceOf(Message.AuthConfirmed.class);
            Command cmd = Command.create("record", Target.all(), Map.of(), Instant.now(), Duration.ofMinutes(5));
            assertThat(c.submit(teacher.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (teacher.chain().headInfo().height() < 1 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            Block better = teacher.chain().head();
            // the same batch on the same parent with a HIGHER hash: the student sees only this one
            Block worse = null;
            for (long ts = better.header().timestampMillis(); worse == null; ts++) {
                BlockHeader t = new BlockHeader(1, 1, better.previousHash(), ts, better.header().payloadHash(), 4, 0);
                Block b = codec.seal(new Miner().mine(t, () -> false).orElseThrow(), better.payload());
                if (b.hash().compareTo(better.hash()) > 0) {
                    worse = b;
                }
            }
            raw.send(student.address(), new Message.BlockAnnouncement(worse, null)).get(5, TimeUnit.SECONDS);
            assertThat(student.chain().head()).isEqualTo(worse);

            net.heal(); // no new block is announced: only the head comparison can bring them together
            end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!student.chain().head().equals(better) && System.nanoTime() < end) {
                Thread.sleep(20);
            }
            assertThat(student.chain().head()).isEqualTo(better);
            assertThat(teacher.chain().head()).isEqualTo(better);
            raw.close();
            ct.close();
        }
    }
}
