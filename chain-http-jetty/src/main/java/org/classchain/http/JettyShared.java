package org.classchain.http;

import java.io.IOException;
import java.time.Duration;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Jetty's threads, timer, buffers and HTTP client, shared by the {@link JettyTransport}s of many
 * peers in one JVM (a benchmark, a simulation, a test of a classroom): each transport given it
 * ({@link JettyTransport.Builder#shared}) keeps only its server's selector thread of its own,
 * instead of a server pool, an acceptor, a timer and a client with its own pool, selector and
 * timer (issue 22: some 27 threads per peer, most of them idle, crowding two cores). Without TLS
 * only. Started when made; closed by its creator after every transport using it.
 *
 * <pre>{@code
 * try (JettyShared shared = JettyShared.start(128)) {
 *     JettyTransport t = JettyTransport.builder().shared(shared).build();
 *     ...
 * }
 * }</pre>
 *
 * <p>Threads: {@code classchain-http-shared-<n>} (daemon) and a timer
 * {@code classchain-http-shared-timer}. Thread-safe.
 */
public final class JettyShared implements AutoCloseable {

    private final QueuedThreadPool pool;
    private final ScheduledExecutorScheduler scheduler;
    private final ArrayByteBufferPool buffers;
    private final HttpClient client;

    private JettyShared(QueuedThreadPool pool, ScheduledExecutorScheduler scheduler, ArrayByteBufferPool buffers,
                        HttpClient client) {
        this.pool = pool;
        this.scheduler = scheduler;
        this.buffers = buffers;
        this.client = client;
    }

    /**
     * Starts the shared pool of at most {@code maxThreads} threads, the timer and the client (5 s
     * to connect, 30 s idle connections, 16 connections per destination, as a transport's own).
     * Each transport's server keeps one thread of the pool for its selector: give it room for them
     * and for the work.
     *
     * @param maxThreads at least 8
     * @return the started resources
     * @throws IOException when Jetty cannot start them
     */
    public static JettyShared start(int maxThreads) throws IOException {
        if (maxThreads < 8) {
            throw new IllegalArgumentException("a shared pool needs at least 8 threads, not " + maxThreads);
        }
        QueuedThreadPool pool = new QueuedThreadPool(maxThreads, 4, 60_000);
        pool.setName("classchain-http-shared");
        pool.setDaemon(true);
        pool.setStopTimeout(2_000);
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("classchain-http-shared-timer", true);
        ArrayByteBufferPool buffers = new ArrayByteBufferPool();
        ClientConnector connector = new ClientConnector() {
            @Override
            protected SslContextFactory.Client newSslContextFactory() {
                return null; // no TLS: do not build the JDK's TLS context for nothing
            }
        };
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        client.setScheduler(scheduler);
        client.setByteBufferPool(buffers);
        JettyTransport.configureClient(client, Duration.ofSeconds(5), Duration.ofSeconds(30));
        try {
            pool.start();
            scheduler.start();
            client.start();
        } catch (Exception e) {
            stopQuietly(client);
            stopQuietly(scheduler);
            stopQuietly(pool);
            throw new IOException("could not start Jetty's shared resources: " + e.getMessage(), e);
        }
        JettyTransport.noChallenges(client);
        return new JettyShared(pool, scheduler, buffers, client);
    }

    QueuedThreadPool pool() {
        return pool;
    }

    Scheduler scheduler() {
        return scheduler;
    }

    ByteBufferPool buffers() {
        return buffers;
    }

    HttpClient client() {
        return client;
    }

    /** Stops the client, the timer and the pool: after every transport using them is closed. */
    @Override
    public void close() {
        stopQuietly(client);
        stopQuietly(scheduler);
        stopQuietly(pool);
    }

    private static void stopQuietly(LifeCycle l) {
        try {
            l.stop();
        } catch (Exception e) {
            org.slf4j.LoggerFactory.getLogger(JettyShared.class).warn("stopping {} failed", l, e);
        }
    }
}
