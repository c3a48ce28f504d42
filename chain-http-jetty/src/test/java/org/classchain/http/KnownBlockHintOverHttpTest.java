package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code X-Classchain-Block} hint (issue 22) as a classmate's script would misuse it, over
 * real HTTP peers: alice's peer is cut off from the teacher's (both ways, as by a firewall), so the
 * teacher's new block reaches her only through mallory's script. Mallory posts it under the hash of
 * a block alice already holds: alice answers "known" unread and does not take it; the same block
 * announced honestly right after is taken (the lie is not remembered, so the hint only ever costs
 * its sender that one delivery, which she could as well have dropped). The hint on another route
 * changes nothing: a command batch of junk under a known hash is still judged (4xx, not "known").
 */
@Timeout(120)
class KnownBlockHintOverHttpTest {

    @TempDir
    Path tmp;

    private final CanonicalJson json = new CanonicalJson();
    private final ClientCalls calls = new ClientCalls(new WireJson(json, new BlockWire(new BlockCodec(json))));
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Set<String> teacherCannotCall = ConcurrentHashMap.newKeySet();
    private final Set<String> aliceCannotCall = ConcurrentHashMap.newKeySet();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void aNewBlockUnderAKnownHashIsOnlyThatDeliveryLost() throws Exception {
        JettyTransport teachersJetty = JettyTransport.builder().host("127.0.0.1").port(0).noRateLimit().build();
        Peer teacher = peer("teacher", new ScreensOverHttpTest.Unreachable(teachersJetty, teacherCannotCall), null,
                Duration.ofMillis(100));
        JettyTransport alicesJetty = JettyTransport.builder().host("127.0.0.1").port(0).noRateLimit().build();
        // alice's own catch-up rounds are slow, so that the teacher's blocks reach her as announcements
        Peer alice = peer("alice", new ScreensOverHttpTest.Unreachable(alicesJetty, aliceCannotCall), teacher.address(),
                Duration.ofSeconds(5));
        Await.until("alice holds the chain", Duration.ofSeconds(30),
                () -> alice.chain() != null && alice.chain().accounts().containsKey("teacher"));
        JettyTransport c = JettyTransport.builder().build();
        open.add(c);
        TeacherClient t = new TeacherClient(c, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(t.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
        // a first command's block, announced to alice by the teacher's peer: one she added and relayed lately
        Command first = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(t.submit(teacher.address(), List.of(first))).isInstanceOf(Message.Submitted.class);
        Await.until("alice has the first block", Duration.ofSeconds(20),
                () -> alice.chain().heightOfCommand(first.id()).isPresent());
        Block known = alice.chain().blockAt(alice.chain().heightOfCommand(first.id()).orElseThrow()).orElseThrow();
        byte[] notABlock = "this is not JSON, and not a block".getBytes(StandardCharsets.UTF_8);
        Await.until("alice answers that hash from the header", Duration.ofSeconds(20), () -> {
            try {
                return announce(alicesJetty.port(), "/api/v1/blocks", known.hash().hex(), notABlock).body()
                        .contains("\"known\"");
            } catch (Exception e) {
                return false;
            }
        });
        teacherCannotCall.add(alice.address());
        aliceCannotCall.add(teacher.address());

        Command cmd = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(t.submit(teacher.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
        Await.until("the block is on the teacher's chain", Duration.ofSeconds(20),
                () -> teacher.chain().heightOfCommand(cmd.id()).isPresent());
        long height = teacher.chain().heightOfCommand(cmd.id()).orElseThrow();
        Block fresh = ((Message.Blocks) c.send(teacher.address(), new Message.GetBlocks(height, 1))
                .get(10, TimeUnit.SECONDS)).blocks().get(0);
        assertThat(alice.chain().heightOfCommand(cmd.id())).as("cut off, alice has not got it").isEmpty();

        byte[] body = calls.toHttp(new Message.BlockAnnouncement(fresh, "http://127.0.0.1:1")).body();
        RawHttp.Response lied = announce(alicesJetty.port(), "/api/v1/blocks", known.hash().hex(), body);
        assertThat(lied.status()).isEqualTo(200);
        assertThat(lied.body()).contains("\"known\"");
        assertThat(alice.chain().heightOfCommand(cmd.id())).as("the lie: that delivery lost").isEmpty();

        RawHttp.Response honest = announce(alicesJetty.port(), "/api/v1/blocks", fresh.hash().hex(), body);
        assertThat(honest.status()).as(honest.body()).isEqualTo(200);
        assertThat(honest.body()).doesNotContain("\"known\"");
        Await.until("alice took the block announced honestly", Duration.ofSeconds(20),
                () -> alice.chain().heightOfCommand(cmd.id()).isPresent());

        // the hint on another route: the body is judged as ever
        byte[] junk = "not a batch".getBytes(StandardCharsets.UTF_8);
        RawHttp.Response commands = announce(alicesJetty.port(), "/api/v1/commands", fresh.hash().hex(), junk);
        assertThat(commands.status()).as(commands.body()).isBetween(400, 499);
        assertThat(commands.body()).doesNotContain("known");
    }

    private static RawHttp.Response announce(int port, String path, String hashHeader, byte[] body) throws Exception {
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n" + Routes.BLOCK_HASH_HEADER + ": " + hashHeader;
        return RawHttp.exchange(port, head, body);
    }

    private Peer peer(String name, org.classchain.wire.Transport transport, String seed, Duration tick)
            throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).transport(transport).difficultyBits(6)
                .tick(tick).passwordPolicy(new PasswordPolicy(1000, 1000))
                .modules(ModuleRegistry.of(new RecordingModule()));
        if (seed == null) {
            b.account("teacher", "pw");
        } else {
            b.seed(seed);
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }
}
