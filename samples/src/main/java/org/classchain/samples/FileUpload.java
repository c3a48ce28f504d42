package org.classchain.samples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.classchain.PeerInfo;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;

/**
 * {@code send send-file --file F}: uploads F to the teacher's own peer (the one holding the
 * signed-in session, which checks the session's view token) with {@code POST /api/v1/files},
 * over the command's own transport (https with the classroom keystore when it has one), and
 * returns the send-file arguments of the off-chain form that reference it.
 */
final class FileUpload {
    private FileUpload() {
    }

    static Map<String, String> upload(JettyTransport transport, TeacherClient client, String peer, Path file,
                                      String name) throws Exception {
        LocalFiles.checkReadable(file, "--file");
        String host = client.hostNodeId();
        String to = peer;
        for (PeerInfo p : client.peers(peer)) {
            if (p.nodeId().equals(host)) {
                to = p.address();
            }
        }
        String path = "/api/v1/files?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8) + "&"
                + client.viewQuery(host, Instant.now().plus(Duration.ofHours(1)));
        JettyTransport.UploadAnswer response;
        try {
            response = transport.upload(to, path, file, Duration.ofHours(1));
        } catch (IOException e) {
            throw new IOException("uploading " + file + " to the teacher's peer " + to + " failed: " + e.getMessage(), e);
        }
        JsonNode body;
        try {
            body = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            throw new IOException("the teacher's peer " + to + " answered the upload with " + response.status()
                    + " and no JSON", e);
        }
        if (response.status() != 201) {
            throw new IllegalStateException("upload of " + file + " refused by " + to + ": "
                    + body.path("error").asText("?") + " (" + response.status() + ")");
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
