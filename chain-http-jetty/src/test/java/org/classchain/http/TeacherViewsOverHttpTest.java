package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.classchain.Attachment;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.spi.CommandModule;
import org.classchain.wire.Message;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, items 7 and 8, over real HTTP: screens (and every attachment) and receipt events go
 * only to a signed-in teacher session, and a student cannot starve the teacher's live updates.
 * The teacher's view token is computed here from the session key, as docs/auth.md writes it.
 */
class TeacherViewsOverHttpTest {

    static final String PW = "the teacher's own password";
    static final byte[] SCREEN = "a classmate's screen, as a JPEG".getBytes(StandardCharsets.UTF_8);

    /** A screenshot module that returns a fixed picture. */
    static final class Screenshot implements CommandModule {
        @Override
        public String name() {
            return "screenshot";
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            return Outcome.executed("screen taken").withAttachment(new Attachment("image/jpeg", SCREEN));
        }
    }

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private JettyTransport teacherTransport;
    private Peer teacher;
    private Peer student;
    private TeacherClient client;

    @BeforeEach
    void classroom() throws Exception {
        teacherTransport = JettyTransport.builder().host("127.0.0.1").port(0).noRateLimit().build();
        teacher = peer("teacher", teacherTransport, null, true);
        student = peer("student", JettyTransport.builder().host("127.0.0.6").bindAddress("127.0.0.6").port(0)
                .noRateLimit().build(), teacher.address(), false);
        await("the student joined", () -> student.chain() != null && student.chain().accounts().containsKey("teacher"));
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

    private Peer peer(String name, JettyTransport t, String seed, boolean isTeacher) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).transport(t).difficultyBits(6)
                .tick(Duration.ofMillis(100)).modules(ModuleRegistry.of(new Screenshot()))
                .passwordPolicy(new PasswordPolicy(1000, 1000));
        if (seed != null) {
            b.seed(seed);
        }
        if (isTeacher) {
            b.account("teacher", PW).listener(new ConsoleFeed(t));
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(25);
        }
    }

    // ------------------------------------------------------------------ the view token

    private byte[] sessionKey() throws Exception {
        Field f = TeacherClient.class.getDeclaredField("srp");
        f.setAccessible(true);
        Method m = SrpClient.class.getDeclaredMethod("sessionKey");
        m.setAccessible(true);
        return (byte[]) m.invoke(f.get(client));
    }

    private String session() throws Exception {
        Field f = TeacherClient.class.getDeclaredField("srp");
        f.setAccessible(true);
        return ((SrpClient) f.get(client)).session();
    }

    /** {@code session=S&until=MS&mac=HEX}: HMAC-SHA256(K, until (8 bytes) | "view:" + peerNodeId). */
    private String token(String peerNodeId, Instant until, byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(ByteBuffer.allocate(8).putLong(until.toEpochMilli()).array());
        byte[] m = mac.doFinal(("view:" + peerNodeId).getBytes(StandardCharsets.UTF_8));
        return "session=" + session() + "&until=" + until.toEpochMilli() + "&mac=" + HexFormat.of().formatHex(m);
    }

    private String teacherToken() throws Exception {
        return token(teacher.nodeId(), Instant.now().plus(Duration.ofMinutes(20)), sessionKey());
    }

    // ------------------------------------------------------------------ raw HTTP from an address

    /** An open event stream (or its refusal), asked from {@code fromIp}. */
    private static final class Stream implements AutoCloseable {
        final Socket socket;
        final int status;
        final String head;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Stream(int port, String fromIp, String query) throws IOException {
            socket = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(fromIp), 0);
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/v1/events" + (query == null ? "" : "?" + query) + " HTTP/1.1\r\nHost: x\r\n"
                    + "Accept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder h = new StringBuilder();
            for (String l = line(in); !l.isEmpty(); l = line(in)) {
                h.append(l).append('\n');
            }
            head = h.toString();
            status = Integer.parseInt(head.split(" ")[1]);
            if (status == 200) {
                Thread reader = new Thread(() -> {
                    try {
                        for (String l = line(in); ; l = line(in)) {
                            lines.add(l);
                        }
                    } catch (IOException e) {
                        // closed
                    }
                }, "test-events-" + fromIp);
                reader.setDaemon(true);
                reader.start();
            }
        }

        /** Whether a line containing {@code text} arrives within {@code seconds}. */
        boolean sees(String text, int seconds) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null && l.contains(text)) {
                    return true;
                }
            }
            return false;
        }

        private static String line(InputStream in) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c == -1) {
                    throw new IOException("closed");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static RawHttp.Response get(int port, String fromIp, String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), port, InetAddress.getByName(fromIp), 0)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            int status = Integer.parseInt(text.substring(0, text.indexOf("\r\n")).split(" ")[1]);
            return new RawHttp.Response(status, Map.of(), text.substring(split + 4));
        }
    }

    private Command screenshotEveryone() throws Exception {
        Command c = Command.create("screenshot", Target.all(), Map.of(), Instant.now(), Duration.ofMinutes(2));
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        await("the student's receipt reached the teacher's peer", () -> teacher.report(c.id()).receipts().stream()
                .anyMatch(r -> r.peerId().equals(student.nodeId())));
        return c;
    }

    // ------------------------------------------------------------------ item 8

    @Test
    @Timeout(120)
    void withoutSigningInNobodySeesAClassmatesScreen() throws Exception {
        int port = teacherTransport.port();
        try (Stream anonymous = new Stream(port, "127.0.0.2", null);
             Stream signedIn = new Stream(port, "127.0.0.1", teacherToken())) {
            assertThat(anonymous.status).isEqualTo(200);
            assertThat(signedIn.status).isEqualTo(200);
            await("both streams are open", () -> teacherTransport.eventClients() == 2);
            Command c = screenshotEveryone();
            String path = "/api/v1/commands/" + c.id() + "/attachments/" + student.nodeId();

            // the attack: curl -N /events, then the attachment by id
            RawHttp.Response stolen = get(port, "127.0.0.2", path);
            assertThat(stolen.status()).as("an anonymous request for a classmate's screen: " + stolen.body())
                    .isEqualTo(401);
            assertThat(stolen.body()).contains("\"status\":401").doesNotContain("classmate's screen");
            assertThat(signedIn.sees("event: receipt", 20)).as("the teacher's stream gets the receipt").isTrue();
            assertThat(anonymous.sees("event: receipt", 2)).as("an anonymous stream gets receipts").isFalse();
            RawHttp.Response report = get(port, "127.0.0.2", "/api/v1/commands/" + c.id());
            assertThat(report.status()).isEqualTo(200);
            assertThat(report.body()).contains("EXECUTED").doesNotContain("base64");

            // a token the key did not make, or made for another peer, or expired, is no better
            String good = teacherToken();
            String forged = good.substring(0, good.length() - 4) + (good.endsWith("0000") ? "1111" : "0000");
            assertThat(get(port, "127.0.0.2", path + "?" + forged).status()).isEqualTo(401);
            assertThat(get(port, "127.0.0.2", path + "?" + token(student.nodeId(), Instant.now().plusSeconds(600),
                    sessionKey())).status()).isEqualTo(401);
            assertThat(get(port, "127.0.0.2", path + "?" + token(teacher.nodeId(), Instant.now().minusSeconds(1),
                    sessionKey())).status()).isEqualTo(401);
            assertThat(get(port, "127.0.0.2", path + "?session=x&until=oops&mac=zz").status()).isEqualTo(400);

            // the signed-in teacher gets the picture
            RawHttp.Response picture = get(port, "127.0.0.1", path + "?" + good);
            assertThat(picture.status()).isEqualTo(200);
            assertThat(picture.body().getBytes(StandardCharsets.ISO_8859_1)).isEqualTo(SCREEN);
            assertThat(get(port, "127.0.0.1", "/api/v1/commands/" + c.id() + "?" + good).body()).contains("base64");
        }
    }

    // ------------------------------------------------------------------ item 7

    @Test
    @Timeout(120)
    void seventyIdleStreamsFromOneStudentDoNotStarveTheTeachersConsole() throws Exception {
        int port = teacherTransport.port();
        List<Stream> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 70; i++) {
                streams.add(new Stream(port, "127.0.0.2", null));
            }
            Stream first = new Stream(port, "127.0.0.1", teacherToken());
            streams.add(first);
            assertThat(first.status).as("the signed-in teacher's stream after the attack: " + first.head)
                    .isEqualTo(200);
            int served = 0;
            for (int i = 0; i < 70; i++) {
                Stream s = streams.get(i);
                if (s.status == 200) {
                    served++;
                } else {
                    assertThat(s.status).isEqualTo(503);
                    assertThat(s.head.toLowerCase()).contains("retry-after");
                }
            }
            assertThat(served).as("streams served to one address").isEqualTo(EventStreams.MAX_PER_ADDRESS);
            // others still get a stream, and so does the teacher
            Stream classmate = new Stream(port, "127.0.0.3", null);
            streams.add(classmate);
            assertThat(classmate.status).as("another address's stream").isEqualTo(200);
            // a whole class of addresses filling the peer's streams does not stop the teacher either
            for (int a = 10; a < 40; a++) {
                for (int i = 0; i < 3; i++) {
                    streams.add(new Stream(port, "127.0.0." + a, null));
                }
            }
            Stream console = new Stream(port, "127.0.0.1", teacherToken());
            streams.add(console);
            assertThat(console.status).as("the signed-in teacher's stream: " + console.head).isEqualTo(200);
            screenshotEveryone();
            assertThat(console.sees("event: receipt", 20)).isTrue();
        } finally {
            for (Stream s : streams) {
                s.close();
            }
        }
    }

    @Test
    @Timeout(60)
    void aBadTokenOnTheEventStreamIsRefused() throws Exception {
        int port = teacherTransport.port();
        try (Stream s = new Stream(port, "127.0.0.2", token(teacher.nodeId(), Instant.now().plusSeconds(600),
                new byte[32]))) {
            assertThat(s.status).isEqualTo(401);
        }
    }
}
