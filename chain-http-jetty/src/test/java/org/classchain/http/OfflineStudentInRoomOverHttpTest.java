package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.classchain.core.peer.Peer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 19, item 1, over real HTTP peers: a student whose peer stops stays in the teacher's
 * {@code GET /api/v1/room} as a STUDENT that is offline, so that the console still counts it in
 * "every student" and gives it a waiting row, instead of a row with no role.
 */
class OfflineStudentInRoomOverHttpTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();
    private final List<Peer> peers = new ArrayList<>();

    @AfterEach
    void close() {
        peers.forEach(Peer::close);
    }

    private Peer start(Peer.Builder builder) throws Exception {
        Peer p = builder.transport(JettyTransport.builder().host("127.0.0.1").port(0).noRateLimit().build())
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
