package org.classchain.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import picocli.CommandLine.Option;

/** {@code classchain demo}: a whole classroom on loopback in this JVM, a few commands sent, receipts shown. */
@picocli.CommandLine.Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start a teacher and N students on 127.0.0.1, send a few commands through a student's peer, "
                + "show the receipts, then keep running (Ctrl-C stops).")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--students", defaultValue = "3", description = "how many student peers (default ${DEFAULT-VALUE})")
    int students;

    @Option(names = "--once", description = "stop after showing the receipts")
    boolean once;

    @Option(names = "--data-dir", description = "where the peers keep their data (default: a new temporary folder, "
            + "removed when the demo ends)")
    Path dataDir;

    @Option(names = "--keep", description = "keep the temporary folder when the demo ends")
    boolean keep;

    @Override
    public Integer call() throws Exception {
        if (students < 1 || students > 200) {
            throw new IllegalArgumentException("--students is 1-200");
        }
        Path root = dataDir != null ? dataDir : Files.createTempDirectory("classchain-demo-");
        boolean remove = dataDir == null && !keep; // a folder given with --data-dir is never removed
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        String password = HexFormat.of().formatHex(pw);
        Path passwordFile = root.resolve("teacher-password.txt");
        Files.createDirectories(root);
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
        List<Peer> peers = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            peers.forEach(Peer::close);
            if (remove) {
                removeTree(root);
            }
            stop.countDown();
        }, "classchain-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        Peer teacher = start(root.resolve("teacher"), null, password);
        peers.add(teacher);
        for (int i = 1; i <= students; i++) {
            peers.add(start(root.resolve("student-" + i), teacher.address(), null));
        }
        System.out.println();
        System.out.println("A classroom of " + (students + 1) + " peers is running on 127.0.0.1 (data in " + root
                + (remove ? ", removed when the demo ends; --keep keeps it" : "") + "):");
        for (Peer p : peers) {
            System.out.printf("  %-8s %s  node %s%n", p.role(), p.address(), p.nodeId());
        }
        System.out.println("Teacher: user 'teacher', password in " + passwordFile);
        System.out.println("Console: " + teacher.address() + "/ (sign in there as 'teacher')");
        System.out.println("Try:  java -jar samples/target/classchain.jar send --peer " + peers.get(peers.size() - 1).address()
                + " --user teacher --password-file " + passwordFile + " message --arg text=Hello --wait");
        System.out.println();

        boolean ok;
        try (JettyTransport transport = JettyTransport.builder().build()) {
            String via = peers.get(peers.size() - 1).address();
            TeacherClient client = new TeacherClient(transport, new SecureRandom(), Duration.ofSeconds(15));
            Message signedIn = client.signIn(via, "teacher", password);
            if (!(signedIn instanceof Message.AuthConfirmed)) {
                throw new IllegalStateException("demo sign-in failed: " + SendCommand.describe(signedIn));
            }
            System.out.println("Signed in as 'teacher' through a STUDENT's peer (" + via + "): the SRP-6a exchange was "
                    + "relayed to the teacher's peer; no password crossed the network.");
            ok = true;
            for (String text : List.of("Welcome to ClassChain", "Eyes on the board, please")) {
                Command c = Command.create("message", Target.all(), Map.of("text", text), Instant.now(),
                        Duration.ofMinutes(5));
                Message reply = client.submit(via, List.of(c));
                if (!(reply instanceof Message.Submitted)) {
                    throw new IllegalStateException("demo command refused: " + SendCommand.describe(reply));
                }
                System.out.println();
                System.out.println("message \"" + text + "\" -> all students:");
                ok &= new ReceiptWaiter(client, via, System.out).await(c, Instant.now().plusSeconds(30));
            }
        }
        if (once) {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            shutdown.run();
            return ok ? 0 : 3;
        }
        System.out.println();
        System.out.println("The classroom keeps running; Ctrl-C stops it.");
        stop.await();
        return ok ? 0 : 3;
    }

    /** Deletes {@code root} and everything in it; what cannot be deleted is said, not thrown. */
    private static void removeTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException | UncheckedIOException e) {
            System.err.println("classchain: could not remove " + root + ": " + e);
        }
    }

    private static Peer start(Path dir, String seed, String password) throws Exception {
        JettyTransport transport = JettyTransport.builder().host("127.0.0.1").port(0).build();
        Peer.Builder b = Peer.builder().dataDir(dir).transport(transport).tick(Duration.ofMillis(500));
        Launchers.addHostServices(b, dir, dir.resolve("inbox"));
        Launchers.addConsoleFeed(b, transport);
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            b.service(org.classchain.spi.host.DesktopService.class, new PrintedDesktop(dir.getFileName().toString()));
        }
        if (seed == null) {
            b.account("teacher", password);
        } else {
            b.seed(seed);
        }
        Peer p = b.build();
        p.start();
        return p;
    }
}
