package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.classchain.Block;
import org.classchain.CommandReport;
import org.classchain.Hash;
import org.classchain.Receipt;
import org.classchain.wire.Message;
import org.classchain.wire.Message.Ack;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.Blocks;
import org.classchain.wire.Message.CommandReply;
import org.classchain.wire.Message.GetBlock;
import org.classchain.wire.Message.GetBlocks;
import org.classchain.wire.Message.GetCommand;
import org.classchain.wire.Message.GetHead;
import org.classchain.wire.Message.GetModules;
import org.classchain.wire.Message.GetPeers;
import org.classchain.wire.Message.GetStatus;
import org.classchain.wire.Message.GrantIssued;
import org.classchain.wire.Message.HeadReply;
import org.classchain.wire.Message.ModulesReply;
import org.classchain.wire.Message.PeersReply;
import org.classchain.wire.Message.Rejected;
import org.classchain.wire.Message.StatusReply;
import org.classchain.wire.Message.SubmitBatch;
import org.classchain.wire.Message.Submitted;
import org.classchain.wire.Message.ViewCheck;
import org.classchain.wire.Message.Welcome;
import org.classchain.wire.MessageHandler;
import org.eclipse.jetty.util.Fields;

/**
 * The server's route table under {@code /api/v1}: for each method and path, how the request
 * becomes a {@link Message} for the {@link MessageHandler} and how its reply becomes a status and
 * a body. Transport concerns (rate limits, body limits, timeouts, writing) are
 * {@link ApiHandler}'s.
 *
 * <p>Immutable and thread-safe once built.
 */
final class Routes {

    /** Routes live under this prefix. */
    static final String PREFIX = "/api/v1";
    /** Largest page of blocks a client may ask for. */
    static final int MAX_PAGE = 1000;
    /** Page size when {@code limit} is not given. */
    static final int DEFAULT_PAGE = 100;
    static final String JSON = "application/json";

    /**
     * What a route answers with.
     *
     * @param cacheControl the {@code Cache-Control} header: {@code no-store} unless a route says otherwise
     */
    record Reply(int status, String contentType, byte[] body, long retryAfterSeconds, String cacheControl) {
        Reply(int status, String contentType, byte[] body, long retryAfterSeconds) {
            this(status, contentType, body, retryAfterSeconds, "no-store");
        }

        static Reply json(int status, byte[] body) {
            return new Reply(status, JSON, body, 0);
        }
    }

    /** A parsed request as an endpoint sees it. */
    record Call(String from, Map<String, String> params, Fields query, JsonNode body, boolean wantsOctets) {
    }

    /** Serves one route; may complete later. */
    @FunctionalInterface
    interface Endpoint {
        CompletableFuture<Reply> serve(Call call) throws HttpProblem;
    }

    /**
     * One route.
     *
     * @param jsonBody whether it takes a JSON body (and so checks Content-Type and size)
     * @param bodyLimit the body limit in bytes, when it takes a body
     */
    record Route(String method, String template, boolean jsonBody, int bodyLimit, Endpoint endpoint) {
        List<String> segments() {
            return List.of(template.substring(1).split("/"));
        }
    }

    /** A route found for a request, with the values of its {@code {placeholders}}. */
    record Match(Route route, Map<String, String> params) {
    }

    private final List<Route> routes;
    private final MessageHandler handler;

    private Routes(List<Route> routes, MessageHandler handler) {
        this.routes = List.copyOf(routes);
        this.handler = handler;
    }

    /**
     * Asks the peer whether a view token opens the teacher's private views.
     *
     * @return null when it does, else the refusal to answer with (401)
     */
    CompletableFuture<Reply> view(String from, ViewCheck token) {
        return view(handler, from, token);
    }

    private static CompletableFuture<Reply> view(MessageHandler handler, String from, ViewCheck token) {
        return ask(handler, from, token).thenApply(m -> m instanceof Ack ? null
                : m instanceof Rejected r ? rejected(r) : rejected(Rejected.of(401, "no view")));
    }

