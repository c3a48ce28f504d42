package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The installed layout with real processes: a student's peer run as the system service
 * ({@code peer --agent-socket}, headless, as under systemd) and a session agent
 * ({@code classchain agent --keep-alive}) on the X display, started directly because CI has no
 * running systemd (the package's user unit restarts the agent there). What the student does: kill
 * the agent ({@code kill -9}); it is back within 2 s and the teacher's receipt says so; with no
 * agent at all a display command is UNAVAILABLE, never EXECUTED. Needs an X display (run under
 * {@code xvfb-run}); skipped without one.
 */
class ServiceAgentIT {
    private static final Duration BACK_WITHIN = Duration.ofSeconds(2);
    /** A room answer is cached 2 s and asks each student with a 2 s deadline; the service asks its agents every 1 s. */
    private static final Duration TOLD_WITHIN = Duration.ofSeconds(8);
    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
    private static final Pattern CONNECTED = Pattern.compile("session agent of (\\S+) connected: display \\S+, pid (\\d+)");

    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS) // the logs stay when it fails
    Path tmp;

    @Test
    @Timeout(300)
    void aKilledAgentIsBackWithin2sTheTeacherIsToldAndWithoutOneNothingSaysExecuted() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "no X display: run under xvfb-run to test the session agent");
        String me = System.getProperty("user.name");
        Path socket = tmp.resolve("run").resolve("agent.sock");
        try (PeerProcesses procs = new PeerProcesses(tmp)) {
            Path pw = tmp.resolve("pw.txt");
            PeerProcesses.Running teacher = procs.teacher(pw);
            PeerProcesses.Running student = procs.peer("student", Duration.ofSeconds(60), "--seed", teacher.url(),
                    "--agent-socket", socket.toString(), "--agent-users", me);
            Path serviceLog = procs.log("student");
            List<String> signIn = List.of("send", "--peer", teacher.url(), "--user", "teacher", "--password-file",
                    pw.toString(), "--ttl", "60s");

            // no graphical session yet: a blackout is UNAVAILABLE with the reason, not EXECUTED
            PeerProcesses.Result none = procs.run(Duration.ofSeconds(90), concat(signIn, "blackout", "--arg",
                    "seconds=60", "--wait"));
            assertThat(none.exit()).as(none.output()).isEqualTo(3);
            assertThat(none.output()).containsPattern(student.nodeId() + "\\s+UNAVAILABLE").contains("no graphical session");

            // the agent of the student's session, supervised as the package's unit would be
            Process supervisor = agent(socket, me, tmp.resolve("agent.out"));
            try {
                long first = await("the agent connected", Duration.ofSeconds(60), serviceLog, 1);
                PeerProcesses.Result locked = procs.run(Duration.ofSeconds(90), concat(signIn, "lock", "--arg",
                        "message=Eyes on me", "--wait"));
                assertThat(locked.exit()).as(locked.output()).isZero();
                assertThat(locked.output()).containsPattern(student.nodeId() + "\\s+EXECUTED").contains("locked until unlock");

                // the student removes the lock's state file (it is theirs), then kills its keeper and the agent
                Path lockState = Path.of(System.getProperty("java.io.tmpdir"), "classchain-desktop-" + me,
                        "blackout.properties");
                long keeper = Long.parseLong(java.util.regex.Pattern.compile("keeper=(\\d+)").matcher(Files.readString(lockState))
                        .results().findFirst().orElseThrow().group(1));
                Files.delete(lockState);
                ProcessHandle.of(keeper).ifPresent(ProcessHandle::destroyForcibly);
                ProcessHandle.of(first).orElseThrow().destroyForcibly(); // kill -9, as the student would
                long killedAt = System.nanoTime();
                long second = await("the agent back", BACK_WITHIN, serviceLog, 2);
                System.out.printf("agent killed: back (pid %d) after %.2f s%n", second, (System.nanoTime() - killedAt) / 1e9);
                assertThat(Files.readString(serviceLog)).contains("restarted (1 time)");
                // the teacher's room says so at once, not at the next command's receipt (before: nothing said it)
                String[] row = new String[1];
                waitFor("the teacher's room showing the restart", TOLD_WITHIN, () -> {
                    row[0] = roomRow(teacher.url(), student.nodeId());
                    return row[0].contains("\"agentRestarts\":1");
                });
                System.out.printf("teacher's room told of the restart after %.2f s: %s%n",
                        (System.nanoTime() - killedAt) / 1e9, row[0]);
                assertThat(row[0]).contains("\"display\":true").contains("\"agents\":1");
                PeerProcesses.Result status = procs.run(Duration.ofSeconds(60), "status", "--peer", student.url());
                assertThat(status.output()).containsPattern("desktop: +display, 1 session agent; agent restarted 1 time "
                        + "\\(last \\d\\d:\\d\\d:\\d\\d\\)");
                waitFor("the lock restored by the service", Duration.ofSeconds(30), () -> read(lockState)
                        .matches("(?s).*keeper=(\\d+).*") && !read(lockState).contains("keeper=" + keeper + "\n"));
                System.out.printf("lock restored (its state and keeper removed too) after %.2f s%n",
                        (System.nanoTime() - killedAt) / 1e9);

                PeerProcesses.Result unlocked = procs.run(Duration.ofSeconds(90), concat(signIn, "unlock", "--wait"));
                assertThat(unlocked.exit()).as(unlocked.output()).isZero();
                assertThat(unlocked.output()).containsPattern(student.nodeId() + "\\s+EXECUTED").contains("unlocked")
                        .contains("session agent restarted 1 time");

                // close-apps under the service goes through the agent, which runs as the student
                // a name of this run's own: close-apps sees the whole process table, where another
                // build on this machine (same user) may be running this test's app at the same time
                String appName = "classchain-it-app-" + Long.toHexString(new java.security.SecureRandom().nextLong());
                Path app = Files.copy(Path.of("/bin/sleep"), tmp.resolve(appName));
                app.toFile().setExecutable(true);
                Process studentsApp = new ProcessBuilder(app.toString(), "300").start();
                try {
                    PeerProcesses.Result closed = procs.run(Duration.ofSeconds(90), concat(signIn, "close-apps", "--arg",
                            "names=" + appName, "--arg", "grace=3", "--wait"));
                    assertThat(closed.exit()).as(closed.output()).isZero();
                    assertThat(closed.output()).containsPattern(student.nodeId() + "\\s+EXECUTED")
                            .contains("closed " + appName + " (pid " + studentsApp.pid() + ")");
                    assertThat(studentsApp.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
                } finally {
                    studentsApp.destroyForcibly();
                }
            } finally {
                supervisor.descendants().forEach(ProcessHandle::destroyForcibly);
                supervisor.destroyForcibly();
                supervisor.waitFor();
            }
            awaitLine("the agent gone", Duration.ofSeconds(30), serviceLog, "went away", 2);
            waitFor("the teacher's room showing no graphical session", TOLD_WITHIN,
                    () -> roomRow(teacher.url(), student.nodeId()).contains("\"display\":false"));
            assertThat(roomRow(teacher.url(), student.nodeId())).contains("no graphical session");
            PeerProcesses.Result gone = procs.run(Duration.ofSeconds(90), concat(signIn, "message", "--arg", "text=hi",
                    "--wait"));
            assertThat(gone.exit()).as(gone.output()).isEqualTo(3);
            assertThat(gone.output()).containsPattern(student.nodeId() + "\\s+UNAVAILABLE").contains("no graphical session");
        }
    }

    @Test
    @Timeout(120)
    void anAgentRefusesASocketServedByAnotherUser() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "no X display: run under xvfb-run to test the session agent");
        Path socket = tmp.resolve("agent.sock");
        try (SessionAgents impostor = new SessionAgents(socket, List.of(System.getProperty("user.name")))) {
            Process agent = new ProcessBuilder(javaAgent(socket, "classchain")).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("a.out").toFile()).start(); // the impostor runs as this user, not classchain
            try {
                awaitLine("the agent's refusal", Duration.ofSeconds(60), tmp.resolve("a.out"), "not the ClassChain service, refused", 1);
                assertThat(impostor.hasDisplay()).as("the agent never said hello").isFalse();
            } finally {
                agent.destroyForcibly();
                agent.waitFor();
            }
        }
    }

    /**
     * A program of another user at the service's socket ({@code nobody}, who has no login session)
     * is told so and closed: it never becomes the computer's display. As root only (it runs the
     * agent as another user with {@code setpriv}).
     */
    @Test
    @Timeout(120)
    void theServiceRefusesAnAgentOfAUserWithoutALoginSession() throws Exception {
        assumeTrue(System.getenv("DISPLAY") != null, "no X display: run under xvfb-run to test the session agent");
        assumeTrue("root".equals(System.getProperty("user.name")), "runs the agent as user nobody: needs root");
        Path open = Files.createTempDirectory(Path.of("/tmp"), "classchain-agent-it");
        Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Path socket = open.resolve("agent.sock");
        Path out = tmp.resolve("nobody.out");
        try (SessionAgents service = new SessionAgents(socket, List.of())) { // no logind here: nobody is logged in
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
            cmd.addAll(javaAgent(socket, "root"));
            Process agent = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                awaitLine("the refusal", Duration.ofSeconds(60), out, "user nobody has no login session", 1);
                assertThat(service.hasDisplay()).as("nobody's agent is no display of this computer").isFalse();
            } finally {
                agent.destroyForcibly();
                agent.waitFor();
            }
        } finally {
            Files.deleteIfExists(socket);
            Files.deleteIfExists(open);
        }
    }

    private static Process agent(Path socket, String serviceUser, Path out) throws IOException {
        List<String> cmd = javaAgent(socket, serviceUser);
        cmd.add("--keep-alive");
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    private static List<String> javaAgent(Path socket, String serviceUser) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-jar", PeerProcesses.JAR.toString(), "agent", "--socket", socket.toString(), "--service-user",
                serviceUser));
    }

    /** Waits for the {@code n}th agent connection in the service's log; its pid. */
    private static long await(String what, Duration patience, Path log, int n) throws Exception {
        long[] pid = new long[1];
        waitFor(what, patience, () -> {
            List<Matcher> m = CONNECTED.matcher(read(log)).results().map(r -> CONNECTED.matcher(r.group())).toList();
            if (m.size() < n) {
                return false;
            }
            Matcher last = m.get(n - 1);
            last.find();
            pid[0] = Long.parseLong(last.group(2));
            return true;
        });
        return pid[0];
    }

    /** The student's row of the teacher's {@code GET /api/v1/room}, as the console polls it; empty if absent. */
    private static String roomRow(String teacherUrl, String nodeId) {
        try {
            String body = HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(teacherUrl + "/api/v1/room"))
                    .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            for (com.fasterxml.jackson.databind.JsonNode r : new com.fasterxml.jackson.databind.ObjectMapper().readTree(body)
                    .get("peers")) {
                if (nodeId.equals(r.path("nodeId").asText())) {
                    return r.toString();
                }
            }
            return "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void awaitLine(String what, Duration patience, Path file, String text, int times) throws Exception {
        waitFor(what, patience, () -> read(file).split(Pattern.quote(text), -1).length - 1 >= times);
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Other processes' logs: nothing to wait on but the files. */
    private static void waitFor(String what, Duration patience, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waited %s for: %s", patience, what).isNegative();
            Thread.sleep(20);
        }
    }

    private static String[] concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all.toArray(String[]::new);
    }
}
