package org.classchain.wire;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * Carries {@link Message}s between peers: requests out, replies back. One per peer.
 *
 * <p>Call order: {@link #start} once, then {@link #send} from any thread, then {@link #close}.
 * Addresses are opaque strings the transport understands ({@code http://127.0.0.1:8080},
 * {@code mem://7}); a peer learns them from handshakes and passes them back unchanged.
 */
public interface Transport extends AutoCloseable {

    /**
     * Starts accepting requests, each handed to {@code handler}. After this returns,
     * {@link #localAddress()} is the address other peers reach this one at.
     *
     * @param handler answers every request that arrives, on the transport's threads
     * @throws IOException when it cannot listen (the port is taken, say)
     */
    void start(MessageHandler handler) throws IOException;

    /** {@return where other peers reach this one} */
    String localAddress();

    /**
     * Sends a request and completes with the reply. Completes exceptionally when the peer cannot
     * be reached or does not answer within the transport's timeout; never blocks the caller.
     *
     * @param address a peer's address as a handshake gave it
     * @param request the request
     * @return the reply, a {@link Message.Rejected} when the peer refused
     */
    CompletableFuture<Message> send(String address, Message request);

    /** Stops serving and sending; pending sends complete exceptionally. */
    @Override
    void close();
}
