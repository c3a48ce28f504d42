package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import org.classchain.wire.Message;
import org.classchain.wire.Message.Rejected;

/**
 * The client side of {@link RouteTable}: which method, path and body carry a request, and how the
 * status and body that come back become the reply {@link Message}.
 *
 * <p>Thread-safe.
 */
final class ClientCalls {

    /**
     * One HTTP call.
     *
     * @param body the JSON body, or null for a GET
     * @param octets whether to ask for the length-prefixed block form
     * @param maxResponseBytes the largest response accepted
     */
    record HttpCall(String method, String pathAndQuery, byte[] body, boolean octets, int maxResponseBytes) {
    }

    /** Responses other than block pages stay under this (a command report with a hundred thumbnails fits). */
    static final int MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

    private final WireJson wire;
    /** The block announcement encoded last, by identity: its body is never written to after. */
    private volatile Encoded lastAnnouncement;

    private record Encoded(Message request, HttpCall call) {
    }

    ClientCalls(WireJson wire) {
        this.wire = wire;
    }

    /**
     * The call that carries {@code request}, as its row in {@link RouteTable} says.
     *
     * @throws IllegalArgumentException when {@code request} is a reply, not a request
     */
    HttpCall toHttp(Message request) {
        Encoded e = lastAnnouncement;
        if (e != null && e.request() == request) {
            return e.call(); // a block relayed to each neighbour in turn is encoded once, not once per neighbour
        }
        HttpCall call = encode(request);
        if (request instanceof Message.BlockAnnouncement) {
            lastAnnouncement = new Encoded(request, call);
        }
        return call;
    }

    private HttpCall encode(Message request) {
        RouteTable.Row row = row(request);
        RouteTable.Outgoing out = row.requestCodec().write(row, request, wire);
        return new HttpCall(row.method(), Routes.PREFIX + out.pathAndQuery(), out.body(), row.replyCodec().octets(),
                row.replyCodec().maxResponseBytes());
    }

    private static RouteTable.Row row(Message request) {
        if (request == null) {
            throw new IllegalArgumentException("no request");
        }
        return RouteTable.row(request.getClass()).orElseThrow(() -> new IllegalArgumentException(
                "a " + request.getClass().getSimpleName() + " is a reply, not a request"));
    }

    /**
     * The reply to {@code request} from the response. A non-2xx status is a {@link Rejected}
     * (the peer answered); a 2xx body that does not read is an {@link IOException}.
     */
    Message fromHttp(Message request, int status, String mediaType, byte[] body, String retryAfter) throws IOException {
        RouteTable.ReplyCodec codec = row(request).replyCodec();
        if (status < 200 || status > 299) {
            Message answer = codec.answerFor(status);
            return answer != null ? answer : rejection(status, mediaType, body, retryAfter);
        }
        try {
            return codec.read(mediaType, body, wire);
        } catch (HttpProblem p) {
            throw new IOException("malformed reply to " + request.getClass().getSimpleName() + ": " + p.getMessage(), p);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("malformed reply to " + request.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private Rejected rejection(int status, String mediaType, byte[] body, String retryAfter) {
        long retry = 0;
        if (retryAfter != null) {
            try {
                retry = Math.max(0, Long.parseLong(retryAfter.trim()));
            } catch (NumberFormatException e) {
                retry = 0;
            }
        }
        String reason = "HTTP " + status;
        if (mediaType != null && mediaType.equalsIgnoreCase(Routes.JSON)) {
            try {
                JsonNode json = wire.parse(body);
                JsonNode error = json.get("error");
                if (error != null && error.isTextual()) {
                    reason = error.textValue();
                }
            } catch (HttpProblem e) {
                // keep the bare status as the reason
            }
        }
        return new Rejected(status, reason, retry);
    }
}
