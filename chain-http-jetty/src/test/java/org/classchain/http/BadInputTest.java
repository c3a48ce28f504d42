package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Payload;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Route by route, what a malformed, oversized, mistyped or unwanted request gets back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEX64 = "ab".repeat(32);

    /** Every route that takes a JSON body. */
    private static final List<String> POST_ROUTES = List.of("/peers", "/blocks", "/auth/relay", "/receipts",
            "/auth/start", "/auth/finish", "/auth/login", "/auth/grant", "/commands");

    private final TestData data = new TestData(7);
    private final StubHandler stub = new StubHandler();
    private JettyTransport server;
    private JettyTransport small;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        server = JettyTransport.builder().noRateLimit().requestTimeout(Duration.ofMillis(500)).build();
        server.start(stub);
        small = JettyTransport.builder().noRateLimit().maxBodyBytes(4096).build();
        small.start(stub);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        server.close();
        small.close();
    }

    // ------------------------------------------------------------------ bodies

    @ParameterizedTest(name = "POST {0} malformed JSON -> 400")
    @MethodSource("postRoutes")
    void malformed_json_is_400(String route) throws Exception {
        for (String body : List.of("{\"username\": ", "not json", "", "{} trailing", "{\"a\":1,\"a\":2}")) {
            int before = stub.calls.get();
            HttpResponse<String> r = post(server, route, "application/json", body);
            assertError(r, 400);
            assertThat(stub.calls.get()).as("handler not called").isEqualTo(before);
        }
    }

    @ParameterizedTest(name = "POST {0} empty object -> 400 missing field")
    @MethodSource("postRoutes")
    void a_missing_field_is_400_naming_it(String route) throws Exception {
        HttpResponse<String> r = post(server, route, "application/json", "{}");
        assertThat(assertError(r, 400)).contains("missing field '");
    }

    @ParameterizedTest(name = "POST {0} body that is not an object -> 400")
    @MethodSource("postRoutes")
    void a_body_that_is_not_an_object_is_400(String route) throws Exception {
        assertThat(assertError(post(server, route, "application/json", "[1,2]"), 400)).contains("object");
    }

    Stream<Arguments> wrongTypes() {
        return Stream.of(
                Arguments.of("/peers", "{\"nodeId\":5,\"publicKey\":\"" + HEX64 + "\",\"address\":\"http://x:1\"}", "nodeId"),
                Arguments.of("/peers", "{\"nodeId\":\"n\",\"publicKey\":\"abc\",\"address\":\"http://x:1\"}", "publicKey"),
                Arguments.of("/blocks", "{\"block\":{\"data\":12}}", "data"),
                Arguments.of("/blocks", "{\"block\":{\"data\":\"!!not base64!!\"}}", "data"),
                Arguments.of("/blocks", "{\"block\":\"x\"}", "block"),
                Arguments.of("/auth/relay", "{\"relayId\":\"nope\",\"hostNodeId\":\"h\",\"hopsLeft\":3,"
                        + "\"request\":{\"type\":\"AuthStart\",\"username\":\"t\",\"A\":\"00\"}}", "relayId"),
                Arguments.of("/auth/relay", "{\"relayId\":\"" + java.util.UUID.randomUUID() + "\",\"hostNodeId\":\"h\","
                        + "\"hopsLeft\":3,\"request\":{\"type\":\"Gossip\"}}", "type"),
                Arguments.of("/auth/relay", "{\"relayId\":\"" + java.util.UUID.randomUUID() + "\",\"hostNodeId\":\"h\","
                        + "\"hopsLeft\":\"3\",\"request\":{\"type\":\"AuthStart\",\"username\":\"t\",\"A\":\"00\"}}", "hopsLeft"),
                Arguments.of("/receipts", "{\"receipts\":{}}", "receipts"),
                Arguments.of("/receipts", "{\"receipts\":[{\"commandId\":\"" + java.util.UUID.randomUUID()
                        + "\",\"peerId\":\"p\",\"peerKey\":\"" + HEX64 + "\",\"status\":\"DONE\",\"at\":1}]}", "status"),
                Arguments.of("/auth/start", "{\"username\":\"t\",\"A\":\"zz\"}", "A"),
                Arguments.of("/auth/start", "{\"username\":[],\"A\":\"00\"}", "username"),
                Arguments.of("/auth/finish", "{\"session\":\"s\",\"M1\":7}", "M1"),
                Arguments.of("/auth/login", "{\"username\":\"a\",\"session\":\"s\",\"counter\":\"one\",\"mac\":\"00\"}", "counter"),
                Arguments.of("/auth/login", "{\"username\":\"a\",\"session\":\"s\",\"counter\":1.5,\"mac\":\"00\"}", "counter"),
                Arguments.of("/auth/grant", "{\"username\":\"t\",\"session\":\"s\",\"counter\":1,\"commands\":\"x\",\"mac\":\"00\"}", "commands"),
                Arguments.of("/commands", "{\"username\":\"t\",\"session\":\"s\",\"counter\":1,\"commands\":[{\"id\":1}],\"mac\":\"00\"}", "commands"),
                Arguments.of("/commands", "{\"username\":\"t\",\"session\":\"s\",\"counter\":1,\"commands\":[],"
                        + "\"accounts\":[{\"username\":\"t\",\"role\":\"KING\",\"hostKeys\":[]}],\"mac\":\"00\"}", "accounts"),
                Arguments.of("/commands", "{\"username\":\"t\",\"session\":\"s\",\"counter\":1,\"commands\":[],\"mac\":true}", "mac"));
    }

    @ParameterizedTest(name = "POST {0} {2} of the wrong type -> 400")
    @MethodSource("wrongTypes")
    void a_field_of_the_wrong_type_is_400_naming_it(String route, String body, String field) throws Exception {
        int before = stub.calls.get();
        String error = assertError(post(server, route, "application/json", body), 400);
        assertThat(error).contains(field);
        assertThat(stub.calls.get()).isEqualTo(before);
    }

    @ParameterizedTest(name = "POST {0} as text/plain -> 415")
    @MethodSource("postRoutes")
    void a_body_that_is_not_json_is_415(String route) throws Exception {
        assertError(post(server, route, "text/plain", "{}"), 415);
        assertError(post(server, route, "application/json; charset=iso-8859-1", "{}"), 415);
        assertError(sendRaw(server, "POST", route, null, "{}"), 415);
    }

    @Test
    void an_early_answer_still_reaches_the_client_and_the_next_request_works() throws Exception {
        stub.replyWith(new Message.HeadReply(null));
        String body = "{\"username\":\"" + "x".repeat(20_000) + "\"}";
        for (int i = 0; i < 100; i++) {
            HttpResponse<String> early = post(server, "/auth/start", "text/plain", body);
            assertThat(early.statusCode()).isEqualTo(415);
            assertThat(get(server, "/head").statusCode()).as("request %d after an early answer", i).isEqualTo(200);
        }
    }

    @Test
    void a_utf8_charset_parameter_is_fine() throws Exception {
        stub.replyWith(new Message.Ack("ok"));
        HttpResponse<String> r = post(server, "/auth/login", "application/json; charset=UTF-8",
                "{\"username\":\"a\",\"session\":\"s\",\"counter\":1,\"mac\":\"00\"}");
        assertThat(r.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "POST {0} with Content-Length over the limit -> 413 before the body")
    @MethodSource("postRoutes")
    void a_declared_length_over_the_limit_is_413_without_reading_the_body(String route) throws Exception {
        int declared = route.equals("/blocks") ? 50_000_000 : 4097;
        RawHttp.Response r = RawHttp.exchange(small.port(), "POST " + Routes.PREFIX + route + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: " + declared, new byte[0]);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.headers().get("connection")).isEqualTo("close");
        assertJsonError(r.body(), 413);
    }

    @ParameterizedTest(name = "POST {0} chunked past the limit -> 413")
    @MethodSource("postRoutes")
    void a_chunked_body_past_the_limit_is_413(String route) throws Exception {
        int limit = route.equals("/blocks") ? BlockWire.MAX_BLOCK_BODY_BYTES : 4096;
        byte[] filler = "[".repeat(1024).getBytes(StandardCharsets.US_ASCII);
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (int sent = 0; sent <= limit; sent += filler.length) {
            body.writeBytes(RawHttp.chunk(filler));
        }
        // no terminating chunk: the server must stop at the limit, not wait for the end
        RawHttp.Response r = RawHttp.exchange(small.port(), "POST " + Routes.PREFIX + route + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked", body.toByteArray());
        assertThat(r.status()).isEqualTo(413);
        assertJsonError(r.body(), 413);
    }

    @Test
    void an_oversize_body_from_an_ordinary_client_is_413() throws Exception {
        String body = "{\"username\":\"" + "x".repeat(5000) + "\",\"A\":\"00\"}";
        assertError(post(small, "/auth/start", "application/json", body), 413);
    }

    @Test
    void a_block_announcement_may_exceed_the_general_limit() throws Exception {
        List<Command> commands = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            commands.add(Command.create("message", org.classchain.Target.all(), java.util.Map.of("text", "hello " + i),
                    TestData.NOW, Duration.ofMinutes(5)));
        }
        Block block = TestData.block(1, data.hash(), Payload.granted(commands, data.grant(commands, List.of())));
        ObjectNode body = JSON.createObjectNode();
        body.set("block", new BlockWire(TestData.CODEC).toJson(block));
        String json = JSON.writeValueAsString(body);
        assertThat(json.length()).isGreaterThan(4096);
        stub.replyWith(new Message.Ack("stored"));
        assertThat(post(small, "/blocks", "application/json", json).statusCode()).isEqualTo(200);
        assertThat(((Message.BlockAnnouncement) stub.lastRequest.get()).block()).isEqualTo(block);
    }

    // ------------------------------------------------------------------ blocks that do not decode

    @Test
    void block_data_that_does_not_decode_is_422_naming_the_codec_problem() throws Exception {
        String body = "{\"block\":{\"data\":\"" + Base64.getEncoder().encodeToString(new byte[10]) + "\"}}";
        assertThat(assertError(post(server, "/blocks", "application/json", body), 422))
                .contains("does not decode").contains("header");
        byte[] encoded = TestData.CODEC.encode(data.block(2, data.hash()));
        encoded[encoded.length - 2] = ' ';
        body = "{\"block\":{\"data\":\"" + Base64.getEncoder().encodeToString(encoded) + "\"}}";
        assertThat(assertError(post(server, "/blocks", "application/json", body), 422)).contains("does not decode");
    }

    @Test
    void a_block_whose_readable_hash_disagrees_with_its_data_is_422() throws Exception {
        ObjectNode block = new BlockWire(TestData.CODEC).toJson(data.block(2, data.hash()));
        block.put("hash", HEX64);
        ObjectNode body = JSON.createObjectNode();
        body.set("block", block);
        assertThat(assertError(post(server, "/blocks", "application/json", JSON.writeValueAsString(body)), 422))
                .contains("hash");
    }

    @Test
    void a_handler_rejecting_a_block_gives_422_with_the_rule() throws Exception {
        stub.replyWith(Message.Rejected.of(422, "proof of work: hash has 3 leading zero bits, needs 8"));
        ObjectNode body = JSON.createObjectNode();
        body.set("block", new BlockWire(TestData.CODEC).toJson(data.block(2, data.hash())));
        assertThat(assertError(post(server, "/blocks", "application/json", JSON.writeValueAsString(body)), 422))
                .isEqualTo("proof of work: hash has 3 leading zero bits, needs 8");
    }

    // ------------------------------------------------------------------ query and path parameters

    @ParameterizedTest(name = "GET /blocks?{0} -> 400")
    @ValueSource(strings = {"from=-1", "limit=0", "limit=1001", "from=abc", "limit=1e3", "from=0&limit=-5",
        "limit=99999999999999999999"})
    void bad_page_parameters_are_400(String query) throws Exception {
        assertThat(assertError(get(server, "/blocks?" + query), 400)).containsAnyOf("query parameter", "query string");
    }

    @Test
    void a_malformed_query_string_is_400_json() throws Exception {
        RawHttp.Response r = RawHttp.exchange(server.port(), "GET " + Routes.PREFIX + "/blocks?from=%zz HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nConnection: close", new byte[0]);
        assertThat(r.status()).isEqualTo(400);
        assertJsonError(r.body(), 400);
    }

    @Test
    void a_good_page_request_reaches_the_handler() throws Exception {
        stub.replyWith(new Message.Blocks(List.of()));
        assertThat(get(server, "/blocks?from=10&limit=1000").statusCode()).isEqualTo(200);
        assertThat(stub.lastRequest.get()).isEqualTo(new Message.GetBlocks(10, 1000));
        assertThat(get(server, "/blocks").statusCode()).isEqualTo(200);
        assertThat(stub.lastRequest.get()).isEqualTo(new Message.GetBlocks(0, Routes.DEFAULT_PAGE));
    }

    @ParameterizedTest(name = "GET {0} -> 400")
    @ValueSource(strings = {"/blocks/xyz", "/blocks/" + "a", "/commands/not-a-uuid"})
    void bad_path_parameters_are_400(String path) throws Exception {
        assertError(get(server, path), 400);
    }

    @Test
    void an_unknown_block_is_404() throws Exception {
        stub.replyWith(new Message.Blocks(List.of()));
        assertError(get(server, "/blocks/" + HEX64), 404);
    }

    // ------------------------------------------------------------------ routes and methods

    @ParameterizedTest(name = "GET {0} -> 404")
    @ValueSource(strings = {"/api/v1/nope", "/api/v1/blocks/" + "ab/cd", "/nope", "/index.htm", "/api/v2/status", "/api/v1"})
    void unknown_routes_are_404(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(server.localAddress() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertError(r, 404);
    }

    @ParameterizedTest(name = "GET {0} -> 405")
    @ValueSource(strings = {"/auth/relay", "/receipts", "/auth/start", "/auth/finish", "/auth/login", "/auth/grant", "/commands"})
    void get_on_a_post_route_is_405(String route) throws Exception {
        HttpResponse<String> r = get(server, route);
        assertError(r, 405);
        assertThat(r.headers().firstValue("Allow")).hasValue("POST");
    }

    @ParameterizedTest(name = "POST {0} -> 405")
    @ValueSource(strings = {"/head", "/status", "/modules", "/chain/summary", "/commands/" + "00000000-0000-0000-0000-000000000001"})
    void post_on_a_get_route_is_405(String route) throws Exception {
        HttpResponse<String> r = post(server, route, "application/json", "{}");
        assertError(r, 405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void other_methods_are_405_listing_the_allowed_ones() throws Exception {
        HttpResponse<String> r = sendRaw(server, "DELETE", "/peers", "application/json", "");
        assertError(r, 405);
        assertThat(r.headers().firstValue("Allow")).hasValue("GET, POST");
    }

    // ------------------------------------------------------------------ failures behind the route

    @Test
    void a_handler_that_throws_is_500_and_the_server_keeps_serving() throws Exception {
        stub.answerWith(m -> {
            throw new IllegalStateException("secret internals");
        });
        HttpResponse<String> r = get(server, "/status");
        assertThat(assertError(r, 500)).doesNotContain("secret").doesNotContain("Exception");
        assertThat(r.body()).doesNotContain("\tat ");

        stub.answerWith(m -> CompletableFuture.failedFuture(new RuntimeException("also secret")));
        assertThat(assertError(get(server, "/head"), 500)).doesNotContain("secret");

        stub.answerWith(m -> null);
        assertError(get(server, "/head"), 500);

        stub.replyWith(new Message.HeadReply(null));
        HttpResponse<String> ok = get(server, "/head");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ok.body()).get("hash").isNull()).isTrue();
    }

    @Test
    void a_handler_that_never_answers_is_503_after_the_request_timeout() throws Exception {
        stub.answerWith(m -> new CompletableFuture<>());
        long start = System.nanoTime();
        assertError(get(server, "/head"), 503);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        stub.replyWith(new Message.HeadReply(null));
        assertThat(get(server, "/head").statusCode()).isEqualTo(200);
    }

    @Test
    void too_many_requests_from_one_address_are_429_with_retry_after() throws Exception {
        StubHandler counting = new StubHandler();
        counting.replyWith(new Message.HeadReply(null));
        try (JettyTransport limited = JettyTransport.builder().rateLimit(0.5, 5).build()) {
            limited.start(counting);
            for (int i = 0; i < 5; i++) {
                assertThat(get(limited, "/head").statusCode()).as("request %d within the burst", i).isEqualTo(200);
            }
            HttpResponse<String> r = get(limited, "/head");
            assertThat(assertError(r, 429)).contains("too many requests");
            assertThat(r.headers().firstValue("Retry-After")).hasValueSatisfying(
                    v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
            assertThat(counting.calls.get()).isEqualTo(5);

            // the transport's own client reports it as a rejection carrying the hint
            try (JettyTransport client = JettyTransport.builder().build()) {
                Message m = client.send(limited.localAddress(), new Message.GetHead()).get(10, TimeUnit.SECONDS);
                assertThat(m).isInstanceOf(Message.Rejected.class);
                assertThat(((Message.Rejected) m).code()).isEqualTo(429);
                assertThat(((Message.Rejected) m).retryAfterSeconds()).isPositive();
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    Stream<String> postRoutes() {
        return POST_ROUTES.stream();
    }

    private HttpResponse<String> post(JettyTransport t, String route, String contentType, String body) throws Exception {
        return sendRaw(t, "POST", route, contentType, body);
    }

    private HttpResponse<String> get(JettyTransport t, String route) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(t.localAddress() + Routes.PREFIX + route)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> sendRaw(JettyTransport t, String method, String route, String contentType, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.localAddress() + Routes.PREFIX + route))
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Checks the status, the JSON error body and its absence of stack traces; returns the error text. */
    private static String assertError(HttpResponse<String> r, int status) throws IOException {
        assertThat(r.statusCode()).as("status of %s: %s", r.uri(), r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("application/json"));
        return assertJsonError(r.body(), status);
    }

    private static String assertJsonError(String body, int status) throws IOException {
        JsonNode json = JSON.readTree(body);
        assertThat(json.get("status").asInt()).isEqualTo(status);
        assertThat(json.get("error").isTextual()).isTrue();
        assertThat(json.get("error").textValue()).isNotBlank().doesNotContain("\tat ").doesNotContain("Exception");
        return json.get("error").textValue();
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
