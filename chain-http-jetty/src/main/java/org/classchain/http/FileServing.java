package org.classchain.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.classchain.Hash;
import org.classchain.core.files.ChunkStore;
import org.classchain.core.files.FileRef;
import org.classchain.core.files.StoredFile;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files sent off the chain, as binary, beside the JSON API (everything else goes to the wrapped
 * handler):
 * <ul>
 * <li>{@code GET /api/v1/files/{root}/manifest}: the chunk digests, 32 bytes each;</li>
 * <li>{@code GET /api/v1/files/{root}/have}: which chunks this peer holds, a bitmap (bit i of
 *     byte i/8, least significant first; trailing zero bytes dropped);</li>
 * <li>{@code GET /api/v1/files/{root}/chunks/{index}}: one chunk, checked before it is sent;</li>
 * <li>{@code POST /api/v1/files?name=N&session=..&until=..&mac=..}: the teacher's upload (a
 *     {@code Content-Length} body of {@code application/octet-stream}), only with a view token of
 *     a teacher session this peer holds; answers 201 with the file's reference as JSON.</li>
 * </ul>
 * Only files in this peer's {@link ChunkStore} are served (the teacher's uploads and files
 * referenced by a teacher's command it ran): anything else is 404, so nobody can make a peer
 * store or serve arbitrary data. Errors are JSON {@code {"error", "status"}}.
 */
final class FileServing extends Handler.Wrapper {

    private static final Logger LOG = LoggerFactory.getLogger(FileServing.class);
    static final String PREFIX = Routes.PREFIX + "/files";
    static final String OCTETS = "application/octet-stream";
    /** The routes served here, as ROUTES.md names them (method and path under {@link Routes#PREFIX}). */
    static final List<String> ROUTES = List.of("GET /files/{root}/manifest", "GET /files/{root}/have",
            "GET /files/{root}/chunks/{index}", "POST /files");
    private static final Pattern GET_PATH = Pattern.compile("/([0-9a-f]{64})/(manifest|have|chunks/([0-9]{1,9}))");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChunkStore store;
    private final MessageHandler peer;
    private final int drainLimit;

