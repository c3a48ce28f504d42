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
            TeacherClient client = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(10));
            PeerStatus s = client.status(peer);
            System.out.println("role:       " + s.role());
            System.out.println("node id:    " + s.nodeId());
            System.out.println("address:    " + s.address());
            System.out.println("chain:      " + s.chainId());
            System.out.println("height:     " + s.height() + " (head " + s.headHash().shortHex() + ")");
            System.out.println("neighbours: " + String.join(", ", s.neighbours()));
            System.out.println("users:      " + String.join(", ", s.users()));
            System.out.println("modules:    " + String.join(", ", s.modules()));
            if (s.role() == org.classchain.Role.STUDENT) {
                System.out.println("teacher:    " + teacherLine(client.peers(peer)));
            }
            if (s.desktop() != null) {
                System.out.println("desktop:    " + desktopLine(s.desktop()));
            }
            if (Math.abs(s.clockSkewMillis()) > 60_000) {
                System.out.println("clock:      " + s.clockSkewMillis() / 1000 + " s off the teacher's host (its latest grant)");
            }
            return 0;
        }
    }

    /** {@code display, 1 session agent; agent restarted 1 time (last 12:03:07)}, or what has no display. */
    static String desktopLine(org.classchain.DesktopHealth d) {
        String head = d.display() ? "display" + (d.agents() == 0 ? "" : ", " + d.agents()
                + (d.agents() == 1 ? " session agent" : " session agents")) : "";
        String summary = d.summary();
        return head.isEmpty() ? summary : summary.isEmpty() ? head : head + "; " + summary;
    }

    /**
     * Whether a student's peer is with the teacher: the teacher's computer among its neighbours, or
     * "waiting for the teacher" (the teacher's peer stopped, or the laptop left the room; the peer
     * keeps retrying the class's members and, with a room, its name on the LAN).
     */
    static String teacherLine(java.util.List<org.classchain.PeerInfo> peers) {
        return peers.stream().filter(p -> p.role() == org.classchain.Role.TEACHER && p.neighbour()).findFirst()
                .map(p -> "with the teacher at " + p.address())
                .orElse(RoomKeeper.WAITING + " (its computer is not among this peer's neighbours)");
    }
}
