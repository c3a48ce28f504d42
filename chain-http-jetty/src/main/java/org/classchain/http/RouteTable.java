package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.classchain.Block;
import org.classchain.wire.Message;
import org.classchain.wire.Message.Ack;
import org.classchain.wire.Message.AccountsReply;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthRelay;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.BlockAnnouncement;
import org.classchain.wire.Message.Blocks;
import org.classchain.wire.Message.CommandReply;
import org.classchain.wire.Message.CredentialRequest;
import org.classchain.wire.Message.CredentialTransfer;
import org.classchain.wire.Message.EnrollRequest;
import org.classchain.wire.Message.GetAccounts;
import org.classchain.wire.Message.GetBlock;
import org.classchain.wire.Message.GetBlocks;
import org.classchain.wire.Message.GetCommand;
import org.classchain.wire.Message.GetHead;
import org.classchain.wire.Message.GetModules;
import org.classchain.wire.Message.GetPeers;
import org.classchain.wire.Message.GetStatus;
import org.classchain.wire.Message.GrantIssued;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.HeadReply;
import org.classchain.wire.Message.Hello;
import org.classchain.wire.Message.LoginRequest;
import org.classchain.wire.Message.ModulesReply;
import org.classchain.wire.Message.PeersReply;
import org.classchain.wire.Message.Receipts;
import org.classchain.wire.Message.RegisterAccount;
import org.classchain.wire.Message.ScreenFrame;
import org.classchain.wire.Message.ScreenRequest;
import org.classchain.wire.Message.StatusReply;
import org.classchain.wire.Message.SubmitBatch;
import org.classchain.wire.Message.Submitted;
import org.classchain.wire.Message.Welcome;
import org.eclipse.jetty.util.Fields;

/**
 * The wire: one row per request {@link Message}, its HTTP method, its path under
 * {@link Routes#PREFIX}, how the request travels and how its reply comes back. The server
 * ({@link Routes}) serves these rows, the client ({@link ClientCalls}) calls them, and a test
 * holds {@code ROUTES.md} to them.
 *
 * <p>Most rows need nothing but their types: a POST carries the request as its JSON body, a GET
 * carries the request's fields as the path's {@code {placeholders}}, and the reply is the 200
 * JSON of the reply type ({@link WireJson} binds them all). Adding a message is its record, its
 * handler in the peer, and one row here.
 *
 * <p>Immutable and thread-safe.
 */
final class RouteTable {

    /**
     * One request message on the wire.
     *
     * @param method GET or POST
     * @param template the path below {@link Routes#PREFIX}, with {@code {placeholders}} named for
     *                 the request's fields
     * @param request the request type
     * @param reply the reply type ({@link Message} when several may come back)
     * @param requestCodec how the request travels
     * @param replyCodec how the reply comes back
     * @param minBodyLimit the body limit of this route at least (0: the server's)
     * @param viewed whether a teacher's view token may come with it (the peer checks it first and
     *               only then are attachments sent in full)
     */
    record Row(String method, String template, Class<? extends Message> request, Class<? extends Message> reply,
               RequestCodec requestCodec, ReplyCodec replyCodec, int minBodyLimit, boolean viewed) {

        /** This row taking bodies of up to at least {@code bytes}. */
        Row bodyLimit(int bytes) {
            return new Row(method, template, request, reply, requestCodec, replyCodec, bytes, viewed);
        }

        /** This row with its request travelling as {@code codec} says. */
        Row requests(RequestCodec codec) {
            return new Row(method, template, request, reply, codec, replyCodec, minBodyLimit, viewed);
        }

        /** This row with its reply coming back as {@code codec} says. */
        Row replies(ReplyCodec codec) {
            return new Row(method, template, request, reply, requestCodec, codec, minBodyLimit, viewed);
        }

        /** This row accepting the teacher's view token. */
        Row withView() {
            return new Row(method, template, request, reply, requestCodec, replyCodec, minBodyLimit, true);
        }
    }

    /** A request as it leaves the client: the path with its query, and the body (null for a GET). */
    record Outgoing(String pathAndQuery, byte[] body) {
    }

