package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.classchain.core.client.TeacherClient;
import org.classchain.http.JettyTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 19, item 2, with the real launcher as separate processes: {@code send --wait} does not
 * wait out the command's lifetime when no computer can answer. A {@code user:} target nobody is
 * known as is refused at once (exit 2, naming the known users); with every target offline it
 * returns at once, listing them (exit 3).
 */
class OfflineTargetsIT extends LauncherProcesses {

    @Test
    @Timeout(240)
    void sendWaitReturnsAtOnceWhenNoComputerCanAnswer() throws Exception {
        processes = new PeerProcesses(tmp);
        Path pw = tmp.resolve("pw.txt");
        PeerProcesses.Running teacher = processes.teacher(pw);
        PeerProcesses.Running alice = processes.peer("alice", Duration.ofSeconds(60), "--seed", teacher.url());
        awaitKnown(teacher.url(), alice.nodeId());
        String[] send = {"send", "--peer", teacher.url(), "--user", "teacher", "--password-file", pw.toString(),
            "message", "--arg", "text=hello", "--wait", "--ttl", "90s"};

        long before = PeerProcesses.status(teacher.url()).height();
        long start = System.nanoTime();
        PeerProcesses.Result nobody = processes.run(Duration.ofSeconds(150), concat(send, "--target", "user:nobody"));
        long nobodySeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(nobody.exit()).as(nobody.output()).isEqualTo(2);
        assertThat(nobody.output()).contains("unknown user nobody").contains("known users: ").contains("teacher")
                .doesNotContain("accepted");
        assertThat(nobodySeconds).as("refused at once, not after the 90 s TTL").isLessThan(30);
        assertThat(PeerProcesses.status(teacher.url()).height()).as("nothing mined").isEqualTo(before);

        alice.process().destroy();
        assertThat(alice.process().waitFor(30, TimeUnit.SECONDS)).isTrue();
        start = System.nanoTime();
        PeerProcesses.Result offline = processes.run(Duration.ofSeconds(150), send);
        long offlineSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(offline.exit()).as(offline.output()).isEqualTo(3);
        assertThat(offline.output()).contains("accepted: message")
                .containsPattern(alice.nodeId() + "\\s+OFFLINE\\s+will run when it returns")
                .contains("offline: " + alice.nodeId());
        assertThat(offlineSeconds).as("every target offline: returns at once, not after the 90 s TTL")
                .isLessThan(30);
    }

    /** Waits until the teacher's peer lists the node {@code nodeId} in its roster. */
    private static void awaitKnown(String teacherUrl, String nodeId) throws Exception {
        try (JettyTransport t = JettyTransport.builder().build()) {
            TeacherClient client = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < end) {
                if (client.peers(teacherUrl).stream().anyMatch(p -> p.nodeId().equals(nodeId))) {
                    return;
                }
                Thread.sleep(100);
            }
        }
        throw new AssertionError(nodeId + " never appeared in the teacher's roster");
    }

    private static String[] concat(String[] head, String... tail) {
        String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
