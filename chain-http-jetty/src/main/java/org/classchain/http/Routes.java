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
import java.util.concurrent.CompletableFuture;
import org.classchain.CommandReport;
import org.classchain.Hash;
import org.classchain.Receipt;
import org.classchain.wire.Message;
import org.classchain.wire.Message.Ack;
import org.classchain.wire.Message.CommandReply;
import org.classchain.wire.Message.GetCommand;
import org.classchain.wire.Message.GetHead;
import org.classchain.wire.Message.GetStatus;
import org.classchain.wire.Message.HeadReply;
import org.classchain.wire.Message.Rejected;
import org.classchain.wire.Message.StatusReply;
import org.classchain.wire.Message.ViewCheck;
import org.classchain.wire.MessageHandler;
import org.eclipse.jetty.util.Fields;

/**
 * The server side of {@link RouteTable} under {@code /api/v1}: each row served (its request read,
 * the {@link MessageHandler} asked, its reply written), plus the few routes that are not one
 * message (a receipt's attachment, the chain summary, the console's room), and the lookup of a
 * route by method and path. Transport concerns (rate limits, body limits, timeouts, writing) are
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
    /** The answer to an announcement of a known block, as the route itself would write it. */
    private final byte[] known;

    private Routes(List<Route> routes, MessageHandler handler, byte[] known) {
        this.routes = List.copyOf(routes);
        this.handler = handler;
        this.known = known;
    }

    /** Every route, in the order they are tried. */
    List<Route> routes() {
        return routes;
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
     * The rows of {@link RouteTable} over {@code handler}, then the routes that are not one
     * message: a receipt's attachment, the chain summary and, when {@code room} is given, the
     * console's {@code GET /room}.
     *
     * @param bodyLimit the limit for JSON bodies; a row may ask for more (block announcements)
     * @param room the console's room view, or null
     */
    static Routes api(MessageHandler handler, WireJson wire, int bodyLimit, RoomView room) {
        List<Route> routes = new ArrayList<>();
        for (RouteTable.Row row : RouteTable.ROWS) {
            boolean body = row.method().equals("POST");
            routes.add(new Route(row.method(), row.template(), body, body ? Math.max(bodyLimit, row.minBodyLimit()) : 0,
                    endpoint(handler, wire, row)));
        }
        // receipts' attachments (screens) only with the teacher's view token
        routes.add(new Route("GET", ATTACHMENT, false, 0, call -> attachment(handler, wire, call)));
        routes.add(new Route("GET", "/chain/summary", false, 0, call -> summary(handler, wire, call.from())));
        routes.add(new Route("GET", SCREEN, false, 0, call -> screen(handler, call)));
        if (room != null) {
            routes.add(new Route("GET", "/room", false, 0, call -> room.serve(call.from())));
        }
        // GET /events (server-sent events) needs the Jetty Response itself: ApiHandler serves it
        // before these routes.
        return new Routes(routes, handler, wire.write(new Ack("known")));
    }

    /**
     * The header in which a block announcement ({@code POST /blocks}) names its block's hash
     * ahead of the body: a peer that holds that block answers {@code {"detail":"known"}} without
     * reading the body (ROUTES.md). Only a hint: a body that is read is judged by its own hash.
     */
    static final String BLOCK_HASH_HEADER = "X-Classchain-Block";

    /**
     * The answer to a block announcement whose {@link #BLOCK_HASH_HEADER} names a block the
     * handler already holds, or null when the body must be read (another route, no header, a
     * header that is not a hash, a block not known).
     */
    Reply knownAnnouncement(Match match, String hashHeader) {
        if (hashHeader == null || !match.route().method().equals("POST") || !match.route().template().equals("/blocks")) {
            return null;
        }
        Hash hash;
        try {
            hash = Hash.fromHex(hashHeader.trim());
        } catch (RuntimeException e) {
            return null; // a malformed hint is no hint: the body decides
        }
        return handler.knowsBlock(hash) ? Reply.json(200, known) : null;
    }

    /** The path of a receipt's attachment. */
    static final String ATTACHMENT = "/commands/{id}/attachments/{peerId}";

    /**
     * Serves one row: the request read, the view token checked first when the row takes one, the
     * handler asked, its reply written (a {@link Rejected} as its status).
     */
    private static Endpoint endpoint(MessageHandler handler, WireJson wire, RouteTable.Row row) {
        return call -> {
            Message request = row.requestCodec().read(call, wire);
            ViewCheck token = row.viewed() ? viewToken(call.query()) : null;
            CompletableFuture<Reply> allowed = token == null ? CompletableFuture.completedFuture(null)
                    : view(handler, call.from(), token);
            return allowed.thenCompose(refusal -> refusal != null ? CompletableFuture.completedFuture(refusal)
                    : ask(handler, call.from(), request).thenApply(reply -> {
                        if (reply instanceof Rejected r) {
                            return rejected(r);
                        }
                        Encoded e = row.replyCodec().write(as(row.reply(), reply), call, !row.viewed() || token != null,
                                wire);
                        return e.raw() != null ? e.raw() : Reply.json(e.status(), WireJson.bytes(e.json()));
                    }));
        };
    }

    /** The attachment of a command's receipt from one peer: only with a view token the peer accepts (401 without). */
    private static CompletableFuture<Reply> attachment(MessageHandler handler, WireJson wire, Call call)
            throws HttpProblem {
        ObjectNode id = JsonNodeFactory.instance.objectNode().put("id", call.params().get("id"));
        GetCommand request = wire.read(id, GetCommand.class);
        ViewCheck token = viewToken(call.query());
        if (token == null) {
            return CompletableFuture.completedFuture(rejected(Rejected.of(401,
                    "screens and other attachments are the teacher's: sign in as the teacher at this peer")));
        }
        return view(handler, call.from(), token).thenCompose(refusal -> refusal != null
                ? CompletableFuture.completedFuture(refusal)
                : ask(handler, call.from(), request).thenApply(reply -> reply instanceof Rejected r ? rejected(r)
                        : attachment(as(CommandReply.class, reply).report(), call.params().get("peerId"))));
    }

    /** The path of a computer's screens, for the teacher's console. */
    static final String SCREEN = "/screens/{nodeId}";
    /** A thumbnail's width when the console names none. */
    static final int THUMBNAIL_WIDTH = 320;

    /**
     * A picture of one computer's screens, as its own JPEG bytes for an {@code <img>}: only with a
     * view token the peer accepts (401 without); the peer fetches it off the chain
     * ({@link Message.GetScreen}). Never cached: a screen changes.
     */
    private static CompletableFuture<Reply> screen(MessageHandler handler, Call call) throws HttpProblem {
        ViewCheck token = viewToken(call.query());
        if (token == null) {
            return CompletableFuture.completedFuture(rejected(Rejected.of(401,
                    "screens are the teacher's: sign in as the teacher at this peer")));
        }
        String nodeId = call.params().get("nodeId");
        if (!nodeId.matches("[0-9a-f]{1,128}")) {
            throw HttpProblem.badRequest("a node id is lower-case hex digits");
        }
        int width = THUMBNAIL_WIDTH;
        String w = call.query().getValue("width");
        if (w != null) {
            try {
                width = Integer.parseInt(w.trim());
            } catch (NumberFormatException e) {
                throw HttpProblem.badRequest("query parameter 'width' must be a whole number");
            }
        }
        return ask(handler, call.from(), new Message.GetScreen(nodeId, width, token)).thenApply(reply -> {
            if (reply instanceof Rejected r) {
                return rejected(r);
            }
            Message.ScreenFrame frame = as(Message.ScreenFrame.class, reply);
            String type = frame.picture().contentType().toLowerCase(Locale.ROOT).trim();
            return new Reply(200, IMAGE_TYPES.contains(type) ? type : BlockWire.OCTETS, frame.picture().content(), 0);
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
            ObjectNode st = wire.tree(as(StatusReply.class, s));
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.set("chainId", st.get("chainId"));
            o.set("role", st.get("role"));
            o.set("nodeId", st.get("nodeId"));
            o.set("height", st.get("height"));
            o.set("headHash", st.get("headHash"));
            o.set("cumulativeWork", wire.tree(as(HeadReply.class, h)).get("cumulativeWork"));
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
    private static Reply attachment(CommandReport report, String peerId) {
        for (Receipt r : report.receipts()) {
            if (r.peerId().equals(peerId) && r.attachment() != null) {
                String type = r.attachment().contentType().toLowerCase(Locale.ROOT).trim();
                String served = IMAGE_TYPES.contains(type) ? type : BlockWire.OCTETS;
                return new Reply(200, served, r.attachment().content(), 0, "private, max-age=86400");
            }
        }
        return Reply.json(404, WireJson.bytes(WireJson.error(404, "no attachment from " + peerId + " for command "
                + report.id())));
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

    /** The reply as the type the route expects; anything else is the handler's bug, a 500. */
    static <T extends Message> T as(Class<T> type, Message reply) {
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
}
