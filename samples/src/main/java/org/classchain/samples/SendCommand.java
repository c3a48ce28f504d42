package org.classchain.samples;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;
import org.classchain.spi.Message;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code classchain send}: signs in as the teacher through any peer and sends one command. */
@picocli.CommandLine.Command(name = "send", mixinStandardHelpOptions = true,
        description = "Send a command to the classroom through any peer. The password is checked by SRP-6a at the "
                + "account's host and never crosses the network.")
final class SendCommand implements Callable<Integer> {

    @Option(names = "--peer", required = true, description = "URL of any peer of the classroom")
    String peer;

    @Option(names = "--user", required = true, description = "the teacher's username")
    String user;

    @Option(names = "--password-file", description = "file whose first line is the password")
    Path passwordFile;

    @Parameters(index = "0", description = "the module, e.g. message, blackout, close-apps")
    String module;

    @Option(names = "--target", defaultValue = "all", description = "all | peer:ID[,ID] | user:NAME[,NAME] | role:STUDENT")
    String target;

    @Option(names = "--arg", description = "an argument as key=value (repeatable)")
    List<String> args = List.of();

    @Option(names = "--ttl", defaultValue = "10m", converter = Durations.class,
            description = "how long the command stays valid (default ${DEFAULT-VALUE}, at most 7d)")
    Duration ttl;

    @picocli.CommandLine.Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--wait", description = "wait for every target's receipt (or the TTL), print them, "
            + "exit non-zero unless all executed")
    boolean wait;

    @Override
    public Integer call() throws Exception {
        Map<String, String> arguments = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--arg takes key=value, not '" + a + "'");
            }
            arguments.put(a.substring(0, eq), a.substring(eq + 1));
        }
        Command command = Command.create(module, Target.parse(target), arguments, Instant.now(), ttl);
        String password = Passwords.read(passwordFile, "Password for " + user + ": ");
        try (JettyTransport transport = tls.apply(JettyTransport.builder()).build()) {
            TeacherClient client = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(15));
            Message signedIn = client.signIn(peer, user, password);
            if (!(signedIn instanceof Message.AuthConfirmed)) {
                throw new IllegalStateException("sign-in refused: " + describe(signedIn));
            }
            Message reply = client.submit(peer, List.of(command));
            if (!(reply instanceof Message.Submitted submitted)) {
                throw new IllegalStateException("command refused: " + describe(reply));
            }
            System.out.println("accepted: " + module + " " + command.id() + " (grant " + submitted.grantId() + ") via " + peer);
            if (!wait) {
                return 0;
            }
            return new ReceiptWaiter(client, peer, System.out).await(command, command.notAfter()) ? 0 : 3;
        }
    }

    static String describe(Message m) {
        if (m instanceof Message.Rejected r) {
            return r.reason() + " (" + r.code() + (r.retryAfterSeconds() > 0 ? ", retry after " + r.retryAfterSeconds()
                    + " s" : "") + ")";
        }
        return String.valueOf(m);
    }
}
