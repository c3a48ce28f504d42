package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
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
}
