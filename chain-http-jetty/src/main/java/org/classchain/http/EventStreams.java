package org.classchain.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.List;
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
 * {@link #publish published} event, in order, as {@code event: TYPE / id: N / data: JSON}; an
 * event published for the teacher goes only to the streams opened with a view token.
 *
 * <p>Limits: anonymous streams at most {@link #MAX_PER_ADDRESS} per address and
 * {@link #MAX_CLIENTS} in all; a teacher's stream is always served: teacher streams do not count
 * against those, and past {@link #MAX_TEACHER_CLIENTS} the oldest teacher stream is ended.
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
    /** Anonymous streams served at once; more are refused with 503. */
    static final int MAX_CLIENTS = 64;
    /** Anonymous streams served at once to one address. */
    static final int MAX_PER_ADDRESS = 4;
    /** A signed-in teacher's streams kept at once; a new one ends the oldest. */
    static final int MAX_TEACHER_CLIENTS = 16;
    private static final Pattern EVENT_TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");
    private static final byte[] HELLO = "retry: 3000\n: classchain events\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong opened = new AtomicLong();
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
     * Sends an event to every connected client, or only to the teacher's.
     *
     * @param type the event's name: a letter, then letters, digits, '_' or '-' (at most 64)
     * @param json its data, a JSON document (line breaks are carried as SSE continuation lines)
     * @param teacherOnly to the streams opened with a view token only
     * @throws IllegalArgumentException for a malformed type
     */
    void publish(String type, String json, boolean teacherOnly) {
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
            if (c.teacher || !teacherOnly) {
                c.offer(frame);
            }
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
     * @param teacher whether the request carried a view token the peer accepted
     * @return null, or why it was refused (nothing written): the server is closing, or full for
     *         anonymous streams or for this address; the caller answers 503
     */
    synchronized String open(Request request, Response response, Callback callback, boolean teacher) {
        String remote = Request.getRemoteAddr(request);
        if (closed) {
            return "the peer is closing; retry later";
        }
        if (teacher) {
            List<Client> mine = clients.stream().filter(x -> x.teacher).sorted(Comparator.comparingLong(x -> x.seq))
                    .toList();
            for (int i = 0; i <= mine.size() - MAX_TEACHER_CLIENTS; i++) {
                mine.get(i).end(null); // the teacher's newest stream wins
            }
        } else {
            long fromHere = clients.stream().filter(x -> !x.teacher && x.remote.equals(remote)).count();
            if (fromHere >= MAX_PER_ADDRESS) {
                return "too many event streams from " + remote + " (at most " + MAX_PER_ADDRESS + "); retry later";
            }
            if (clients.stream().filter(x -> !x.teacher).count() >= MAX_CLIENTS) {
                return "too many event streams; retry later";
            }
        }
        Client c = new Client(remote, response, callback, teacher, opened.incrementAndGet());
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
        return null;
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
        private final boolean teacher;
        private final long seq;
        private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
        private boolean writing;
        private boolean ending;
        private boolean done;

        Client(String remote, Response response, Callback exchange, boolean teacher, long seq) {
            this.remote = remote;
            this.response = response;
            this.exchange = exchange;
            this.teacher = teacher;
            this.seq = seq;
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
