package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.identity.SealedBox;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.spi.host.DesktopService;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, item 2, over real HTTP peers: the teacher's screens travel as requests on a side
 * channel, never as blocks. The teacher's peer cannot call bob's computer (its calls there fail,
 * as behind a firewall), so bob's screen comes relayed by alice's peer, sealed so that she sees
 * no pixels. What a student would try
 * is refused with a JSON reason: no token, a student's session, a forged or stale token, a token
 * copied before the teacher signed out, a request
 * of their own signed with their own key or the teacher's id, a captured request sent again, too
 * many requests; and a computer whose policy denies {@code screenshot} sends no pixels.
 */
@Timeout(120)
class ScreensOverHttpTest {

    static final String PW = "the teacher's own password";
    static final String BOB_PW = "bob's own password";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();
    private Unreachable teachers;
    private Peer teacher;
    private Peer alice;
    private Peer bob;
    private Peer carol;
    private PictureDesktop bobsScreen;
    private TeacherClient client;

    @BeforeEach
    void classroom() throws Exception {
        teachers = new Unreachable(jetty("127.0.0.1", 0), unreachable);
        teacher = peer("teacher", teachers, null, null, null, null);
        alice = peer("alice", jetty("127.0.0.2", 0), teacher.address(), null, new PictureDesktop("alice"), null);
        bobsScreen = new PictureDesktop("bob");
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.3"))) {
            port = free.getLocalPort();
        }
        unreachable.add("http://127.0.0.3:" + port); // known before bob starts: the teacher's peer never reaches him
        bob = peer("bob", jetty("127.0.0.3", port), alice.address(), "bob", bobsScreen, null);
        carol = peer("carol", jetty("127.0.0.4", 0), teacher.address(), null, new PictureDesktop("carol"), "screenshot");
        Await.until("every computer holds the chain with bob's account", Duration.ofSeconds(60), () -> List.of(alice, bob, carol).stream()
                .allMatch(p -> p.chain() != null && p.chain().accounts().containsKey("teacher"))
                && teacher.chain().accounts().containsKey("bob"));
        JettyTransport c = JettyTransport.builder().bindAddress("127.0.0.1").build();
        open.add(c);
        client = new TeacherClient(c, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(client.signIn(teacher.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static JettyTransport jetty(String ip, int port) {
        return JettyTransport.builder().host(ip).bindAddress(ip).port(port).noRateLimit().build();
    }

    private Peer peer(String name, Transport t, String seed, String account, DesktopService desktop, String deny)
            throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).transport(t).difficultyBits(6)
                .tick(Duration.ofMillis(100)).passwordPolicy(new PasswordPolicy(1000, 1000))
                .policy(Policy.parse(deny, null));
        if (seed != null) {
            b.seed(seed);
        }
        if (seed == null) {
            b.account("teacher", PW);
        } else if (account != null) {
            b.account(account, BOB_PW);
        }
        if (desktop != null) {
            b.service(DesktopService.class, desktop);
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    private String view() {
        return client.viewQuery(teacher.nodeId(), Instant.now().plus(Duration.ofMinutes(20)));
    }

    private HttpResponse<byte[]> get(String base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<byte[]> screen(Peer of, String query) throws Exception {
        return get(teacher.address(), "/api/v1/screens/" + of.nodeId() + (query == null ? "" : "?" + query));
    }

    private static JsonNode error(HttpResponse<byte[]> r) throws IOException {
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.get("status").asInt()).isEqualTo(r.statusCode());
        return body;
    }

    private static BufferedImage picture(HttpResponse<byte[]> r) throws IOException {
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("image/jpeg");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(r.body()));
        assertThat(img).as("a JPEG").isNotNull();
        return img;
    }

    // ------------------------------------------------------------------ the teacher's screens

    @Test
    void theTeacherSeesAStudentsScreenRelayedByAClassmateAndTheChainDoesNotGrow() throws Exception {
        long height = teacher.chain().headInfo().height();
        int taken = bobsScreen.taken.get();
        BufferedImage img = picture(screen(bob, view() + "&width=200"));
        assertThat(img.getWidth()).isEqualTo(200);
        assertThat(bobsScreen.taken.get()).as("bob's desktop took the picture").isGreaterThan(taken);
        assertThat(teachers.delivered).as("nothing reached bob from the teacher's peer")
                .doesNotContain(bob.address());
        // refreshes of the thumbnails add no block (back to back, within each computer's burst of 16;
        // ConsoleScreensBrowserTest clicks the console's own refresh 20 times)
        for (int i = 0; i < 14; i++) {
            picture(screen(i % 2 == 0 ? alice : bob, view()));
        }
        for (Peer p : List.of(teacher, alice, bob, carol)) {
            assertThat(p.chain().headInfo().height()).as("height at " + p.address()).isEqualTo(height);
        }
    }

    @Test
    void aStudentsPolicyRefusesAndSendsNoPixels() throws Exception {
        HttpResponse<byte[]> r = screen(carol, view());
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(error(r).get("error").asText()).contains("refuses screenshots");
    }

    // ------------------------------------------------------------------ what a student tries

    @Test
    void noTokenAForgedOneAStaleOneOrAStudentsSessionGetsNothing() throws Exception {
        HttpResponse<byte[]> anonymous = screen(alice, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        error(anonymous);
        String good = view();
        String forged = good.replaceAll("mac=[0-9a-f]{64}", "mac=" + "ab".repeat(32));
        assertThat(screen(alice, forged).statusCode()).isEqualTo(401);
        String ended = client.viewQuery(teacher.nodeId(), Instant.now().minusSeconds(5));
        assertThat(screen(alice, ended).statusCode()).isEqualTo(401);
        // bob signs in with his own account, at his own peer and at the teacher's: a student's session is no view
        JettyTransport c = JettyTransport.builder().bindAddress("127.0.0.3").build();
        open.add(c);
        TeacherClient student = new TeacherClient(c, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(student.signIn(bob.address(), "bob", BOB_PW)).isInstanceOf(Message.AuthConfirmed.class);
        HttpResponse<byte[]> atHisPeer = get(bob.address(), "/api/v1/screens/" + alice.nodeId() + "?"
                + student.viewQuery(bob.nodeId(), Instant.now().plusSeconds(600)));
        assertThat(atHisPeer.statusCode()).isEqualTo(401);
        error(atHisPeer);
        HttpResponse<byte[]> atTheTeachers = screen(alice, student.viewQuery(teacher.nodeId(),
                Instant.now().plusSeconds(600)));
        assertThat(atTheTeachers.statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenReplayedAfterTheTeacherSignedOutGetsNothing() throws Exception {
        String copied = view(); // a student copies the console's picture URL off the screen
        picture(screen(alice, copied));
        assertThat(client.logout(teacher.address())).isInstanceOf(Message.Ack.class);
        HttpResponse<byte[]> replayed = screen(alice, copied);
        assertThat(replayed.statusCode()).isEqualTo(401);
        error(replayed);
        // the session is gone for its MAC'd requests too
        assertThat(client.logout(teacher.address())).isInstanceOf(Message.Rejected.class);
    }

    /**
     * Bob, signed in at the teacher's peer with his own account, tries to sign the teacher out: he
     * reads the teacher's session id and MAC off a picture URL of the console and sends them as a
     * log-out (the view token's MAC under its {@code until} as the counter), then a made-up MAC,
     * then his own session under the teacher's name. Each is 401 and the teacher's view still
     * works; his own log-out ends his session only. It would fail if a log-out ended a session by
     * its id before its MAC was checked.
     */
    @Test
    void aStudentCannotSignTheTeacherOut() throws Exception {
        String copied = view();
        java.util.Map<String, String> q = new java.util.HashMap<>();
        for (String kv : copied.split("&")) {
            String[] p = kv.split("=", 2);
            q.put(p[0], java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8));
        }
        JettyTransport c = JettyTransport.builder().bindAddress("127.0.0.3").build();
        open.add(c);
        TeacherClient student = new TeacherClient(c, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(student.signIn(teacher.address(), "bob", BOB_PW)).isInstanceOf(Message.AuthConfirmed.class);
        String bobsSession = student.viewQuery(teacher.nodeId(), Instant.now().plusSeconds(60)).split("&")[0]
                .substring("session=".length());
        bobsSession = java.net.URLDecoder.decode(bobsSession, StandardCharsets.UTF_8);
        byte[] made = new byte[32];
        new SecureRandom().nextBytes(made);
        List<Message.LogoutRequest> tries = List.of(
                new Message.LogoutRequest("teacher", q.get("session"), Long.parseLong(q.get("until")),
                        HexFormat.of().parseHex(q.get("mac"))),
                new Message.LogoutRequest("teacher", q.get("session"), Long.MAX_VALUE, made),
                new Message.LogoutRequest("teacher", bobsSession, 1_000_000, made));
        for (Message.LogoutRequest t : tries) {
            Message reply = c.send(teacher.address(), t).get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(reply).as("%s", t).isInstanceOfSatisfying(Message.Rejected.class,
                    r -> assertThat(r.code()).isEqualTo(401));
        }
        picture(screen(alice, copied));
        assertThat(student.logout(teacher.address())).isInstanceOf(Message.Ack.class);
        picture(screen(alice, copied));
    }

    @Test
    void aRelayingClassmateCannotSwapThePictureForOneOfHerOwn() throws Exception {
        // a classmate relays bob's screen (the teacher's peer cannot reach him): she cannot open his
        // picture, but she knows the request's reply key, so she answers with her own sealed to it
        AtomicInteger swapped = new AtomicInteger();
        teachers.swap((request, reply) -> {
            if (!(request instanceof Message.ScreenRequest r) || !(reply instanceof Message.ScreenFrame)) {
                return reply;
            }
            try {
                swapped.incrementAndGet();
                return sealedByAlice(r, new PictureDesktop("alice pretending to be bob").screen(r.width(), 100_000));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        HttpResponse<byte[]> r = screen(bob, view() + "&width=200");
        assertThat(swapped.get()).as("the picture came through a classmate").isPositive();
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(502);
        assertThat(error(r).get("error").asText()).contains("not signed by computer");
        // unswapped, the same way gives bob's picture
        teachers.swap(null);
        assertThat(picture(screen(bob, view() + "&width=200")).getWidth()).isEqualTo(200);
    }

    /** A picture sealed to the request's reply key as bob's computer would, but by alice. */
    private Message.ScreenFrame sealedByAlice(Message.ScreenRequest r, byte[] jpeg) throws Exception {
        SealedBox.Pair mine = SealedBox.fresh(new SecureRandom());
        byte[] nonce = new byte[12];
        new SecureRandom().nextBytes(nonce);
        byte[] key = SealedBox.key(SigningBytes.SCREEN_KEY, mine.privateKey(), r.replyKey(), r.replyKey(),
                mine.publicKey());
        byte[] sealed = SealedBox.gcm(javax.crypto.Cipher.ENCRYPT_MODE, key, nonce,
                r.id().toString().getBytes(StandardCharsets.UTF_8), jpeg);
        NodeIdentity alicesKey = NodeIdentity.loadOrCreate(tmp.resolve("alice"), new SecureRandom());
        Message.ScreenFrame frame = new Message.ScreenFrame(new org.classchain.Attachment("image/jpeg", sealed),
                Instant.now(), mine.publicKey(), nonce, alicesKey.publicKey(), new byte[0]);
        // signed with her own node key: the signature is real, the key is not bob's
        return new Message.ScreenFrame(frame.picture(), frame.capturedAt(), frame.ephemeralKey(), frame.nonce(),
                frame.signerKey(), alicesKey.sign(SigningBytes.screenFrame(r.id(), frame)));
    }

    @Test
    void aStudentsOwnScreenRequestsAreRefused() throws Exception {
        String chainId = teacher.chain().chainId();
        NodeIdentity bobsKey = NodeIdentity.loadOrCreate(tmp.resolve("bob"), new SecureRandom());
        // signed with his own key, as himself: he hosts no teacher's account
        HttpResponse<byte[]> own = post(alice, signed(bobsKey, chainId, alice.nodeId(), Instant.now()));
        assertThat(own.statusCode()).isEqualTo(403);
        assertThat(error(own).get("error").asText()).contains("teacher");
        // the teacher's id with his signature
        Message.ScreenRequest asTeacher = signed(bobsKey, chainId, alice.nodeId(), Instant.now());
        asTeacher = new Message.ScreenRequest(asTeacher.id(), asTeacher.target(), teacher.nodeId(), asTeacher.issuedAt(),
                asTeacher.width(), asTeacher.replyKey(), asTeacher.hopsLeft(), asTeacher.signature());
        assertThat(post(alice, asTeacher).statusCode()).isEqualTo(401);
        // a request the teacher's peer signed, captured and sent again; and an old one
        NodeIdentity teachersKey = NodeIdentity.loadOrCreate(tmp.resolve("teacher"), new SecureRandom());
        Message.ScreenRequest captured = signed(teachersKey, chainId, alice.nodeId(), Instant.now());
        HttpResponse<byte[]> answered = post(alice, captured);
        assertThat(answered.statusCode()).isEqualTo(200);
        // whoever holds the request (a relaying classmate) gets the picture sealed to the teacher's peer's key
        JsonNode frame = JSON.readTree(answered.body());
        assertThat(frame.get("ephemeralKey").asText()).hasSize(64);
        byte[] sealed = java.util.Base64.getDecoder().decode(frame.get("picture").get("base64").asText());
        assertThat(sealed.length).isGreaterThan(100);
        assertThat(ImageIO.read(new ByteArrayInputStream(sealed))).as("no JPEG to read").isNull();
        HttpResponse<byte[]> replayed = post(alice, captured);
        assertThat(replayed.statusCode()).isEqualTo(409);
        error(replayed);
        HttpResponse<byte[]> stale = post(alice, signed(teachersKey, chainId, alice.nodeId(),
                Instant.now().minus(Duration.ofMinutes(5))));
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(error(stale).get("error").asText()).contains("stale");
    }

    @Test
    void aFloodOfScreenRequestsIsRateLimited() throws Exception {
        NodeIdentity teachersKey = NodeIdentity.loadOrCreate(tmp.resolve("teacher"), new SecureRandom());
        String chainId = teacher.chain().chainId();
        // 8 at a time, as a script floods: one after the other, a request that takes 125 ms (a
        // picture taken on a loaded 2-core machine) is within the rate of 8 a second, and 40 of
        // them never met a 429 (seen with a 150 ms picture). 8 at once share one picture (more
        // would be 503 "busy taking pictures", which is not what this counts).
        int refused = 0;
        for (int wave = 0; wave < 5 && refused == 0; wave++) {
            List<CompletableFuture<HttpResponse<byte[]>>> sent = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sent.add(postAsync(alice, signed(teachersKey, chainId, alice.nodeId(), Instant.now())));
            }
            for (CompletableFuture<HttpResponse<byte[]>> f : sent) {
                HttpResponse<byte[]> r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                if (r.statusCode() == 429) {
                    refused++;
                    assertThat(r.headers().firstValue("Retry-After")).isPresent();
                } else {
                    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
                }
            }
        }
        assertThat(refused).as("a 429 within 40 requests").isPositive();
    }

    /**
     * A student floods alice's computer with screen requests in the teacher's peer's name: 40 with
     * a signature of his own, and a request the teacher's peer signed (captured as a relay) sent 40
     * times. None may spend the teacher's rate there (8 a second, burst 16): the teacher's own view
     * of alice right after is a picture, not 429. It would be 429 if the rate were taken before the
     * signature and replay checks.
     */
    @Test
    void forgedAndReplayedRequestsInTheTeachersNameDoNotSpendItsRate() throws Exception {
        String chainId = teacher.chain().chainId();
        NodeIdentity bobsKey = NodeIdentity.loadOrCreate(tmp.resolve("bob"), new SecureRandom());
        NodeIdentity teachersKey = NodeIdentity.loadOrCreate(tmp.resolve("teacher"), new SecureRandom());
        Message.ScreenRequest captured = signed(teachersKey, chainId, alice.nodeId(), Instant.now());
        for (int i = 0; i < 40; i++) {
            Message.ScreenRequest own = signed(bobsKey, chainId, alice.nodeId(), Instant.now());
            Message.ScreenRequest forged = new Message.ScreenRequest(own.id(), own.target(), teacher.nodeId(),
                    own.issuedAt(), own.width(), own.replyKey(), own.hopsLeft(), own.signature());
            assertThat(post(alice, forged).statusCode()).isEqualTo(401);
            assertThat(post(alice, captured).statusCode()).as("sent %d times", i + 1).isEqualTo(i == 0 ? 200 : 409);
        }
        picture(screen(alice, view()));
    }

    private static Message.ScreenRequest signed(NodeIdentity key, String chainId, String target, Instant at) {
        UUID id = UUID.randomUUID();
        byte[] replyKey = new byte[32];
        new SecureRandom().nextBytes(replyKey);
        Message.ScreenRequest unsigned = new Message.ScreenRequest(id, target, key.nodeId(), at.toEpochMilli(), 160,
                replyKey, 4, new byte[0]);
        return new Message.ScreenRequest(id, target, key.nodeId(), at.toEpochMilli(), 160, replyKey, 4,
                key.sign(SigningBytes.screenRequest(chainId, unsigned)));
    }

    private HttpResponse<byte[]> post(Peer to, Message.ScreenRequest r) throws Exception {
        return postAsync(to, r).get();
    }

    private CompletableFuture<HttpResponse<byte[]>> postAsync(Peer to, Message.ScreenRequest r) {
        String body = "{\"id\":\"" + r.id() + "\",\"target\":\"" + r.target() + "\",\"requester\":\"" + r.requester()
                + "\",\"issuedAt\":" + r.issuedAt() + ",\"width\":" + r.width() + ",\"replyKey\":\""
                + HexFormat.of().formatHex(r.replyKey()) + "\",\"hopsLeft\":" + r.hopsLeft()
                + ",\"signature\":\"" + HexFormat.of().formatHex(r.signature()) + "\"}";
        return http.sendAsync(HttpRequest.newBuilder(URI.create(to.address() + "/api/v1/screens"))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    // ------------------------------------------------------------------ fakes that control failure and pixels

    /** A screen that changes with every picture (its count drawn on it), as a JPEG. */
    static final class PictureDesktop implements DesktopService {
        final AtomicInteger taken = new AtomicInteger();
        private final String who;

        PictureDesktop(String who) {
            this.who = who;
        }

        @Override
        public byte[] screen(int width, int maxBytes) throws IOException {
            int n = taken.incrementAndGet();
            BufferedImage img = new BufferedImage(width, width * 5 / 8, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            try {
                g.setColor(new Color(0x1a73e8));
                g.fillRect(0, 0, img.getWidth(), img.getHeight());
                g.setColor(Color.WHITE);
                g.drawString(who + " #" + n, 10, 20);
            } finally {
                g.dispose();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "jpeg", out);
            return out.toByteArray();
        }

        @Override
        public boolean hasDisplay() {
            return true;
        }

        @Override
        public void showMessage(String title, String text, Duration duration) {
        }

        @Override
        public int blackout(Duration duration, String message) {
            return 1;
        }

        @Override
        public boolean unblackout() {
            return false;
        }

        @Override
        public void browse(URI uri) {
        }
    }

    /** The teacher's transport, whose calls to some addresses fail as a firewall would make them. */
    static final class Unreachable extends ForwardingTransport {
        private final Set<String> blocked;
        final Set<String> delivered = ConcurrentHashMap.newKeySet();

        Unreachable(Transport inner, Set<String> blocked) {
            super(inner);
            this.blocked = blocked;
        }

        private volatile java.util.function.BinaryOperator<Message> swap;

        /** Every answer is replaced by {@code swap(request, answer)}, as a hostile relay would; null: as it is. */
        void swap(java.util.function.BinaryOperator<Message> swap) {
            this.swap = swap;
        }

        @Override
        public CompletableFuture<Message> send(String address, Message request) {
            if (blocked.contains(address)) {
                return CompletableFuture.failedFuture(new IOException("connection refused (a firewall)"));
            }
            delivered.add(address);
            java.util.function.BinaryOperator<Message> swap = this.swap;
            return swap == null ? inner.send(address, request)
                    : inner.send(address, request).thenApply(reply -> swap.apply(request, reply));
        }
    }
}
