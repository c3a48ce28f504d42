package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.classchain.Account;
import org.classchain.Role;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code classchain enroll} and {@code classchain accounts} as the teacher runs them, against real
 * HTTP peers: a second laptop enrolled signs the teacher in when the teacher's computer is off, a
 * student's computer is refused; a squatted name is freed and taken by its owner's computer, and a
 * name renamed.
 */
class AccountsCliTest {

    static final String PW = "a teacher's secret";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();

    record Run(int exit, String out, String err) {
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** Runs the launcher in this JVM, capturing what it prints (FilesOverHttpTest uses it too). */
    static synchronized Run cli(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = ClassChainCli.run(args);
            return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private Peer peer(String name, String seed, String user, String password) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name))
                .transport(JettyTransport.builder().host("127.0.0.1").port(0).rateLimit(5000, 10_000).build())
                .difficultyBits(8).tick(Duration.ofMillis(150)).modules(ModuleRegistry.of())
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

    private Path passwordFile(String name, String password) throws Exception {
        Path f = tmp.resolve(name + ".pw");
        Files.writeString(f, password + "\n");
        return f;
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

    @Test
    @Timeout(120)
    void anEnrolledLaptopSignsTheTeacherInWhenTheTeachersComputerIsOffAndAStudentsComputerIsRefused() throws Exception {
        Peer teacher = peer("teacher", null, "teacher", PW);
        Peer alice = peer("alice", teacher.address(), "alice", "alice's password");
        Peer laptop = peer("laptop", teacher.address(), null, null);
        Peer s1 = peer("s1", teacher.address(), null, null);
        await("alice's account is on the chain", () -> teacher.chain().accounts().containsKey("alice"));
        String pw = passwordFile("teacher", PW).toString();

        Run refused = cli("enroll", "--peer", alice.address(), "--user", "teacher", "--password-file", pw);
        assertThat(refused.exit()).as(refused.err()).isEqualTo(1);
        assertThat(refused.err()).contains("enrollment refused").contains("student account 'alice'").contains("403");
        Run wrongNode = cli("enroll", "--peer", laptop.address(), "--user", "teacher", "--password-file", pw,
                "--node-id", alice.nodeId());
        assertThat(wrongNode.exit()).isEqualTo(1);
        assertThat(wrongNode.err()).contains("is node " + laptop.nodeId() + ", not " + alice.nodeId());

        Run enrolled = cli("enroll", "--peer", laptop.address(), "--user", "teacher", "--password-file", pw,
                "--node-id", laptop.nodeId());
        assertThat(enrolled.exit()).as(enrolled.err()).isZero();
        assertThat(enrolled.out()).contains("enrolled: node " + laptop.nodeId());
        assertThat(laptop.role()).isEqualTo(Role.TEACHER);
        assertThat(alice.role()).isEqualTo(Role.STUDENT);
        await("the laptop holds the teacher's credential", () -> {
            try {
                return CredentialStore.open(tmp.resolve("laptop")).find("teacher").isPresent();
            } catch (Exception e) {
                return false;
            }
        });

        teacher.close();
        TeacherClient later = client();
        assertThat(later.signIn(s1.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(later.hostNodeId()).isEqualTo(laptop.nodeId());
        // no computer of this room has modules (ModuleRegistry.of()): --force, or the host refuses "record"
        Run sent = cli("send", "--peer", s1.address(), "--user", "teacher", "--password-file", pw, "record", "--force");
        assertThat(sent.exit()).as(sent.err()).isZero();
        assertThat(sent.out()).contains("accepted: record");
    }

    @Test
    @Timeout(120)
    void theTeacherFreesASquattedNameForItsOwnerAndRenamesAnAccount() throws Exception {
        Peer teacher = peer("teacher", null, "teacher", PW);
        Peer mallory = peer("mallory", teacher.address(), null, null);
        String pw = passwordFile("teacher", PW).toString();

        // mallory's script takes "bob" with her computer's key before bob's computer joins
        NodeIdentity key = NodeIdentity.loadOrCreate(tmp.resolve("mallory"), new SecureRandom());
        String chainId = teacher.chain().chainId();
        try (JettyTransport script = JettyTransport.builder().build()) {
            byte[] signed = ("classchain-register-v1\n" + chainId + "\nbob\n" + key.publicKey().hex())
                    .getBytes(StandardCharsets.UTF_8);
            Message squat = script.send(teacher.address(), new Message.RegisterAccount("bob", key.publicKey(),
                    key.sign(signed))).get(10, TimeUnit.SECONDS);
            assertThat(squat).isInstanceOf(Message.Ack.class);
            await("'bob' is mallory's on the chain", () -> teacher.chain().accounts().containsKey("bob"));
            assertThat(teacher.chain().accounts().get("bob").isHostedBy(mallory.nodeId())).isTrue();

            assertThatThrownBy(() -> peer("bob", teacher.address(), "bob", "bob's password"))
                    .hasMessageContaining("'bob' is already taken").hasMessageContaining("classchain accounts free bob");

            Run list = cli("accounts", "list", "--peer", teacher.address());
            assertThat(list.out()).containsPattern("bob\\s+STUDENT\\s+" + mallory.nodeId());
            Run notTheTeacher = cli("accounts", "free", "teacher", "--peer", teacher.address(), "--user", "teacher",
                    "--password-file", pw);
            assertThat(notTheTeacher.exit()).isEqualTo(1);
            assertThat(notTheTeacher.err()).contains("cannot be freed");
            Run freed = cli("accounts", "free", "bob", "--peer", mallory.address(), "--user", "teacher",
                    "--password-file", pw);
            assertThat(freed.exit()).as(freed.err()).isZero();
            await("the teacher's peer has 'bob' freed", () -> teacher.chain().accounts().get("bob").isRetired());

            // the computer it was freed from cannot take it back
            Message again = script.send(teacher.address(), new Message.RegisterAccount("bob", key.publicKey(),
                    key.sign(signed))).get(10, TimeUnit.SECONDS);
            assertThat(again).isInstanceOfSatisfying(Message.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(409);
                assertThat(r.reason()).contains("freed");
            });
        }
        // bob's own computer gets it
        Peer bob = peer("bob2", teacher.address(), "bob", "bob's password");
        await("'bob' is bob's computer's", () -> teacher.chain().accounts().get("bob").isHostedBy(bob.nodeId()));
        TeacherClient asBob = client();
        assertThat(asBob.signIn(mallory.address(), "bob", "bob's password")).isInstanceOf(Message.AuthConfirmed.class);

        // a rename: bob's computer keeps hosting the account under its new name
        Run renamed = cli("accounts", "rename", "bob", "robert", "--peer", teacher.address(), "--user", "teacher",
                "--password-file", pw);
        assertThat(renamed.exit()).as(renamed.err()).isZero();
        Account robert = teacher.chain().accounts().get("robert");
        assertThat(teacher.chain().accounts().get("bob").isRetired()).isTrue();
        assertThat(robert.hostKeys()).extracting(k -> k.nodeId()).containsExactly(bob.nodeId());
        await("bob's computer signs its person in as robert", () -> bob.signedInUsers().contains("robert"));
        assertThat(client().signIn(mallory.address(), "robert", "bob's password")).isInstanceOf(Message.AuthConfirmed.class);
        Run lookAlike = cli("accounts", "rename", "robert", "Teacher", "--peer", teacher.address(), "--user", "teacher",
                "--password-file", pw);
        assertThat(lookAlike.exit()).isEqualTo(1);
        assertThat(lookAlike.err()).contains("looks like the teacher's");
    }
}
