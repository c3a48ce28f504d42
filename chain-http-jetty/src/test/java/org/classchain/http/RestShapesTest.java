package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.PeerStatus;
import org.classchain.Role;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/** The JSON a browser or curl sees on the client routes, field by field. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RestShapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestData data = new TestData(11);
    private final StubHandler stub = new StubHandler();
    private JettyTransport server;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        server = JettyTransport.builder().noRateLimit().build();
        server.start(stub);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        server.close();
    }

    @Test
    void status() throws Exception {
        Hash head = data.hash();
        stub.replyWith(new Message.StatusReply(new PeerStatus(Role.TEACHER, "nid", new org.classchain.NodeKey(new byte[32]), "http://127.0.0.1:1", "chain-1", 12,
                head, List.of("http://127.0.0.1:2"), List.of("t"), 0, List.of("blackout", "message"),
                List.of("52:54:00:12:34:56"), new org.classchain.DesktopHealth(false, 0, 1, null, 0,
                "no graphical session"), List.of(new org.classchain.FileProgress(head.hex(), "worksheet.pdf", 340, 1000,
                2)))));
        JsonNode j = getJson("/status", 200);
        assertThat(fieldNames(j)).containsExactlyInAnyOrder("role", "nodeId", "publicKey", "address", "chainId", "height", "headHash",
                "neighbours", "users", "clockSkewMillis", "modules", "macs", "desktop", "transfers");
        assertThat(fieldNames(j.get("transfers").get(0))).containsExactlyInAnyOrder("root", "name", "verified", "size",
                "sources");
        assertThat(j.get("transfers").get(0).get("verified").asLong()).isEqualTo(340);
        assertThat(fieldNames(j.get("desktop"))).containsExactlyInAnyOrder("display", "agents", "agentRestarts",
                "lastAgentRestart", "interruptions", "note");
        assertThat(j.get("desktop").get("agentRestarts").asInt()).isEqualTo(1);
        assertThat(j.get("desktop").get("note").asText()).isEqualTo("no graphical session");
        assertThat(j.get("macs").get(0).asText()).isEqualTo("52:54:00:12:34:56");
        assertThat(j.get("modules").get(1).asText()).isEqualTo("message");
        assertThat(j.get("role").asText()).isEqualTo("TEACHER");
        assertThat(j.get("height").asLong()).isEqualTo(12);
        assertThat(j.get("headHash").asText()).isEqualTo(head.hex());
        assertThat(j.get("neighbours").get(0).asText()).isEqualTo("http://127.0.0.1:2");
    }

    @Test
    void command_report_while_pending_and_with_receipts() throws Exception {
        UUID id = UUID.randomUUID();
        var receipt = data.receipt(false);
        stub.replyWith(new Message.CommandReply(new CommandReport(id, "blackout", null, List.of(receipt),
                List.of("offline-node"))));
        JsonNode j = getJson("/commands/" + id, 200);
        assertThat(fieldNames(j)).containsExactlyInAnyOrder("id", "module", "height", "receipts", "offline");
        assertThat(j.get("offline").get(0).asText()).isEqualTo("offline-node");
        assertThat(j.get("height").isNull()).isTrue();
        JsonNode r = j.get("receipts").get(0);
        assertThat(r.get("peerId").asText()).isEqualTo(receipt.peerId());
        assertThat(r.get("status").asText()).isEqualTo("EXECUTED");
        assertThat(r.get("detail").asText()).isEqualTo("done in 12 ms");
        assertThat(r.get("at").asLong()).isEqualTo(TestData.NOW.toEpochMilli());
        assertThat(r.has("attachment")).isFalse();
        assertThat(stub.lastRequest.get()).isEqualTo(new Message.GetCommand(id));
    }

    @Test
    void submitting_commands_is_202_with_the_ids() throws Exception {
        List<Command> commands = data.commands();
        UUID grantId = UUID.randomUUID();
        stub.replyWith(new Message.Submitted(commands.stream().map(Command::id).toList(), grantId));
        String body = "{\"username\":\"t\",\"session\":\"s\",\"counter\":9,\"mac\":\"00ff\",\"commands\":"
                + new String(TestData.CODEC.json().encodeCommands(commands), java.nio.charset.StandardCharsets.UTF_8) + "}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/commands"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(202);
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("ids")).hasSize(3);
        assertThat(j.get("ids").get(0).asText()).isEqualTo(commands.get(0).id().toString());
        assertThat(j.get("grantId").asText()).isEqualTo(grantId.toString());
        Message.SubmitBatch got = (Message.SubmitBatch) stub.lastRequest.get();
        assertThat(got.request().commands()).isEqualTo(commands);
        assertThat(got.request().accounts()).isEmpty();
        assertThat(got.request().counter()).isEqualTo(9);
        assertThat(got.request().mac()).containsExactly(0x00, 0xff);
    }

    @Test
    void a_bad_mac_is_401_and_a_student_403() throws Exception {
        stub.replyWith(Message.Rejected.of(401, "bad MAC or expired session"));
        assertThat(getJson("/status", 401).get("error").asText()).isEqualTo("bad MAC or expired session");
        stub.replyWith(Message.Rejected.of(403, "a STUDENT cannot send commands"));
        assertThat(getJson("/status", 403).get("status").asInt()).isEqualTo(403);
    }

    @Test
    void auth_start_and_its_relay_form() throws Exception {
        byte[] salt = data.bytes(16);
        byte[] b = data.bytes(256);
        stub.replyWith(new Message.AuthChallenge("sess", salt, 120_000, b));
        JsonNode j = postJson("/auth/start", "{\"username\":\"t\",\"A\":\"0a0B\"}", 200);
        assertThat(fieldNames(j)).containsExactlyInAnyOrder("session", "salt", "iterations", "B");
        assertThat(j.get("salt").asText()).isEqualTo(hex(salt));
        assertThat(((Message.AuthStart) stub.lastRequest.get()).clientPublic()).containsExactly(0x0a, 0x0b);

        String relay = "{\"relayId\":\"" + UUID.randomUUID() + "\",\"hostNodeId\":\"h\",\"hopsLeft\":2,"
                + "\"request\":{\"type\":\"AuthStart\",\"username\":\"t\",\"A\":\"0a0b\"}}";
        JsonNode r = postJson("/auth/relay", relay, 200);
        assertThat(r.get("type").asText()).isEqualTo("AuthChallenge");
        assertThat(r.get("B").asText()).isEqualTo(hex(b));
    }

    @Test
    void a_page_of_blocks_as_json_and_as_frames() throws Exception {
        List<Block> chain = data.chain(3);
        stub.replyWith(new Message.Blocks(chain));
        JsonNode j = getJson("/blocks?from=0&limit=3", 200);
        JsonNode first = j.get("blocks").get(1);
        assertThat(fieldNames(first)).containsExactlyInAnyOrder("hash", "height", "previousHash", "timestamp", "data");
        assertThat(first.get("hash").asText()).isEqualTo(chain.get(1).hash().hex());
        assertThat(first.get("previousHash").asText()).isEqualTo(chain.get(0).hash().hex());
        assertThat(first.get("height").asLong()).isEqualTo(1);
        assertThat(TestData.CODEC.decode(Base64.getDecoder().decode(first.get("data").asText()))).isEqualTo(chain.get(1));

        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/blocks?from=0&limit=3"))
                .header("Accept", "application/octet-stream").build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        ByteBuffer buf = ByteBuffer.wrap(r.body());
        List<Block> decoded = new ArrayList<>();
        while (buf.hasRemaining()) {
            byte[] one = new byte[buf.getInt()];
            buf.get(one);
            decoded.add(TestData.CODEC.decode(one));
        }
        assertThat(decoded).isEqualTo(chain);
    }

    @Test
    void one_block_by_hash() throws Exception {
        Block block = data.block(4, data.hash());
        stub.replyWith(new Message.Blocks(List.of(block)));
        JsonNode j = getJson("/blocks/" + block.hash().hex(), 200);
        assertThat(j.get("hash").asText()).isEqualTo(block.hash().hex());
        assertThat(stub.lastRequest.get()).isEqualTo(new Message.GetBlock(block.hash()));
    }

    @Test
    void chain_summary_combines_status_and_head() throws Exception {
        Hash head = data.hash();
        stub.answerWith(m -> CompletableFuture.completedFuture(m instanceof Message.GetHead
                ? new Message.HeadReply(new Head(5, head, 160))
                : new Message.StatusReply(new PeerStatus(Role.STUDENT, "nid", new org.classchain.NodeKey(new byte[32]), "http://x:1", "chain-1", 5, head,
                        List.of(), List.of(), 0))));
        JsonNode j = getJson("/chain/summary", 200);
        assertThat(j.get("chainId").asText()).isEqualTo("chain-1");
        assertThat(j.get("height").asLong()).isEqualTo(5);
        assertThat(j.get("headHash").asText()).isEqualTo(head.hex());
        assertThat(j.get("cumulativeWork").asLong()).isEqualTo(160);
    }

    @Test
    void modules_and_peers_lists() throws Exception {
        stub.replyWith(new Message.ModulesReply(List.of()));
        assertThat(getJson("/modules", 200).get("modules").isArray()).isTrue();
        stub.replyWith(new Message.PeersReply(List.of()));
        assertThat(getJson("/peers", 200).get("peers").isArray()).isTrue();
    }

    @Test
    void errors_jetty_raises_itself_are_json_too() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET " + Routes.PREFIX + "/status HTTP/1.1\r\nHost: x\r\n"
                + "X-Big: " + "a".repeat(20_000), new byte[0]);
        assertThat(r.status()).isBetween(400, 499);
        assertThat(r.headers().get("content-type")).startsWith("application/json");
        JsonNode j = JSON.readTree(r.body());
        assertThat(j.get("status").asInt()).isEqualTo(r.status());
        assertThat(j.get("error").asText()).isNotBlank();
    }

    private JsonNode getJson(String route, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(route)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
        return JSON.readTree(r.body());
    }

    private JsonNode postJson(String route, String body, int status) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(route)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body());
    }

    private URI uri(String route) {
        return URI.create(server.localAddress() + Routes.PREFIX + route);
    }

    private static List<String> fieldNames(JsonNode j) {
        List<String> names = new ArrayList<>();
        j.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }
}
