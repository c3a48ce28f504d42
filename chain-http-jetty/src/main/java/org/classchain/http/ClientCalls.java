package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthRelay;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.BlockAnnouncement;
import org.classchain.wire.Message.Blocks;
import org.classchain.wire.Message.GetBlock;
import org.classchain.wire.Message.GetBlocks;
import org.classchain.wire.Message.GetCommand;
import org.classchain.wire.Message.GetHead;
import org.classchain.wire.Message.GetModules;
import org.classchain.wire.Message.GetPeers;
import org.classchain.wire.Message.GetStatus;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.HeadReply;
import org.classchain.wire.Message.Hello;
import org.classchain.wire.Message.LoginRequest;
import org.classchain.wire.Message.Receipts;
import org.classchain.wire.Message.Rejected;
import org.classchain.wire.Message.SubmitBatch;

/**
 * The client side of {@link Routes}: which method, path and body carry a request, and how the
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

    ClientCalls(WireJson wire) {
        this.wire = wire;
    }

    /**
     * The call that carries {@code request}.
     *
     * @throws IllegalArgumentException when {@code request} is a reply, not a request
     */
    HttpCall toHttp(Message request) {
        if (request instanceof Hello m) {
            return post("/peers", wire.hello(m));
        } else if (request instanceof BlockAnnouncement m) {
            return post("/blocks", wire.announcement(m));
        } else if (request instanceof GetBlocks m) {
            int limit = Math.min(m.limit(), Routes.MAX_PAGE);
            return new HttpCall("GET", Routes.PREFIX + "/blocks?from=" + m.from() + "&limit=" + limit, null, true,
                    BlockWire.MAX_PAGE_RESPONSE_BYTES);
        } else if (request instanceof GetBlock m) {
            return get("/blocks/" + m.hash().hex());
        } else if (request instanceof GetHead) {
            return get("/head");
        } else if (request instanceof AuthRelay m) {
            return post("/auth/relay", wire.relay(m));
        } else if (request instanceof Receipts m) {
            return post("/receipts", wire.receipts(m));
        } else if (request instanceof AuthStart m) {
            return post("/auth/start", WireJson.authStart(m));
        } else if (request instanceof AuthFinish m) {
            return post("/auth/finish", WireJson.authFinish(m));
        } else if (request instanceof LoginRequest m) {
            return post("/auth/login", WireJson.login(m));
        } else if (request instanceof Message.EnrollRequest m) {
            return post("/auth/enroll", WireJson.enroll(m));
        } else if (request instanceof Message.GetAccounts) {
            return get("/accounts");
        } else if (request instanceof GrantRequest m) {
            return post("/auth/grant", wire.grantRequest(m));
        } else if (request instanceof SubmitBatch m) {
            return post("/commands", wire.grantRequest(m.request()));
        } else if (request instanceof GetStatus) {
            return get("/status");
        } else if (request instanceof GetCommand m) {
            return get("/commands/" + URLEncoder.encode(String.valueOf(m.id()), StandardCharsets.UTF_8));
        } else if (request instanceof GetModules) {
            return get("/modules");
        } else if (request instanceof GetPeers) {
            return get("/peers");
        } else if (request instanceof Message.RegisterAccount m) {
            return post("/accounts", WireJson.register(m));
        } else if (request instanceof Message.CredentialRequest m) {
            return post("/accounts/credential", WireJson.credentialRequest(m));
        }
        throw new IllegalArgumentException(request == null ? "no request"
                : "a " + request.getClass().getSimpleName() + " is a reply, not a request");
    }

    private static HttpCall post(String path, JsonNode body) {
        return new HttpCall("POST", Routes.PREFIX + path, WireJson.bytes(body), false, MAX_RESPONSE_BYTES);
    }

    private static HttpCall get(String path) {
        return new HttpCall("GET", Routes.PREFIX + path, null, false, MAX_RESPONSE_BYTES);
    }

    /**
     * The reply to {@code request} from the response. A non-2xx status is a {@link Rejected}
     * (the peer answered); a 2xx body that does not read is an {@link IOException}.
     */
    Message fromHttp(Message request, int status, String mediaType, byte[] body, String retryAfter) throws IOException {
        if (status < 200 || status > 299) {
            if (status == 404 && request instanceof GetBlock) {
                return new Blocks(List.of());
            }
            return rejection(status, mediaType, body, retryAfter);
        }
        try {
            if (request instanceof GetBlocks && BlockWire.OCTETS.equalsIgnoreCase(mediaType)) {
                return new Blocks(wire.blocks().fromFrames(body));
            }
            if (mediaType == null || !mediaType.equalsIgnoreCase(Routes.JSON)) {
                throw new IOException("expected application/json, got " + mediaType);
            }
            JsonNode json = wire.parse(body);
            return readReply(request, json);
        } catch (HttpProblem p) {
            throw new IOException("malformed reply to " + request.getClass().getSimpleName() + ": " + p.getMessage(), p);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("malformed reply to " + request.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private Message readReply(Message request, JsonNode json) throws HttpProblem {
        if (request instanceof Hello) {
            return wire.readWelcome(json);
        } else if (request instanceof BlockAnnouncement || request instanceof Receipts || request instanceof LoginRequest
                || request instanceof Message.RegisterAccount || request instanceof Message.EnrollRequest) {
            return WireJson.readAck(json);
        } else if (request instanceof Message.GetAccounts) {
            return wire.readAccounts(json);
        } else if (request instanceof GetBlocks) {
            return new Blocks(wire.blocks().pageFromJson(json));
        } else if (request instanceof GetBlock) {
            return new Blocks(List.of(wire.blocks().fromJson(json)));
        } else if (request instanceof GetHead) {
            return new HeadReply(wire.readHead(json));
        } else if (request instanceof AuthRelay) {
            return wire.readTypedReply(json);
        } else if (request instanceof Message.CredentialRequest) {
            return WireJson.readCredentialTransfer(json);
        } else if (request instanceof AuthStart) {
            return WireJson.readChallenge(json);
        } else if (request instanceof AuthFinish) {
            return WireJson.readConfirmed(json);
        } else if (request instanceof GrantRequest) {
            return wire.readGrantIssued(json);
        } else if (request instanceof SubmitBatch) {
            return WireJson.readSubmitted(json);
        } else if (request instanceof GetStatus) {
            return WireJson.readStatus(json);
        } else if (request instanceof GetCommand) {
            return WireJson.readCommandReport(json);
        } else if (request instanceof GetModules) {
            return WireJson.readModules(json);
        } else if (request instanceof GetPeers) {
            return WireJson.readPeers(json);
        }
        throw new IllegalArgumentException("no reply form for " + request.getClass().getSimpleName());
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
