package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.spi.host.DesktopService;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The screens side channel's relays, attacked over real HTTP peers: the teacher's peer cannot
 * call bob's computer (a firewall), so bob's screen comes through a classmate. Mallory, one of
 * the teacher's peer's neighbours, answers every screen request she is asked to relay, instead of
 * passing it on, with a made-up refusal ("this computer refuses screenshots") or a picture of her
 * own making. Alice, another
 * neighbour, relays honestly. The teacher must still see bob's screen every time.
 */
@Timeout(120)
class ScreensRelayOverHttpTest {

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /**
     * Before: whenever the teacher's peer tried mallory first (its neighbours are shuffled), the
     * console was told bob refuses screenshots (403), or got a 502 for her picture, though alice
     * would have relayed it.
     */
    @Test
    void aRelayThatMakesUpARefusalDoesNotHideAScreen() throws Exception {
        Peer teacher = peer("teacher", new ScreensOverHttpTest.Unreachable(jetty("127.0.0.1", 0), unreachable), null,
                null);
        Peer alice = peer("alice", jetty("127.0.0.2", 0), teacher.address(), new ScreensOverHttpTest.PictureDesktop("alice"));
        AtomicInteger refusedByMallory = new AtomicInteger();
        Peer mallory = peer("mallory", refusingRelay(jetty("127.0.0.5", 0), refusedByMallory), teacher.address(),
                new ScreensOverHttpTest.PictureDesktop("mallory"));
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.3"))) {
            port = free.getLocalPort();
        }
        unreachable.add("http://127.0.0.3:" + port);
        ScreensOverHttpTest.PictureDesktop bobsScreen = new ScreensOverHttpTest.PictureDesktop("bob");
        Peer bob = peer("bob", jetty("127.0.0.3", port), alice.address(), bobsScreen);
        Await.until("every computer holds the chain, the teacher's peer has alice and mallory as neighbours",
                Duration.ofSeconds(60), () -> List.of(alice, mallory, bob).stream()
                        .allMatch(p -> p.chain() != null && p.chain().accounts().containsKey("teacher"))
                        && teacher.status().neighbours().containsAll(List.of(alice.address(), mallory.address())));

        JettyTransport c = JettyTransport.builder().bindAddress("127.0.0.1").build();
        open.add(c);
        TeacherClient client = new TeacherClient(c, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(client.signIn(teacher.address(), "teacher", ScreensOverHttpTest.PW))
                .isInstanceOf(Message.AuthConfirmed.class);
        String view = client.viewQuery(teacher.nodeId(), Instant.now().plus(Duration.ofMinutes(20)));

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(teacher.address()
                    + "/api/v1/screens/" + bob.nodeId() + "?" + view)).timeout(Duration.ofSeconds(20)).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            answers.add(r.statusCode() == 200 ? "200" : r.statusCode() + " " + new String(r.body(), StandardCharsets.UTF_8));
        }
        assertThat(refusedByMallory.get()).as("mallory was asked to relay at least once").isPositive();
        assertThat(answers).as("bob's screen, 12 times").containsOnly("200");
        assertThat(bobsScreen.taken.get()).isPositive();
    }

    /**
     * Mallory's own computer answers the teacher's screen request with a refusal whose reason is
     * 4 MB long. Before: the teacher's peer read all of it and the console got it (a 4 MB 403); a
     * screen's answer is at most a sealed 64 KiB picture, so the teacher's peer reads no more than
     * twice that and counts the rest as no answer.
     */
    @Test
    void aFourMegabyteAnswerToAScreenRequestIsNotRead() throws Exception {
        Peer teacher = peer("teacher", jetty("127.0.0.1", 0), null, null);
        String reason = "this computer refuses screenshots " + "x".repeat(4 << 20);
        Peer mallory = peer("mallory", new InterceptingTransport(jetty("127.0.0.5", 0), (from, request, honest) ->
                request instanceof Message.ScreenRequest ? CompletableFuture.completedFuture(Message.Rejected.of(403,
                        reason)) : honest.handle(from, request)), teacher.address(), null);
        Await.until("mallory holds the chain", Duration.ofSeconds(60),
                () -> mallory.chain() != null && mallory.chain().accounts().containsKey("teacher"));
        JettyTransport c = JettyTransport.builder().bindAddress("127.0.0.1").build();
        open.add(c);
        TeacherClient client = new TeacherClient(c, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(client.signIn(teacher.address(), "teacher", ScreensOverHttpTest.PW))
                .isInstanceOf(Message.AuthConfirmed.class);
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(teacher.address() + "/api/v1/screens/"
                + mallory.nodeId() + "?" + client.viewQuery(teacher.nodeId(), Instant.now().plus(Duration.ofMinutes(5)))))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isBetween(400, 599);
        assertThat(r.body().length).as("the console's answer").isLessThan(64 * 1024);
    }

    private static JettyTransport jetty(String ip, int port) {
        return JettyTransport.builder().host(ip).bindAddress(ip).port(port).noRateLimit().build();
    }

    private Peer peer(String name, Transport t, String seed, DesktopService desktop) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).transport(t).difficultyBits(6)
                .tick(Duration.ofMillis(100)).passwordPolicy(new PasswordPolicy(1000, 1000));
        if (seed == null) {
            b.account("teacher", ScreensOverHttpTest.PW);
        } else {
            b.seed(seed);
        }
        if (desktop != null) {
            b.service(DesktopService.class, desktop);
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    /**
     * Mallory's peer: every screen request it is sent is answered, never relayed: in turn with a
     * made-up refusal and with a made-up picture.
     */
    private static Transport refusingRelay(Transport inner, AtomicInteger refused) {
        return new InterceptingTransport(inner, (from, request, honest) -> {
            if (!(request instanceof Message.ScreenRequest)) {
                return honest.handle(from, request);
            }
            if (refused.incrementAndGet() % 2 == 0) {
                // a picture of her own making, "sealed" with keys of her own
                byte[] junk = new byte[2048];
                new SecureRandom().nextBytes(junk);
                return CompletableFuture.completedFuture(new Message.ScreenFrame(
                        new org.classchain.Attachment("image/jpeg", junk), Instant.now(), new byte[32], new byte[12]));
            }
            return CompletableFuture.completedFuture(Message.Rejected.of(403,
                    "this computer refuses screenshots (its policy denies 'screenshot')"));
        });
    }
}
