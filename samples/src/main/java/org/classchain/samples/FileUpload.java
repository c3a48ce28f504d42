package org.classchain.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.classchain.PeerInfo;
import org.classchain.core.client.TeacherClient;

/**
 * {@code send send-file --file F}: uploads F to the teacher's own peer (the one holding the
 * signed-in session, which checks the session's view token) with {@code POST /api/v1/files},
 * and returns the send-file arguments of the off-chain form that reference it.
 */
final class FileUpload {
    private FileUpload() {
    }

    static Map<String, String> upload(TeacherClient client, String peer, Path file, String name, boolean tls)
            throws Exception {
        LocalFiles.checkReadable(file, "--file");
        if (tls) {
            throw new IllegalArgumentException("--file over TLS is not supported yet: in a classroom with TLS, send "
                    + "small files inline with --arg content=... and --arg sha256=...");
        }
        String host = client.hostNodeId();
        String to = peer;
        for (PeerInfo p : client.peers(peer)) {
            if (p.nodeId().equals(host)) {
                to = p.address();
            }
        }
        String url = to + "/api/v1/files?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&"
                + client.viewQuery(host, Instant.now().plus(Duration.ofHours(1)));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofHours(1))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(file)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IOException("uploading " + file + " to the teacher's peer " + to + " failed: " + e.getMessage(), e);
        }
        JsonNode body;
        try {
            body = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new IOException("the teacher's peer " + to + " answered the upload with " + response.statusCode()
                    + " and no JSON", e);
        }
        if (response.statusCode() != 201) {
            throw new IllegalStateException("upload of " + file + " refused by " + to + ": "
                    + body.path("error").asText("?") + " (" + response.statusCode() + ")");
        }
        Map<String, String> args = new LinkedHashMap<>();
        args.put("name", body.path("name").asText());
        args.put("size", body.path("size").asText());
        args.put("sha256", body.path("sha256").asText());
        args.put("root", body.path("root").asText());
        args.put("chunk-size", body.path("chunkSize").asText());
        args.put("from", to);
        return args;
    }
}
