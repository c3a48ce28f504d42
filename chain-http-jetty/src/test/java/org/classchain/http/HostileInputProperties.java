package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Hash;
import org.classchain.Target;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Classroom;
import org.classchain.wire.Message;

/**
 * Hostile input over real HTTP: generated bodies, headers, methods, paths and query strings sent
 * to every route of the transport (ROUTES.md, plus {@code /accounts} and
 * {@code /accounts/credential}) on a real peer, the teacher's of a classroom of two. Malformed
 * JSON, deep nesting, huge numbers, wrong types, unicode edge cases (lone surrogates, NUL, RTL
 * marks, invalid UTF-8), oversize bodies, odd content types, odd methods and raw request lines.
 *
 * <p>For every request: no 5xx, and no change to the chain (head and block count of both peers).
 * Two 5xx are HTTP's or the protocol's own answers, counted and allowed: 505 to a request line
 * that is not HTTP/1.x, and 503 from {@code POST /auth/relay} naming a host this peer cannot reach
 * (a relay answers so, and the relaying peer tries another route: docs/auth.md).
 * Afterwards the peer still serves: a teacher signs in through it and a command is executed.
 * Requests go over bare sockets, each from its own loopback source address (127.0.0.2 to
 * 127.0.0.251), so that the per-address limits of sign-in failures do not stop the fuzzing at the
 * first few requests and do not lock out the final check from 127.0.0.1. The number of requests
 * tried is printed at the end ({@code fuzz: N requests}); tries per property come from
 * {@code -Dclasschain.fuzzTries} (jqwik's default tries, set in this module's pom).
 */
class HostileInputProperties {

    private static final AtomicLong SENT = new AtomicLong();
    private static final AtomicLong SERVER_ERRORS = new AtomicLong();
    private static final AtomicLong RELAY_503 = new AtomicLong();
    private static final java.util.regex.Pattern ERROR_FIELD = java.util.regex.Pattern.compile("\"error\":\"([^\"]*)\"");
    /** What a relay answers when it cannot reach the host it names (a 503 the relay protocol uses to try another way). */
    private static final java.util.regex.Pattern RELAY_UNREACHABLE = java.util.regex.Pattern.compile(
            "relay hop limit reached|host \\S+ is not reachable from this peer|the host of account .* is not reachable");
    private static final Map<String, AtomicLong> OUTCOMES = new ConcurrentHashMap<>();
    private static final HexFormat HEX = HexFormat.of();

    /** Every route: method and path below /api/v1, a placeholder in braces. */
    static final List<String> ROUTES = List.of("POST /peers", "GET /peers", "POST /blocks", "GET /blocks",
            "GET /blocks/{hash}", "GET /head", "POST /auth/relay", "POST /receipts", "POST /auth/start",
            "POST /auth/finish", "POST /auth/login", "POST /auth/grant", "POST /commands", "GET /commands/{id}",
            "GET /status", "GET /modules", "GET /chain/summary", "POST /accounts", "POST /accounts/credential",
            "POST /auth/enroll", "GET /accounts");

    private static Classroom room;
    private static int port;
    private static List<byte[]> realBlocks;
    private static Hash[] heads;
    private static int[] heights;