    /** How a request travels, both ways. */
    interface RequestCodec {
        /** The server's reading of a call. */
        Message read(Routes.Call call, WireJson wire) throws HttpProblem;

        /** The client's writing of a request for {@code row}. */
        Outgoing write(Row row, Message request, WireJson wire);
    }

    /** How a reply comes back, both ways. */
    interface ReplyCodec {
        /**
         * The server's writing of a reply.
         *
         * @param full whether attachments go in full (else only described)
         */
        Routes.Encoded write(Message reply, Routes.Call call, boolean full, WireJson wire);

        /** The client's reading of a 2xx body. */
        Message read(String mediaType, byte[] body, WireJson wire) throws IOException, HttpProblem;

        /** A non-2xx status that is an answer rather than a refusal (404 for an unknown block), or null. */
        default Message answerFor(int status) {
            return null;
        }

        /** Whether the client asks for the length-prefixed octet form. */
        default boolean octets() {
            return false;
        }

        /** The largest reply the client reads. */
        default int maxResponseBytes() {
            return ClientCalls.MAX_RESPONSE_BYTES;
        }
    }

    // ------------------------------------------------------------------ the table

    /** The replies a relay may carry back, named by {@code "type"}. */
    static final List<Class<? extends Message>> RELAYED_REPLIES = List.of(AuthChallenge.class,
            AuthConfirmed.class, GrantIssued.class, Ack.class);

    /** The largest answer to a screen request: a sealed picture of at most 64 KiB in base64, and room to spare. */
    static final int MAX_SCREEN_REPLY_BYTES = 2 * org.classchain.Attachment.MAX_BYTES;

    /**
     * The largest status read from another peer: an honest one is a few KiB (its neighbours,
     * users, modules, desktop and files in progress, each bounded); the teacher's room and roster
     * ask every computer for it every few seconds.
     */
    static final int MAX_STATUS_REPLY_BYTES = 256 * 1024;

    /** Every request message's row, in the order of ROUTES.md. */
    static final List<Row> ROWS = List.of(
            // peer to peer
            post("/peers", Hello.class, Welcome.class),
            get("/peers", GetPeers.class, PeersReply.class),
            post("/blocks", BlockAnnouncement.class, Ack.class).bodyLimit(BlockWire.MAX_BLOCK_BODY_BYTES),
            get("/blocks", GetBlocks.class, Blocks.class).requests(new PageQuery()).replies(new BlockPage()),
            get("/blocks/{hash}", GetBlock.class, Blocks.class).replies(new OneBlock()),
            get("/head", GetHead.class, HeadReply.class),
            post("/auth/relay", AuthRelay.class, Message.class).replies(new Typed(RELAYED_REPLIES)),
            post("/receipts", Receipts.class, Ack.class),
            post("/screens", ScreenRequest.class, ScreenFrame.class)
                    .replies(new CappedJson(ScreenFrame.class, MAX_SCREEN_REPLY_BYTES)),
            // clients
            post("/auth/start", AuthStart.class, AuthChallenge.class),
            post("/auth/finish", AuthFinish.class, AuthConfirmed.class),
            post("/auth/login", LoginRequest.class, Ack.class),
            post("/auth/logout", Message.LogoutRequest.class, Ack.class),
            post("/auth/enroll", EnrollRequest.class, Ack.class),
            post("/auth/grant", GrantRequest.class, GrantIssued.class),
            post("/commands", SubmitBatch.class, Submitted.class).replies(new Json(Submitted.class, 202)),
            get("/commands/{id}", GetCommand.class, CommandReply.class).withView(),
            post("/accounts", RegisterAccount.class, Ack.class),
            get("/accounts", GetAccounts.class, AccountsReply.class),
            post("/accounts/credential", CredentialRequest.class, CredentialTransfer.class),
            get("/status", GetStatus.class, StatusReply.class)
                    .replies(new CappedJson(StatusReply.class, MAX_STATUS_REPLY_BYTES)),
            get("/modules", GetModules.class, ModulesReply.class));

