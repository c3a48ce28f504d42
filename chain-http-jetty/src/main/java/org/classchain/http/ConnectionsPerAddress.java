package org.classchain.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code limit} open connections from one remote address: a connection over the limit is
 * closed as soon as it opens, before a byte of it is read. A student who opens thousands of idle
 * connections holds at most {@code limit} of the peer's sockets and buffers, and everybody
 * else's connections are still accepted. An honest classroom computer needs a handful (its
 * peer's client keeps at most 16 to one destination, a browser six). Thread-safe.
 */
final class ConnectionsPerAddress implements Connection.Listener {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionsPerAddress.class);

    private final int limit;
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    /** The address of each counted connection: a closed channel no longer knows its remote address. */
    private final Map<Connection, InetAddress> counted = new ConcurrentHashMap<>();
    private final AtomicInteger refused = new AtomicInteger();

    ConnectionsPerAddress(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("at least one connection per address must be allowed");
        }
        this.limit = limit;
    }

    @Override
    public void onOpened(Connection connection) {
        InetAddress address = addressOf(connection.getEndPoint().getRemoteSocketAddress());
        if (address == null) {
            return;
        }
        boolean[] admitted = new boolean[1];
        open.compute(address, (a, n) -> {
            int count = n == null ? 0 : n;
            admitted[0] = count < limit;
            return admitted[0] ? count + 1 : count;
        });
        if (!admitted[0]) {
            if (refused.getAndIncrement() % 1000 == 0) {
                LOG.info("{} has {} connections open; more are closed at once", address.getHostAddress(), limit);
            }
            connection.getEndPoint().close();
            return;
        }
        counted.put(connection, address);
    }

    @Override
    public void onClosed(Connection connection) {
        InetAddress address = counted.remove(connection);
        if (address != null) {
            open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Open connections counted for {@code address}. */
    int open(InetAddress address) {
        return open.getOrDefault(address, 0);
    }

    /** Connections closed because their address had too many open. */
    int refused() {
        return refused.get();
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
