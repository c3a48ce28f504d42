package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.testing.Await;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 19, item 9, over real HTTP peers started as {@code classchain peer} starts them, each with
 * its {@code peer.properties}: the teacher restarts a student's computer. The "reboot" is a script
 * that records its arguments and, at the moment it runs, what the teacher's peer says of the
 * command (curl): the EXECUTED receipt is there already. A computer whose rights check refuses
 * (a plain peer, no polkit rule) answers UNAVAILABLE and runs nothing; a student who scripts the
 * REST API to send {@code power} to the room is refused.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PowerOverHttpTest {
    private static final String TEACHER_PW = "the teacher's password power";
    private static final String MALLORY_PW = "mallory's own password 1";

    @TempDir
    Path tmp;
    private final List<PeerCommand.Running> open = new ArrayList<>();

    @AfterEach
    void closeAll() {
        open.forEach(PeerCommand.Running::close);
    }

    @Test
    void theReceiptReachesTheTeacherBeforeTheRebootRunsAndAComputerWithoutTheRightsRunsNothing() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "needs curl to ask the teacher's peer");
        Path pw = Files.writeString(tmp.resolve("teacher.pw"), TEACHER_PW + "\n");
        Path mpw = Files.writeString(tmp.resolve("mallory.pw"), MALLORY_PW + "\n");
        Path ask = tmp.resolve("ask-the-teacher.url");
        PeerCommand.Running teacher = peer("teacher", Map.of(), "--user", "teacher", "--password-file", pw.toString());
        String t = teacher.peer().address();
        // alice's computer: the service with its rights (the check says yes)
        PeerCommand.Running alice = peer("alice", Map.of(
                "power-reboot", recorder("alice-reboot", ask) + " --now",
                "power-check", script("yes", "exit 0")), "--seed", t);
        // mallory's computer: a plain peer, whose rights check refuses as polkit does
        PeerCommand.Running mallory = peer("mallory", Map.of(
                "power-reboot", recorder("mallory-reboot", ask).toString(),
                "power-check", script("no", "echo 'Not authorized.'; exit 1")),
                "--seed", t, "--user", "mallory", "--password-file", mpw.toString());
        Await.until("the teacher's peer knows both computers and mallory's account", Duration.ofSeconds(60),
                () -> teacher.peer().chain().accounts().containsKey("mallory") && knows(teacher, alice) && knows(teacher, mallory));

        try (JettyTransport http = JettyTransport.builder().build()) {
            // the student as adversary: her own account, her own script, power for the whole room
            TeacherClient student = new TeacherClient(http, new SecureRandom(), Duration.ofSeconds(10));
            assertThat(student.signIn(mallory.peer().address(), "mallory", MALLORY_PW)).isInstanceOf(Message.AuthConfirmed.class);
            assertThat(student.submit(mallory.peer().address(), List.of(power(Target.all()))))
                    .isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).as(r.reason()).isEqualTo(403));

            TeacherClient client = new TeacherClient(http, new SecureRandom(), Duration.ofSeconds(10));
            assertThat(client.signIn(t, "teacher", TEACHER_PW)).isInstanceOf(Message.AuthConfirmed.class);
            Command reboot = power(Target.role(Role.STUDENT));
            Files.writeString(ask, t + "/api/v1/commands/" + reboot.id());
            assertThat(client.submit(t, List.of(reboot))).isInstanceOf(Message.Submitted.class);

            Path aliceLog = tmp.resolve("alice-reboot.log");
            Await.until("alice's computer ran the reboot", Duration.ofSeconds(60), () -> read(aliceLog).contains("end"));
            String log = Files.readString(aliceLog);
            assertThat(log).startsWith("argv: --now\n");
            assertThat(log).as("when the reboot ran, the teacher's peer had alice's EXECUTED receipt")
                    .contains(alice.peer().nodeId()).contains("EXECUTED");

            Await.until("mallory's receipt reached the teacher", Duration.ofSeconds(60),
                    () -> receiptOf(client, t, reboot.id(), mallory.peer().nodeId()) != null);
            Receipt refused = receiptOf(client, t, reboot.id(), mallory.peer().nodeId());
            assertThat(refused.status()).as(refused.detail()).isEqualTo(ReceiptStatus.UNAVAILABLE);
            assertThat(refused.detail()).contains("cannot restart").contains("org.freedesktop.login1.reboot-multiple-sessions")
                    .contains("Not authorized.");
            assertThat(tmp.resolve("mallory-reboot.log")).as("nothing ran on mallory's computer").doesNotExist();
            Receipt done = receiptOf(client, t, reboot.id(), alice.peer().nodeId());
            assertThat(done.status()).isEqualTo(ReceiptStatus.EXECUTED);
            assertThat(done.detail()).contains("restart in 0 s once this receipt has reached the teacher");
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static Command power(Target target) {
        return new Command(UUID.randomUUID(), "power", target, Map.of("action", "reboot", "delay", "0"),
                Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static boolean knows(PeerCommand.Running teacher, PeerCommand.Running student) {
        return teacher.peer().status().neighbours().stream().anyMatch(a -> a.equals(student.peer().address()));
    }

    private static Receipt receiptOf(TeacherClient client, String teacher, UUID id, String nodeId) {
        try {
            CommandReport r = client.report(teacher, id);
            return r.receipts().stream().filter(x -> x.peerId().equals(nodeId)).findFirst().orElse(null);
        } catch (Exception e) {
            return null;
        }
    }

    /** A stand-in for systemctl: records its arguments, then what the teacher's peer says of the command. */
    private Path recorder(String name, Path ask) throws Exception {
        Path log = tmp.resolve(name + ".log");
        return script(name, "echo \"argv: $*\" >> '" + log + "'\n"
                + "curl -s \"$(cat '" + ask + "')\" >> '" + log + "'\n"
                + "echo end >> '" + log + "'");
    }

    private Path script(String name, String body) throws Exception {
        Path s = tmp.resolve(name + ".sh");
        Files.writeString(s, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwxr-xr-x"));
        return s;
    }

    /** Starts {@code classchain peer --data-dir TMP/NAME --port 0 --host 127.0.0.1 ARGS} in this JVM with these settings. */
    private PeerCommand.Running peer(String name, Map<String, Object> settings, String... args) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        StringBuilder props = new StringBuilder();
        settings.forEach((k, v) -> props.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve(PeerSettings.FILE_NAME), props);
        List<String> all = new ArrayList<>(List.of("--data-dir", dir.toString(), "--port", "0",
                "--host", "127.0.0.1", "--difficulty", "8", "--join-timeout", "60s"));
        all.addAll(List.of(args));
        PeerCommand cmd = new PeerCommand();
        new CommandLine(cmd).parseArgs(all.toArray(String[]::new));
        PeerCommand.Running r = cmd.start();
        open.add(r);
        return r;
    }
}
