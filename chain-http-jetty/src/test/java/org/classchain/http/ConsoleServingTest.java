package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.classchain.Attachment;
import org.classchain.CommandReport;
import org.classchain.NodeKey;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The console's files, its event stream, thumbnails and the room view, over real HTTP. One server
 * for the class; the event tests each start their own, so that their client counts are exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConsoleServingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestData data = new TestData(11);
    private final StubHandler stub = new StubHandler();
    private final List<JettyTransport> transports = new ArrayList<>();
    private JettyTransport server;
    private HttpClient http;

    @BeforeAll
    void start() throws Exception {
        server = started(JettyTransport.builder().noRateLimit(), stub);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    void stop() {
        transports.forEach(JettyTransport::close);
    }

    /** A server of its own for one event test, with fast keep-alives. */
    private JettyTransport eventServer() throws Exception {
        return started(JettyTransport.builder().noRateLimit().eventKeepAlive(Duration.ofMillis(200)), new StubHandler());
    }

    private JettyTransport started(JettyTransport.Builder b, org.classchain.wire.MessageHandler h) throws Exception {
        JettyTransport t = b.build();
        transports.add(t);
        t.start(h);
        return t;
    }

    // ------------------------------------------------------------------ static files

    @ParameterizedTest(name = "GET {0} is {1}")
    @CsvSource({
        "/, text/html; charset=utf-8, ClassChain console",
        "/index.html, text/html; charset=utf-8, ClassChain console",
        "/console.js, text/javascript; charset=utf-8, onReachability",
        "/live.js, text/javascript; charset=utf-8, EventSource",
        "/room.js, text/javascript; charset=utf-8, export function renderRoom",
        "/crypto.js, text/javascript; charset=utf-8, ClassChainCrypto",
        "/srp.js, text/javascript; charset=utf-8, ClassChainSrp",
        "/console.css, text/css; charset=utf-8, --accent",
        "/favicon.svg, image/svg+xml, <svg"})
    void every_console_file_is_served_with_its_type_and_cache_headers(String path, String type, String contains)
            throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(type);
        assertThat(r.body()).contains(contains);
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(r.headers().firstValue("etag")).hasValueSatisfying(e -> assertThat(e).matches("\"[0-9a-f]{32}\""));
        assertThat(r.headers().firstValue("content-security-policy")).hasValueSatisfying(csp ->
                assertThat(csp).contains("script-src 'self'").contains("connect-src 'self'"));
        assertThat(r.headers().firstValue("x-content-type-options")).hasValue("nosniff");
    }

    @Test
    void an_unchanged_file_is_a_304_and_a_head_has_no_body() throws Exception {
        String etag = get("/console.js").headers().firstValue("etag").orElseThrow();
        HttpResponse<String> again = http.send(HttpRequest.newBuilder(uri("/console.js"))
                .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        HttpResponse<String> head = http.send(HttpRequest.newBuilder(uri("/")).method("HEAD",
                HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValueAsLong("content-length").orElseThrow()).isGreaterThan(1000);
    }

    @Test
    void the_console_is_small_and_loads_nothing_from_elsewhere() throws Exception {
        ConsoleAssets assets = ConsoleAssets.load();
        // 120 KiB until the file picker, the live screen view, the power buttons and each card's
        // desktop health came (129 KiB with them): still one small, dependency-free page, and a
        // budget that fails when a library or a framework gets copied in
        assertThat(assets.totalBytes()).as("every console file together").isLessThan(150 * 1024);
        String html = get("/").body();
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("//cdn");
        assertThat(html).doesNotContainPattern("<script>[^<]").doesNotContain("style=\"");
        for (String file : ConsoleAssets.FILES) {
            if (file.endsWith(".js")) {
                assertThat(get("/" + file).body()).as(file).doesNotContain("https://").doesNotContain("import(")
                        .doesNotContain("eval(");
            }
        }
    }

    /** A static import in the page's scripts: {@code import { a, b } from './room.js';}. */
    private static final Pattern IMPORT =
            Pattern.compile("(?m)^import \\{[^}]*\\}\\s*from '\\./([a-z]+\\.js)';");

    @Test
    void every_module_the_page_imports_is_served_as_javascript_and_every_script_is_used() throws Exception {
        String html = get("/").body();
        assertThat(html).contains("<script src=\"/console.js\" type=\"module\"></script>");
        Deque<String> todo = new ArrayDeque<>(List.of("console.js", "crypto.js", "srp.js"));
        Set<String> reached = new TreeSet<>();
        while (!todo.isEmpty()) {
            String file = todo.pop();
            if (!reached.add(file)) {
                continue;
            }
            HttpResponse<String> r = get("/" + file);
            assertThat(r.statusCode()).as(file + ", imported by the page").isEqualTo(200);
            assertThat(r.headers().firstValue("content-type")).as(file).hasValue("text/javascript; charset=utf-8");
            assertThat(r.headers().firstValue("cache-control")).as(file).hasValue("no-cache");
            assertThat(r.headers().firstValue("content-security-policy")).as(file).isPresent();
            Matcher m = IMPORT.matcher(r.body());
            while (m.find()) {
                todo.push(m.group(1));
            }
        }
        assertThat(reached).as("the scripts the page reaches are exactly those served")
                .containsExactlyInAnyOrderElementsOf(ConsoleAssets.FILES.stream().filter(f -> f.endsWith(".js")).toList());
    }

    @Test
    void other_methods_on_a_file_are_405_and_unknown_files_404() throws Exception {
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/")).POST(
                HttpRequest.BodyPublishers.ofString("x")).header("Content-Type", "text/plain").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET, HEAD");
        HttpResponse<String> missing = get("/../../etc/passwd");
        assertThat(missing.statusCode()).isIn(400, 404);
        assertThat(get("/console.jsx").statusCode()).isEqualTo(404);
        assertThat(get("/nothing.js").statusCode()).as("a module name the page does not have").isEqualTo(404);
        assertThat(get("/js/room.js").statusCode()).isEqualTo(404);
    }

    // ------------------------------------------------------------------ events

    @Test
    void published_events_reach_every_connected_console_in_order() throws Exception {
        JettyTransport es = eventServer();
        EventClient a = connect(es);
        EventClient b = connect(es);
        awaitClients(es, 2);
        es.publish("block", "{\"height\":1}");
        es.publish("receipt", "{\"line\":\"one\ntwo\"}");
        for (EventClient c : List.of(a, b)) {
            assertThat(c.nextEvent()).isEqualTo("block|{\"height\":1}");
            assertThat(c.nextEvent()).isEqualTo("receipt|{\"line\":\"one\ntwo\"}");
        }
        assertThat(a.response.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        assertThat(a.response.headers().firstValue("cache-control")).hasValue("no-store");
    }

    @Test
    void an_idle_stream_gets_keep_alive_comments() throws Exception {
        JettyTransport es = eventServer();
        EventClient c = connect(es);
        awaitClients(es, 1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!c.comments.contains(": keep-alive") && System.nanoTime() < deadline) {
            c.nextLine(1);
        }
        assertThat(c.comments).contains(": keep-alive");
    }

    @Test
    void close_ends_every_stream() throws Exception {
        JettyTransport es = eventServer();
        EventClient c = connect(es);
        awaitClients(es, 1);
        es.close();
        assertThat(c.awaitEnd(10)).as("the stream ended").isTrue();
        assertThat(es.eventClients()).isZero();
        es.publish("block", "{}"); // after close: nothing, no failure
    }

    @Test
    void a_client_that_stops_reading_is_dropped_and_others_go_on() throws Exception {
        JettyTransport es = eventServer();
        EventClient reader = connect(es);
        try (Socket stuck = new Socket("127.0.0.1", es.port())) {
            stuck.setReceiveBufferSize(4096);
            OutputStream out = stuck.getOutputStream();
            out.write(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            awaitClients(es, 2);
            String big = "{\"pad\":\"" + "x".repeat(60_000) + "\"}";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            int sent = 0;
            while (es.eventClients() > 1 && System.nanoTime() < deadline) {
                es.publish("block", big);
                sent++;
                if (sent % 50 == 0) {
                    // let the reader drain what it was sent, so that only the stuck client falls behind
                    while (reader.events.size() < sent && System.nanoTime() < deadline) {
                        reader.nextLine(1);
                    }
                }
            }
            assertThat(es.eventClients()).as("the stuck client was dropped").isEqualTo(1);
            es.publish("receipt", "{\"after\":true}");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!reader.events.contains("receipt|{\"after\":true}") && System.nanoTime() < end) {
                reader.nextLine(1);
            }
            assertThat(reader.events).contains("receipt|{\"after\":true}");
        }
    }

    @Test
    void malformed_event_types_are_refused() throws Exception {
        JettyTransport es = eventServer();
        assertThatThrownBy(() -> es.publish("bad type", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> es.publish("x\ny", "{}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> es.publish("block", null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_post_to_the_event_stream_is_405() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/api/v1/events")).POST(
                HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(405);
    }

    // ------------------------------------------------------------------ attachments

    @Test
    void a_receipts_image_attachment_is_served_as_its_own_bytes() throws Exception {
        NodeKey key = data.nodeKey();
        UUID id = UUID.randomUUID();
        byte[] jpeg = data.bytes(2000);
        Receipt withImage = new Receipt(id, key.nodeId(), key, ReceiptStatus.EXECUTED, "shot", Instant.now(),
                new Attachment("image/jpeg", jpeg), data.bytes(64));
        NodeKey other = data.nodeKey();
        Receipt withHtml = new Receipt(id, other.nodeId(), other, ReceiptStatus.EXECUTED, "", Instant.now(),
                new Attachment("text/html", "<script>alert(1)</script>".getBytes(StandardCharsets.UTF_8)), data.bytes(64));
        Message report = new Message.CommandReply(new CommandReport(id, "screenshot", 3L, List.of(withImage, withHtml)));
        String token = "?session=host.s1&until=" + Long.MAX_VALUE + "&mac=" + "ab".repeat(32);
        stub.answerWith(m -> CompletableFuture.completedFuture(m instanceof Message.ViewCheck v
                ? (v.session().equals("host.s1") ? new Message.Ack("ok") : Message.Rejected.of(401, "not the teacher"))
                : report));

        // without the teacher's view token: nothing, and a report only describes the attachment
        assertThat(get("/api/v1/commands/" + id + "/attachments/" + key.nodeId()).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/commands/" + id + "/attachments/" + key.nodeId() + token.replace("host.s1", "other"))
                .statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/commands/" + id + "/attachments/" + key.nodeId() + "?session=host.s1").statusCode())
                .isEqualTo(400);
        JsonNode described = JSON.readTree(get("/api/v1/commands/" + id).body());
        assertThat(described.get("receipts").get(0).get("attachment").get("size").asInt()).isEqualTo(2000);
        assertThat(described.get("receipts").get(0).get("attachment").has("base64")).isFalse();
        JsonNode full = JSON.readTree(get("/api/v1/commands/" + id + token).body());
        assertThat(full.get("receipts").get(0).get("attachment").has("base64")).isTrue();

        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri("/api/v1/commands/" + id + "/attachments/"
                + key.nodeId() + token)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("image/jpeg");
        assertThat(r.headers().firstValue("cache-control")).hasValue("private, max-age=86400");
        assertThat(r.body()).isEqualTo(jpeg);

        HttpResponse<byte[]> html = http.send(HttpRequest.newBuilder(uri("/api/v1/commands/" + id + "/attachments/"
                + other.nodeId() + token)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(html.headers().firstValue("content-type")).hasValue("application/octet-stream");
        assertThat(html.headers().firstValue("x-content-type-options")).hasValue("nosniff");

        assertThat(http.send(HttpRequest.newBuilder(uri("/api/v1/commands/" + id + "/attachments/nobody" + token)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
        assertThat(get("/api/v1/commands/not-a-uuid/attachments/x").statusCode()).isEqualTo(400);
    }

    // ------------------------------------------------------------------ the room

    @Test
    void the_room_joins_each_known_peer_with_its_own_status() throws Exception {
        StubHandler studentStub = new StubHandler();
        JettyTransport student = started(JettyTransport.builder().noRateLimit(), studentStub);
        studentStub.replyWith(new Message.StatusReply(new PeerStatus(Role.STUDENT, "student-1", new org.classchain.NodeKey(new byte[32]), student.localAddress(),
                "chain-1", 9, null, List.of(), List.of("zoe"), 0)));
        String dead = "http://127.0.0.1:1";
        StubHandler teacherStub = new StubHandler();
        JettyTransport teacher = started(JettyTransport.builder().noRateLimit(), teacherStub);
        Message teacherStatus = new Message.StatusReply(new PeerStatus(Role.TEACHER, "teacher-1", new org.classchain.NodeKey(new byte[32]), teacher.localAddress(),
                "chain-1", 9, null, List.of(), List.of("teacher"), 0));
        Message known = new Message.PeersReply(List.of(
                new PeerInfo("teacher-1", teacher.localAddress(), false, List.of("teacher"), Instant.now()),
                new PeerInfo("student-1", student.localAddress(), true, List.of(), Instant.now()),
                new PeerInfo("gone-1", dead, false, List.of("bob"), Instant.ofEpochMilli(1_000))));
        teacherStub.answerWith(m -> CompletableFuture.completedFuture(m instanceof Message.GetStatus ? teacherStatus
                : m instanceof Message.GetPeers ? known : Message.Rejected.of(400, "unexpected")));

        JsonNode room = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(teacher.localAddress()
                + "/api/v1/room")).build(), HttpResponse.BodyHandlers.ofString()).body());
        assertThat(room.get("self").asText()).isEqualTo("teacher-1");
        JsonNode peers = room.get("peers");
        assertThat(peers).hasSize(3);
        assertThat(peers.get(0).get("role").asText()).isEqualTo("TEACHER");
        assertThat(peers.get(0).get("online").asBoolean()).isTrue();
        assertThat(peers.get(1).get("nodeId").asText()).isEqualTo("student-1");
        assertThat(peers.get(1).get("role").asText()).isEqualTo("STUDENT");
        assertThat(peers.get(1).get("height").asLong()).isEqualTo(9);
        assertThat(peers.get(1).get("users").get(0).asText()).isEqualTo("zoe");
        assertThat(peers.get(2).get("online").asBoolean()).isFalse();
        assertThat(peers.get(2).get("role").isNull()).isTrue();
        assertThat(peers.get(2).get("users").get(0).asText()).isEqualTo("bob");
        assertThat(peers.get(2).get("lastSeen").asLong()).isEqualTo(1_000);
    }

    @Test
    void the_room_is_cached_briefly() throws Exception {
        stub.answerWith(m -> CompletableFuture.completedFuture(m instanceof Message.GetStatus
                ? new Message.StatusReply(new PeerStatus(Role.TEACHER, "t", new org.classchain.NodeKey(new byte[32]), server.localAddress(), "c", 1, null,
                List.of(), List.of(), 0))
                : new Message.PeersReply(List.of())));
        get("/api/v1/room");
        int calls = stub.calls.get();
        get("/api/v1/room");
        assertThat(stub.calls.get()).isEqualTo(calls);
    }

    // ------------------------------------------------------------------ plumbing

    private URI uri(String path) {
        return URI.create(server.localAddress() + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitClients(JettyTransport es, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (es.eventClients() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(es.eventClients()).isEqualTo(n);
    }

    private EventClient connect(JettyTransport es) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(es.localAddress() + "/api/v1/events"))
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return new EventClient(r);
    }

    /** Reads an event stream on its own thread into a queue of lines. */
    private static final class EventClient {
        final HttpResponse<InputStream> response;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> comments = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        private final Thread thread;
        private volatile boolean ended;
        private String type;
        private StringBuilder dataLines;

        EventClient(HttpResponse<InputStream> response) {
            this.response = response;
            this.thread = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    for (String l = in.readLine(); l != null; l = in.readLine()) {
                        lines.add(l);
                    }
                } catch (Exception e) {
                    // the stream was cut
                } finally {
                    ended = true;
                }
            }, "test-event-client");
            thread.setDaemon(true);
            thread.start();
        }

        /** Takes one line (waiting up to {@code seconds}) and folds it into events and comments. */
        void nextLine(int seconds) throws InterruptedException {
            String l = lines.poll(seconds, TimeUnit.SECONDS);
            if (l == null) {
                return;
            }
            if (l.startsWith(":")) {
                comments.add(l);
            } else if (l.startsWith("event: ")) {
                type = l.substring(7);
                dataLines = new StringBuilder();
            } else if (l.startsWith("data: ") && dataLines != null) {
                if (dataLines.length() > 0) {
                    dataLines.append('\n');
                }
                dataLines.append(l.substring(6));
            } else if (l.isEmpty() && type != null) {
                events.add(type + "|" + dataLines);
                type = null;
                dataLines = null;
            }
        }

        String nextEvent() throws InterruptedException {
            int before = events.size();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (events.size() == before && System.nanoTime() < deadline) {
                nextLine(1);
            }
            return events.size() > before ? events.get(before) : null;
        }

        boolean awaitEnd(int seconds) throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(seconds));
            return ended;
        }
    }
}
