package org.classchain.core.peer;

import java.util.concurrent.CompletableFuture;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/** {@link DelegatedAuthTests} on the in-memory network. */
class DelegatedAuthWithMemoryTest extends DelegatedAuthTests {

    private final InMemoryNetwork network = new InMemoryNetwork(11, 4);

    @Override
    protected Transport peerTransport() {
        return network.newTransport();
    }

    @Override
    protected Transport clientTransport() throws Exception {
        Transport t = network.newTransport();
        t.start((from, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "a client serves nothing")));
        return t;
    }

    @Override
    protected void closeNetwork() {
        network.close();
    }
}