    private static final Map<Class<? extends Message>, Row> BY_REQUEST = ROWS.stream()
            .collect(Collectors.toUnmodifiableMap(Row::request, Function.identity()));

    private RouteTable() {
    }

    /** The row of a request type, if it is one. */
    static Optional<Row> row(Class<? extends Message> request) {
        return Optional.ofNullable(BY_REQUEST.get(request));
    }

    private static Row post(String template, Class<? extends Message> request, Class<? extends Message> reply) {
        return new Row("POST", template, request, reply, new JsonBody(request), new Json(reply, 200), 0, false);
    }

    private static Row get(String template, Class<? extends Message> request, Class<? extends Message> reply) {
        return new Row("GET", template, request, reply, new PathFields(request), new Json(reply, 200), 0, false);
    }

    // ------------------------------------------------------------------ the codecs

    /** The request is the JSON body. */
    record JsonBody(Class<? extends Message> type) implements RequestCodec {
        @Override
        public Message read(Routes.Call call, WireJson wire) throws HttpProblem {
            return wire.read(call.body(), type);
        }

        @Override
        public Outgoing write(Row row, Message request, WireJson wire) {
            return new Outgoing(row.template(), wire.write(request));
        }
    }

    /** The request's fields are the path's placeholders (none for a request without fields). */
    record PathFields(Class<? extends Message> type) implements RequestCodec {
        @Override
        public Message read(Routes.Call call, WireJson wire) throws HttpProblem {
            ObjectNode fields = JsonNodeFactory.instance.objectNode();
            call.params().forEach(fields::put);
            return wire.read(fields, type);
        }

        @Override
        public Outgoing write(Row row, Message request, WireJson wire) {
            ObjectNode fields = wire.tree(request);
            StringBuilder path = new StringBuilder();
            for (String segment : row.template().substring(1).split("/")) {
                path.append('/');
                if (segment.startsWith("{")) {
                    JsonNode value = fields.get(segment.substring(1, segment.length() - 1));
                    path.append(URLEncoder.encode(value == null ? "" : value.asText(), StandardCharsets.UTF_8));
                } else {
                    path.append(segment);
                }
            }
            return new Outgoing(path.toString(), null);
        }
    }

    /** {@code ?from=H&limit=N}: a page of blocks. */
    record PageQuery() implements RequestCodec {
        @Override
        public Message read(Routes.Call call, WireJson wire) throws HttpProblem {
            long from = queryLong(call.query(), "from", 0);
            long limit = queryLong(call.query(), "limit", Routes.DEFAULT_PAGE);
            if (from < 0) {
                throw HttpProblem.badRequest("query parameter 'from' must be >= 0");
            }
            if (limit < 1 || limit > Routes.MAX_PAGE) {
                throw HttpProblem.badRequest("query parameter 'limit' must be between 1 and " + Routes.MAX_PAGE);
            }
            return new GetBlocks(from, (int) limit);
        }

        @Override
        public Outgoing write(Row row, Message request, WireJson wire) {
            GetBlocks m = (GetBlocks) request;
            return new Outgoing(row.template() + "?from=" + m.from() + "&limit=" + Math.min(m.limit(), Routes.MAX_PAGE),
                    null);
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
    }

    /** The reply is the JSON body of {@code type}, with {@code status}. */
    record Json(Class<? extends Message> type, int status) implements ReplyCodec {
        @Override
        public Routes.Encoded write(Message reply, Routes.Call call, boolean full, WireJson wire) {
            return new Routes.Encoded(status, full ? wire.tree(reply) : wire.describedTree(reply));
        }

        @Override
        public Message read(String mediaType, byte[] body, WireJson wire) throws IOException, HttpProblem {
            return wire.read(json(mediaType, body, wire), type);
        }
    }

