package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.classchain.DesktopHealth;
import org.classchain.PeerStatus;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.spi.host.DesktopService;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desktop's health in a student's status (issue 17), attacked over real HTTP peers by
 * mallory, whose peer's status says what she likes: that she is alice (so that the teacher's
 * card of alice shows mallory's made-up health), a note of a megabyte (which every open
 * console would fetch every two seconds and print on her card), thousands of users signed in, or
 * a status of megabytes.
 */
@Timeout(120)
class DesktopHealthOverHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> open = new ArrayList<>();
    /** What mallory's peer answers to GetStatus, from her real status; identity: the truth. */
    private final AtomicReference<java.util.function.UnaryOperator<PeerStatus>> lie =
            new AtomicReference<>(s -> s);
    private Peer teacher;
    private Peer alice;
    private Peer mallory;

    @BeforeEach
    void classroom() throws Exception {
        teacher = peer("teacher", jetty(), null, null);
        alice = peer("alice", jetty(), teacher.address(),
                new HealthDesktop(new DesktopHealth(true, 1, 0, null, 0, "")));
        // mallory's peer: her answers to GetStatus go through {@code lie}
        mallory = peer("mallory", new InterceptingTransport(jetty(), (from, request, honest) ->
                honest.handle(from, request).thenApply(reply -> reply instanceof Message.StatusReply s
                        && request instanceof Message.GetStatus ? new Message.StatusReply(lie.get().apply(s.status()))
                        : reply)), teacher.address(),
                new HealthDesktop(new DesktopHealth(true, 1, 0, null, 0, "")));
        awaitRow(alice.nodeId(), r -> r.path("online").asBoolean());
        awaitRow(mallory.nodeId(), r -> r.path("online").asBoolean());
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /**
     * Mallory answers the teacher's status round as alice, with "no graphical session": before,
     * the room had two rows of alice's node id, the one at mallory's address carrying mallory's
     * made-up health, and the console's card of alice (one per node id) showed it.
     */
    @Test
    void aClassmateCannotSpeakForAnotherComputersDesktop() throws Exception {
        DesktopHealth madeUp = new DesktopHealth(false, 0, 7, null, 0, "no graphical session: alice logged out");
        lie.set(s -> with(s, alice.nodeId(), madeUp));
        String aliceId = alice.nodeId();
        // the room has taken in her answer: her row no longer says her own, true, status
        JsonNode room = awaitRoom(r -> rowAt(r, mallory.address()) != null
                && (!rowAt(r, mallory.address()).path("online").asBoolean()
                || !mallory.nodeId().equals(rowAt(r, mallory.address()).path("nodeId").asText())));

        List<JsonNode> alices = new ArrayList<>();
        room.get("peers").forEach(row -> {
            if (aliceId.equals(row.path("nodeId").asText())) {
                alices.add(row);
            }
        });
        assertThat(alices).as("rows of alice's node id: %s", room).hasSize(1);
        assertThat(alices.get(0).path("address").asText()).isEqualTo(alice.address());
        assertThat(alices.get(0).path("desktop").path("display").asBoolean()).as("%s", alices.get(0)).isTrue();
        assertThat(room.toString()).doesNotContain("alice logged out");
        JsonNode malloryRow = rowAt(room, mallory.address());
        assertThat(malloryRow.path("nodeId").asText()).as("the node id verified at her address").isEqualTo(mallory.nodeId());
        assertThat(malloryRow.path("desktop").isNull()).as("%s", malloryRow).isTrue();
    }

    /** A megabyte of note in mallory's own status: the teacher's room carries at most {@link DesktopHealth#MAX_NOTE} of it. */
    @Test
    void aHugeNoteIsCutToALine() throws Exception {
        String huge = "x".repeat(1 << 20);
        lie.set(s -> with(s, s.nodeId(), new DesktopHealth(false, 0, 0, null, 0, huge)));
        JsonNode row = awaitRow(mallory.nodeId(), r -> !r.path("desktop").path("display").asBoolean(true));
        assertThat(row.path("online").asBoolean()).as("she still answers").isTrue();
        assertThat(row.path("desktop").path("note").asText().length()).isBetween(1, DesktopHealth.MAX_NOTE);
        assertThat(get("/api/v1/room").length()).as("the whole room").isLessThan(16 * 1024);
    }

    /**
     * Mallory's status names five thousand users signed in, and markup as a user: before, the room
     * carried every name to every console every two seconds (and the teacher's directory kept them).
     */
    @Test
    void aFloodOfUsersIsCutToAFewWellFormedNames() throws Exception {
        List<String> users = new ArrayList<>();
        users.add("<img src=x onerror=alert(1)>");
        for (int i = 0; i < 5000; i++) {
            users.add(String.format("u%04d", i));
        }
        lie.set(s -> withUsers(s, users));
        JsonNode row = awaitRow(mallory.nodeId(), r -> r.path("users").size() > 1);
        assertThat(row.path("online").asBoolean()).as("she still answers").isTrue();
        assertThat(row.path("users").size()).isEqualTo(RoomView.MAX_USERS);
        row.path("users").forEach(u -> assertThat(org.classchain.Account.isValidUsername(u.asText())).as(u.asText())
                .isTrue());
        assertThat(get("/api/v1/room")).as("the whole room").doesNotContain("onerror").hasSizeLessThan(16 * 1024);
    }

    /**
     * A status of megabytes (a hundred thousand users) is not read at all: it counts as no answer,
     * mallory's computer shows offline, and the rest of the room is unaffected. Before, the
     * teacher's peer read all of it (up to 16 MB) on every status round.
     */
    @Test
    void aStatusOfMegabytesCountsAsNoAnswer() throws Exception {
        List<String> users = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            users.add(String.format("user%016d", i));
        }
        lie.set(s -> withUsers(s, users));
        JsonNode row = awaitRow(mallory.nodeId(), r -> !r.path("online").asBoolean());
        assertThat(row.path("users").size()).isLessThanOrEqualTo(RoomView.MAX_USERS);
        JsonNode room = awaitRoom(r -> true);
        assertThat(room.toString()).hasSizeLessThan(16 * 1024);
        awaitRow(alice.nodeId(), r -> r.path("online").asBoolean());
    }

    private static PeerStatus withUsers(PeerStatus s, List<String> users) {
        return new PeerStatus(s.role(), s.nodeId(), s.publicKey(), s.address(), s.chainId(), s.height(), s.headHash(),
                s.neighbours(), users, s.clockSkewMillis(), s.modules(), s.macs(), s.desktop());
    }

    private static PeerStatus with(PeerStatus s, String nodeId, DesktopHealth desktop) {
        return new PeerStatus(s.role(), nodeId, s.publicKey(), s.address(), s.chainId(), s.height(), s.headHash(),
                s.neighbours(), s.users(), s.clockSkewMillis(), s.modules(), s.macs(), desktop);
    }

    private static JsonNode rowAt(JsonNode room, String address) {
        for (JsonNode row : room.get("peers")) {
            if (address.equals(row.path("address").asText())) {
                return row;
            }
        }
        return null;
    }

    private String get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(teacher.address() + path)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private JsonNode awaitRoom(Predicate<JsonNode> c) throws Exception {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        Await.until("the teacher's room: " + last, Duration.ofSeconds(30), () -> {
            try {
                last.set(JSON.readTree(get("/api/v1/room")));
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            return c.test(last.get());
        });
        return last.get();
    }

    private JsonNode awaitRow(String nodeId, Predicate<JsonNode> c) throws Exception {
        AtomicReference<JsonNode> row = new AtomicReference<>();
        awaitRoom(room -> {
            for (JsonNode r : room.get("peers")) {
                if (nodeId.equals(r.path("nodeId").asText()) && c.test(r)) {
                    row.set(r);
                    return true;
                }
            }
            return false;
        });
        return row.get();
    }

    private static JettyTransport jetty() {
        return JettyTransport.builder().host("127.0.0.1").port(0).noRateLimit().build();
    }

    private Peer peer(String name, org.classchain.wire.Transport t, String seed, DesktopService desktop)
            throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).transport(t).difficultyBits(6)
                .tick(Duration.ofMillis(100));
        if (seed == null) {
            b.account("teacher", "Tr0ub4dor&3 teacher");
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

    /** A desktop that only reports its health. */
    private record HealthDesktop(DesktopHealth health) implements DesktopService {
        @Override
        public boolean hasDisplay() {
            return true;
        }

        @Override
        public void showMessage(String title, String text, Duration duration) {
        }

        @Override
        public int blackout(Duration duration, String message) {
            return 0;
        }

        @Override
        public boolean unblackout() {
            return false;
        }

        @Override
        public void browse(URI uri) {
        }
    }
}
