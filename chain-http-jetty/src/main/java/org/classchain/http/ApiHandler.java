package org.classchain.http;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.classchain.core.limit.TokenBuckets;
import org.classchain.http.Routes.Call;
import org.classchain.http.Routes.Match;
import org.classchain.http.Routes.Reply;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Jetty handler in front of {@link Routes}: rate limit per remote address, route lookup,
 * Content-Type and size checks, the body's share of the {@link BodyBudget}, a non-blocking capped
 * body read, the call to the route, a time limit on the answer, and exactly one JSON response
 * whatever happens. Nothing a client sends
 * makes it throw to Jetty; a failing route is a 500 with a JSON body and a log line.
 *
 * <p>Outside {@code /api/v1} it serves the console's static files ({@link ConsoleAssets}), and
 * {@code GET /api/v1/events} hands the exchange to the {@link EventStreams}.
 *
 * <p>Thread-safe; Jetty calls it from its pool, routes may complete on any thread.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final Routes routes;
    private final WireJson wire;
    private final TokenBuckets limiter;
    private final Scheduler scheduler;
    private final long answerTimeoutMillis;
    private final int drainLimit;
    private final ConsoleAssets assets;
    private final EventStreams events;
    private final BodyBudget budget;

    /**
     * @param limiter null for no rate limit
     * @param scheduler the server's scheduler, for the answer time limit
     * @param drainLimit how much of an unwanted body is read and dropped before an early error, so
     *                   the connection stays usable; past it the connection is closed instead
     * @param assets the console's files, or null to serve none
     * @param events the event streams, or null for none
     * @param budget the bytes of bodies held at once, or null for no such limit
     */
    ApiHandler(Routes routes, WireJson wire, TokenBuckets limiter, Scheduler scheduler, Duration answerTimeout,
               int drainLimit, ConsoleAssets assets, EventStreams events, BodyBudget budget) {
        this.routes = routes;
        this.wire = wire;
        this.limiter = limiter;
        this.scheduler = scheduler;
        this.answerTimeoutMillis = answerTimeout.toMillis();
        this.drainLimit = drainLimit;
        this.assets = assets;
        this.events = events;
        this.budget = budget;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange ex = new Exchange(request, response, callback);
        try {
            dispatch(ex);
        } catch (HttpProblem p) {
            ex.problemBeforeBody(p);
        } catch (RuntimeException e) {
            ex.internalError(e);
        }
        return true;
    }

    private void dispatch(Exchange ex) throws HttpProblem {
        Request request = ex.request;
        String from = Request.getRemoteAddr(request);
        if (limiter != null) {
            long wait = limiter.takeOrSecondsToWait(from);
            if (wait > 0) {
                throw new HttpProblem(429, "too many requests from " + from + "; retry in " + wait + " s", wait);
            }
        }
        String path = Request.getPathInContext(request);
        if (!path.equals(Routes.PREFIX) && !path.startsWith(Routes.PREFIX + "/")) {
            serveAsset(ex, path);
            return;
        }
        if (events != null && path.equals(Routes.PREFIX + EVENTS)) {
            openEvents(ex);
            return;
        }
        Match match = routes.find(request.getMethod(), path.substring(Routes.PREFIX.length()));
        Fields query;
        try {
            query = Request.extractQueryParameters(request);
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("malformed query string");
        }
        Routes.Reply known = routes.knownAnnouncement(match, request.getHeaders().get(Routes.BLOCK_HASH_HEADER));
        if (known != null) {
            ex.answerBeforeBody(known); // a block this peer holds: its body is neither parsed nor judged
            return;
        }
        boolean octets = accepts(request, BlockWire.OCTETS);
        if (!match.route().jsonBody()) {
            serve(ex, match, new Call(from, match.params(), query, null, octets));
            return;
        }
        checkJsonType(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        int limit = match.route().bodyLimit();
        long declared = request.getLength();
        if (declared > limit) {
            throw new HttpProblem(413, "the request body of " + declared + " bytes exceeds " + limit + " bytes");
        }
        ex.reserve(from, declared >= 0 ? declared : limit);
        BodyReader.read(request, limit).whenComplete((body, failure) -> {
            if (failure != null) {
                ex.failed(failure);
                return;
            }
            ex.bodyRead = true;
            try {
                serve(ex, match, new Call(from, match.params(), query, wire.parse(body), octets));
            } catch (HttpProblem p) {
                ex.problem(p);
            } catch (RuntimeException e) {
                ex.failed(e);
            }
        });
    }

    /** The path of the event stream below {@link Routes#PREFIX}. */
    static final String EVENTS = "/events";

    private void serveAsset(Exchange ex, String path) throws HttpProblem {
        ConsoleAssets.Asset asset = assets == null ? null : assets.find(path);
        if (asset == null) {
            throw new HttpProblem(404, "no route " + path + "; the console is at / and the API under " + Routes.PREFIX);
        }
        String method = ex.request.getMethod();
        boolean head = method.equals("HEAD");
        if (!head && !method.equals("GET")) {
            throw HttpProblem.methodNotAllowed(method + " is not allowed on " + path + "; use GET", "GET, HEAD");
        }
        if (BodyReader.hasBody(ex.request)) {
            throw HttpProblem.badRequest("a GET takes no body");
        }
        ex.asset(asset, head, ConsoleAssets.matches(ex.request.getHeaders().get(HttpHeader.IF_NONE_MATCH), asset));
    }

    /**
     * Opens an event stream: anonymous, or with a view token (query {@code session}, {@code until},
     * {@code mac}) that the peer must accept first, for the teacher's events.
     */
    private void openEvents(Exchange ex) throws HttpProblem {
        if (!ex.request.getMethod().equals("GET")) {
            throw HttpProblem.methodNotAllowed(ex.request.getMethod() + " is not allowed on " + Routes.PREFIX + EVENTS
                    + "; use GET", "GET");
        }
        if (BodyReader.hasBody(ex.request)) {
            throw HttpProblem.badRequest("a GET takes no body");
        }
        Fields query;
        try {
            query = Request.extractQueryParameters(ex.request);
        } catch (RuntimeException e) {
            throw HttpProblem.badRequest("malformed query string");
        }
        org.classchain.wire.Message.ViewCheck token = Routes.viewToken(query);
        if (token == null) {
            stream(ex, false);
            return;
        }
        routes.view(Request.getRemoteAddr(ex.request), token).whenComplete((refusal, failure) -> {
            if (failure != null) {
                ex.failed(failure);
            } else if (refusal != null) {
                ex.respond(refusal);
            } else {
                stream(ex, true);
            }
        });
    }

    private void stream(Exchange ex, boolean teacher) {
        if (!ex.answered.compareAndSet(false, true)) {
            return;
        }
        String refused = events.open(ex.request, ex.response, ex.callback, teacher);
        if (refused != null) {
            ex.answered.set(false);
            ex.problem(new HttpProblem(503, refused, 5));
        }
    }

    private void serve(Exchange ex, Match match, Call call) throws HttpProblem {
        CompletableFuture<Reply> reply;
        try {
            reply = match.route().endpoint().serve(call);
        } catch (IllegalArgumentException | NullPointerException e) {
            // a record constructor refusing a decoded value: the client's fault, and the message names it
            throw HttpProblem.badRequest(e.getMessage() == null ? "a required value is missing" : e.getMessage());
        }
        if (answerTimeoutMillis > 0 && !reply.isDone()) {
            Scheduler.Task timer = scheduler.schedule(() -> ex.problem(new HttpProblem(503,
                    "the peer did not answer within " + answerTimeoutMillis + " ms")),
                    answerTimeoutMillis, TimeUnit.MILLISECONDS);
            reply.whenComplete((r, failure) -> timer.cancel());
        }
        reply.whenComplete((r, failure) -> {
            if (failure != null) {
                ex.failed(failure);
            } else {
                ex.respond(r);
            }
        });
    }

    private static void checkJsonType(String contentType) throws HttpProblem {
        if (contentType == null) {
            throw new HttpProblem(415, "a request body must be application/json; no Content-Type was given");
        }
        String[] parts = contentType.split(";");
        if (!parts[0].trim().equalsIgnoreCase(Routes.JSON)) {
            throw new HttpProblem(415, "a request body must be application/json, not " + parts[0].trim());
        }
        for (int i = 1; i < parts.length; i++) {
            String param = parts[i].trim().toLowerCase(Locale.ROOT);
            if (param.startsWith("charset=")) {
                String cs = param.substring("charset=".length()).replace("\"", "");
                if (!cs.equals("utf-8") && !cs.equals("utf8")) {
                    throw new HttpProblem(415, "a JSON body must be UTF-8, not " + cs);
                }
            }
        }
    }

    private static boolean accepts(Request request, String mediaType) {
        String accept = request.getHeaders().get(HttpHeader.ACCEPT);
        return accept != null && accept.toLowerCase(Locale.ROOT).contains(mediaType);
    }

    /** One request and its single response. */
    private final class Exchange {
        private final Request request;
        private final Response response;
        private final Callback callback;
        private final AtomicBoolean answered = new AtomicBoolean();
        /** Set once the whole body has been read; an answer before that closes the connection. */
        private volatile boolean bodyRead;
        /** The body's share of the budget, given back with the answer. */
        private String reservedFor;
        private long reserved;

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
        }

        void failed(Throwable t) {
            Throwable cause = t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
            if (cause instanceof HttpProblem p) {
                problem(p);
            } else {
                internalError(cause);
            }
        }

        /**
         * Answers a request refused before its body was read. The body is read and dropped first
         * (up to the drain limit), because closing a socket with unread data makes TCP reset it
         * and the client would lose the answer. A 413 is never drained.
         */
        void problemBeforeBody(HttpProblem p) {
            if (p.status() == 413 || !BodyReader.hasBody(request)) {
                problem(p);
                return;
            }
            BodyReader.discard(request, drainLimit).whenComplete((ignored, failure) -> {
                bodyRead = failure == null;
                problem(p);
            });
        }

        /** Answers before reading the body, which is read and dropped first as for {@link #problemBeforeBody}. */
        void answerBeforeBody(Reply reply) {
            if (!BodyReader.hasBody(request)) {
                respond(reply);
                return;
            }
            BodyReader.discard(request, drainLimit).whenComplete((ignored, failure) -> {
                bodyRead = failure == null;
                respond(reply);
            });
        }

        void problem(HttpProblem p) {
            if (p.allow() != null && !answered.get()) {
                response.getHeaders().put(HttpHeader.ALLOW, p.allow());
            }
            respond(new Reply(p.status(), Routes.JSON, WireJson.bytes(WireJson.error(p.status(), p.getMessage())),
                    p.retryAfterSeconds()));
        }

        void internalError(Throwable t) {
            if (answered.get()) {
                return;
            }
            LOG.warn("{} {} from {} failed", request.getMethod(), Request.getPathInContext(request),
                    Request.getRemoteAddr(request), t);
            respond(new Reply(500, Routes.JSON,
                    WireJson.bytes(WireJson.error(500, "internal error: the peer could not answer this request")), 0));
        }

        /** Takes the body's share of the budget, or refuses the request before its body is read. */
        void reserve(String from, long bytes) throws HttpProblem {
            if (budget == null || bytes <= 0) {
                return;
            }
            int refused = budget.reserve(from, bytes);
            if (refused == 429) {
                throw new HttpProblem(429, "too many request bodies in flight from " + from + " (at most "
                        + budget.perAddress() + " bytes at once); retry in 1 s", 1);
            } else if (refused != 0) {
                throw new HttpProblem(503, "this peer is reading as many request bodies as it holds at once ("
                        + budget.total() + " bytes); retry in 1 s", 1);
            }
            reservedFor = from;
            reserved = bytes;
        }

        void respond(Reply reply) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            if (reserved > 0) {
                budget.release(reservedFor, reserved);
            }
            try {
                response.setStatus(reply.status());
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, reply.cacheControl());
                response.getHeaders().put("X-Content-Type-Options", "nosniff");
                if (reply.retryAfterSeconds() > 0) {
                    response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(reply.retryAfterSeconds()));
                }
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, reply.body().length);
                if (!bodyRead && BodyReader.hasBody(request)) {
                    // the rest of the body is still on the wire: tell the client this connection
                    // ends here, rather than let it reuse a connection Jetty is about to close
                    response.getHeaders().put(HttpHeader.CONNECTION, "close");
                }
                response.write(true, ByteBuffer.wrap(reply.body()), callback);
            } catch (RuntimeException e) {
                LOG.debug("could not write the response", e);
                callback.failed(e);
            }
        }

        /** Answers with a console file, or 304 when the client's copy is current. */
        void asset(ConsoleAssets.Asset asset, boolean head, boolean notModified) {
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            try {
                response.setStatus(notModified ? 304 : 200);
                response.getHeaders().put(HttpHeader.ETAG, asset.etag());
                response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
                response.getHeaders().put("X-Content-Type-Options", "nosniff");
                response.getHeaders().put("Content-Security-Policy", ConsoleAssets.CONTENT_SECURITY_POLICY);
                response.getHeaders().put("Referrer-Policy", "no-referrer");
                if (notModified) {
                    response.write(true, ByteBuffer.allocate(0), callback);
                    return;
                }
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.contentType());
                response.getHeaders().put(HttpHeader.CONTENT_LENGTH, asset.body().length);
                response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(asset.body()), callback);
            } catch (RuntimeException e) {
                LOG.debug("could not write the response", e);
                callback.failed(e);
            }
        }
    }
}
