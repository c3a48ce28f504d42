package org.classchain.http;

import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.wire.Message;

/**
 * The flood harness's view of the wire ({@code samples} FloodIT): the path and JSON body that
 * carry a request, exactly as a peer's own client writes them, so that a hostile script's bodies
 * are well-formed and reach the handler.
 */
public final class FloodWire {

    /** One POST: its path under the peer's base URL and its body. */
    public record Post(String path, byte[] body) {
    }

    private final ClientCalls calls;

    /** A wire with its own codecs. */
    public FloodWire() {
        CanonicalJson json = new CanonicalJson();
        this.calls = new ClientCalls(new WireJson(json, new BlockWire(new BlockCodec(json))));
    }

    /** The POST that carries {@code request}. */
    public Post post(Message request) {
        ClientCalls.HttpCall c = calls.toHttp(request);
        if (c.body() == null) {
            throw new IllegalArgumentException(request.getClass().getSimpleName() + " is not a POST");
        }
        return new Post(c.pathAndQuery(), c.body());
    }

    /** The largest body a peer reads on routes other than {@code POST /blocks}. */
    public static int maxBodyBytes() {
        return JettyTransport.DEFAULT_MAX_BODY_BYTES;
    }
}
