package org.classchain.http;

import java.util.function.Supplier;
import org.classchain.core.peer.ClassroomTests;
import org.classchain.wire.Transport;

/**
 * The protocol tests of chain-core over real HTTP: every peer its own Jetty server on
 * 127.0.0.1 and an ephemeral port. All peers share one address here, so the per-address rate
 * limit is raised to what thirty peers on one machine send.
 */
class ClassroomWithJettyTest extends ClassroomTests {

    @Override
    protected Supplier<Transport> transports() {
        return () -> JettyTransport.builder().host("127.0.0.1").port(0).rateLimit(5000, 10_000).connectionsPerAddress(4096).build();
    }
}
