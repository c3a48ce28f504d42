package org.classchain.samples;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.classchain.PeerStatus;
import org.classchain.Role;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import picocli.CommandLine.Option;

/**
 * {@code classchain enroll}: the teacher makes a device of their own (a second laptop, a
 * co-teacher's machine) a host of the teacher's account, so that sign-in still works when the
 * teacher's computer is off. Signs in through the device's peer, reads the device's node key from
 * its status, and sends a MAC'd enrollment to the teacher's host, which refuses a student's
 * computer.
 */
@picocli.CommandLine.Command(name = "enroll", mixinStandardHelpOptions = true,
        description = "Make the device at --peer a host of the teacher's account (it can then sign the teacher in "
                + "when the teacher's computer is off). Only the teacher can; a student's computer is refused.")
final class EnrollCommand implements Callable<Integer> {

    @Option(names = "--peer", required = true, description = "URL of the device's peer (the one to enroll)")
    String peer;

    @Option(names = "--user", required = true, description = "the teacher's username")
    String user;

    @Option(names = "--password-file", description = "file whose first line is the password")
    Path passwordFile;

    @Option(names = "--node-id", description = "the node id the device printed when it started: enroll only if the "
            + "peer at --peer is that node")
    String nodeId;

    @Option(names = "--timeout", defaultValue = "60s", converter = Durations.class,
            description = "how long to wait for the device to become a host (default ${DEFAULT-VALUE})")
    Duration timeout;

    @picocli.CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @Override
    public Integer call() throws Exception {
        String password = Passwords.read(passwordFile, "Password for " + user + ": ");
        try (JettyTransport transport = tls.apply(JettyTransport.builder()).build()) {
            TeacherClient client = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(15));
            PeerStatus device = client.status(peer);
            if (!device.publicKey().nodeId().equals(device.nodeId())) {
                throw new IllegalStateException("the peer at " + peer + " names node " + device.nodeId()
                        + " but shows the key of " + device.publicKey().nodeId());
            }
            if (nodeId != null && !nodeId.equals(device.nodeId())) {
                throw new IllegalStateException("the peer at " + peer + " is node " + device.nodeId() + ", not " + nodeId
                        + ": nothing enrolled");
            }
            if (device.role() == Role.TEACHER) {
                System.out.println("node " + device.nodeId() + " at " + peer + " already hosts the teacher's account");
                return 0;
            }
            Message signedIn = client.signIn(peer, user, password);
            if (!(signedIn instanceof Message.AuthConfirmed ok)) {
                throw new IllegalStateException("sign-in refused: " + SendCommand.describe(signedIn));
            }
            if (ok.role() != Role.TEACHER) {
                throw new IllegalStateException("'" + user + "' is not the teacher: only the teacher enrolls devices");
            }
            Message reply = client.enroll(peer, device.publicKey());
            if (!(reply instanceof Message.Ack)) {
                throw new IllegalStateException("enrollment refused: " + SendCommand.describe(reply));
            }
            System.out.println("enrolling node " + device.nodeId() + " at " + peer + " as a host of '" + user + "'");
            long end = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < end) {
                if (client.status(peer).role() == Role.TEACHER) {
                    System.out.println("enrolled: node " + device.nodeId() + " hosts the teacher's account");
                    return 0;
                }
                Thread.sleep(250);
            }
            System.err.println("classchain: the teacher's host accepted the enrollment, but node " + device.nodeId()
                    + " is not a host yet after " + timeout.toSeconds() + " s; check with 'classchain status --peer "
                    + peer + "'");
            return 3;
        }
    }
}