    /**
     * The view token of a request's query, {@code session}, {@code until} (epoch ms) and
     * {@code mac} (64 hex digits): null when none of them is given.
     *
     * @throws HttpProblem 400 when only some are given, or one is malformed
     */
    static ViewCheck viewToken(Fields query) throws HttpProblem {
        String session = query == null ? null : query.getValue("session");
        String until = query == null ? null : query.getValue("until");
        String mac = query == null ? null : query.getValue("mac");
        if (session == null && until == null && mac == null) {
            return null;
        }
        if (session == null || until == null || mac == null || session.isEmpty() || session.length() > 256) {
            throw HttpProblem.badRequest("a view token is the query parameters session, until and mac, all three");
        }
        if (!mac.matches("[0-9a-fA-F]{64}")) {
            throw HttpProblem.badRequest("query parameter 'mac' must be 64 hex digits");
        }
        long untilMillis;
        try {
            untilMillis = Long.parseLong(until.trim());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("query parameter 'until' must be a whole number (epoch ms)");
        }
        return new ViewCheck(session, untilMillis, java.util.HexFormat.of().parseHex(mac));
    }

    /**
     * Finds the route for a method and a path below {@link #PREFIX}.
     *
     * @throws HttpProblem 404 when no route has this path, 405 when none has this method
     */
    Match find(String method, String path) throws HttpProblem {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        List<String> given = p.isEmpty() || p.equals("/") ? List.of() : List.of(p.substring(1).split("/", -1));
        TreeSet<String> allowed = new TreeSet<>();
        for (Route r : routes) {
            Map<String, String> params = match(r.segments(), given);
            if (params == null) {
                continue;
            }
            if (r.method().equals(method)) {
                return new Match(r, params);
            }
            allowed.add(r.method());
        }
        if (allowed.isEmpty()) {
            throw new HttpProblem(404, "no route " + PREFIX + p);
        }
        throw HttpProblem.methodNotAllowed(method + " is not allowed on " + PREFIX + p + "; use "
                + String.join(", ", allowed), String.join(", ", allowed));
    }

    private static Map<String, String> match(List<String> template, List<String> given) {
        if (template.size() != given.size()) {
            return null;
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{")) {
                if (given.get(i).isEmpty()) {
                    return null;
                }
                params.put(t.substring(1, t.length() - 1), given.get(i));
            } else if (!t.equals(given.get(i))) {
                return null;
            }
        }
        return params;
    }

    // ------------------------------------------------------------------ the table

    /**
     * The routes of DESIGN section 7 over {@code handler}.
     *
     * @param bodyLimit the limit for JSON bodies; block announcements get at least enough for one
     *                  maximal block
     */
    static Routes api(MessageHandler handler, WireJson wire, int bodyLimit) {
        return api(handler, wire, bodyLimit, null);
    }

