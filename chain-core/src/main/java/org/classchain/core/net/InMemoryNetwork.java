package org.classchain.core.net;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A network of in-memory transports ({@code mem://N}) for protocol tests and simulations.
 *
 * <p>Switches, all changeable while running: loss (each request and each reply dropped with a
 * probability; the sender sees a timeout), duplication (a request delivered twice), delay (a
 * uniform random latency per hop, which also reorders), partitions (addresses in different
 * groups cannot reach each other) and down peers. Randomness comes from one seed, logged at
 * creation so a failing run can be replayed (thread scheduling aside).
 *
 * <p>Thread-safe. {@link #close()} stops the delivery threads.
 */
public final class InMemoryNetwork implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(InMemoryNetwork.class);

    private final long seed;
    private final Random random;
    private final ScheduledExecutorService executor;
    private final Map<String, MemoryTransport> endpoints = new ConcurrentHashMap<>();
    private final Map<String, Integer> partitionOf = new ConcurrentHashMap<>();
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final AtomicInteger nextAddress = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private volatile double loss;
    private volatile double duplication;
    private volatile long minDelayMicros;
    private volatile long maxDelayMicros;
    private volatile Duration timeout = Duration.ofSeconds(2);

    /** A network whose randomness comes from {@code seed}; uses {@code threads} delivery threads. */
    public InMemoryNetwork(long seed, int threads) {
        this.seed = seed;
        this.random = new Random(seed);
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(threads, r -> {
            Thread t = new Thread(r, "classchain-memnet-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        LOG.info("in-memory network with seed {} (replay with this seed)", seed);
    }

    /** The seed this network's randomness comes from. */
    public long seed() {
        return seed;
    }

    /** A new transport with its own address on this network. */
    public Transport newTransport() {
        return new MemoryTransport("mem://" + nextAddress.incrementAndGet());
    }

    /** Drops each request and each reply with probability {@code p} (0–1). */
    public void setLoss(double p) {
        loss = p;
    }

    /** Delivers each request a second time with probability {@code p}. */
    public void setDuplication(double p) {
        duplication = p;
    }

    /** Delays each hop by a uniform random time in [min, max]. */
    public void setDelay(Duration min, Duration max) {
        minDelayMicros = min.toNanos() / 1000;
        maxDelayMicros = Math.max(minDelayMicros, max.toNanos() / 1000);
    }

    /** How long a sender waits for a reply that was lost. */
    public void setTimeout(Duration t) {
        timeout = t;
    }

    /** Puts each given address into partition {@code group}; addresses in different groups cannot talk. */
    public void partition(int group, Iterable<String> addresses) {
        for (String a : addresses) {
            partitionOf.put(a, group);
        }
    }

    /** Removes every partition. */
    public void heal() {
        partitionOf.clear();
    }

    /** Makes an address unreachable (a crashed or unplugged machine) or reachable again. */
    public void setDown(String address, boolean isDown) {
        if (isDown) {
            down.add(address);
        } else {
            down.remove(address);
        }
    }

    /** Requests delivered so far (a request delivered twice counts twice). */
    public long delivered() {
        return delivered.get();
    }

    private synchronized double nextDouble() {
        return random.nextDouble();
    }

    private long delayMicros() {
        long min = minDelayMicros;
        long max = maxDelayMicros;
        return max <= min ? min : min + (long) (nextDouble() * (max - min));
    }

    private boolean reachable(String from, String to) {
        if (down.contains(from) || down.contains(to)) {
            return false;
        }
        return partitionOf.getOrDefault(from, 0).equals(partitionOf.getOrDefault(to, 0));
    }

    private void later(Runnable r) {
        long d = delayMicros();
        if (d <= 0) {
            executor.execute(r);
        } else {
            executor.schedule(r, d, TimeUnit.MICROSECONDS);
        }
    }

    private CompletableFuture<Message> deliver(MemoryTransport from, String to, Message request) {
        CompletableFuture<Message> reply = new CompletableFuture<>();
        MemoryTransport target = endpoints.get(to);
        if (target == null || !reachable(from.address, to)) {
            later(() -> reply.completeExceptionally(new ConnectException("cannot reach " + to + " from " + from.address)));
            return reply;
        }
        executor.schedule(() -> reply.completeExceptionally(new TimeoutException("no reply from " + to + " within "
                + timeout.toMillis() + " ms")), timeout.toMillis(), TimeUnit.MILLISECONDS);
        int copies = nextDouble() < duplication ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            if (nextDouble() < loss) {
                continue;
            }
            later(() -> {
                if (!reachable(from.address, to) || target.handler == null) {
                    return;
                }
                delivered.incrementAndGet();
                CompletableFuture<Message> handled;
                try {
                    handled = target.handler.handle(from.address, request);
                } catch (RuntimeException e) {
                    handled = CompletableFuture.failedFuture(e);
                }
                handled.whenComplete((m, err) -> {
                    if (nextDouble() < loss || !reachable(to, from.address)) {
                        return;
                    }
                    later(() -> {
                        if (err != null) {
                            reply.complete(Message.Rejected.of(500, "peer failed: " + err));
                        } else {
                            reply.complete(m);
                        }
                    });
                });
            });
        }
        return reply;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        endpoints.clear();
    }

    private final class MemoryTransport implements Transport {
        private final String address;
        private volatile MessageHandler handler;

        MemoryTransport(String address) {
            this.address = address;
        }

        @Override
        public void start(MessageHandler h) throws IOException {
            if (endpoints.putIfAbsent(address, this) != null) {
                throw new IOException(address + " is already started");
            }
            this.handler = h;
        }

        @Override
        public String localAddress() {
            return address;
        }

        @Override
        public CompletableFuture<Message> send(String to, Message request) {
            if (handler == null) {
                return CompletableFuture.failedFuture(new IOException(address + " is closed"));
            }
            return deliver(this, to, request);
        }

        @Override
        public void close() {
            endpoints.remove(address, this);
            handler = null;
        }

        @Override
        public String toString() {
            return "MemoryTransport[" + address + "]";
        }
    }
}
