package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.peer.Peer;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 23, property 1, for the peer table: an address a message names is at most
 * {@link Message.Hello#MAX_ADDRESS} characters. A student announces a block, and sends a signed
 * handshake, each naming an "address" of 300,000 characters, to a real teacher's peer: the peer
 * would keep such a string in its table of addresses it heard of (256 of them: 150 MB of
 * characters) or in its penalty table. Now it refuses them with 400 before reading further.
 *
 * <p>Issue 22: a block announcement's {@code pushedTo} (whom its sender sends the block to) is read
 * with a cap: more than {@link Message.BlockAnnouncement#MAX_PUSHED} addresses, or one over
 * {@link Message.Hello#MAX_ADDRESS} characters, is refused with 400 and a JSON error naming the
 * limit. An announcement without the field (a peer from before it) is read as naming nobody, and
 * one that names nobody is written without it.
 */
@Timeout(60)
class AddressLengthOverHttpTest {

    private static final String LONG = "http://127.0.0.250:9/" + "a".repeat(300_000);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final CanonicalJson json = new CanonicalJson();
    private final WireJson wire = new WireJson(json, new BlockWire(new BlockCodec(json)));
    private Peer teacher;

    @BeforeEach
    void start() throws Exception {
        teacher = Peer.builder().account("teacher", "pw")
                .passwordPolicy(new org.classchain.core.auth.PasswordPolicy(1000, 1000))
                .transport(JettyTransport.builder().host("127.0.5.1").port(0).build()).difficultyBits(8).build();
        teacher.start();
    }

    @AfterEach
    void stop() {
        teacher.close();
    }

    private HttpResponse<String> post(String path, ObjectNode body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(teacher.address() + "/api/v1" + path))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(WireJson.bytes(body))).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBlockAnnouncementNamingAnOverlongSenderIsRefused() throws Exception {
        ObjectNode body = wire.tree(new Message.BlockAnnouncement(teacher.chain().genesis(), null));
        body.put("senderAddress", LONG);
        HttpResponse<String> r = post("/blocks", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("at most " + Message.Hello.MAX_ADDRESS);
        ObjectNode fine = wire.tree(new Message.BlockAnnouncement(teacher.chain().genesis(), "http://127.0.5.9:1"));
        assertThat(post("/blocks", fine).statusCode()).isEqualTo(200);
    }

    @Test
    void aSignedHandshakeNamingAnOverlongAddressIsRefused() throws Exception {
        NodeIdentity id = NodeIdentity.generate(new SecureRandom());
        String sig = HexFormat.of().formatHex(id.sign(("classchain-hello-v1\n" + LONG + "\n")
                .getBytes(StandardCharsets.UTF_8)));
        ObjectNode body = wire.tree(new Message.Hello(id.nodeId(), id.publicKey(), "http://x", "", sig));
        body.put("address", LONG);
        HttpResponse<String> r = post("/peers", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("at most " + Message.Hello.MAX_ADDRESS);
    }

    // ---- issue 22: the addresses an announcement says its block is being sent to (pushedTo)

    private static List<String> addresses(int n) {
        return IntStream.range(0, n).mapToObj(i -> "http://127.0.6." + (i % 250) + ":" + (9000 + i)).toList();
    }

    private ObjectNode announcement(List<String> pushedTo) {
        ObjectNode body = wire.tree(new Message.BlockAnnouncement(teacher.chain().genesis(), "http://127.0.5.9:1"));
        ArrayNode list = body.putArray("pushedTo");
        pushedTo.forEach(list::add);
        return body;
    }

    @Test
    void aPushedToNamingMoreAddressesThanTheCapIsRefused() throws Exception {
        HttpResponse<String> r = post("/blocks", announcement(addresses(Message.BlockAnnouncement.MAX_PUSHED + 1)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).contains("application/json");
        assertThat(r.body()).contains("pushedTo").contains("at most " + Message.BlockAnnouncement.MAX_PUSHED);

        HttpResponse<String> many = post("/blocks", announcement(addresses(100_000)));
        assertThat(many.statusCode()).as(many.body()).isIn(400, 413);

        HttpResponse<String> full = post("/blocks", announcement(addresses(Message.BlockAnnouncement.MAX_PUSHED)));
        assertThat(full.statusCode()).as(full.body()).isEqualTo(200);
    }

    @Test
    void aPushedToWithAnOverlongOrNullAddressIsRefused() throws Exception {
        List<String> list = new java.util.ArrayList<>(addresses(3));
        list.add("http://127.0.6.1:1/" + "a".repeat(300));
        HttpResponse<String> r = post("/blocks", announcement(list));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(r.body()).contains("pushedTo").contains("at most " + Message.Hello.MAX_ADDRESS);

        ObjectNode withNull = announcement(addresses(2));
        ((ArrayNode) withNull.get("pushedTo")).addNull();
        HttpResponse<String> n = post("/blocks", withNull);
        assertThat(n.statusCode()).as(n.body()).isEqualTo(400);

        ObjectNode notAList = announcement(List.of());
        notAList.put("pushedTo", "everyone");
        assertThat(post("/blocks", notAList).statusCode()).isEqualTo(400);
    }

    @Test
    void anAnnouncementWithoutPushedToIsReadAsNamingNobodyAndWrittenSo() throws Exception {
        ObjectNode old = wire.tree(new Message.BlockAnnouncement(teacher.chain().genesis(), "http://127.0.5.9:1"));
        assertThat(old.has("pushedTo")).as("an empty list is not written: the body peers before it sent").isFalse();
        assertThat(post("/blocks", old).statusCode()).isEqualTo(200);
        ObjectNode named = wire.tree(new Message.BlockAnnouncement(teacher.chain().genesis(), "http://127.0.5.9:1",
                List.of("http://127.0.5.9:1", teacher.address())));
        assertThat(named.get("pushedTo").size()).isEqualTo(2);
        assertThat(post("/blocks", named).statusCode()).isEqualTo(200);
    }
}
