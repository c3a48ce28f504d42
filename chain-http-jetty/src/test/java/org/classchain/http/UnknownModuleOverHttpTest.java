package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.ReceiptStatus;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.RecordingModule;
import org.classchain.spi.CommandModule;
import org.classchain.wire.Message;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 20, item 1, over real HTTP: a command whose module no computer of the room has is
 * refused by the teacher's host before anything is granted or mined (422, naming the modules
 * the room has), whether it comes from the launcher or from a script posting to
 * {@code /commands}; a module only one student has is accepted once the teacher's roster heard
 * of it; {@code "force": true} sends a module nobody reported.
 */
class UnknownModuleOverHttpTest {

    static final String PW = "Tr0ub4dor&3 teacher";

    @TempDir
    Path tmp;

    private final RecordingModule record = new RecordingModule();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Peer teacher;
    private Peer alice;

    /** A module only alice's computer has. */
    static final class BellModule implements CommandModule {
        @Override
        public String name() {
            return "bell";
        }

        @Override
        public String apiVersion() {
            return API_VERSION;
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            return Outcome.executed("rang");
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Peer peer(String name, String seed, ModuleRegistry modules) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name))
                .transport(JettyTransport.builder().host("127.0.0.1").port(0).build())
                .difficultyBits(8).tick(Duration.ofMillis(100)).modules(modules)
                .passwordPolicy(new PasswordPolicy(1000, 1000));
        if (seed == null) {
            b.account("teacher", PW);
        } else {
            b.seed(seed);
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    private TeacherClient signedIn(String via) throws Exception {
        JettyTransport t = JettyTransport.builder().build();
        open.add(t);
        TeacherClient c = new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
        assertThat(c.signIn(via, "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        return c;
    }

    private static Command command(String module) {
        return new Command(UUID.randomUUID(), module, Target.all(), Map.of(), Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(30), condition);
    }

    private static boolean receiptOf(TeacherClient c, String peer, UUID id, String nodeId, ReceiptStatus status) {
        try {
            CommandReport r = c.report(peer, id);
            return r.receipts().stream().anyMatch(x -> x.peerId().equals(nodeId) && x.status() == status);
        } catch (Exception e) {
            return false;
        }
    }

    /** A script signs in as the teacher through {@code via} with SRP, as the launcher would, and keeps the session. */
    private static SrpClient scriptSignsIn(String via) throws Exception {
        SrpClient srp = new SrpClient(new CanonicalJson(), new SecureRandom());
        try (JettyTransport t = JettyTransport.builder().build()) {
            Message challenge = t.send(via, srp.start("teacher")).get(10, TimeUnit.SECONDS);
            Message confirmed = t.send(via, srp.respond((Message.AuthChallenge) challenge, PW)).get(10, TimeUnit.SECONDS);
            assertThat(srp.verifyServer((Message.AuthConfirmed) confirmed)).isTrue();
        }
        return srp;
    }

    /** The script posts its MAC'd batch of one command to {@code /api/v1/commands} itself. */
    private static HttpResponse<String> scriptPosts(SrpClient srp, String to, Command command, boolean force)
            throws Exception {
        CanonicalJson json = new CanonicalJson();
        WireJson wire = new WireJson(json, new BlockWire(new BlockCodec(json)));
        byte[] body = new ObjectMapper().writeValueAsBytes(wire.tree(
                srp.grantRequest(List.of(command), List.of()).withForce(force)));
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(to + "/api/v1/commands"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Issue 19, item 2, at the host: a {@code user:} target nobody of the room is known as is
     * refused by the teacher's host itself (422, naming the user and the known ones) when a
     * script posts it, not only by the launcher's {@code send}; a known user, or {@code force},
     * goes through.
     */
    @Test
    @Timeout(120)
    void aUserNobodyIsKnownAsIsRefusedAtTheHostWhenAScriptPostsIt() throws Exception {
        SrpClient srp = scriptSignsIn(alice.address());
        Command nobody = new Command(UUID.randomUUID(), "record", Target.users("nobody"), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        HttpResponse<String> posted = scriptPosts(srp, alice.address(), nobody, false);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(422);
        JsonNode reply = new ObjectMapper().readTree(posted.body());
        assertThat(reply.get("status").asInt()).isEqualTo(422);
        assertThat(reply.get("error").asText()).startsWith("unknown user nobody; known users: ").contains("teacher");

        Command toTeacher = new Command(UUID.randomUUID(), "record", Target.users("teacher", "nobody"), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        HttpResponse<String> partly = scriptPosts(srp, alice.address(), toTeacher, false);
        assertThat(partly.statusCode()).as("one unknown name among known ones: " + partly.body()).isEqualTo(422);
        assertThat(new ObjectMapper().readTree(partly.body()).get("error").asText()).startsWith("unknown user nobody;");

        Command known = new Command(UUID.randomUUID(), "record", Target.users("teacher"), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(scriptPosts(srp, alice.address(), known, false).statusCode()).isEqualTo(202);
        Command forced = new Command(UUID.randomUUID(), "record", Target.users("nobody"), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(scriptPosts(srp, alice.address(), forced, true).statusCode()).isEqualTo(202);
        await("the known user's and the forced command are mined", () -> teacher.chain().heightOfCommand(known.id())
                .isPresent() && teacher.chain().heightOfCommand(forced.id()).isPresent());
        assertThat(teacher.chain().heightOfCommand(nobody.id())).as("the refused one never is").isEmpty();
    }

    /** The teacher's peer has only {@code record}; alice's also {@code bell}. */
    @BeforeEach
    void startTheRoom() throws Exception {
        teacher = peer("teacher", null, ModuleRegistry.of(record));
        alice = peer("alice", teacher.address(), ModuleRegistry.of(record, new BellModule()));
    }

    @Test
    @Timeout(120)
    void aModuleNoComputerHasIsRefusedBeforeAnythingIsMined() throws Exception {
        TeacherClient viaAlice = signedIn(alice.address());

        Command typo = command("recrod");
        Message refused = viaAlice.submit(alice.address(), List.of(typo));
        assertThat(refused).isInstanceOf(Message.Rejected.class);
        Message.Rejected r = (Message.Rejected) refused;
        assertThat(r.code()).isEqualTo(422);
        assertThat(r.reason()).startsWith("unknown module 'recrod'; installed: ").contains("record");

        // a script that signed in and posts its MAC'd batch itself gets the same, as a JSON error
        SrpClient srp = scriptSignsIn(alice.address());
        for (boolean force : List.of(false, true)) {
            HttpResponse<String> posted = scriptPosts(srp, alice.address(), command("recrod"), force);
            JsonNode reply = new ObjectMapper().readTree(posted.body());
            if (!force) {
                assertThat(posted.statusCode()).as(posted.body()).isEqualTo(422);
                assertThat(reply.get("status").asInt()).isEqualTo(422);
                assertThat(reply.get("error").asText()).startsWith("unknown module 'recrod'; installed: ");
            } else {
                assertThat(posted.statusCode()).as("\"force\": true sends it anyway: " + posted.body()).isEqualTo(202);
            }
        }

        // the next good command is mined; the refused ones never are
        Command good = command("record");
        assertThat(viaAlice.submit(alice.address(), List.of(good))).isInstanceOf(Message.Submitted.class);
        await("alice ran the good command",
                () -> receiptOf(viaAlice, teacher.address(), good.id(), alice.nodeId(), ReceiptStatus.EXECUTED));
        assertThat(teacher.chain().heightOfCommand(typo.id())).isEmpty();
        assertThat(alice.chain().heightOfCommand(typo.id())).isEmpty();
    }

    @Test
    @Timeout(120)
    void aModuleOnlyOneStudentHasGoesOnceTheRosterHeardOfItAndForceSendsAnyModule() throws Exception {
        TeacherClient c = signedIn(teacher.address());
        assertThat(alice.status().modules()).containsExactly("bell", "record");

        // the teacher's roster polls the students' status, which lists their modules
        await("the teacher's roster lists alice's modules", () -> {
            try {
                return c.peers(teacher.address()).stream()
                        .anyMatch(p -> alice.nodeId().equals(p.nodeId()) && p.modules().contains("bell"));
            } catch (Exception e) {
                return false;
            }
        });
        Command bell = command("bell");
        assertThat(c.submit(teacher.address(), List.of(bell))).isInstanceOf(Message.Submitted.class);
        await("alice rang", () -> receiptOf(c, teacher.address(), bell.id(), alice.nodeId(), ReceiptStatus.EXECUTED));

        Command ghost = command("ghost");
        assertThat(c.submit(teacher.address(), List.of(ghost))).isInstanceOf(Message.Rejected.class);
        Command forced = command("ghost");
        assertThat(c.submit(teacher.address(), List.of(forced), true)).isInstanceOf(Message.Submitted.class);
        await("alice reported the forced module unknown",
                () -> receiptOf(c, teacher.address(), forced.id(), alice.nodeId(), ReceiptStatus.UNKNOWN_MODULE));
    }
}
