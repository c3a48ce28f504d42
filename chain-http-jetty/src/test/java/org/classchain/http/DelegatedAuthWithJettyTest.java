package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.classchain.Command;
import org.classchain.Role;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.peer.DelegatedAuthTests;
import org.classchain.core.peer.Peer;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DelegatedAuthTests} over real HTTP, every peer its own Jetty server on 127.0.0.1 (the
 * per-address rate limit raised to what several peers on one address send), and what only a wire
 * can show: nothing secret crosses it.
 */
class DelegatedAuthWithJettyTest extends DelegatedAuthTests {

    private JettyTransport.Builder jetty() {
        return JettyTransport.builder().host("127.0.0.1").port(0).rateLimit(5000, 10_000);
    }

    @Override
    protected Transport peerTransport() {
        return jetty().build();
    }

    @Override
    protected Transport clientTransport() {
        return JettyTransport.builder().build();
    }

    @Override
    protected Duration tick() {
        return Duration.ofMillis(150);
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
        List<RecordingProxy> proxies = new ArrayList<>();
        String seed = null;
        try {
            for (int i = 0; i < 5; i++) {
                RecordingProxy proxy = new RecordingProxy(wire);
                proxies.add(proxy);
                JettyTransport t = jetty().advertisedAddress(proxy.url()).build();
                Peer p = peer("p" + i, t, seed, i == 0 ? "teacher" : null, i == 0 ? PW : null, Clock.systemUTC());
                proxy.forwardTo(t.port());
                peers.add(p);
                seed = peers.get(0).address();
            }
            List<TeacherClient> clients = new ArrayList<>();
            for (int i = 1; i < 5; i++) {
                TeacherClient c = client();
                clients.add(c);
                assertThat(c.signIn(peers.get(i).address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
                Command cmd = record(i);
                assertThat(c.submit(peers.get(i).address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
                await("the command reached the chain", () -> peers.get(0).chain().heightOfCommand(cmd.id()).isPresent());
            }
            // the teacher enrolls peer 1: it becomes a host and fetches the credential, encrypted
            assertThat(clients.get(0).enroll(peers.get(1).address(),
                    clients.get(0).status(peers.get(1).address()).publicKey())).isInstanceOf(Message.Ack.class);
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
            assertThat(new String(recorded, StandardCharsets.ISO_8859_1)).contains("/api/v1/auth/relay",
                    "/api/v1/accounts/credential");
            assertAbsent(recorded, "the password", PW.getBytes(StandardCharsets.UTF_8));
            byte[] verifier = CredentialStore.open(tmp.resolve("p0")).find("teacher").orElseThrow().verifier();
            assertAbsent(recorded, "the verifier", verifier);
            for (TeacherClient c : clients) {
                assertAbsent(recorded, "a session key", sessionKey(c));
            }
        } finally {
            peers.forEach(Peer::close); // before their proxies
            for (RecordingProxy proxy : proxies) {
                proxy.close();
            }
        }
    }
}