    @BeforeContainer
    static void startClassroom() throws Exception {
        room = Classroom.start(() -> JettyTransport.builder().host("127.0.0.1").port(0).rateLimit(5000, 10_000)
                .build(), 1, new Classroom.Options());
        port = Integer.parseInt(room.teacher.address().substring(room.teacher.address().lastIndexOf(':') + 1));
        // one real command, so that there are real blocks with grants to mutate
        TeacherClient c = room.client();
        assertThat(c.signIn(room.teacher.address(), Classroom.TEACHER, Classroom.PASSWORD))
                .isInstanceOf(Message.AuthConfirmed.class);
        Command cmd = Command.create("record", Target.all(), Map.of("n", "1"), Instant.now(), Duration.ofHours(1));
        assertThat(c.submit(room.teacher.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
        assertThat(room.awaitOneHead(Duration.ofSeconds(20))).isTrue();
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (room.teacher.chain().headInfo().height() < 1 || !room.awaitOneHead(Duration.ofMillis(100))) {
            assertThat(System.nanoTime()).isLessThan(end);
        }
        BlockCodec codec = new BlockCodec(new CanonicalJson());
        realBlocks = room.teacher.chain().range(0, 10).stream().map(codec::encode).toList();
        heads = room.all().stream().map(p -> p.chain().head().hash()).toArray(Hash[]::new);
        heights = room.all().stream().mapToInt(p -> p.chain().range(0, Integer.MAX_VALUE).size()).toArray();
    }

    @AfterContainer
    static void stillServesAndReport() throws Exception {
        try {
            assertUnchanged();
            // the fuzzed peer still serves: a teacher signs in through it and a command runs
            TeacherClient c = room.client();
            assertThat(c.signIn(room.teacher.address(), Classroom.TEACHER, Classroom.PASSWORD))
                    .isInstanceOf(Message.AuthConfirmed.class);
            Command cmd = Command.create("record", Target.all(), Map.of("n", "2"), Instant.now(), Duration.ofHours(1));
            assertThat(c.submit(room.teacher.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
            long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (room.module.runs(room.students.get(0).nodeId(), cmd.id()) == 0) {
                assertThat(System.nanoTime()).as("the command sent after fuzzing runs").isLessThan(end);
                Thread.sleep(20);
            }
            String summary = "fuzz: " + SENT.get() + " requests to " + ROUTES.size() + " routes, outcomes "
                    + new TreeMap<>(OUTCOMES) + " (505 only to request lines not in HTTP/1.x; " + RELAY_503.get()
                    + " relays to a host this peer cannot reach answered 503 as the relay protocol says); "
                    + SERVER_ERRORS.get() + " other 5xx; chain unchanged; the peer still serves";
            System.out.println(summary);
            org.slf4j.LoggerFactory.getLogger(HostileInputProperties.class).info(summary);
        } finally {
            room.close();
        }
    }

    // ------------------------------------------------------------------ the properties

    @Property
    void anyBodyOnAnyRoute(@ForAll("routes") String route, @ForAll("bodies") byte[] body,
                           @ForAll("contentTypes") String contentType) throws Exception {
        String[] mp = route.split(" ");
        send(mp[0].equals("GET") ? "POST" : mp[0], fill(mp[1]), contentType == null ? List.of()
                : List.of("Content-Type: " + contentType), body);
    }

    @Property(edgeCases = EdgeCasesMode.NONE) // edge cases would pick the first route most of the time
    void wellShapedBodiesWithHostileValues(@ForAll("shapedBodies") Map.Entry<String, String> routeAndBody,
                                           @ForAll boolean utf8Charset) throws Exception {
        send("POST", routeAndBody.getKey(), List.of("Content-Type: application/json"
                + (utf8Charset ? "; charset=utf-8" : "")), routeAndBody.getValue().getBytes(StandardCharsets.UTF_8));
    }

    @Property
    void anyMethodPathAndQuery(@ForAll("methods") String method, @ForAll("targets") String target,
                               @ForAll("smallBodies") byte[] body) throws Exception {
        send(method, target, body.length == 0 ? List.of() : List.of("Content-Type: application/json"), body);
    }

    @Property
    void anyHeaders(@ForAll("routes") String route, @ForAll("headerSets") List<String> headers,
                    @ForAll("smallBodies") byte[] body) throws Exception {
        String[] mp = route.split(" ");
        sendRaw(mp[0] + " /api/v1" + fill(mp[1]) + " HTTP/1.1", headers, body, false);
    }

    @Property
    void rawRequestLines(@ForAll("requestLines") String line) throws Exception {
        sendRaw(line, List.of(), new byte[0], true);
    }

    // ------------------------------------------------------------------ sending and checking

    private static void send(String method, String pathAndQuery, List<String> headers, byte[] body) throws Exception {
        List<String> all = new ArrayList<>(headers);
        all.add("Content-Length: " + body.length);
        sendRaw(method + " /api/v1" + pathAndQuery + " HTTP/1.1", all, body, false);
    }

    /**
     * Writes one request (adding Host and Connection: close unless {@code bare}), reads the
     * answer, and checks the peer: no 5xx, chain unchanged, and now and then that it still answers.
     */
    private static void sendRaw(String requestLine, List<String> headers, byte[] body, boolean bare) throws Exception {
        long n = SENT.incrementAndGet();
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        req.writeBytes(requestLine.getBytes(StandardCharsets.ISO_8859_1));
        req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (!bare) {
            req.writeBytes("Host: 127.0.0.1\r\nConnection: close\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        for (String h : headers) {
            req.writeBytes((h + "\r\n").getBytes(StandardCharsets.UTF_8));
        }
        req.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        req.writeBytes(body);
        Answer answer = exchange(n, req.toByteArray());
        int status = answer.status();
        OUTCOMES.computeIfAbsent(status < 0 ? "closed" : Integer.toString(status), k -> new AtomicLong())
                .incrementAndGet();
        String shown = requestLine.length() > 200 ? requestLine.substring(0, 200) + "..." : requestLine;
        if (status == 505 && !requestLine.endsWith(" HTTP/1.1") && !requestLine.endsWith(" HTTP/1.0")) {
            return; // HTTP's answer to a version it does not speak (0.9, 2.0 as text, 9.9): nothing was served
        }
        if (status == 503 && requestLine.startsWith("POST /api/v1/auth/relay ")
                && RELAY_UNREACHABLE.matcher(answer.error()).matches()) {
            RELAY_503.incrementAndGet();
            assertUnchanged();
            return; // the relay protocol's own answer (docs/auth.md): this peer cannot reach that host
        }
        if (status >= 500) {
            SERVER_ERRORS.incrementAndGet();
        }
        assertThat(status).as("status of %s (body %d bytes, headers %s)", shown, body.length, headers)
                .isLessThan(500);
        assertUnchanged();
        if (n % 50 == 0 || status < 0) {
            assertThat(exchange(n, ("GET /api/v1/head HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1)).status()).as("GET /head after %s", shown).isEqualTo(200);
        }
    }

    /** A status (-1: the connection closed without an answer) and the body's {@code error}, if any. */
    record Answer(int status, String error) {
    }

    /** Sends one request on its own connection and reads the answer. Fails on a hang. */
    private static Answer exchange(long n, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress("127.0.0." + (2 + n % 250), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(15_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request);
                out.flush();
                s.shutdownOutput();
            } catch (IOException e) {
                // the server answered and stopped reading (413, a bad request line): read what it said
            }
            InputStream in = new java.io.BufferedInputStream(s.getInputStream());
            try {
                while (true) {
                    String status = line(in);
                    if (status == null || !status.startsWith("HTTP/1.") || status.length() < 12) {
                        return new Answer(-1, ""); // closed (or reset) without an answer
                    }
                    int code = Integer.parseInt(status.substring(9, 12));
                    long length = 0;
                    for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                        if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                            length = Long.parseLong(h.substring(15).trim());
                        }
                    }
                    if (code >= 100 && code < 200) {
                        continue; // 100 Continue: the final answer follows
                    }
                    String body = new String(in.readNBytes((int) Math.min(length, 65_536)), StandardCharsets.UTF_8);
                    java.util.regex.Matcher m = ERROR_FIELD.matcher(body);
                    return new Answer(code, m.find() ? m.group(1) : "");
                }
            } catch (SocketTimeoutException e) {
                throw new AssertionError("the peer did not answer within 15 s", e);
            } catch (IOException e) {
                return new Answer(-1, ""); // reset
            }
        }
    }

    /** One CRLF-terminated line, or null at the end of the stream. */
    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
            if (b.size() > 65_536) {
                throw new IOException("a header line over 64 KiB");
            }
        }
        return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private static void assertUnchanged() {
        List<Peer> all = room.all();
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i).chain().head().hash()).as("head of peer %d", i).isEqualTo(heads[i]);
            assertThat(all.get(i).chain().range(0, Integer.MAX_VALUE)).as("blocks of peer %d", i).hasSize(heights[i]);
        }
    }

    /** A route's path with its placeholder filled by a plausible value. */
    private static String fill(String path) {
        return path.replace("{hash}", heads[0].hex()).replace("{id}", UUID.randomUUID().toString());
    }

    // ------------------------------------------------------------------ generators

    @Provide
    Arbitrary<String> routes() {
        return Arbitraries.of(ROUTES);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just("application/json")),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("application/json; charset=utf-8", "application/json; charset=UTF-16",
                        "application/json; charset=latin1", "application/json;charset=", "text/plain", "text/html",
                        "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream",
                        "application/xml", "*/*", "", "application/json\u0000", "application/json; a=b; a=c",
                        "APPLICATION/JSON", "application/jsonp", "application/vnd.api+json", "\u202eapplication/json")),
                net.jqwik.api.Tuple.of(1, Arbitraries.just((String) null)));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "PROPFIND",
                "FOO", "get", "G E T", "POST\u0000");
    }

    /** Paths and query strings: every route, placeholders and queries filled with hostile values. */
    @Provide
    Arbitrary<String> targets() {
        Arbitrary<String> value = Arbitraries.oneOf(numberText(), Arbitraries.of("", "-1", "0", "1000", "1001", "abc",
                "%00", "%zz", "%", "%ff%fe", "1%00", "0x10", "1e3", "NaN", "+1", " 1", "%E2%80%AE1", "%ED%A0%80",
                "9".repeat(400)), Arbitraries.strings().ofMaxLength(20).map(HostileInputProperties::percentEncode));
        Arbitrary<String> query = Combinators.combine(Arbitraries.of("from", "limit", "from", "x", "", "from[]", "limit"),
                value).as((k, v) -> k + "=" + v).list().ofMaxSize(4).map(l -> l.isEmpty() ? "" : "?" + String.join("&", l));
        Arbitrary<String> placeholder = Arbitraries.oneOf(value, Arbitraries.of(
                "ab".repeat(32), "AB".repeat(32), "ab".repeat(31), "ab".repeat(33), "zz".repeat(32),
                UUID.randomUUID().toString(), "00000000-0000-0000-0000-000000000000", "..", ".", "%2e%2e", "a%2Fb"));
        Arbitrary<String> path = Arbitraries.oneOf(
                Arbitraries.of(ROUTES).map(r -> r.split(" ")[1]),
                Arbitraries.of("", "/", "//head", "/head/", "/head/x", "/blocks/", "/blocks//", "/../api/v1/head",
                        "/%2e%2e/%2e%2e/etc/passwd", "/commands/", "/auth", "/auth/", "/chain", "/HEAD", "/status;x=1",
                        "/status%00", "/st%61tus", "/" + "a".repeat(10_000), "/blocks/" + "f".repeat(70_000)));
        return Combinators.combine(path, placeholder, query).as((p, v, q) ->
                p.replace("{hash}", v).replace("{id}", v) + q);
    }

    /** Header sets a browser or a script could send, and some no client should. */
    @Provide
    Arbitrary<List<String>> headerSets() {
        Arbitrary<String> header = Arbitraries.of(
                "Content-Type: application/json", "Content-Type: text/plain", "Content-Type: application/json; charset=utf-16",
                "Content-Length: 0", "Content-Length: -1", "Content-Length: 99999999999999999999", "Content-Length: 5",
                "Content-Length: 1, 2", "Content-Length: abc", "Transfer-Encoding: chunked", "Transfer-Encoding: gzip",
                "Transfer-Encoding: chunked, identity", "Content-Encoding: gzip", "Content-Encoding: br",
                "Expect: 100-continue", "Expect: 417-nonsense", "Accept: application/octet-stream", "Accept: */*",
                "Accept: text/html", "Accept-Charset: utf-16", "Host: ", "Host: evil.example", "Connection: keep-alive",
                "Connection: upgrade", "Upgrade: h2c", "Upgrade: websocket", "HTTP2-Settings: AAMAAABkAARAAAAA",
                "X-Forwarded-For: 10.0.0.1", "Forwarded: for=10.0.0.1", "Range: bytes=0-10", "If-None-Match: *",
                "Origin: http://evil.example", "Cookie: session=x", "Authorization: Basic dGVhY2hlcjp4",
                "X-Empty:", ": no-name", "Bad Header: space in name", "X-Nul: a\u0000b", "X-Rtl: \u202eevil",
                "X-Long: " + "x".repeat(20_000), "X-Utf8: \u00e9\u4e2d\ud83d\ude00");
        return header.list().ofMaxSize(6);
    }

    /** Whole request lines, including ones that are not HTTP at all. */
    @Provide
    Arbitrary<String> requestLines() {
        return Arbitraries.oneOf(
                Arbitraries.of("GET /api/v1/head HTTP/1.0", "GET /api/v1/head HTTP/2.0", "GET /api/v1/head HTTP/9.9",
                        "GET /api/v1/head", "GET http://127.0.0.1/api/v1/head HTTP/1.1", "GET * HTTP/1.1",
                        "OPTIONS * HTTP/1.1", "CONNECT 127.0.0.1:1 HTTP/1.1", "PRI * HTTP/2.0", "GET  /api/v1/head  HTTP/1.1",
                        "GET /api/v1/head HTTP/1.1 extra", "", " ", "\u0000", "GET /api/v1/h\u00e9ad HTTP/1.1",
                        "GET /api/v1/" + "a".repeat(70_000) + " HTTP/1.1", "\u0016\u0003\u0001\u0002\u0000\u0001"),
                Arbitraries.strings().ofMaxLength(100));
    }

    /** Bodies of every kind, oversize ones included. */
    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, json().map(HostileInputProperties::utf8)),
                net.jqwik.api.Tuple.of(2, malformed()),
                net.jqwik.api.Tuple.of(1, deepNesting().map(HostileInputProperties::utf8)),
                net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)),
                net.jqwik.api.Tuple.of(1, invalidUtf8()),
                net.jqwik.api.Tuple.of(1, oversize()));
    }

    @Provide
    Arbitrary<byte[]> smallBodies() {
        return Arbitraries.oneOf(Arbitraries.just(new byte[0]), json().map(HostileInputProperties::utf8), malformed());
    }

    /** JSON text (valid syntax): nested objects and arrays with known and random keys and hostile leaves. */
    Arbitrary<String> json() {
        return Arbitraries.recursive(this::leaf, inner -> Arbitraries.oneOf(
                inner.list().ofMaxSize(5).map(l -> "[" + String.join(",", l) + "]"),
                Combinators.combine(key(), inner).as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(6)
                        .map(l -> "{" + String.join(",", l) + "}")), 0, 4);
    }

    Arbitrary<String> key() {
        return Arbitraries.oneOf(Arbitraries.of("username", "A", "session", "M1", "counter", "commands", "accounts", "mac",
                "nodeId", "publicKey", "address", "fingerprint", "block", "senderAddress", "relayId", "hostNodeId",
                "hopsLeft", "request", "type", "receipts", "commandId", "peerId", "peerKey", "status", "detail", "at",
                "signature", "hash", "height", "previousHash", "timestamp", "data", "id", "module", "target", "args",
                "notAfter", "attachment", "hostKey", "requesterKey", "ephemeralKey", "peerNodeId", "__proto__",
                "constructor", ""), Arbitraries.strings().ofMaxLength(10));
    }

    Arbitrary<String> leaf() {
        return Arbitraries.oneOf(numberText(), hostileString().map(HostileInputProperties::quote),
                Arbitraries.of("true", "false", "null", "[]", "{}", "\"\""));
    }

    static Arbitrary<String> numberText() {
        return Arbitraries.oneOf(
                Arbitraries.of("0", "-0", "1", "-1", "1.5", "1e400", "-1e400", "1e-400", "9223372036854775807",
                        "9223372036854775808", "-9223372036854775809", "18446744073709551616", "4294967296", "2147483648",
                        "-2147483649", "1" + "0".repeat(1000), "0.0000000000000000000000001", "1E2", "123456789.123456789e-5"),
                Arbitraries.longs().map(Object::toString), Arbitraries.doubles().map(Object::toString),
                Arbitraries.bigIntegers().between(BigInteger.TWO.pow(64).negate(), BigInteger.TWO.pow(200)).map(Object::toString));
    }

    /** Strings with the unicode edge cases: lone surrogates, NUL, controls, RTL marks, BOM, non-characters. */
    static Arbitrary<String> hostileString() {
        return Arbitraries.oneOf(
                Arbitraries.strings().all().ofMaxLength(30),
                Arbitraries.strings().withChars("\ud800\udfff\udbff\udc00\u0000\u0001\u001f\u007f\u202e\u202d\u200f\u200e"
                        + "\u2066\u2069\ufeff\ufffe\uffff\u0085\u2028\u2029\"\\/").ofMaxLength(12),
                Arbitraries.of("teacher", "TEACHER", "teacher\u0000", "teach\u202eer", "t\u00e9acher", "admin", "..", "",
                        " ", "x".repeat(100_000), "ab".repeat(32), "00", "0".repeat(10_000), "zz", "\ud83d\ude00",
                        "http://127.0.0.1:1", "http://127.0.0.1:" + 0, "file:///etc/passwd", "javascript:alert(1)",
                        UUID.randomUUID().toString(), "EXECUTED", "TEACHER", "STUDENT", "ALL", "KING"));
    }

    /** A JSON string literal: controls and surrogates escaped as \\uXXXX (a lone surrogate stays lone). */
    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c) || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    Arbitrary<byte[]> malformed() {
        Arbitrary<String> cut = Combinators.combine(json(), Arbitraries.doubles().between(0, 1))
                .as((j, f) -> j.substring(0, (int) (j.length() * f)));
        Arbitrary<String> spliced = Combinators.combine(json(), Arbitraries.of("{", "}", "[", "]", ",", ":", "\"", "\\",
                "\u0000", "/*", "//", "'", "NaN", "undefined", "\n"), Arbitraries.doubles().between(0, 1))
                .as((j, x, f) -> j.substring(0, (int) (j.length() * f)) + x + j.substring((int) (j.length() * f)));
        Arbitrary<String> fixed = Arbitraries.of("", " ", "{", "}", "{}}", "{\"a\":1,\"a\":2}", "{\"a\":1} {\"b\":2}",
                "{'a':1}", "{a:1}", "[1,]", "{\"a\":1,}", "\ufeff{}", "{\"a\":\"\\ud800\"}", "{\"a\":\"\\u0000\"}",
                "{\"a\":\"\\x41\"}", "{\"a\":01}", "{\"a\":.5}", "{\"a\":1.}", "{\"a\":+1}", "null", "true", "\"str\"",
                "123", "[]", "/* c */{}", "{\"a\":1}//", "{\"username\":\"t\",\"A\":\"00\"}\u0000");
        return Arbitraries.oneOf(cut, spliced, fixed).map(HostileInputProperties::utf8);
    }

    Arbitrary<String> deepNesting() {
        return Arbitraries.integers().between(50, 100_000).flatMap(n -> Arbitraries.of(
                "[".repeat(n) + "]".repeat(n),
                "{\"a\":".repeat(n) + "1" + "}".repeat(n),
                "[".repeat(n),
                "{\"commands\":" + "[".repeat(n) + "]".repeat(n) + "}",
                "{\"block\":" + "{\"data\":".repeat(n) + "\"\"" + "}".repeat(n) + "}"));
    }

    static Arbitrary<byte[]> invalidUtf8() {
        byte[][] bad = {{(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0xFF},
                {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xC3},
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}};
        return Combinators.combine(Arbitraries.of(bad), Arbitraries.of("{\"username\":\"%s\",\"A\":\"00\"}",
                "{\"%s\":1}", "%s", "{\"session\":\"s\",\"M1\":\"%s\"}", "{\"nodeId\":\"%s\"}")).as((b, t) -> {
            String[] parts = t.split("%s", -1);
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.writeBytes(utf8(parts[0]));
            o.writeBytes(b);
            o.writeBytes(utf8(parts[1]));
            return o.toByteArray();
        });
    }

    /** Bodies just over and far over the 1 MiB limit, and one over a maximal block. */
    static Arbitrary<byte[]> oversize() {
        return Arbitraries.of(1024 * 1024 + 1, 3 * 1024 * 1024, 17 * 1024 * 1024).map(n -> {
            byte[] b = new byte[n];
            java.util.Arrays.fill(b, (byte) ' ');
            b[0] = '[';
            b[n - 1] = ']';
            return b;
        });
    }

    // ------------------------------------------------------------------ well-shaped bodies

    /** A route that takes a body, and a body with its fields, each either plausible or hostile. */
    @Provide
    Arbitrary<Map.Entry<String, String>> shapedBodies() {
        Arbitrary<String> any = json();
        Arbitrary<String> hex64 = mostly(Arbitraries.oneOf(Arbitraries.just(quote(heads[0].hex())),
                Arbitraries.just(quote(room.teacher.status().publicKey().hex())),
                Arbitraries.strings().withChars("0123456789abcdef").ofLength(64).map(HostileInputProperties::quote)), any);
        Arbitrary<String> hex = mostly(Arbitraries.oneOf(hex64, Arbitraries.strings().withChars("0123456789abcdefABCDEF")
                .ofMaxLength(1200).map(HostileInputProperties::quote), srpEdgeValues()), any);
        Arbitrary<String> uuid = mostly(Arbitraries.oneOf(Arbitraries.create(UUID::randomUUID)
                .map(u -> quote(u.toString())), Arbitraries.just(quote("00000000-0000-0000-0000-000000000000"))), any);
        Arbitrary<String> num = mostly(Arbitraries.oneOf(Arbitraries.longs().map(Object::toString), numberText()), any);
        Arbitrary<String> text = mostly(hostileString().map(HostileInputProperties::quote), any);
        Arbitrary<String> user = Arbitraries.oneOf(Arbitraries.of("\"teacher\"", "\"alice\"", "\"nobody\""), text);
        Arbitrary<String> session = Arbitraries.oneOf(
                Arbitraries.strings().alpha().ofMaxLength(40).map(s -> quote(room.teacher.nodeId() + "." + s)), text);
        Arbitrary<String> url = Arbitraries.oneOf(Arbitraries.of(quote("http://127.0.0.1:1"),
                quote(room.teacher.address()), quote(room.students.get(0).address()), quote("http://[::1]:0"),
                quote("ftp://x"), quote("http://127.0.0.1:" + port + "/api/v1/blocks")), text);
        Arbitrary<String> base64Block = Combinators.combine(Arbitraries.of(realBlocks),
                Arbitraries.integers().between(0, 3), Arbitraries.integers().between(0, Integer.MAX_VALUE),
                Arbitraries.bytes()).as((b, how, at, v) -> {
                    byte[] x = b.clone();
                    if (how == 0) {
                        x[at % x.length] ^= (byte) (v == 0 ? 1 : v);
                    } else if (how == 1) {
                        x = java.util.Arrays.copyOf(x, at % x.length);
                    } else if (how == 2) {
                        x = java.util.Arrays.copyOf(x, x.length + 1 + at % 100);
                    }
                    return quote(Base64.getEncoder().encodeToString(x));
                });
        Arbitrary<String> block = obj(Map.of("hash", hex64, "height", num, "previousHash", hex64, "timestamp", num,
                "data", mostly(base64Block, text)));
        Arbitrary<String> command = obj(Map.of("id", uuid, "module", mostly(Arbitraries.of("\"record\"",
                "\"message\"", "\"Record\"", "\"a\"", "\"\""), text), "target", mostly(obj(Map.of("kind",
                mostly(Arbitraries.of("\"ALL\"", "\"PEERS\"", "\"USERS\"", "\"ROLE\""), text), "values",
                mostly(text.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"), any))), any),
                "args", mostly(obj(Map.of("n", text, "text", text)), any), "notAfter", num));
        Arbitrary<String> commands = mostly(command.list().ofMaxSize(3).map(l -> "[" + String.join(",", l)
                + "]"), any);
        Arbitrary<String> account = obj(Map.of("username", user, "role", mostly(Arbitraries.of("\"TEACHER\"",
                "\"STUDENT\""), text), "hostKeys", mostly(hex64.list().ofMaxSize(3).map(l -> "["
                + String.join(",", l) + "]"), any)));
        Arbitrary<String> batch = obj(Map.of("username", user, "session", session, "counter", num, "commands", commands,
                "accounts", mostly(account.list().ofMaxSize(2).map(l -> "[" + String.join(",", l) + "]"), any),
                "mac", hex));
        Arbitrary<String> authRequest = Arbitraries.oneOf(
                obj(Map.of("type", Arbitraries.just("\"AuthStart\""), "username", user, "A", hex)),
                obj(Map.of("type", Arbitraries.just("\"AuthFinish\""), "username", user, "session", session, "M1", hex)),
                obj(Map.of("type", Arbitraries.of("\"GrantRequest\"", "\"LoginRequest\"", "\"Gossip\""), "username", user,
                        "session", session, "counter", num, "commands", commands, "peerNodeId", text, "mac", hex)));
        Arbitrary<String> receipt = obj(Map.of("commandId", uuid, "peerId", text, "peerKey", hex64, "status",
                mostly(Arbitraries.of("\"EXECUTED\"", "\"FAILED\""), text), "detail", text, "at", num,
                "attachment", mostly(obj(Map.of("contentType", text, "base64", text)), any), "signature", hex));
        Map<String, Arbitrary<String>> byRoute = new java.util.LinkedHashMap<>();
        // a Hello in the name of a real peer (its id and key), or of anyone
        Arbitrary<String> hello = Arbitraries.of(room.all()).flatMap(p -> obj(Map.of(
                "nodeId", mostly(Arbitraries.just(quote(p.nodeId())), text),
                "publicKey", mostly(Arbitraries.just(quote(p.status().publicKey().hex())), hex64),
                "address", url, "fingerprint", text)));
        byRoute.put("/peers", hello);
        byRoute.put("/blocks", obj(Map.of("block", mostly(block, any), "senderAddress", url)));
        byRoute.put("/auth/relay", obj(Map.of("relayId", uuid, "hostNodeId", mostly(
                Arbitraries.just(quote(room.teacher.nodeId())), text), "hopsLeft", num, "request",
                mostly(authRequest, any))));
        byRoute.put("/receipts", obj(Map.of("receipts", mostly(receipt.list().ofMaxSize(3)
                .map(l -> "[" + String.join(",", l) + "]"), any))));
        byRoute.put("/auth/start", obj(Map.of("username", user, "A", hex)));
        byRoute.put("/auth/finish", obj(Map.of("username", user, "session", session, "M1", hex)));
        byRoute.put("/auth/login", obj(Map.of("username", user, "session", session, "counter", num, "peerNodeId", text,
                "mac", hex)));
        byRoute.put("/auth/enroll", obj(Map.of("username", user, "session", session, "counter", num, "deviceKey",
                hex64, "mac", hex)));
        byRoute.put("/auth/grant", batch);
        byRoute.put("/commands", batch);
        byRoute.put("/accounts", obj(Map.of("username", user, "hostKey", hex64, "signature", hex)));
        byRoute.put("/accounts/credential", obj(Map.of("username", user, "requesterKey", hex64, "ephemeralKey", hex,
                "signature", hex)));
        return Arbitraries.oneOf(byRoute.entrySet().stream().map(e -> e.getValue().map(body -> Map.entry(e.getKey(), body)))
                .collect(Collectors.toList()));
    }

    /** Usually a value of the right type (itself possibly hostile), now and then any JSON at all. */
    static Arbitrary<String> mostly(Arbitrary<String> typed, Arbitrary<String> any) {
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, typed), net.jqwik.api.Tuple.of(1, any));
    }

    /** SRP public values a malicious client sends: 0, N, 2N, N-1, 1 and oversize ones. */
    static Arbitrary<String> srpEdgeValues() {
        BigInteger n = SRP6StandardGroups.rfc5054_2048.getN();
        return Arbitraries.of(BigInteger.ZERO, BigInteger.ONE, n, n.shiftLeft(1), n.subtract(BigInteger.ONE),
                n.multiply(n), BigInteger.TWO.pow(4096)).map(v -> quote(v.toString(16)));
    }

    /** An object of these fields, each present (usually) or left out, sometimes with an extra or a duplicate. */
    static Arbitrary<String> obj(Map<String, Arbitrary<String>> fields) {
        List<Arbitrary<String>> parts = new ArrayList<>();
        for (Map.Entry<String, Arbitrary<String>> f : new TreeMap<>(fields).entrySet()) {
            parts.add(Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(9, f.getValue().map(v -> quote(f.getKey()) + ":" + v)),
                    net.jqwik.api.Tuple.of(1, Arbitraries.just(""))));
        }
        Arbitrary<String> extra = Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(8, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(1, Arbitraries.just("\"extra\":1")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(fields.keySet()).map(k -> quote(k) + ":null")));
        parts.add(extra);
        return Combinators.combine(parts).as(l -> "{" + l.stream().filter(s -> !s.isEmpty())
                .collect(Collectors.joining(",")) + "}");
    }

    private static String percentEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            b.append('%').append(HEX.toHexDigits(x));
        }
        return b.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
