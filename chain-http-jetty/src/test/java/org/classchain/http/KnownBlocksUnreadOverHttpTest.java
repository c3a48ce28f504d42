package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
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
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22: most block announcements a peer receives are of blocks it already holds, so an
 * announcement names its block's hash in a header and a peer that holds that block answers
 * "known" without reading or parsing the body. What a student's script does with that header
 * over real HTTP: a body that is not even JSON under a known hash is answered "known" unread (the
 * cost of a redundant delivery is the header); under a hash the peer does not know, or a header
 * that is not a hash, the body is read and judged as before (400 for junk), so the header never
 * lets a block in, and a student who names a known hash over its own new block only loses that
 * delivery.
 */
@Timeout(60)
class KnownBlocksUnreadOverHttpTest {

    private final RecordingModule record = new RecordingModule();
    private final CanonicalJson json = new CanonicalJson();
    private final ClientCalls calls = new ClientCalls(new WireJson(json, new BlockWire(new BlockCodec(json))));
    private Peer teacher;
    private JettyTransport teacherTransport;
    private Transport client;

    @BeforeEach
    void classroom() throws Exception {
        teacherTransport = JettyTransport.builder().host("127.0.0.1").port(0).build();
        teacher = Peer.builder().transport(teacherTransport).account("teacher", "pw")
                .passwordPolicy(new PasswordPolicy(1000, 1000)).difficultyBits(12).tick(Duration.ofMillis(100))
                .modules(ModuleRegistry.of(record)).build();
        teacher.start();
        client = JettyTransport.builder().build();
    }

    @AfterEach
    void close() {
        if (teacher != null) {
            teacher.close();
        }
        if (client != null) {
            client.close();
        }
    }

    /** A block the teacher's peer mined (and so holds). */
    private Block minedBlock() throws Exception {
        TeacherClient t = new TeacherClient(client, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(t.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
        Command c = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(t.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        Await.until("the block is on the teacher's chain", Duration.ofSeconds(20),
                () -> teacher.chain().heightOfCommand(c.id()).isPresent());
        long height = teacher.chain().heightOfCommand(c.id()).orElseThrow();
        Message page = client.send(teacher.address(), new Message.GetBlocks(height, 1)).get(10, TimeUnit.SECONDS);
        return ((Message.Blocks) page).blocks().get(0);
    }

    private RawHttp.Response announce(String hashHeader, byte[] body) throws Exception {
        String head = "POST /api/v1/blocks HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + (hashHeader == null ? "" : "\r\n" + Routes.BLOCK_HASH_HEADER + ": "
                + hashHeader);
        return RawHttp.exchange(teacherTransport.port(), head, body);
    }

    @Test
    void aKnownBlockIsAnsweredFromItsHashWithoutReadingTheBody() throws Exception {
        Block known = minedBlock();
        byte[] junk = "this is not JSON, and not a block".getBytes(StandardCharsets.UTF_8);

        // the hint names a block the peer holds: answered "known", the junk never parsed. The peer
        // honours the hint once it has relayed the block, a moment after the block reaches its
        // chain (before that the body is read, and junk is a 400): wait for that moment.
        RawHttp.Response[] last = new RawHttp.Response[1];
        Await.until("the teacher's peer answers its relayed block's hash as known", Duration.ofSeconds(10), () -> {
            try {
                last[0] = announce(known.hash().hex(), junk);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return last[0].status() != 400;
        });
        RawHttp.Response r = last[0];
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).contains("\"known\"");
        // and the connection stays usable: the body was drained, not left on the wire
        assertThat(r.headers()).doesNotContainEntry("connection", "close");

        // the honest sender's real announcement of it: the same answer
        byte[] real = calls.toHttp(new Message.BlockAnnouncement(known, "http://127.0.0.1:1")).body();
        RawHttp.Response honest = announce(known.hash().hex(), real);
        assertThat(honest.status()).isEqualTo(200);
        assertThat(honest.body()).contains("\"known\"");
    }

    @Test
    void aHashThePeerDoesNotHoldOrNoHashAtAllLeavesTheBodyToBeJudged() throws Exception {
        Block known = minedBlock();
        byte[] junk = "this is not JSON, and not a block".getBytes(StandardCharsets.UTF_8);
        String unknown = "ab".repeat(32);

        assertThat(announce(unknown, junk).status()).as("an unknown hash: the body is read").isEqualTo(400);
        assertThat(announce("not-a-hash", junk).status()).as("a malformed hint is no hint").isEqualTo(400);
        assertThat(announce(null, junk).status()).as("no hint").isEqualTo(400);
        // the known block's body under another hash is read and found known by its own hash
        byte[] real = calls.toHttp(new Message.BlockAnnouncement(known, "http://127.0.0.1:1")).body();
        RawHttp.Response r = announce(unknown, real);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).contains("\"known\"");
    }
}
