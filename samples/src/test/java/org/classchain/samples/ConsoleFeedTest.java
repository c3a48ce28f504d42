package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.classchain.Command;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's server side with real peers over HTTP, without a browser: a screenshot sent to
 * two students, one of which refuses the module by policy; the teacher's peer streams the block
 * and both receipts as server-sent events and serves the thumbnail for an {@code <img>}.
 */
class ConsoleFeedTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    @Timeout(90)
    void screenshotsReachTheTeachersConsoleAndAPolicyCanRefuseThem() throws Exception {
        try (ConsoleClassroom room = new ConsoleClassroom(tmp, "pw-for-console-test", "", "screenshot");
             JettyTransport client = JettyTransport.builder().build()) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            TeacherClient tc = new TeacherClient(client, new SecureRandom(), Duration.ofSeconds(15));
            assertThat(tc.signIn(room.students.get(0).address(), ConsoleClassroom.TEACHER, "pw-for-console-test"))
                    .isInstanceOf(Message.AuthConfirmed.class);
            // the session is held by the teacher's peer, which collects receipts: its view token opens them
            assertThat(tc.hostNodeId()).isEqualTo(room.teacher.nodeId());
            String view = "?" + tc.viewQuery(room.teacher.nodeId(), Instant.now().plus(Duration.ofMinutes(20)));
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
                    URI.create(room.teacher.address() + "/api/v1/events" + view)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            Thread reader = new Thread(() -> read(stream.body(), events), "test-sse-reader");
            reader.setDaemon(true);
            reader.start();
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (room.transportOf(room.teacher).eventClients() == 0 && System.nanoTime() < until) {
                Thread.sleep(20);
            }

            Command c = Command.create("screenshot", Target.all(), Map.of(), Instant.now(), Duration.ofMinutes(2));
            assertThat(tc.submit(room.students.get(0).address(), List.of(c))).isInstanceOf(Message.Submitted.class);

            JsonNode block = null;
            int receipts = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while ((block == null || receipts < 2) && System.nanoTime() < deadline) {
                String e = events.poll(1, TimeUnit.SECONDS);
                if (e == null) {
                    continue;
                }
                String type = e.substring(0, e.indexOf('|'));
                JsonNode data = JSON.readTree(e.substring(e.indexOf('|') + 1));
                if (type.equals("block") && data.get("commands").size() == 1) {
                    block = data;
                } else if (type.equals("receipt") && data.get("commandId").asText().equals(c.id().toString())) {
                    receipts++;
                }
            }
            assertThat(block).as("a block event").isNotNull();
            JsonNode cmd = block.get("commands").get(0);
            assertThat(cmd.get("id").asText()).isEqualTo(c.id().toString());
            assertThat(cmd.get("module").asText()).isEqualTo("screenshot");
            assertThat(cmd.get("target").get("kind").asText()).isEqualTo("ALL");
            assertThat(block.get("grant").get("username").asText()).isEqualTo(ConsoleClassroom.TEACHER);
            assertThat(block.get("grant").get("hostNodeId").asText()).isEqualTo(room.teacher.nodeId());
            assertThat(receipts).as("receipt events").isEqualTo(2);

            Peer shooter = room.students.get(0);
            Peer refuser = room.students.get(1);
            List<Receipt> got = room.teacher.report(c.id()).receipts();
            assertThat(got).anySatisfy(r -> {
                assertThat(r.peerId()).isEqualTo(shooter.nodeId());
                assertThat(r.status()).isEqualTo(ReceiptStatus.EXECUTED);
            });
            assertThat(got).anySatisfy(r -> {
                assertThat(r.peerId()).isEqualTo(refuser.nodeId());
                assertThat(r.status()).isEqualTo(ReceiptStatus.REFUSED);
                assertThat(r.attachment()).isNull();
            });

            assertThat(http.send(HttpRequest.newBuilder(URI.create(room.teacher.address() + "/api/v1/commands/"
                    + c.id() + "/attachments/" + shooter.nodeId())).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).as("a screen without the teacher's view token").isEqualTo(401);
            HttpResponse<byte[]> img = http.send(HttpRequest.newBuilder(URI.create(room.teacher.address()
                    + "/api/v1/commands/" + c.id() + "/attachments/" + shooter.nodeId() + view)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(img.statusCode()).isEqualTo(200);
            assertThat(img.headers().firstValue("content-type")).hasValue("image/jpeg");
            BufferedImage picture = ImageIO.read(new ByteArrayInputStream(img.body()));
            assertThat(picture.getWidth()).isEqualTo(320);
            assertThat(http.send(HttpRequest.newBuilder(URI.create(room.teacher.address() + "/api/v1/commands/" + c.id()
                    + "/attachments/" + refuser.nodeId() + view)).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(404);

            JsonNode roomView = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(room.teacher.address()
                    + "/api/v1/room")).build(), HttpResponse.BodyHandlers.ofString()).body());
            assertThat(roomView.get("peers")).hasSize(3);
            assertThat(roomView.get("peers").findValuesAsText("role")).containsExactlyInAnyOrder("TEACHER", "STUDENT",
                    "STUDENT");
            stream.body().close();
        }
    }

    private static void read(InputStream in, BlockingQueue<String> out) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String type = null;
            StringBuilder data = new StringBuilder();
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                if (l.startsWith("event: ")) {
                    type = l.substring(7);
                    data.setLength(0);
                } else if (l.startsWith("data: ")) {
                    data.append(l.substring(6));
                } else if (l.isEmpty() && type != null) {
                    out.add(type + "|" + data);
                    type = null;
                }
            }
        } catch (Exception e) {
            // closed at the end of the test
        }
    }
}
