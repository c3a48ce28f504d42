package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.classchain.Command;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Firewall;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** DESIGN 5 over real HTTP: nothing secret on the wire, relays over hops, and a device the teacher enrolled. */
class DelegatedAuthOverHttpTest {

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

    private JettyTransport.Builder jetty() {
        return JettyTransport.builder().host("127.0.0.1").port(0).rateLimit(5000, 10_000);
    }

    private Peer peer(String name, Transport t, String seed, String user, String password) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).transport(t).difficultyBits(8)
                .tick(Duration.ofMillis(150)).modules(ModuleRegistry.of(module))
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

    private TeacherClient client(Transport t) {
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

    private static Command record() {
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of(), Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static byte[] sessionKey(TeacherClient client) throws Exception {
        Field f = TeacherClient.class.getDeclaredField("srp");
        f.setAccessible(true);
        Method m = SrpClient.class.getDeclaredMethod("sessionKey");
        m.setAccessible(true);
        return (byte[]) m.invoke(f.get(client));
    }

    private static void assertAbsent(byte[] haystack, String what, byte[] secret) {
        String text = new String(haystack, StandardCharsets.ISO_8859_1);
        for (String form : List.of(new String(secret, StandardCharsets.ISO_8859_1), HexFormat.of().formatHex(secret),
                HexFormat.of().withUpperCase().formatHex(secret), Base64.getEncoder().encodeToString(secret),
                Base64.getUrlEncoder().withoutPadding().encodeToString(secret))) {
            assertThat(text.contains(form)).as("%s appears on the wire", what).isFalse();
        }
    }

    @Test
    @Timeout(120)
    void nothingSecretCrossesTheWireAmongFivePeers() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        List<Peer> peers = new ArrayList<>();
        String seed = null;
        for (int i = 0; i < 5; i++) {
            RecordingProxy proxy = new RecordingProxy(wire);
            open.add(proxy);
            JettyTransport t = jetty().advertisedAddress(proxy.url()).build();
            Peer p = peer("p" + i, t, seed, i == 0 ? "teacher" : null, i == 0 ? PW : null);
            proxy.forwardTo(t.port());
            peers.add(p);
            seed = peers.get(0).address();
        }
        List<TeacherClient> clients = new ArrayList<>();
        for (int i = 1; i < 5; i++) {
            TeacherClient c = client(JettyTransport.builder().build());
            clients.add(c);
            assertThat(c.signIn(peers.get(i).address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
            Command cmd = record();
            assertThat(c.submit(peers.get(i).address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
            await("the command reached the chain", () -> peers.get(0).chain().heightOfCommand(cmd.id()).isPresent());
        }
        // the teacher enrolls peer 1: it becomes a host and fetches the credential, encrypted
        assertThat(clients.get(0).enroll(peers.get(1).address(), clients.get(0).status(peers.get(1).address()).publicKey()))
                .isInstanceOf(Message.Ack.class);
        await("peer 1 hosts the teacher's account", () -> peers.get(1).role() == Role.TEACHER);
        await("peer 1 holds the credential", () -> {
            try {
                return CredentialStore.open(tmp.resolve("p1")).find("teacher").isPresent();
            } catch (Exception e) {
                return false;
            }
        });
        byte[] recorded;
        synchronized (wire) {
            recorded = wire.toByteArray();
        }
        assertThat(recorded.length).as("bytes recorded").isGreaterThan(10_000);
        assertThat(new String(recorded, StandardCharsets.ISO_8859_1)).contains("/api/v1/auth/relay", "/api/v1/accounts/credential");
        assertAbsent(recorded, "the password", PW.getBytes(StandardCharsets.UTF_8));
        byte[] verifier = CredentialStore.open(tmp.resolve("p0")).find("teacher").orElseThrow().verifier();
        assertAbsent(recorded, "the verifier", verifier);
        for (TeacherClient c : clients) {
            assertAbsent(recorded, "a session key", sessionKey(c));
        }
    }

    @Test
    @Timeout(120)
    void signInThreeHopsFromTheHost() throws Exception {
        Firewall firewall = new Firewall();
        List<JettyTransport> raw = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            raw.add(jetty().build());
        }
        // addresses are known once started; start each transport through its peer in order
        Peer teacher = peer("t", firewall.wrap(raw.get(0)), null, "teacher", PW);
        firewall.link(raw.get(0).localAddress(), "client");
        List<Peer> line = new ArrayList<>(List.of(teacher));
        for (int i = 1; i < 4; i++) {
            JettyTransport t = raw.get(i);
            // the firewall must know the link before the peer joins; addresses exist only after start
            Transport wrapped = new org.classchain.core.testing.ForwardingTransport(firewall.wrap(t)) {
                @Override
                public void start(org.classchain.wire.MessageHandler handler) throws java.io.IOException {
                    super.start(handler);
                    firewall.link(t.localAddress(), line.get(line.size() - 1).address());
                }
            };
            line.add(peer("s" + i, wrapped, line.get(line.size() - 1).address(), null, null));
        }
        Peer far = line.get(3);
        TeacherClient c = client(JettyTransport.builder().build());
        Message ok = c.signIn(far.address(), "teacher", PW);
        assertThat(ok).isInstanceOf(Message.AuthConfirmed.class);
        Command cmd = record();
        assertThat(c.submit(far.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
        await("every peer on the line ran or stored it", () -> line.stream()
                .allMatch(p -> p.chain().heightOfCommand(cmd.id()).isPresent()));
        await("the far student ran it", () -> module.runs(far.nodeId(), cmd.id()) == 1);
    }

    @Test
    @Timeout(120)
    void whenTheTeachersPeerIsDownSignInSucceedsThroughAnEnrolledDevice() throws Exception {
        Peer teacher = peer("t", jetty().build(), null, "teacher", PW);
        Peer laptop = peer("laptop", jetty().build(), teacher.address(), null, null);
        Peer s1 = peer("s1", jetty().build(), teacher.address(), null, null);
        Peer s2 = peer("s2", jetty().build(), laptop.address(), null, null);
        TeacherClient c = client(JettyTransport.builder().build());
        assertThat(c.signIn(laptop.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(c.login(laptop.address(), laptop.nodeId())).isInstanceOf(Message.Ack.class);
        assertThat(laptop.role()).as("signing in at the laptop changes nothing").isEqualTo(Role.STUDENT);
        // what `classchain enroll --peer LAPTOP` does: the device's key from its status, a MAC'd request
        assertThat(c.enroll(laptop.address(), c.status(laptop.address()).publicKey())).isInstanceOf(Message.Ack.class);
        await("the laptop is an enrolled host on every chain", () -> List.of(teacher, laptop, s1, s2).stream()
                .allMatch(p -> p.chain().accounts().get("teacher").isHostedBy(laptop.nodeId())));
        await("the laptop holds the credential", () -> {
            try {
                return CredentialStore.open(tmp.resolve("laptop")).find("teacher").isPresent();
            } catch (Exception e) {
                return false;
            }
        });
        assertThat(laptop.role()).isEqualTo(Role.TEACHER);

        teacher.close();
        TeacherClient later = client(JettyTransport.builder().build());
        assertThat(later.signIn(s1.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(later.hostNodeId()).isEqualTo(laptop.nodeId());
        Command cmd = record();
        assertThat(later.submit(s1.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
        await("both students ran it", () -> module.runs(s1.nodeId(), cmd.id()) == 1 && module.runs(s2.nodeId(), cmd.id()) == 1);
        assertThat(module.runs(laptop.nodeId(), cmd.id())).as("the teacher's own laptop is not a target of 'all'").isZero();
    }
}
