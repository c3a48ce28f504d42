package org.classchain.samples;

import java.io.IOException;
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
import org.classchain.wire.Message;
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

    @Option(names = "--wait", description = "wait until every target the teacher's peer knows has sent its receipt "
            + "or is offline (at most the TTL), print them, exit 3 unless all executed (offline ones listed)")
    boolean wait;

    @Option(names = "--force", description = "send even a module that no computer the teacher's peer has heard from "
            + "has installed, or to a user: nobody is known as (without it such a command is refused, exit 2, "
            + "before anything is mined)")
    boolean force;

    @Option(names = "--file", description = "with send-file: the file to put into the students' inbox, of any size: "
            + "uploaded to the teacher's peer, the command carries only its name, size, SHA-256 and manifest root "
            + "and the students fetch the bytes from the teacher's peer and each other")
    Path file;

    @Option(names = "--name", description = "with --file: the name the students see (default: the file's own name)")
    String name;

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
        if (file != null) {
            checkFile(arguments);
        } else if (name != null) {
            throw new IllegalArgumentException("--name goes with --file");
        }
        Target to = Target.parse(target);
        // a bad module name or time to live is refused before the password is asked for (and, with
        // --file, before the file is uploaded); the command itself is made once its arguments are complete
        Command.create(module, to, arguments, Instant.now(), ttl);
        String password = Passwords.read(passwordFile, "Password for " + user + ": ");
        try (JettyTransport transport = tls.apply(JettyTransport.builder()).build()) {
            TeacherClient client = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(15));
            Message signedIn = client.signIn(peer, user, password);
            if (!(signedIn instanceof Message.AuthConfirmed)) {
                throw new IllegalStateException("sign-in refused: " + describe(signedIn));
            }
            if (file != null) {
                arguments.putAll(FileUpload.upload(transport, client, peer, file, name != null ? name
                        : file.getFileName().toString()));
            }
            Command command = Command.create(module, to, arguments, Instant.now(), ttl);
            Message reply = client.submit(peer, List.of(command), force);
            if (reply instanceof Message.Rejected r && r.code() == 422) {
                // a module no computer of the room has, or a user nobody is known as: the teacher's host
                // refused it before anything was mined
                System.err.println("classchain: " + r.reason() + ". Nothing was sent; --force sends it anyway (for "
                        + "a module or a user only computers the teacher's peer has not heard from yet know)");
                return 2;
            }
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

    /** {@code --file}: only with send-file, and not with the arguments it sets. */
    private void checkFile(Map<String, String> arguments) {
        if (!module.equals("send-file")) {
            throw new IllegalArgumentException("--file goes with send-file, not " + module
                    + ": e.g. send send-file --file notes.pdf");
        }
        for (String set : List.of("content", "sha256", "size", "root", "from", "chunk-size")) {
            if (arguments.containsKey(set)) {
                throw new IllegalArgumentException("--file sets " + set + ": give it with --arg or with --file, not both");
            }
        }
        if (arguments.containsKey("name") && name != null) {
            throw new IllegalArgumentException("give the name with --name or --arg name=, not both");
        }
        if (arguments.containsKey("name")) {
            name = arguments.remove("name");
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
