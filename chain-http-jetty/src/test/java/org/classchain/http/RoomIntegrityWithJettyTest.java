package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.core.peer.Peer;
import org.classchain.core.peer.RoomIntegrityTests;
import org.classchain.wire.Transport;

/**
 * Issue 15, items 4 and 6, over real HTTP. Each peer and client listens on and calls from its own
 * 127.0.0.x, as machines of a school LAN; the made-up addresses are closed ports of 127.0.0.250,
 * and the room is read as the console reads it, from {@code GET /api/v1/room}.
 */
class RoomIntegrityWithJettyTest extends RoomIntegrityTests {

    private static final AtomicInteger NEXT = new AtomicInteger(20);
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    protected Transport newTransport() {
        String ip = "127.0.0." + (NEXT.getAndIncrement() % 200 + 20);
        return JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build();
    }

    @Override
    protected String madeUpAddress(int i) {
        return "http://127.0.0.250:" + (20_000 + i);
    }

    @Override
    protected List<String> roomAddresses(Peer teacher) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(teacher.address() + "/api/v1/room")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode room = mapper.readTree(r.body());
        List<String> out = new ArrayList<>();
        room.get("peers").forEach(p -> out.add(p.get("address").asText()));
        return out;
    }
}
