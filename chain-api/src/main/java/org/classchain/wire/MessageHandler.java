package org.classchain.wire;

import java.util.concurrent.CompletableFuture;

/** The peer's side of a {@link Transport}: answers a request from another peer. */
@FunctionalInterface
public interface MessageHandler {

    /**
     * Answers a request. May complete later (when it must ask another peer first). A request the
     * peer refuses completes with a {@link Message.Rejected}, never exceptionally.
     *
     * @param from the transport-level address the request came from (e.g. the remote IP),
     *             for rate limiting; not an identity
     * @param request the request
     * @return the reply, or a {@link Message.Rejected}
     */
    CompletableFuture<Message> handle(String from, Message request);
}
