package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.classchain.Command;
import org.classchain.PeerStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.testing.Classroom;
import org.classchain.wire.Message;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Jetty transport over TLS with a classroom keystore made by the JDK's keytool: a teacher
 * and a student over https, a command sent and executed; clients that do not speak TLS or do not
 * trust the classroom certificate fail cleanly, and the peers keep serving.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsTest {

    static final String PASSWORD = "classroom-keystore-pw";

    @TempDir
    static Path tmp;

    static Path keystore;
    static Path otherKeystore;

    @BeforeAll
    static void makeKeystores() throws Exception {
        keystore = Keystores.generate(tmp.resolve("classroom.p12"), PASSWORD);
        otherKeystore = Keystores.generate(tmp.resolve("other.p12"), PASSWORD);
    }

    @Test
    void aTeacherAndAStudentOverHttpsRunACommand() throws Exception {
        try (Classroom room = Classroom.start(() -> JettyTransport.builder().tls(keystore, PASSWORD).build(), 1,
                new Classroom.Options())) {
            assertThat(room.teacher.address()).startsWith("https://127.0.0.1:");
            assertThat(room.students.get(0).address()).startsWith("https://");
            TeacherClient client = room.client();
            assertThat(client.signIn(room.students.get(0).address(), Classroom.TEACHER, Classroom.PASSWORD))
                    .isInstanceOf(Message.AuthConfirmed.class);
            Command c = Command.create("record", Target.all(), Map.of("n", "7"), Instant.now(), Duration.ofMinutes(5));
            assertThat(client.submit(room.students.get(0).address(), List.of(c))).isInstanceOf(Message.Submitted.class);
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (room.module.runs(room.students.get(0).nodeId(), c.id()) == 0) {
                assertThat(System.nanoTime()).as("the command runs at the student").isLessThan(end);
                Thread.sleep(20);
            }
            PeerStatus s = client.status(room.teacher.address());
            assertThat(s.role()).isEqualTo(Role.TEACHER);
            assertThat(s.neighbours()).anyMatch(n -> n.startsWith("https://"));
        }
    }

    @Test
    void clientsWithoutTlsOrWithoutTheClassroomCertificateFailCleanly() throws Exception {
        try (Classroom room = Classroom.start(() -> JettyTransport.builder().tls(keystore, PASSWORD).build(), 1,
                new Classroom.Options())) {
            String https = room.teacher.address();
            String plain = https.replace("https://", "http://");
            // plain HTTP to the TLS port: the server closes the connection, the call fails at once
            try (JettyTransport t = JettyTransport.builder().build()) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> t.send(plain, new Message.GetStatus()).get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
                // https from a peer without the classroom keystore: refused before any connection, saying why
                assertThatThrownBy(() -> t.send(https, new Message.GetStatus()).get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasMessageContaining("--tls-keystore");
            }
            // https trusting another classroom's certificate: refused too
            try (JettyTransport t = JettyTransport.builder().tls(otherKeystore, PASSWORD).build()) {
                assertThatThrownBy(() -> t.send(https, new Message.GetStatus()).get(20, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasStackTraceContaining("SSL");
            }
            // the peer still serves clients that hold the classroom certificate
            try (JettyTransport t = JettyTransport.builder().tls(keystore, PASSWORD).build()) {
                PeerStatus s = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10)).status(https);
                assertThat(s.nodeId()).isEqualTo(room.teacher.nodeId());
            }
        }
    }

    @Test
    void aMissingKeystoreOrAWrongPasswordIsReportedAtStart() throws Exception {
        assertThatThrownBy(() -> JettyTransport.builder().tls(tmp.resolve("nope.p12"), PASSWORD))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.p12");
        try (JettyTransport t = JettyTransport.builder().tls(keystore, "wrong").build()) {
            assertThatThrownBy(() -> t.start((from, m) -> null)).isInstanceOf(java.io.IOException.class)
                    .hasMessageNotContaining("wrong");
        }
    }
}
