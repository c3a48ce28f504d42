package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, attack 2, over real HTTP: the teacher signs in at the console served by a student's
 * peer (alice's), as the console does (SRP through her peer, then {@code POST /auth/login} naming
 * her computer), then sends a message to every student from the teacher's own peer. Signing in
 * somewhere never changes that computer's role: alice's computer stays a STUDENT, gets the
 * message, and never holds the teacher's credential.
 */
class TeacherAtAStudentsPeerOverHttpTest {

    static final String PW = "Tr0ub4dor&3 teacher";

    @TempDir
    Path tmp;

    private final RecordingModule module = new RecordingModule();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Peer peer(String name, String seed, String user, String password) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name))
                .transport(JettyTransport.builder().host("127.0.0.1").port(0).rateLimit(5000, 10_000).build())
                .difficultyBits(8).tick(Duration.ofMillis(150)).modules(ModuleRegistry.of(module))
                .passwordPolicy(new PasswordPolicy(1000, 1000));
        if (seed != null) {
            b.seed(seed);
        }
        if (user != null) {
            b.account(user, password);
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    private TeacherClient client() {
        JettyTransport t = JettyTransport.builder().build();
        open.add(t);
        return new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(25);
        }
    }

    private static Command toEveryStudent(String text) {
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of("n", String.valueOf(text.length())),
                Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static boolean executedBy(TeacherClient c, String peer, UUID id, String nodeId) {
        try {
            CommandReport r = c.report(peer, id);
            return r.receipts().stream().anyMatch(x -> x.peerId().equals(nodeId) && x.status() == ReceiptStatus.EXECUTED);
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    @Timeout(120)
    void signingInAsTheTeacherAtAStudentsPeerLeavesItAStudent() throws Exception {
        Peer teacher = peer("teacher", null, "teacher", PW);
        Peer alice = peer("alice", teacher.address(), "alice", "alice's own password");
        Peer bob = peer("bob", teacher.address(), null, null);
        await("alice's account is on the chain", () -> teacher.chain().accounts().containsKey("alice"));

        // the console served by alice's peer: SRP through her peer, then a login naming her computer
        TeacherClient atAlices = client();
        assertThat(atAlices.signIn(alice.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(atAlices.login(alice.address(), alice.nodeId())).isInstanceOf(Message.Ack.class);
        await("the roster at alice's peer shows the teacher there", () -> alice.signedInUsers().contains("teacher"));

        // then the teacher's own console sends a message to every student, twice
        TeacherClient own = client();
        assertThat(own.signIn(teacher.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        for (String text : List.of("Eyes on the board", "And again")) {
            Command message = toEveryStudent(text);
            assertThat(own.submit(teacher.address(), List.of(message))).isInstanceOf(Message.Submitted.class);
            await("alice's computer executed '" + text + "' (a receipt EXECUTED from her at the teacher's peer)",
                    () -> executedBy(own, teacher.address(), message.id(), alice.nodeId()));
            await("bob's computer executed it", () -> executedBy(own, teacher.address(), message.id(), bob.nodeId()));
        }

        assertThat(own.status(alice.address()).role()).as("alice's role, by her status").isEqualTo(Role.STUDENT);
        assertThat(alice.role()).isEqualTo(Role.STUDENT);
        for (Peer p : List.of(teacher, alice, bob)) {
            assertThat(p.chain().accounts().get("teacher").hostKeys()).as("the teacher's hosts on %s's chain", p)
                    .containsExactly(teacher.chain().genesis().payload().genesis().teacher().hostKeys().get(0));
        }
        assertThat(CredentialStore.open(tmp.resolve("alice")).find("teacher")).as("a teacher credential at alice's").isEmpty();
        assertThat(own.status(alice.address()).users()).as("the roster may show who is signed in where").contains("teacher");
    }

    @Test
    @Timeout(120)
    void theTeachersHostEnrollsOnlyADeviceTheTeacherNamesAndNeverAStudentsComputer() throws Exception {
        Peer teacher = peer("teacher", null, "teacher", PW);
        Peer alice = peer("alice", teacher.address(), "alice", "alice's own password");
        Peer lab = peer("lab", teacher.address(), null, null);
        await("alice's account is on the chain", () -> teacher.chain().accounts().containsKey("alice"));
        TeacherClient t = client();
        assertThat(t.signIn(alice.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);

        // alice's computer hosts a STUDENT account: never a host of the teacher's
        Message refused = t.enroll(alice.address(), t.status(alice.address()).publicKey());
        assertThat(refused).isInstanceOfSatisfying(Message.Rejected.class, r -> {
            assertThat(r.code()).isEqualTo(403);
            assertThat(r.reason()).contains("hosts the student account 'alice'");
        });
        // a STUDENT session cannot enroll anything
        TeacherClient student = client();
        assertThat(student.signIn(lab.address(), "alice", "alice's own password")).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(student.enroll(lab.address(), t.status(lab.address()).publicKey()))
                .isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).as(r.reason()).isEqualTo(403));
        // a student signed in at the lab computer: not a device of the teacher's own
        assertThat(student.login(lab.address(), lab.nodeId())).isInstanceOf(Message.Ack.class);
        await("the teacher's roster shows alice at the lab computer", () -> {
            try {
                return t.peers(teacher.address()).stream().anyMatch(p -> lab.nodeId().equals(p.nodeId())
                        && p.users().contains("alice"));
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(t.enroll(lab.address(), t.status(lab.address()).publicKey()))
                .isInstanceOfSatisfying(Message.Rejected.class, r -> {
                    assertThat(r.code()).isEqualTo(403);
                    // signed in there by the roster, or already becoming a backup host of her account
                    assertThat(r.reason()).containsAnyOf("'alice' is signed in", "student account 'alice'");
                });
        assertThat(teacher.chain().accounts().get("teacher").hostKeys()).hasSize(1);
        assertThat(alice.role()).isEqualTo(Role.STUDENT);
        assertThat(lab.role()).isEqualTo(Role.STUDENT);
    }
}