    /**
     * The routes of DESIGN section 7 over {@code handler}, plus the console's {@code GET /room}
     * when {@code room} is given.
     */
    static Routes api(MessageHandler handler, WireJson wire, int bodyLimit, RoomView room) {
        Builder b = new Builder(handler, bodyLimit);
        BlockWire blocks = wire.blocks();

        // peer to peer
        b.post("/peers", call -> wire.readHello(call.body()),
                reply -> ok(wire.welcome(as(Welcome.class, reply))));
        b.post("/blocks", Math.max(bodyLimit, BlockWire.MAX_BLOCK_BODY_BYTES),
                call -> wire.readAnnouncement(call.body()),
                reply -> ok(WireJson.ack(as(Ack.class, reply))));
        b.get("/blocks", Routes::readGetBlocks, (reply, call) -> blockPage(wire, as(Blocks.class, reply).blocks(), call));
        b.get("/blocks/{hash}", call -> new GetBlock(hashParam(call.params().get("hash"))), (reply, call) -> {
            List<Block> found = as(Blocks.class, reply).blocks();
            if (found.isEmpty()) {
                return error(404, "no block " + call.params().get("hash"));
            }
            return ok(blocks.toJson(found.get(0)));
        });
        b.get("/head", call -> new GetHead(), reply -> ok(wire.head(as(HeadReply.class, reply).head())));
        b.post("/auth/relay", call -> wire.readRelay(call.body()), reply -> ok(wire.typedReply(reply)));
        b.post("/receipts", call -> wire.readReceipts(call.body()), reply -> ok(WireJson.ack(as(Ack.class, reply))));

        // clients
        b.post("/auth/start", call -> WireJson.readAuthStart(call.body()),
                reply -> ok(WireJson.challenge(as(AuthChallenge.class, reply))));
        b.post("/auth/finish", call -> WireJson.readAuthFinish(call.body()),
                reply -> ok(WireJson.confirmed(as(AuthConfirmed.class, reply))));
        b.post("/auth/login", call -> WireJson.readLogin(call.body()),
                reply -> ok(WireJson.ack(as(Ack.class, reply))));
        b.post("/auth/enroll", call -> WireJson.readEnroll(call.body()),
                reply -> ok(WireJson.ack(as(Ack.class, reply))));
        b.post("/accounts", call -> WireJson.readRegister(call.body()),
                reply -> ok(WireJson.ack(as(Ack.class, reply))));
        b.get("/accounts", call -> new Message.GetAccounts(),
                reply -> ok(wire.accounts(as(Message.AccountsReply.class, reply))));
        b.post("/accounts/credential", call -> WireJson.readCredentialRequest(call.body()),
                reply -> ok(WireJson.credentialTransfer(as(org.classchain.wire.Message.CredentialTransfer.class, reply))));
        b.post("/auth/grant", call -> wire.readGrantRequest(call.body()),
                reply -> ok(wire.grantIssued(as(GrantIssued.class, reply))));
        b.post("/commands", call -> new SubmitBatch(wire.readGrantRequest(call.body())),
                reply -> new Encoded(202, WireJson.submitted(as(Submitted.class, reply))));
        // receipts' attachments (screens) only with the teacher's view token; without one a report
        // describes them, and the attachment route answers 401
        b.route(new Route("GET", "/commands/{id}", false, 0, call -> viewed(handler, call, false,
                reply -> ok(WireJson.commandReport(as(CommandReply.class, reply).report(), true)),
                reply -> ok(WireJson.commandReport(as(CommandReply.class, reply).report(), false)))));
        b.route(new Route("GET", "/commands/{id}/attachments/{peerId}", false, 0, call -> viewed(handler, call, true,
                reply -> attachment(as(CommandReply.class, reply).report(), call.params().get("peerId")), null)));
        b.get("/status", call -> new GetStatus(), reply -> ok(WireJson.status(as(StatusReply.class, reply).status())));
        b.get("/modules", call -> new GetModules(), reply -> ok(WireJson.modules(as(ModulesReply.class, reply))));
        b.get("/peers", call -> new GetPeers(), reply -> ok(WireJson.peers(as(PeersReply.class, reply))));
        b.route(new Route("GET", "/chain/summary", false, 0, call -> summary(handler, wire, call.from())));
        if (room != null) {
            b.route(new Route("GET", "/room", false, 0, call -> room.serve(call.from())));
        }
        // GET /events (server-sent events) needs the Jetty Response itself: ApiHandler serves it
        // before these routes.
        return new Routes(b.routes, handler);
    }

