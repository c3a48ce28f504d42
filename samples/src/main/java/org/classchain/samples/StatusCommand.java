package org.classchain.samples;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.classchain.PeerStatus;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code classchain status}: what a peer says about itself. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a peer's role, chain, height and neighbours.")
final class StatusCommand implements Callable<Integer> {

    @Option(names = "--peer", required = true, description = "the peer's URL")
    String peer;

    @picocli.CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @Override
    public Integer call() throws Exception {
        try (JettyTransport transport = tls.apply(JettyTransport.builder()).build()) {
            PeerStatus s = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(10)).status(peer);
            System.out.println("role:       " + s.role());
            System.out.println("node id:    " + s.nodeId());
            System.out.println("address:    " + s.address());
            System.out.println("chain:      " + s.chainId());
            System.out.println("height:     " + s.height() + " (head " + s.headHash().shortHex() + ")");
            System.out.println("neighbours: " + String.join(", ", s.neighbours()));
            System.out.println("users:      " + String.join(", ", s.users()));
            System.out.println("modules:    " + String.join(", ", s.modules()));
            if (Math.abs(s.clockSkewMillis()) > 60_000) {
                System.out.println("clock:      " + s.clockSkewMillis() / 1000 + " s off the teacher's host (its latest grant)");
            }
            return 0;
        }
    }
}