    /**
     * A JSON reply the client reads only up to {@code maxResponseBytes}: one that cannot honestly be
     * bigger (a screen's sealed picture), so that a classmate's peer cannot make the teacher's peer
     * read megabytes (a made-up reason of 4 MB was read and passed to the console); a bigger answer
     * counts as none.
     */
    record CappedJson(Class<? extends Message> type, int maxResponseBytes) implements ReplyCodec {
        @Override
        public Routes.Encoded write(Message reply, Routes.Call call, boolean full, WireJson wire) {
            return new Json(type, 200).write(reply, call, full, wire);
        }

        @Override
        public Message read(String mediaType, byte[] body, WireJson wire) throws IOException, HttpProblem {
            return new Json(type, 200).read(mediaType, body, wire);
        }
    }

    /**
     * A reply of one of several types, named by a {@code "type"} field beside its own: a relay
     * carries back whatever the account's host answered.
     */
    record Typed(List<Class<? extends Message>> types) implements ReplyCodec {
        @Override
        public Routes.Encoded write(Message reply, Routes.Call call, boolean full, WireJson wire) {
            if (!types.contains(reply.getClass())) {
                throw new IllegalArgumentException("a relay cannot carry a " + reply.getClass().getSimpleName());
            }
            ObjectNode o = wire.tree(reply);
            o.put("type", reply.getClass().getSimpleName());
            return new Routes.Encoded(200, o);
        }

        @Override
        public Message read(String mediaType, byte[] body, WireJson wire) throws IOException, HttpProblem {
            JsonNode o = json(mediaType, body, wire);
            JsonNode type = o.get("type");
            for (Class<? extends Message> t : types) {
                if (type != null && t.getSimpleName().equals(type.asText())) {
                    return wire.read(o, t);
                }
            }
            throw HttpProblem.badRequest("unknown relayed reply type '" + (type == null ? null : type.asText()) + "'");
        }
    }

    /** A page of blocks: JSON, or with {@code Accept: application/octet-stream} length-prefixed frames. */
    record BlockPage() implements ReplyCodec {
        @Override
        public Routes.Encoded write(Message reply, Routes.Call call, boolean full, WireJson wire) {
            List<Block> page = ((Blocks) reply).blocks();
            List<byte[]> encoded = wire.blocks().encodePage(page);
            if (call.wantsOctets()) {
                return new Routes.Encoded(new Routes.Reply(200, BlockWire.OCTETS, BlockWire.frames(encoded), 0));
            }
            return new Routes.Encoded(200, wire.blocks().pageJson(page, encoded));
        }

        @Override
        public Message read(String mediaType, byte[] body, WireJson wire) throws IOException, HttpProblem {
            if (BlockWire.OCTETS.equalsIgnoreCase(mediaType)) {
                return new Blocks(wire.blocks().fromFrames(body));
            }
            return wire.read(json(mediaType, body, wire), Blocks.class);
        }

        @Override
        public boolean octets() {
            return true;
        }

        @Override
        public int maxResponseBytes() {
            return BlockWire.MAX_PAGE_RESPONSE_BYTES;
        }
    }

    /** One block by hash: the block, or 404 (an empty {@link Blocks} to the client). */
    record OneBlock() implements ReplyCodec {
        @Override
        public Routes.Encoded write(Message reply, Routes.Call call, boolean full, WireJson wire) {
            List<Block> found = ((Blocks) reply).blocks();
            if (found.isEmpty()) {
                return new Routes.Encoded(404, WireJson.error(404, "no block " + call.params().get("hash")));
            }
            return new Routes.Encoded(200, wire.blocks().toJson(found.get(0)));
        }

        @Override
        public Message read(String mediaType, byte[] body, WireJson wire) throws IOException, HttpProblem {
            return new Blocks(List.of(wire.read(json(mediaType, body, wire), Block.class)));
        }

        @Override
        public Message answerFor(int status) {
            return status == 404 ? new Blocks(List.of()) : null;
        }
    }

    private static JsonNode json(String mediaType, byte[] body, WireJson wire) throws IOException, HttpProblem {
        if (mediaType == null || !mediaType.equalsIgnoreCase(Routes.JSON)) {
            throw new IOException("expected application/json, got " + mediaType);
        }
        return wire.parse(body);
    }
}
