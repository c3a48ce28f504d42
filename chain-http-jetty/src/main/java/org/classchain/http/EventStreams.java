package org.classchain.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server-sent event streams of {@code GET /api/v1/events}: every connected client gets every
 * {@link #publish published} event, in order, as {@code event: TYPE / id: N / data: JSON}.
 *
 * <p>Writes are Jetty's asynchronous I/O, one write in flight per client (what is queued meanwhile
 * goes out in the next one), so publishing never blocks the caller. Each client has a bounded
 * queue: a client that falls more than {@link #MAX_QUEUED} events behind is dropped (its
 * {@code EventSource} reconnects and reloads). A comment line is written every keep-alive period
 * so that idle connections and the proxies between stay open. {@link #close} ends every stream.
 *
 * <p>Thread-safe: {@link #publish} may be called from any thread.
 */
final class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    /** Events a client may have queued before it is dropped. */
    static final int MAX_QUEUED = 256;
    /** Streams served at once; more are refused with 503. */
    static final int MAX_CLIENTS = 64;
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final byte[] HELLO = "retry: 3000\n: classchain events\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private volatile boolean closed;
    private Scheduler.Task keepAliveTask;

    /**
     * Starts the keep-alive comments on {@code scheduler}, every {@code keepAliveMillis}.
     */
    synchronized void start(Scheduler scheduler, long keepAliveMillis) {
        Runnable tick = new Runnable() {
            @Override
            public void run() {
                if (closed) {
                    return;
                }
                for (Client c : clients) {
                    c.offer(KEEP_ALIVE);
                }
                synchronized (EventStreams.this) {
                    if (!closed) {
                        keepAliveTask = scheduler.schedule(this, keepAliveMillis, TimeUnit.MILLISECONDS);
                    }
                }
            }
        };
        keepAliveTask = scheduler.schedule(tick, keepAliveMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Sends an event to every connected client.
     *
     * @param type the event's name: a letter, then letters, digits, '_' or '-' (at most 64)
     * @param json its data, a JSON document (line breaks are carried as SSE continuation lines)
     * @throws IllegalArgumentException for a malformed type
     */
    void publish(String type, String json) {
        if (type == null || !EVENT_TYPE.matcher(type).matches()) {
            throw new IllegalArgumentException("an event type is a letter then up to 63 letters, digits, '_' or '-'");
        }
        if (json == null) {
            throw new IllegalArgumentException("an event needs data");
        }
        if (closed || clients.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder(json.length() + 48);
        sb.append("event: ").append(type).append('\n').append("id: ").append(ids.incrementAndGet()).append('\n');
        for (String line : json.split("\r\n|\r|\n", -1)) {
            sb.append("data: ").append(line).append('\n');
        }
        sb.append('\n');
        byte[] frame = sb.toString().getBytes(StandardCharsets.UTF_8);
        for (Client c : clients) {
            c.offer(frame);
        }
    }

    /** The number of connected clients. */
    int clientCount() {
        return clients.size();
    }

    /**
     * Takes over an exchange as an event stream: answers 200 {@code text/event-stream} and keeps
     * the response open until the client leaves, falls too far behind, or {@link #close}.
     *
     * @return false (and nothing written) when the server is closing or full; the caller answers 503
     */
    boolean open(Request request, Response response, Callback callback) {
        if (closed || clients.size() >= MAX_CLIENTS) {
            return false;
        }
        Client c = new Client(Request.getRemoteAddr(request), response, callback);
        request.addFailureListener(c::end);
        // keep-alives run well inside the idle timeout: a stream idle this long is stuck, so let
        // Jetty fail it (the failure listener above then forgets the client)
        request.addIdleTimeoutListener(t -> true);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Accel-Buffering", "no");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        clients.add(c);
        c.offer(HELLO);
        if (closed) {
            c.end(null);
        }
        return true;
    }

    /** Ends every stream and refuses new ones. */
    void close() {
        synchronized (this) {
            closed = true;
            if (keepAliveTask != null) {
                keepAliveTask.cancel();
            }
        }
        for (Client c : clients) {
            c.end(null);
        }
    }

    /** One connected client: a bounded queue and at most one write in flight. */
    private final class Client implements Callback {
        private final String remote;
        private final Response response;
        private final Callback exchange;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private boolean writing;
        private boolean ending;
        private boolean done;

        Client(String remote, Response response, Callback exchange) {
            this.remote = remote;
            this.response = response;
            this.exchange = exchange;
        }

        void offer(byte[] frame) {
            boolean tooSlow = false;
            synchronized (this) {
                if (ending || done) {
                    return;
                }
                if (queue.size() >= MAX_QUEUED) {
                    tooSlow = true;
                } else {
                    queue.add(frame);
                }
            }
            if (tooSlow) {
                // its write is stuck, so the stream cannot end cleanly: abort the connection
                LOG.info("dropping the event stream of {}: more than {} events behind", remote, MAX_QUEUED);
                end(new IOException("the client fell more than " + MAX_QUEUED + " events behind"));
                return;
            }
            pump();
        }

        /**
         * Ends the stream: after what is being written when {@code failure} is null, else at once,
         * failing the exchange.
         */
        void end(Throwable failure) {
            synchronized (this) {
                if (done) {
                    return;
                }
                ending = true;
                queue.clear();
                if (failure != null) {
                    done = true;
                }
            }
            if (failure != null) {
                finish(failure);
            } else {
                pump();
            }
        }

        private void pump() {
            ByteBuffer buffer;
            boolean last;
            synchronized (this) {
                if (writing || done) {
                    return;
                }
                if (ending) {
                    last = true;
                    done = true;
                    buffer = ByteBuffer.allocate(0);
                } else if (queue.isEmpty()) {
                    return;
                } else {
                    last = false;
                    int size = 0;
                    for (byte[] f : queue) {
                        size += f.length;
                    }
                    buffer = ByteBuffer.allocate(size);
                    while (!queue.isEmpty()) {
                        buffer.put(queue.poll());
                    }
                    buffer.flip();
                }
                writing = true;
            }
            if (last) {
                clients.remove(this);
                try {
                    response.write(true, buffer, exchange);
                } catch (RuntimeException e) {
                    exchange.failed(e);
                }
                return;
            }
            try {
                response.write(false, buffer, this);
            } catch (RuntimeException e) {
                failed(e);
            }
        }

        @Override
        public void succeeded() {
            synchronized (this) {
                writing = false;
            }
            pump();
        }

        @Override
        public void failed(Throwable x) {
            synchronized (this) {
                writing = false;
                if (done) {
                    return;
                }
                done = true;
                queue.clear();
            }
            LOG.debug("the event stream of {} ended: {}", remote, x.toString());
            finish(x);
        }

        private void finish(Throwable failure) {
            clients.remove(this);
            exchange.failed(failure);
        }
    }
}
