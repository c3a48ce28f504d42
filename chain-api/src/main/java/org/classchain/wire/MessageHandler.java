package org.classchain.wire;

import java.util.concurrent.CompletableFuture;
import org.classchain.Hash;

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

    /**
     * Whether the peer already holds the block with this hash, as a quick look that never waits
     * for the chain's lock: a transport told the hash of an announced block before its body may
     * then answer {@code Ack("known")} without reading or parsing the body (issue 22: most
     * announcements a peer receives are of blocks it already has). A wrong hint only costs its
     * sender the delivery; a transport never trusts it for anything else. The default knows none.
     *
     * @param hash the hash the sender says the announced block has
     * @return true only when the block is known
     */
    default boolean knowsBlock(Hash hash) {
        return false;
    }
}
