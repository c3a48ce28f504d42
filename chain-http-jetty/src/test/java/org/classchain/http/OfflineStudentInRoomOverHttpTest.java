package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 1, over real HTTP peers: a student whose peer stops stays in the teacher's
 * {@code GET /api/v1/room} as a STUDENT that is offline, so that the console still counts it in
 * "every student" and gives it a waiting row, instead of a row with no role.
 */
class OfflineStudentInRoomOverHttpTest {

    static final String PW = "Tr0ub4dor&3 teacher";

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Peer> peers = new ArrayList<>();

    private final List<AutoCloseable> closeLater = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        peers.forEach(Peer::close);
        for (AutoCloseable c : closeLater) {
            c.close();
        }
    }

    private Peer start(Peer.Builder builder) throws Exception {
        return start(builder, 0);
    }

    private Peer start(Peer.Builder builder, int port) throws Exception {
        Peer p = builder.transport(JettyTransport.builder().host("127.0.0.1").port(port).noRateLimit().build())
                .difficultyBits(6).tick(Duration.ofMillis(100)).build();
        peers.add(p);
        p.start();
        return p;
    }

    @Test
    @Timeout(60)
    void aStoppedStudentStaysInTheRoomAsAnOfflineStudent() throws Exception {
        Peer teacher = start(Peer.builder().account("teacher", "pw"));
        Peer student = start(Peer.builder().seed(teacher.address()));
        JsonNode online = awaitRow(teacher, student.nodeId(), r -> r.path("online").asBoolean());
        assertThat(online.path("role").asText()).isEqualTo("STUDENT");

        student.close();
        JsonNode offline = awaitRow(teacher, student.nodeId(), r -> !r.path("online").asBoolean());
        assertThat(offline.path("role").asText()).as("the role it had, not null: %s", offline).isEqualTo("STUDENT");
        assertThat(offline.path("address").asText()).isEqualTo(student.address());
        assertThat(offline.path("state").asText()).isEqualTo("offline");
        assertThat(online.path("state").asText()).isEqualTo("online");
    }

    /**
     * A student that is off while the teacher's peer restarts is still in the room: listed offline
     * with its role, and named by {@code GET /commands/{id}} as an offline target of a send to all,
     * while the student that is on runs it. Before, the restarted teacher knew only the students
     * that answered its greeting: the one that was off had no row, no role and no offline row.
     */
    @Test
    @Timeout(120)
    void aStudentOffWhileTheTeachersPeerRestartsStaysInTheRoomOffline(@TempDir Path tmp) throws Exception {
        Peer teacher = start(withData(Peer.builder().account("teacher", PW), tmp.resolve("teacher")), 0);
        Peer alice = start(withData(Peer.builder().seed(teacher.address()), tmp.resolve("alice")), 0);
        Peer bob = start(withData(Peer.builder().seed(teacher.address()), tmp.resolve("bob")), 0);
        awaitRow(teacher, alice.nodeId(), r -> r.path("online").asBoolean());
        awaitRow(teacher, bob.nodeId(), r -> r.path("online").asBoolean());
        Await.until("the teacher's peer kept bob in its book", Duration.ofSeconds(30),
                () -> bookOf(tmp.resolve("teacher")).contains(bob.address()));

        bob.close();
        int port = URI.create(teacher.address()).getPort();
        teacher.close();
        peers.remove(teacher);
        Peer again = start(withData(Peer.builder(), tmp.resolve("teacher")), port);
        assertThat(again.nodeId()).isEqualTo(teacher.nodeId());

        JsonNode bobRow = awaitRow(again, bob.nodeId(), r -> true);
        assertThat(bobRow.path("state").asText()).as("%s", bobRow).isEqualTo("offline");
        assertThat(bobRow.path("role").asText()).as("%s", bobRow).isEqualTo("STUDENT");
        assertThat(bobRow.path("address").asText()).isEqualTo(bob.address());
        awaitRow(again, alice.nodeId(), r -> r.path("online").asBoolean() && "STUDENT".equals(r.path("role").asText()));

        TeacherClient client;
        JettyTransport t = JettyTransport.builder().build();
        closeLater.add(t);
        client = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(client.signIn(again.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        Command toAll = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(client.submit(again.address(), List.of(toAll))).isInstanceOf(Message.Submitted.class);
        AtomicReference<JsonNode> report = new AtomicReference<>();
        Await.until("alice ran the command to all", Duration.ofSeconds(30), () -> {
            report.set(get(again.address() + "/api/v1/commands/" + toAll.id()));
            return report.get().path("receipts").toString().contains(alice.nodeId());
        });
        assertThat(texts(report.get().path("offline"))).as("%s", report.get()).containsExactly(bob.nodeId());
        // the roster send --wait reads: bob is a target it waits for, and finds offline
        assertThat(client.peers(again.address())).filteredOn(p -> bob.nodeId().equals(p.nodeId()))
                .singleElement().satisfies(p -> {
                    assertThat(p.role()).isEqualTo(org.classchain.Role.STUDENT);
                    assertThat(p.lastSeen()).isNull();
                });
    }

    private static Peer.Builder withData(Peer.Builder b, Path dir) {
        return b.dataDir(dir).modules(ModuleRegistry.of(new RecordingModule()))
                .passwordPolicy(new PasswordPolicy(1000, 1000));
    }

    private static String bookOf(Path dataDir) {
        try {
            return Files.readString(dataDir.resolve("known-peers.txt"));
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private JsonNode get(String url) {
        try {
            return mapper.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        } catch (Exception e) {
            return mapper.createObjectNode();
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Polls the teacher's room (as the console does) until the row of {@code nodeId} satisfies {@code c}. */
    private JsonNode awaitRow(Peer teacher, String nodeId, Predicate<JsonNode> c) throws Exception {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < end) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(teacher.address() + "/api/v1/room"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            JsonNode room = mapper.readTree(r.body());
            last.set(room);
            for (JsonNode row : room.get("peers")) {
                if (nodeId.equals(row.path("nodeId").asText()) && c.test(row)) {
                    return row;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no such row of " + nodeId + " within 30 s: " + last.get());
    }
}
