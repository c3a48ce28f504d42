package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.classchain.PeerStatus;
import org.classchain.Role;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar as separate processes: a teacher and two students on ephemeral loopback ports,
 * a command sent with {@code classchain send --wait}, and a student killed with SIGKILL and
 * restarted on its data dir.
 */
class LauncherIT {

    static final Path JAR = Path.of("target", "classchain.jar").toAbsolutePath();
    static final Pattern STARTED = Pattern.compile("ClassChain peer (\\w+) is the (\\w+) of chain (\\w+) at (\\S+) ");

    @TempDir
    Path tmp;

    private final List<Process> processes = new ArrayList<>();

    record Running(Process process, String nodeId, Role role, String url) {
    }

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private ProcessBuilder java(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-Djava.awt.headless=true", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        // headless on purpose, even under Xvfb: 'message' then writes notices.txt, which this test reads
        pb.environment().remove("DISPLAY");
        return pb;
    }

    private Running peer(String name, String... args) throws IOException {
        Path log = tmp.resolve(name + ".log");
        List<String> all = new ArrayList<>(List.of("peer", "--host", "127.0.0.1", "--port", "0", "--difficulty", "10",
                "--data-dir", tmp.resolve(name).toString()));
        all.addAll(List.of(args));
        Process p = java(all.toArray(String[]::new)).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = STARTED.matcher(line);
            if (m.find()) {
                return new Running(p, m.group(1), Role.valueOf(m.group(2)), m.group(4));
            }
        }
        throw new AssertionError(name + " exited before serving: " + Files.readString(log));
    }

    private String run(int expectedExit, String... args) throws Exception {
        Path out = tmp.resolve("cli-" + System.nanoTime() + ".out");
        Process p = java(args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(out);
        assertThat(p.exitValue()).as(text).isEqualTo(expectedExit);
        return text;
    }

    @Test
    @Timeout(120)
    void sendWaitReachesEveryStudentAndAKilledStudentComesBack() throws Exception {
        Path pw = tmp.resolve("pw.txt");
        Files.writeString(pw, "a teacher's secret\n");
        Running teacher = peer("teacher", "--user", "teacher", "--password-file", pw.toString());
        assertThat(teacher.role()).isEqualTo(Role.TEACHER);
        Path alicePw = tmp.resolve("alice-pw.txt");
        Files.writeString(alicePw, "alice's own password\n");
        Running alice = peer("alice", "--seed", teacher.url(), "--user", "alice", "--password-file", alicePw.toString());
        Running bob = peer("bob", "--seed", teacher.url());
        assertThat(alice.role()).isEqualTo(Role.STUDENT);

        // the peers run headless: the message becomes a notice and the receipt says UNAVAILABLE (exit 3)
        String sent = run(3, "send", "--peer", teacher.url(), "--user", "teacher", "--password-file", pw.toString(),
                "message", "--arg", "text=Hello class", "--wait");
        assertThat(sent).contains("accepted: message");
        assertThat(sent).containsPattern(alice.nodeId() + "\\s+UNAVAILABLE").containsPattern(bob.nodeId() + "\\s+UNAVAILABLE");
        assertThat(Files.readString(tmp.resolve("alice").resolve("notices.txt"))).contains("Hello class");

        // through a student's peer, exactly as through the teacher's; and to a person, wherever she is
        try (JettyTransport t = JettyTransport.builder().build()) {
            TeacherClient c = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.peers(teacher.url()).stream().noneMatch(p -> p.users().contains("alice"))) {
                assertThat(System.nanoTime()).as("alice on the teacher's roster").isLessThan(end);
                Thread.sleep(200);
            }
        }
        String viaBob = run(3, "send", "--peer", bob.url(), "--user", "teacher", "--password-file", pw.toString(),
                "message", "--arg", "text=For alice", "--target", "user:alice", "--wait");
        assertThat(viaBob).containsPattern(alice.nodeId() + "\\s+UNAVAILABLE").doesNotContain(bob.nodeId());
        assertThat(Files.readString(tmp.resolve("alice").resolve("notices.txt"))).contains("For alice");

        // through a student's peer, with a wrong password: refused, and says so
        Path wrong = tmp.resolve("wrong.txt");
        Files.writeString(wrong, "not it\n");
        assertThat(run(1, "send", "--peer", bob.url(), "--user", "teacher", "--password-file", wrong.toString(),
                "message", "--arg", "text=x")).contains("sign-in refused").contains("401");

        try (JettyTransport t = JettyTransport.builder().build()) {
            TeacherClient c = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
            PeerStatus before = c.status(alice.url());
            alice.process().destroyForcibly().waitFor();
            Running again = peer("alice", "--seed", teacher.url());
            PeerStatus after = c.status(again.url());
            assertThat(after.nodeId()).isEqualTo(before.nodeId());
            assertThat(after.height()).isGreaterThanOrEqualTo(before.height());
            assertThat(after.chainId()).isEqualTo(before.chainId());
        }
        assertThat(run(0, "status", "--peer", bob.url())).contains("role:       STUDENT").contains(teacher.url());

        // the packaged jar serves the console, with its scripts
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/", "/srp.js", "/crypto.js", "/console.js")) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(bob.url() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
    }
}
