package org.classchain.core.peer;

import org.classchain.core.net.InMemoryNetwork;
import org.classchain.wire.Transport;

class HostilePeerWithMemoryTest extends HostilePeerTests {

    private final InMemoryNetwork net = new InMemoryNetwork(17, 4);

    @Override
    protected Transport newTransport() {
        return net.newTransport();
    }

    @Override
    protected void closeNetwork() {
        net.close();
    }
}
