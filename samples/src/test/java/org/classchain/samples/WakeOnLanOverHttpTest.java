package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, item 9, over real HTTP peers: a computer's MAC address is learned by the teacher's
 * peer when it joins (its status names it), kept while it is off and across a restart of the
 * teacher's peer, and a {@code wake-on-lan} command sent to the room makes a computer that is on
 * send the magic packet for it; a UDP socket on loopback stands in for the sleeping card.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WakeOnLanOverHttpTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void aComputerThatIsOffIsWokenByOneThatIsOnWithTheMacTheTeachersPeerLearned(@TempDir Path tmp) throws Exception {
        String password = "the teacher's password wol";
        try (ConsoleClassroom room = new ConsoleClassroom(tmp.resolve("room"), password, "", "");
             DatagramSocket card = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             JettyTransport t = JettyTransport.builder().build()) {
            Peer sleeper = room.students.get(1);
            Assumptions.assumeFalse(sleeper.status().macs().isEmpty(),
                    "this machine has no network card with a MAC address");
            String mac = sleeper.status().macs().get(0);
            AtomicReference<JsonNode> row = new AtomicReference<>();
            waitUntil("the teacher's room names the student's MAC", Duration.ofSeconds(60),
                    () -> rowOf(room.teacher, sleeper.nodeId(), row) && texts(row.get().path("macs")).contains(mac));

            sleeper.close();
            room.stopTeacher();
            room.startTeacher();
            waitUntil("after the restart the room still lists the student that is off, with its MAC",
                    Duration.ofSeconds(60), () -> rowOf(room.teacher, sleeper.nodeId(), row)
                            && "offline".equals(row.get().path("state").asText())
                            && texts(row.get().path("macs")).contains(mac));

            TeacherClient client = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
            assertThat(client.signIn(room.teacher.address(), ConsoleClassroom.TEACHER, password))
                    .isInstanceOf(Message.AuthConfirmed.class);
            Command wake = new Command(UUID.randomUUID(), "wake-on-lan", Target.all(), Map.of("macs",
                    String.join(",", texts(row.get().path("macs"))), "address", "127.0.0.1", "port",
                    String.valueOf(card.getLocalPort())), Instant.now().plus(Duration.ofMinutes(5)));
            assertThat(client.submit(room.teacher.address(), List.of(wake))).isInstanceOf(Message.Submitted.class);

            card.setSoTimeout(60_000);
            DatagramPacket p = new DatagramPacket(new byte[1024], 1024);
            card.receive(p);
            String got = HexFormat.of().formatHex(Arrays.copyOf(p.getData(), p.getLength()));
            assertThat(got).isEqualTo("ffffffffffff" + mac.replace(":", "").repeat(16));
        }
    }

    /** Waits until {@code condition} holds, checking every 100 ms; fails naming {@code what} after {@code within}. */
    private static void waitUntil(String what, Duration within, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(100);
        }
    }

    private boolean rowOf(Peer teacher, String nodeId, AtomicReference<JsonNode> row) {
        try {
            JsonNode roomView = mapper.readTree(http.send(HttpRequest.newBuilder(URI.create(teacher.address()
                    + "/api/v1/room")).build(), HttpResponse.BodyHandlers.ofString()).body());
            for (JsonNode r : roomView.path("peers")) {
                if (nodeId.equals(r.path("nodeId").asText())) {
                    row.set(r);
                    return true;
                }
            }
        } catch (Exception e) {
            // the teacher's peer is restarting
        }
        return false;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
