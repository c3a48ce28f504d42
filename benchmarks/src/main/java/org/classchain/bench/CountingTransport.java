package org.classchain.bench;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
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

        void reset() {
            blockPosts.set(0);
            known.set(0);
            intake.set(0);
        }
    }

    private final Transport inner;
    private final Counts counts;

    CountingTransport(Transport inner, Counts counts) {
        this.inner = inner;
        this.counts = counts;
    }

    @Override
    public void start(MessageHandler handler) throws IOException {
        inner.start((from, request) -> {
            CompletableFuture<Message> reply = handler.handle(from, request);
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
        if (request instanceof Message.BlockAnnouncement) {
            counts.blockPosts.incrementAndGet();
        }
        return inner.send(address, request);
    }

    @Override
    public void close() {
        inner.close();
    }
}