    /**
     * A command's report, through the teacher's view token when the request carries one (then
     * {@code teacher} encodes it) or requires one ({@code anonymous} null: 401 without it).
     */
    private static CompletableFuture<Reply> viewed(MessageHandler handler, Call call, boolean required,
                                                   SimpleEncoder teacher, SimpleEncoder anonymous) throws HttpProblem {
        GetCommand request = new GetCommand(uuidParam(call.params().get("id")));
        ViewCheck token = viewToken(call.query());
        if (token == null && required) {
            return CompletableFuture.completedFuture(rejected(Rejected.of(401,
                    "screens and other attachments are the teacher's: sign in as the teacher at this peer")));
        }
        CompletableFuture<Reply> allowed = token == null ? CompletableFuture.completedFuture(null)
                : view(handler, call.from(), token);
        return allowed.thenCompose(refusal -> {
            if (refusal != null) {
                return CompletableFuture.completedFuture(refusal);
            }
            SimpleEncoder encoder = token == null ? anonymous : teacher;
            return ask(handler, call.from(), request).thenApply(reply -> {
                if (reply instanceof Rejected r) {
                    return rejected(r);
                }
                Encoded e = encoder.encode(reply);
                return e.raw() != null ? e.raw() : Reply.json(e.status(), WireJson.bytes(e.json()));
            });
        });
    }

    /** {@code {"chainId", "role", "nodeId", "height", "headHash", "cumulativeWork"}}: status and head together. */
    private static CompletableFuture<Reply> summary(MessageHandler handler, WireJson wire, String from) {
        CompletableFuture<Message> status = ask(handler, from, new GetStatus());
        CompletableFuture<Message> head = ask(handler, from, new GetHead());
        return status.thenCombine(head, (s, h) -> {
            if (s instanceof Rejected r) {
                return rejected(r);
            }
            if (h instanceof Rejected r) {
                return rejected(r);
            }
            ObjectNode st = WireJson.status(as(StatusReply.class, s).status());
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.set("chainId", st.get("chainId"));
            o.set("role", st.get("role"));
            o.set("nodeId", st.get("nodeId"));
            o.set("height", st.get("height"));
            o.set("headHash", st.get("headHash"));
            o.set("cumulativeWork", wire.head(as(HeadReply.class, h).head()).get("cumulativeWork"));
            return Reply.json(200, WireJson.bytes(o));
        });
    }

    /** Content types an attachment is served as; anything else is a download of octets. */
    private static final Set<String> IMAGE_TYPES = Set.of("image/jpeg", "image/png", "image/gif",
            "image/webp");

    /**
     * The attachment of {@code peerId}'s receipt as its own bytes, for an {@code <img>}. A receipt
     * is never replaced, so its attachment may be cached; a type that is not a plain image is sent
     * as {@code application/octet-stream} so that no peer can make the console render its HTML.
     */
    private static Encoded attachment(CommandReport report, String peerId) {
        for (Receipt r : report.receipts()) {
            if (r.peerId().equals(peerId) && r.attachment() != null) {
                String type = r.attachment().contentType().toLowerCase(Locale.ROOT).trim();
                String served = IMAGE_TYPES.contains(type) ? type : BlockWire.OCTETS;
                return new Encoded(new Reply(200, served, r.attachment().content(), 0, "private, max-age=86400"));
            }
        }
        return error(404, "no attachment from " + peerId + " for command " + report.id());
    }

    private static GetBlocks readGetBlocks(Call call) throws HttpProblem {
        long from = queryLong(call.query(), "from", 0);
        long limit = queryLong(call.query(), "limit", DEFAULT_PAGE);
        if (from < 0) {
            throw HttpProblem.badRequest("query parameter 'from' must be >= 0");
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw HttpProblem.badRequest("query parameter 'limit' must be between 1 and " + MAX_PAGE);
        }
        return new GetBlocks(from, (int) limit);
    }

    private static Encoded blockPage(WireJson wire, List<Block> page, Call call) {
        List<byte[]> encoded = wire.blocks().encodePage(page);
        if (call.wantsOctets()) {
            return new Encoded(new Reply(200, BlockWire.OCTETS, BlockWire.frames(encoded), 0));
        }
        return ok(wire.blocks().pageJson(page, encoded));
    }

