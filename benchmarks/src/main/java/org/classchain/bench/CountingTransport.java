package org.classchain.bench;

import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;

/**
 * A transport that counts, for the click harness, the block announcements a peer sends and how
 * the receiving peers answered them: what a block costs the classroom's links and CPUs whatever
 * the machine's load. Every count is shared by the transports given the same {@link Counts}.
 */
final class CountingTransport implements Transport {

    /** Counts shared by the peers of one run. */
    static final class Counts {
        /** Block announcements sent. */
        final AtomicLong blockPosts = new AtomicLong();
        /** Announcements answered "known" (the body was not needed). */
        final AtomicLong known = new AtomicLong();
        /** Announcements that went through the intake (validated, or found a duplicate under its lock). */
        final AtomicLong intake = new AtomicLong();
        /** Messages sent, by kind (the message's record name). */
        final Map<String, LongAdder> sent = new ConcurrentSkipListMap<>();

        void reset() {
            blockPosts.set(0);
            known.set(0);
            intake.set(0);
            sent.clear();
        }

        /** "kind count; ..." with each count divided by {@code per}, most sent first. */
        String sentPer(double per) {
            return sent.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue().sum(), a.getValue().sum()))
                    .map(e -> String.format(Locale.ROOT, "%s %.1f", e.getKey(), e.getValue().sum() / per))
                    .collect(Collectors.joining("; "));
        }
    }

    private final Transport inner;
    private final Counts counts;
    private final HopTrace trace;
    private final int peer;

    CountingTransport(Transport inner, Counts counts) {
        this(inner, counts, null, -1);
    }

    /** With a trace of the steps of each block's way at peer {@code peer} (0: the teacher). */
    CountingTransport(Transport inner, Counts counts, HopTrace trace, int peer) {
        this.inner = inner;
        this.counts = counts;
        this.trace = trace;
        this.peer = peer;
    }

    @Override
    public void start(MessageHandler handler) throws IOException {
        inner.start((from, request) -> {
            UUID traced = trace != null && request instanceof Message.BlockAnnouncement a ? HopTrace.commandOf(a.block()) : null;
            int sender = traced != null ? trace.index(((Message.BlockAnnouncement) request).senderAddress()) : -1;
            if (traced != null) {
                trace.add(HopTrace.Kind.RECEIVED, traced, peer, sender);
            }
            CompletableFuture<Message> reply = handler.handle(from, request);
            if (traced != null) {
                reply = reply.whenComplete((m, t) -> trace.add(HopTrace.Kind.HANDLED, traced, peer, sender));
            }
            if (request instanceof Message.BlockAnnouncement) {
                reply = reply.thenApply(m -> {
                    if (m instanceof Message.Ack a && a.detail().equals("known")) {
                        counts.known.incrementAndGet();
                    } else {
                        counts.intake.incrementAndGet();
                    }
                    return m;
                });
            }
            return reply;
        });
    }

    @Override
    public String localAddress() {
        return inner.localAddress();
    }

    @Override
    public CompletableFuture<Message> send(String address, Message request) {
        counts.sent.computeIfAbsent(request.getClass().getSimpleName(), k -> new LongAdder()).increment();
        if (request instanceof Message.BlockAnnouncement) {
            counts.blockPosts.incrementAndGet();
        }
        if (trace == null) {
            return inner.send(address, request);
        }
        int to = trace.index(address);
        if (request instanceof Message.BlockAnnouncement a) {
            UUID id = HopTrace.commandOf(a.block());
            trace.add(HopTrace.Kind.SEND_START, id, peer, to);
            long cpu = HopTrace.cpuNanos();
            long wall = System.nanoTime();
            CompletableFuture<Message> reply = inner.send(address, request);
            trace.call(id, System.nanoTime() - wall, HopTrace.cpuNanos() - cpu);
            return reply.whenComplete((m, t) -> trace.add(HopTrace.Kind.SEND_DONE, id, peer, to));
        }
        if (request instanceof Message.Receipts rs) {
            rs.receipts().forEach(r -> trace.add(HopTrace.Kind.RECEIPT_SEND, r.commandId(), peer, to));
        }
        return inner.send(address, request);
    }

    @Override
    public void close() {
        inner.close();
    }
}
