package org.classchain.core.peer;

import org.classchain.core.net.InMemoryNetwork;
import org.classchain.wire.Transport;

class RoomIntegrityWithMemoryTest extends RoomIntegrityTests {

    private final InMemoryNetwork net = new InMemoryNetwork(15, 4);

    @Override
    protected Transport newTransport() {
        return net.newTransport();
    }

    @Override
    protected String madeUpAddress(int i) {
        return "mem://made-up-" + i;
    }

    @Override
    protected void closeNetwork() {
        net.close();
    }
}
