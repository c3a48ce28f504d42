package org.classchain.http;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.limit.TokenBuckets;
import org.classchain.http.ClientCalls.HttpCall;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST transport of DESIGN section 7 on embedded Jetty 12: serves {@code /api/v1} by turning
 * each request into a {@link Message} for the peer's {@link MessageHandler}, and sends messages
 * to other peers over one pooled, keep-alive {@link HttpClient}.
 *
 * <pre>{@code
 * JettyTransport t = JettyTransport.builder().host("127.0.0.1").port(8080).build();
 * t.start(peer::handle);            // serves http://127.0.0.1:8080/api/v1/...
 * t.send("http://10.0.0.5:8080", new Message.GetHead()).thenAccept(...);
 * t.close();
 * }</pre>
 *
 * <p>Replies: a 2xx answer completes {@link #send} with the reply message; any other status that
 * the peer answered completes it with {@link Message.Rejected} (status, the body's
 * {@code error}, {@code Retry-After}); a peer that cannot be reached, does not answer within the
 * request timeout or answers with a body that does not read completes it exceptionally. A
 * 404 to {@link Message.GetBlock} is the empty {@link Message.Blocks}.
 *
 * <p>The server also serves the teacher console: its static page at {@code GET /}, the room view
 * at {@code GET /api/v1/room}, and server-sent events at {@code GET /api/v1/events}, fed by
 * {@link #publish} (see {@link ConsoleFeed} for the peer events the console expects).
 *
 * <p>Threads: the server runs on a bounded pool named {@code classchain-http-<port>}, the client
 * on one named {@code classchain-http-client-<port>} (daemon); {@link #close} stops both. Peers
 * that share a JVM may share one pool, timer and client instead ({@link Builder#shared}).
 * {@link #send} may be called from any thread, also before {@link #start} (a client-only use,
 * such as the command-line tool); it never blocks.
 *
 * <p>TLS is optional ({@link Builder#tls}): with a classroom keystore the server speaks only
 * HTTPS and advertises an {@code https://} address, and the client trusts exactly the
 * certificates of that keystore (a self-signed certificate, or a classroom CA, shared by the
 * peers). Whether a request uses TLS follows the scheme of the address it goes to.
 */
public final class JettyTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(JettyTransport.class);
    /** Remote addresses with a rate-limit bucket of their own; more share one (see {@link TokenBuckets}). */
    private static final int MAX_RATE_LIMITED_ADDRESSES = 10_000;

    /** Default limit of a request body: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    private final String host;
    private final int port;
    private final String advertisedAddress;
    private final int maxBodyBytes;
    private final long bodyBudgetBytes;
    private final long bodyBudgetPerAddress;
    private final int connectionsPerAddress;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final Duration idleTimeout;
    private final double ratePerSecond;
    private final int rateBurst;
    private final int maxThreads;
    private final int clientMaxThreads;
    private final Duration eventKeepAlive;
    private final Path tlsKeystore;
    private final String tlsPassword;
    private final String bindAddress;
    private final org.classchain.core.files.ChunkStore files;
    private final JettyShared shared;
    private final WireJson wire;
    private final ClientCalls calls;
    private final EventStreams events = new EventStreams();

    private final Object lock = new Object();
    private Server server;
    private HttpClient client;
    private String localAddress;
    private int boundPort;
    private boolean closed;

    private JettyTransport(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.advertisedAddress = b.advertisedAddress;
        this.maxBodyBytes = b.maxBodyBytes;
        this.bodyBudgetBytes = b.bodyBudgetBytes > 0 ? b.bodyBudgetBytes
                : Math.max(2L * BlockWire.MAX_BLOCK_BODY_BYTES, Runtime.getRuntime().maxMemory() / 16);
        this.bodyBudgetPerAddress = b.bodyBudgetPerAddress > 0 ? b.bodyBudgetPerAddress
                : Math.max(BlockWire.MAX_BLOCK_BODY_BYTES, bodyBudgetBytes / 4);
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout;
        this.idleTimeout = b.idleTimeout;
        this.connectionsPerAddress = b.connectionsPerAddress;
        this.ratePerSecond = b.ratePerSecond;
        this.rateBurst = b.rateBurst;
        this.maxThreads = b.maxThreads;
        this.clientMaxThreads = b.clientMaxThreads;
        this.eventKeepAlive = b.eventKeepAlive;
        this.tlsKeystore = b.tlsKeystore;
        this.tlsPassword = b.tlsPassword;
        this.bindAddress = b.bindAddress;
        this.files = b.files;
        this.shared = b.shared;
        CanonicalJson canonical = new CanonicalJson();
        this.wire = new WireJson(canonical, new BlockWire(new BlockCodec(canonical)));
        this.calls = new ClientCalls(wire);
    }

    /** {@return a builder with the defaults: 127.0.0.1, a free port, 1 MiB bodies, 10 s requests, 200 req/s per address} */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void start(MessageHandler handler) throws IOException {
        Objects.requireNonNull(handler, "handler");
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("this transport is closed");
            }
            if (server != null) {
                throw new IllegalStateException("this transport is already started");
            }
            ServerSocketChannel channel = ServerSocketChannel.open();
            Server s;
            try {
                channel.socket().setReuseAddress(true);
                try {
                    channel.bind(new InetSocketAddress(host, port), 128);
                } catch (BindException e) {
                    BindException named = new BindException("cannot listen on " + host + ":" + port + ": "
                            + e.getMessage());
                    named.initCause(e);
                    throw named;
                }
                int actual = ((InetSocketAddress) channel.getLocalAddress()).getPort();
                s = newServer(handler, channel, actual);
                boundPort = actual;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
            try {
                s.start();
            } catch (Exception e) {
                stopQuietly(s);
                throw new IOException("could not start the HTTP server on " + host + ":" + port + ": " + e.getMessage(), e);
            }
            server = s;
            // keep-alives inside the idle timeout, so an open stream is never idle long enough to be cut
            events.start(s.getScheduler(), Math.max(100, Math.min(eventKeepAlive.toMillis(), idleTimeout.toMillis() / 2)));
            localAddress = advertisedAddress != null ? advertisedAddress
                    : (tlsKeystore != null ? "https://" : "http://") + urlHost(host) + ":" + boundPort;
            LOG.info("serving {} on {}:{}{}", Routes.PREFIX, host, boundPort, tlsKeystore != null ? " (TLS)" : "");
        }
    }

    private Server newServer(MessageHandler handler, ServerSocketChannel channel, int actualPort) throws IOException {
        Server s;
        Scheduler scheduler;
        if (shared != null) {
            scheduler = shared.scheduler();
            s = new Server(shared.pool(), scheduler, shared.buffers());
            // started already, and stopped by their owner, not by this server
            s.unmanage(shared.pool());
            s.unmanage(scheduler);
            s.unmanage(shared.buffers());
        } else {
            QueuedThreadPool pool = new QueuedThreadPool(maxThreads, Math.min(2, maxThreads), 60_000);
            pool.setName("classchain-http-" + actualPort);
            pool.setStopTimeout(2_000);
            scheduler = new ScheduledExecutorScheduler("classchain-http-" + actualPort + "-timer", true);
            s = new Server(pool, scheduler, null);
        }
        s.setStopTimeout(1_000);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        ServerConnector connector;
        if (tlsKeystore != null) {
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setKeyStorePath(tlsKeystore.toString());
            ssl.setKeyStorePassword(tlsPassword);
            ssl.setKeyStoreType("PKCS12");
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // peers are reached by LAN address, not by the certificate's name
            config.addCustomizer(secure);
            connector = new ServerConnector(s, 1, 1, new SslConnectionFactory(ssl, "http/1.1"),
                    new HttpConnectionFactory(config));
        } else if (shared != null) {
            // no acceptor thread: the selector accepts; the one thread of its own a shared transport keeps
            // the pool, timer and buffers are the server's, which a connector given none inherits and
            // leaves alone (given them explicitly, it would stop them with itself)
            connector = new ServerConnector(s, null, null, null, 0, 1, new HttpConnectionFactory(config));
        } else {
            connector = new ServerConnector(s, 1, 1, new HttpConnectionFactory(config));
        }
        connector.setHost(host);
        connector.setPort(actualPort);
        connector.setIdleTimeout(idleTimeout.toMillis());
        connector.addBean(new ConnectionsPerAddress(connectionsPerAddress));
        connector.open(channel);
        s.addConnector(connector);
        TokenBuckets limiter = Double.isInfinite(ratePerSecond) ? null
                : new TokenBuckets(ratePerSecond, rateBurst, MAX_RATE_LIMITED_ADDRESSES);
        RoomView room = new RoomView(handler, this::send, scheduler);
        ApiHandler api = new ApiHandler(Routes.api(handler, wire, maxBodyBytes, room), wire, limiter, scheduler,
                requestTimeout, maxBodyBytes, ConsoleAssets.load(), events,
                new BodyBudget(bodyBudgetBytes, bodyBudgetPerAddress));
        // files travel as binary beside the JSON API, not through its route table
        s.setHandler(files == null ? api : new FileServing(files, handler, maxBodyBytes, api));
        s.setErrorHandler(new JsonErrorHandler());
        return s;
    }

    @Override
    public String localAddress() {
        synchronized (lock) {
            if (localAddress == null) {
                throw new IllegalStateException("not started");
            }
            return localAddress;
        }
    }

    /** {@return the port the server listens on, once started} */
    public int port() {
        synchronized (lock) {
            if (server == null) {
                throw new IllegalStateException("not started");
            }
            return boundPort;
        }
    }

    /**
     * Sends a server-sent event to every console connected to {@code GET /api/v1/events}. Never
     * blocks: each client has a bounded queue, and one that falls too far behind is dropped (its
     * browser reconnects). Does nothing when no console is connected, before {@link #start} and
     * after {@link #close}.
     *
     * @param eventType the event name, e.g. {@code block}: a letter, then up to 63 letters, digits, '_' or '-'
     * @param jsonData the event's data, one JSON document
     * @throws IllegalArgumentException for a malformed event type or null data
     */
    public void publish(String eventType, String jsonData) {
        events.publish(eventType, jsonData, false);
    }

    /**
     * As {@link #publish}, to the consoles of a signed-in teacher only: those that opened the
     * stream with a view token this peer accepted (docs/auth.md). For what students must not see,
     * such as receipts.
     *
     * @param eventType the event name, as for {@link #publish}
     * @param jsonData the event's data, one JSON document
     */
    public void publishToTeacher(String eventType, String jsonData) {
        events.publish(eventType, jsonData, true);
    }

    /** {@return how many consoles are connected to the event stream now} */
    public int eventClients() {
        return events.clientCount();
    }

    /** The wire JSON this transport writes and reads, for the console's events. */
    WireJson wire() {
        return wire;
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request) {
        HttpCall call;
        URI uri;
        HttpClient c;
        try {
            call = calls.toHttp(request);
            String base = base(address);
            requireKeystoreFor(base, "call");
            uri = URI.create(base + call.pathAndQuery());
            c = client();
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        org.eclipse.jetty.client.Request r = c.newRequest(uri)
                .method(call.method())
                .timeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> h.put(HttpHeader.ACCEPT, call.octets() ? BlockWire.OCTETS + ", " + Routes.JSON : Routes.JSON));
        if (call.body() != null) {
            r.body(new BytesRequestContent(Routes.JSON, call.body()));
        }
        if (request instanceof Message.BlockAnnouncement a) {
            // a peer that holds the block answers from this header, without parsing the body
            r.headers(h -> h.put(Routes.BLOCK_HASH_HEADER, a.block().hash().hex()));
        }
        CompletableFuture<ContentResponse> response = new CompletableResponseListener(r, call.maxResponseBytes()).send();
        CompletableFuture<Message> result = new CompletableFuture<>();
        response.whenComplete((resp, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                result.completeExceptionally(new IOException(call.method() + " " + uri + " failed: "
                        + Failures.describe(uri, cause), cause));
                return;
            }
            try {
                result.complete(calls.fromHttp(request, resp.getStatus(), resp.getMediaType(), resp.getContent(),
                        resp.getHeaders().get(HttpHeader.RETRY_AFTER)));
            } catch (IOException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        result.whenComplete((m, t) -> {
            if (t instanceof CancellationException) {
                r.abort(t);
            }
        });
        return result;
    }

    /**
     * The answer to an {@link #upload}: its HTTP status and its body (JSON from a peer).
     *
     * @param status the HTTP status
     * @param body the body as text, at most 64 KiB read
     */
    public record UploadAnswer(int status, String body) {
    }

    /**
     * Sends a file's bytes to a peer, streamed from disk: {@code POST pathAndQuery} on
     * {@code address} ({@code /api/v1/files?...}, where the teacher's own peer takes a file to send
     * off the chain), over this transport's client, so with the same TLS trust as every other call
     * (the classroom keystore; http without one).
     *
     * @param address the peer's address, {@code http(s)://host:port}
     * @param pathAndQuery from {@code /api/v1/}, with the query
     * @param file read from start to end, never held in memory whole
     * @param timeout for the whole upload
     * @return the peer's answer, whatever its status
     * @throws IOException when the file cannot be read or the call fails (the message names the address)
     * @throws InterruptedException when interrupted while waiting
     */
    public UploadAnswer upload(String address, String pathAndQuery, Path file, Duration timeout)
            throws IOException, InterruptedException {
        String base = base(address);
        requireKeystoreFor(base, "call");
        URI uri = URI.create(base + pathAndQuery);
        org.eclipse.jetty.client.Request r = client().newRequest(uri).method("POST")
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .headers(h -> h.put(HttpHeader.ACCEPT, Routes.JSON))
                .body(new org.eclipse.jetty.client.PathRequestContent("application/octet-stream", file));
        try {
            ContentResponse resp = new CompletableResponseListener(r, 64 * 1024).send().get();
            return new UploadAnswer(resp.getStatus(), resp.getContentAsString());
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IOException("POST " + uri + " failed: " + Failures.describe(uri, cause), cause);
        }
    }

    /**
     * A peer's files as a chunk source, fetched over this transport's pooled client: the same
     * keep-alive connections, threads and TLS as every other call ({@link HttpFileTransfers}).
     */
    org.classchain.core.files.ChunkSource chunkSource(String address, Duration timeout) {
        return new HttpChunkSource(() -> {
            try {
                requireKeystoreFor(address, "fetch from");
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
            return client();
        }, address, timeout);
    }

    /**
     * Refuses an https address when this transport has no keystore: no answer would change that, an
     * argument this transport cannot use, not a failed call.
     *
     * @param what what was to be done ("call", "fetch from"), for the message
     */
    private void requireKeystoreFor(String address, String what) {
        if (tlsKeystore == null && address.startsWith("https://")) {
            throw new IllegalArgumentException("cannot " + what + " " + address + ": https needs the classroom TLS "
                    + "keystore, and this peer was started without one (--tls-keystore)");
        }
    }

    private static String base(String address) {
        Objects.requireNonNull(address, "address");
        String a = address.trim();
        while (a.endsWith("/")) {
            a = a.substring(0, a.length() - 1);
        }
        if (!a.startsWith("http://") && !a.startsWith("https://")) {
            throw new IllegalArgumentException("not an http address: " + address);
        }
        return a;
    }

    private HttpClient client() throws IOException {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("this transport is closed");
            }
            if (client != null) {
                return client;
            }
            if (shared != null) {
                client = shared.client();
                return client;
            }
            String tag = server != null ? Integer.toString(boundPort) : "out";
            QueuedThreadPool pool = new QueuedThreadPool(clientMaxThreads, 1, 60_000);
            pool.setName("classchain-http-client-" + tag);
            pool.setDaemon(true);
            pool.setStopTimeout(2_000);
            // without TLS no https call is made: do not build the JDK's TLS context (about 150 ms of a
            // peer's start-up, and the default trust store) for nothing
            ClientConnector connector = tlsKeystore != null ? new ClientConnector() : new ClientConnector() {
                @Override
                protected SslContextFactory.Client newSslContextFactory() {
                    return null;
                }
            };
            HttpClient c = new HttpClient(new HttpClientTransportOverHTTP(connector));
            c.setExecutor(pool);
            c.setScheduler(new ScheduledExecutorScheduler("classchain-http-client-" + tag + "-timer", true));
            configureClient(c, connectTimeout, idleTimeout);
            if (bindAddress != null) {
                c.setBindAddress(new java.net.InetSocketAddress(bindAddress, 0));
            }
            if (tlsKeystore != null) {
                SslContextFactory.Client ssl = new SslContextFactory.Client() {
                    @Override
                    protected void checkEndPointIdentificationAlgorithm() {
                        // none, on purpose (below): not a warning on every start of a peer, send or status
                    }
                };
                ssl.setTrustStorePath(tlsKeystore.toString());
                ssl.setTrustStorePassword(tlsPassword);
                ssl.setTrustStoreType("PKCS12");
                // Trust is the classroom keystore's certificate, which every peer holds with its
                // private key: any of them can present it under any name, so checking the name
                // against the host adds nothing, and one certificate cannot list every LAN
                // address a classroom's DHCP hands out. Who a peer is rests on its node key,
                // proven in the signed handshake (SECURITY.md, "A LAN attacker").
                ssl.setEndpointIdentificationAlgorithm(null);
                c.setSslContextFactory(ssl);
            }
            try {
                c.start();
            } catch (Exception e) {
                stopQuietly(c);
                throw new IOException("could not start the HTTP client: " + e.getMessage(), e);
            }
            noChallenges(c);
            client = c;
            return c;
        }
    }

    @Override
    public void close() {
        Server s;
        HttpClient c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            s = server;
            c = client;
            server = null;
            client = null;
        }
        events.close();
        if (c != null && shared == null) {
            stopQuietly(c);
        }
        if (s != null) {
            stopQuietly(s);
        }
    }

    /** The settings every client of a transport has, its own or a {@link JettyShared} one. */
    static void configureClient(HttpClient c, Duration connectTimeout, Duration idleTimeout) {
        c.setConnectTimeout(connectTimeout.toMillis());
        c.setIdleTimeout(idleTimeout.toMillis());
        c.setFollowRedirects(false);
        c.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, "classchain"));
        c.setMaxConnectionsPerDestination(16);
        c.setMaxRequestsQueuedPerDestination(4096);
    }

    /**
     * Removes, from a started client, the handlers of 401 and 407: those are answers for the
     * caller (a bad MAC, an expired session), not challenges to answer; starting installs them.
     */
    static void noChallenges(HttpClient c) {
        c.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        c.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
    }

    private static void stopQuietly(LifeCycle l) {
        try {
            l.stop();
        } catch (Exception e) {
            LOG.warn("stopping {} failed", l, e);
        }
    }

    private static String urlHost(String host) throws IOException {
        String h = host;
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            h = InetAddress.getLocalHost().getHostAddress();
        }
        return h.contains(":") && !h.startsWith("[") ? "[" + h + "]" : h;
    }

    /**
     * Configures a {@link JettyTransport}. Not thread-safe; {@link #build} may be called once per
     * configuration.
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private String advertisedAddress;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private long bodyBudgetBytes;
        private long bodyBudgetPerAddress;
        private int connectionsPerAddress = 128;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private double ratePerSecond = 200;
        private int rateBurst = 400;
        private int maxThreads = 32;
        private int clientMaxThreads = 16;
        private Duration eventKeepAlive = Duration.ofSeconds(15);
        private Path tlsKeystore;
        private String tlsPassword;
        private String bindAddress;
        private org.classchain.core.files.ChunkStore files;
        private JettyShared shared;

        private Builder() {
        }

        /**
         * Runs on Jetty resources shared with other transports in this JVM (see
         * {@link JettyShared}): the server keeps one selector thread of its own, and calls go out
         * through the shared client. {@link #maxThreads} then does not apply. Not with
         * {@link #tls} or {@link #bindAddress}, which the shared client cannot honour per transport.
         *
         * @param resources started, and closed by the caller after this transport
         * @return this builder
         */
        public Builder shared(JettyShared resources) {
            this.shared = Objects.requireNonNull(resources, "resources");
            return this;
        }

        /**
         * Serves the files of {@code store} (and takes the teacher's uploads into it) under
         * {@code /api/v1/files}, as binary: see ROUTES.md. Without it those routes are 404.
         *
         * @param store the peer's chunk store, closed by its owner
         * @return this builder
         */
        public Builder files(org.classchain.core.files.ChunkStore store) {
            this.files = store;
            return this;
        }

        /**
         * Speaks HTTPS with the PKCS12 {@code keystore} (a classroom certificate shared by the
         * peers): the server presents its key and certificate, and the client trusts the
         * certificates it holds (a keystore holding only the certificate will do for a client).
         * Addresses are {@code https://}. The password is kept in memory only, never logged.
         *
         * @param keystore a PKCS12 file
         * @param password the keystore's password
         * @return this builder
         * @throws IllegalArgumentException if the file does not exist
         */
        public Builder tls(Path keystore, String password) {
            Objects.requireNonNull(keystore, "keystore");
            Objects.requireNonNull(password, "password");
            if (!Files.isRegularFile(keystore)) {
                throw new IllegalArgumentException("no TLS keystore at " + keystore);
            }
            this.tlsKeystore = keystore.toAbsolutePath();
            this.tlsPassword = password;
            return this;
        }

        /**
         * The local address outgoing calls leave from (default: the system's choice). Lets
         * several peers on one machine look like different machines to each other, each on its
         * own 127.0.0.x, as in the tests of per-address defences.
         *
         * @param address a local IP address
         * @return this builder
         */
        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /**
         * The interface to listen on (default 127.0.0.1; 0.0.0.0 for every interface).
         *
         * @param host a host name or IP address of this machine
         * @return this builder
         */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /**
         * The port to listen on; 0 (the default) picks a free one.
         *
         * @param port 0-65535
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("a port is 0-65535, not " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * The address other peers reach this one at, e.g. {@code http://10.0.0.5:8080}, when it
         * is not {@code http://host:port} (behind NAT, or listening on 0.0.0.0).
         *
         * @param address a base URL, or null for {@code http://host:port}
         * @return this builder
         */
        public Builder advertisedAddress(String address) {
            this.advertisedAddress = address == null ? null : base(address);
            return this;
        }

        /**
         * The largest request body accepted (default 1 MiB); larger ones are refused with 413
         * without being read. Block announcements always accept one maximal block.
         *
         * @param bytes at least 1024
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1024) {
                throw new IllegalArgumentException("a body limit below 1 KiB leaves no room for a request");
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * The bytes of request bodies the server holds at once, from the moment it starts reading
         * one until it has answered: {@code total} in all, {@code perAddress} from one remote
         * address. A body that does not fit is refused unread, 429 when its address holds its share,
         * 503 when the server holds the whole budget (both with {@code Retry-After: 1}); one body
         * is always admitted when nothing else is held. Default: a sixteenth of the maximum heap
         * (at least two maximal block announcements) in all, a quarter of that per address.
         *
         * @param total bytes held at once from every address, positive
         * @param perAddress bytes held at once from one address, positive
         * @return this builder
         */
        public Builder bodyBudget(long total, long perAddress) {
            if (total < 1 || perAddress < 1) {
                throw new IllegalArgumentException("a body budget needs positive limits");
            }
            this.bodyBudgetBytes = total;
            this.bodyBudgetPerAddress = perAddress;
            return this;
        }

        /**
         * How long a sent request may take, connecting included, before {@link #send} fails; also
         * how long the server waits for its handler before answering 503. Default 10 s.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "request timeout");
            return this;
        }

        /**
         * How long connecting to a peer may take (default 5 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connect timeout");
            return this;
        }

        /**
         * How long an idle connection is kept, on both sides (default 30 s).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive(timeout, "idle timeout");
            return this;
        }

        /**
         * Requests per second allowed from one remote address, with bursts of up to {@code burst};
         * beyond that the server answers 429 with {@code Retry-After}. Default 200/s, burst 400.
         * Loopback is not exempt.
         *
         * @param perSecond the sustained rate, positive
         * @param burst at least 1
         * @return this builder
         */
        public Builder rateLimit(double perSecond, int burst) {
            if (!(perSecond > 0) || burst < 1) {
                throw new IllegalArgumentException("a rate limit needs a positive rate and a burst of at least 1");
            }
            this.ratePerSecond = perSecond;
            this.rateBurst = burst;
            return this;
        }

        /**
         * Most connections open at once from one remote address (default 128); one more is closed
         * as soon as it opens. Loopback is not exempt: tests and benchmarks that run many peers
         * on one address raise it.
         *
         * @param limit at least 1
         * @return this builder
         */
        public Builder connectionsPerAddress(int limit) {
            if (limit < 1) {
                throw new IllegalArgumentException("at least one connection per address must be allowed");
            }
            this.connectionsPerAddress = limit;
            return this;
        }

        /** {@return this builder, with no rate limit} For benchmarks and tests that hammer one server. */
        public Builder noRateLimit() {
            this.ratePerSecond = Double.POSITIVE_INFINITY;
            return this;
        }

        /**
         * Most server threads (default 32).
         *
         * @param threads at least 4
         * @return this builder
         */
        public Builder maxThreads(int threads) {
            if (threads < 4) {
                throw new IllegalArgumentException("the server needs at least 4 threads");
            }
            this.maxThreads = threads;
            return this;
        }

        /**
         * How often an open event stream gets a keep-alive comment (default 15 s; never more than
         * half the idle timeout).
         *
         * @param period positive
         * @return this builder
         */
        public Builder eventKeepAlive(Duration period) {
            this.eventKeepAlive = positive(period, "event keep-alive period");
            return this;
        }

        /** {@return a transport with this configuration, not yet started} */
        public JettyTransport build() {
            if (shared != null && (tlsKeystore != null || bindAddress != null)) {
                throw new IllegalArgumentException("a transport on shared Jetty resources cannot have "
                        + (tlsKeystore != null ? "TLS" : "a bind address") + " of its own");
            }
            return new JettyTransport(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("the " + what + " must be positive");
            }
            return d;
        }
    }
}