    private static long queryLong(Fields query, String name, long fallback) throws HttpProblem {
        String v = query == null ? null : query.getValue(name);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw HttpProblem.badRequest("query parameter '" + name + "' must be a whole number");
        }
    }

    private static Hash hashParam(String hex) throws HttpProblem {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
            throw HttpProblem.badRequest("a block hash is 64 hex digits");
        }
        return Hash.fromHex(hex);
    }

    private static UUID uuidParam(String s) throws HttpProblem {
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("a command id is a UUID");
        }
    }

    // ------------------------------------------------------------------ plumbing

    /** A reply encoded by a route, before it is written; a JSON tree is serialised by the caller. */
    record Encoded(int status, JsonNode json, Reply raw) {
        Encoded(int status, JsonNode json) {
            this(status, json, null);
        }

        Encoded(Reply raw) {
            this(raw.status(), null, raw);
        }
    }

    private interface Decoder {
        Message decode(Call call) throws HttpProblem;
    }

    private interface Encoder {
        Encoded encode(Message reply, Call call);
    }

    private interface SimpleEncoder {
        Encoded encode(Message reply);
    }

    private static Encoded ok(JsonNode json) {
        return new Encoded(200, json);
    }

    private static Encoded error(int status, String message) {
        return new Encoded(status, WireJson.error(status, message));
    }

    /** The reply as the type the route expects; anything else is the handler's bug, a 500. */
    private static <T extends Message> T as(Class<T> type, Message reply) {
        if (!type.isInstance(reply)) {
            throw new IllegalStateException("the peer answered " + (reply == null ? "null" : reply.getClass().getSimpleName())
                    + " where " + type.getSimpleName() + " was expected");
        }
        return type.cast(reply);
    }

    /** A refusal as its status and error body; codes outside 400..599 become 500. */
    static Reply rejected(Rejected r) {
        int code = r.code() >= 400 && r.code() <= 599 ? r.code() : 500;
        String reason = r.reason() == null ? "rejected" : r.reason();
        return new Reply(code, JSON, WireJson.bytes(WireJson.error(code, reason)), Math.max(0, r.retryAfterSeconds()));
    }

    /** Calls the handler, turning a throw or a null into a failed future. */
    static CompletableFuture<Message> ask(MessageHandler handler, String from, Message request) {
        try {
            CompletableFuture<Message> f = handler.handle(from, request);
            return Objects.requireNonNullElseGet(f,
                    () -> CompletableFuture.failedFuture(new IllegalStateException("the handler returned no future")));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static final class Builder {
        private final MessageHandler handler;
        private final int bodyLimit;
        private final List<Route> routes = new ArrayList<>();

        Builder(MessageHandler handler, int bodyLimit) {
            this.handler = handler;
            this.bodyLimit = bodyLimit;
        }

        void route(Route r) {
            routes.add(r);
        }

        void post(String template, Decoder decoder, SimpleEncoder encoder) {
            post(template, bodyLimit, decoder, encoder);
        }

        void post(String template, int limit, Decoder decoder, SimpleEncoder encoder) {
            routes.add(new Route("POST", template, true, limit, messageEndpoint(decoder, (m, c) -> encoder.encode(m))));
        }

        void get(String template, Decoder decoder, SimpleEncoder encoder) {
            get(template, decoder, (m, c) -> encoder.encode(m));
        }

        void get(String template, Decoder decoder, Encoder encoder) {
            routes.add(new Route("GET", template, false, 0, messageEndpoint(decoder, encoder)));
        }

        private Endpoint messageEndpoint(Decoder decoder, Encoder encoder) {
            return call -> {
                Message request = decoder.decode(call);
                return ask(handler, call.from(), request).thenApply(reply -> {
                    if (reply instanceof Rejected r) {
                        return rejected(r);
                    }
                    Encoded e = encoder.encode(reply, call);
                    return e.raw() != null ? e.raw() : Reply.json(e.status(), WireJson.bytes(e.json()));
                });
            };
        }
    }
}