    /**
     * @param drainLimit how much of a refused request's body is read and dropped before the answer,
     *                   as the JSON API does (its largest request body)
     */
    FileServing(ChunkStore store, MessageHandler peer, int drainLimit, Handler next) {
        super(next);
        this.store = store;
        this.peer = peer;
        this.drainLimit = drainLimit;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
            return super.handle(request, response, callback);
        }
        try {
            String rest = path.substring(PREFIX.length());
            if (rest.isEmpty() || rest.equals("/")) {
                upload(request, response, callback);
                return true;
            }
            Matcher m = GET_PATH.matcher(rest);
            if (!m.matches()) {
                throw new Problem(404, "no route " + path + "; files are at " + PREFIX
                        + "/{root}/manifest, /have and /chunks/{index}");
            }
            if (!request.getMethod().equals("GET")) {
                throw new Problem(405, request.getMethod() + " is not allowed on " + path + "; use GET");
            }
            StoredFile file = store.find(Hash.fromHex(m.group(1)))
                    .orElseThrow(() -> new Problem(404, "this peer holds no file with manifest root " + m.group(1)));
            byte[] body;
            if (m.group(3) != null) {
                int index = Integer.parseInt(m.group(3));
                body = file.read(index).orElseThrow(() -> new Problem(404, "this peer does not hold chunk " + index));
            } else if (m.group(2).equals("have")) {
                body = file.have().toByteArray();
            } else {
                body = file.manifest().orElseThrow(() -> new Problem(404, "this peer has no manifest of it yet")).encode();
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, OCTETS);
            response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
            response.write(true, ByteBuffer.wrap(body), callback);
        } catch (Problem p) {
            refuse(request, response, callback, p.status, problem(p.getMessage(), p.status));
        } catch (IOException | RuntimeException e) {
            LOG.warn("serving {} failed: {}", path, e.toString());
            answer(response, callback, 500, problem("the peer could not read the file: " + e.getMessage(), 500));
        }
        return true;
    }

    private void upload(Request request, Response response, Callback callback) throws Exception {
        if (!request.getMethod().equals("POST")) {
            throw new Problem(405, request.getMethod() + " is not allowed on " + PREFIX + "; use POST (an upload)");
        }
        Fields query;
        try {
            query = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw new Problem(400, "malformed query string");
        }
        Message.ViewCheck token;
        try {
            token = Routes.viewToken(query);
        } catch (HttpProblem p) {
            throw new Problem(400, p.getMessage());
        }
        if (token == null) {
            throw new Problem(401, "uploading a file is the teacher's: give the view token of the session "
                    + "(query session, until, mac) signed in at this peer");
        }
        Message verdict = peer.handle(Request.getRemoteAddr(request), token).get(10, TimeUnit.SECONDS);
        if (!(verdict instanceof Message.Ack)) {
            String why = verdict instanceof Message.Rejected r ? r.reason() : "no view";
            throw new Problem(401, why);
        }
        String name = query.getValue("name");
        if (name == null || name.isBlank() || name.length() > 255) {
            throw new Problem(400, "give the file's name as query parameter 'name' (1-255 characters)");
        }
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type != null && !type.startsWith(OCTETS)) {
            throw new Problem(415, "an upload is " + OCTETS + ", not " + type);
        }
        long length = request.getLength();
        if (length < 0) {
            throw new Problem(411, "an upload needs a Content-Length");
        }
        if (length > FileRef.MAX_SIZE) {
            throw new Problem(413, "a file is at most " + ChunkStore.bytes(FileRef.MAX_SIZE) + "; this one has "
                    + ChunkStore.bytes(length));
        }
        StoredFile f;
        try (InputStream in = Content.Source.asInputStream(request)) {
            f = store.importStream(in, name, FileRef.DEFAULT_CHUNK, length);
        } catch (IOException e) {
            throw new Problem(e.getMessage() != null && e.getMessage().startsWith("too big") ? 507 : 400,
                    "upload refused: " + e.getMessage());
        }
        FileRef ref = f.ref();
        LOG.info("teacher uploaded {} ({} bytes, root {})", ref.name(), ref.size(), ref.root().shortHex());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", ref.name());
        body.put("size", ref.size());
        body.put("sha256", ref.sha256().hex());
        body.put("root", ref.root().hex());
        body.put("chunkSize", ref.chunkSize());
        answer(response, callback, 201, body);
    }

    /**
     * Answers a refusal made before the body was read (a forged token, a wrong method, a missing
     * name) as the JSON API answers one ({@code ApiHandler}'s {@code problemBeforeBody}): the rest
     * of the body is read and dropped first, up to the drain limit and without holding a thread,
     * because closing a connection with the body unread makes the kernel reset it, and the reset
     * could reach the client before the answer, which then saw no status at all. A 413 is not
     * drained; a body past the limit gets its answer with {@code Connection: close}.
     */
    private void refuse(Request request, Response response, Callback callback, int status, Map<String, ?> body) {
        boolean hasBody = BodyReader.hasBody(request);
        if (!hasBody || status == 413) {
            if (hasBody) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            answer(response, callback, status, body);
            return;
        }
        BodyReader.discard(request, drainLimit).whenComplete((ignored, failure) -> {
            if (failure != null) {
                response.getHeaders().put(HttpHeader.CONNECTION, "close");
            }
            answer(response, callback, status, body);
        });
    }

    /** {@code {"error", "status"}} in that order, as {@link HttpProblem}'s bodies (Map.of has no order). */
    private static Map<String, Object> problem(String error, int status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("status", status);
        return body;
    }

    private static void answer(Response response, Callback callback, int status, Map<String, ?> json) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(json);
        } catch (IOException e) {
            bytes = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** A refusal with its status. */
    private static final class Problem extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;

        Problem(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }
}
