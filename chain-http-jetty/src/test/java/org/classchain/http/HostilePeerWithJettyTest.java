package org.classchain.http;

import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.core.peer.HostilePeerTests;
import org.classchain.wire.Transport;

/**
 * The hostile-peer tests over real HTTP. Each peer and client listens on and calls from its own
 * 127.0.0.x, so that the per-address defences see separate machines, as on a school LAN.
 */
class HostilePeerWithJettyTest extends HostilePeerTests {

    private static final AtomicInteger NEXT = new AtomicInteger(20);

    @Override
    protected Transport newTransport() {
        String ip = "127.0.0." + (NEXT.getAndIncrement() % 200 + 20);
        return JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build();
    }
}
