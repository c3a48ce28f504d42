package org.classchain.core.peer;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.classchain.spi.host.ReceiptDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The peer's {@link ReceiptDelivery}: the {@link ReceiptCourier} tells it when a host of the
 * teacher's account took one of this peer's own receipts ({@link #taken}), and the actions waiting
 * for that receipt run on one thread, {@code classchain-after-receipt-<name>}, started at the first
 * wait and stopped by {@link #close()} (which drops the actions still waiting).
 */
final class ReceiptWatch implements ReceiptDelivery, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReceiptWatch.class);

    private final String name;
    private final Map<UUID, Waiting> waiting = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor timer; // guarded by this
    private boolean closed; // guarded by this

    private static final class Waiting {
        final Duration after;
        final Consumer<Boolean> action;
        ScheduledFuture<?> deadline; // set once scheduled

        Waiting(Duration after, Consumer<Boolean> action) {
            this.after = after;
            this.action = action;
        }
    }

    ReceiptWatch(String name) {
        this.name = name;
    }

    @Override
    public void afterDelivery(UUID commandId, Duration after, Duration atMost, Consumer<Boolean> action) {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(action, "action");
        if (after.isNegative() || atMost.isNegative()) {
            throw new IllegalArgumentException("negative wait");
        }
        Waiting w = new Waiting(after, action);
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the peer is closed");
            }
            if (waiting.putIfAbsent(commandId, w) != null) {
                throw new IllegalStateException("an action already waits for the receipt of " + commandId);
            }
            w.deadline = timer().schedule(() -> {
                if (waiting.remove(commandId, w)) {
                    LOG.warn("peer {}: the receipt of {} was not taken by the teacher's host within {}; acting all the same",
                            name, commandId, atMost);
                    run(w, false);
                }
            }, atMost.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** A host of the teacher's account took (or this peer, a host, kept) this peer's receipt of {@code commandId}. */
    void taken(UUID commandId) {
        Waiting w = waiting.remove(commandId);
        if (w == null) {
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            w.deadline.cancel(false);
            timer().schedule(() -> run(w, true), w.after.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void run(Waiting w, boolean taken) {
        try {
            w.action.accept(taken);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: an action after a receipt failed", name, e);
        }
    }

    private ScheduledThreadPoolExecutor timer() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "classchain-after-receipt-" + name);
                t.setDaemon(true);
                return t;
            });
            timer.setRemoveOnCancelPolicy(true);
        }
        return timer;
    }

    /** Drops the actions still waiting and stops the thread. */
    @Override
    public synchronized void close() {
        closed = true;
        waiting.clear();
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
