package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Payload;
import org.classchain.PeerInfo;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.mining.Miner;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.FakeClock;
import org.classchain.core.testing.Firewall;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.core.testing.HostileRelay;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DESIGN 5, written once: relays are hostile, accounts follow people, a sign-in crosses hops, an
 * enrolled device stands in for the teacher's peer, and brute force gets nowhere. Each transport
 * runs it through a subclass ({@code DelegatedAuthWithMemoryTest}, {@code DelegatedAuthWithJettyTest}).
 */
public abstract class DelegatedAuthTests {

    /** The teacher's password: a subclass may look for it on a wire. */
    protected static final String PW = "Tr0ub4dor&3 teacher";

    @TempDir
    protected Path tmp;

    /** What the peers' one module saw. */
    protected final RecordingModule module = new RecordingModule();
    private final List<AutoCloseable> open = new ArrayList<>();

    /** A fresh transport of the kind under test, not started: the peer given it starts it. */
    protected abstract Transport peerTransport();

    /** A fresh transport for a client, ready to send; the suite closes it. */
    protected abstract Transport clientTransport() throws Exception;

    /** How often the peers tick. */
    protected Duration tick() {
        return Duration.ofMillis(100);
    }

    /** Closes what the transports share (a network), after every peer and client is closed. */
    protected void closeNetwork() {
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        closeNetwork();
    }

    /** A started peer with its data dir {@code tmp/name}, closed after the test. */
    protected Peer peer(String name, Transport t, String seed, String user, String password, Clock clock)
            throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).transport(t).difficultyBits(6).tick(tick())
                .modules(ModuleRegistry.of(module)).passwordPolicy(new PasswordPolicy(1000, 1000)).clock(clock);
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

    /** A started peer on a fresh transport and the system clock. */
    protected Peer peer(String name, String seed, String user, String password) throws Exception {
        return peer(name, peerTransport(), seed, user, password, Clock.systemUTC());
    }

    /** A client on a fresh transport, closed after the test. */
    protected TeacherClient client() throws Exception {
        Transport t = clientTransport();
        open.add(t);
        return new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
    }

    protected static void await(String what, BooleanSupplier condition) throws InterruptedException {
        Await.until(what, Duration.ofSeconds(30), condition);
    }

    protected static Command record(int n) {
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of("n", Integer.toString(n)),
                Instant.now().plus(Duration.ofMinutes(10)));
    }

    @Test
    @Timeout(120)
    void aHostileRelayGetsNoGrantAndNoCommandOnTheChain() throws Exception {
        Peer teacher = peer("t", null, "teacher", PW);
        HostileRelay hostile = new HostileRelay(peerTransport());
        Peer student = peer("hostile", hostile, teacher.address(), null, null, Clock.systemUTC());
        Peer other = peer("other", teacher.address(), null, null);

        TeacherClient client = client();
        assertThat(client.signIn(student.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(hostile.recorded).isNotEmpty();

        hostile.mode = HostileRelay.Mode.ALTER_BATCH;
        Command altered = record(1);
        Message reply = client.submit(student.address(), List.of(altered));
        assertThat(reply).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(401));

        hostile.mode = HostileRelay.Mode.PASS;
        Command honest = record(2);
        assertThat(client.submit(student.address(), List.of(honest))).isInstanceOf(Message.Submitted.class);
        await("the honest command is on every chain",
                () -> List.of(teacher, student, other).stream().allMatch(p -> p.chain().heightOfCommand(honest.id()).isPresent()));

        // replaying every batch it saw, straight to the host: refused, nothing new on the chain
        for (Message.AuthRelay r : hostile.recorded) {
            if (r.request() instanceof Message.GrantRequest) {
                Message again = hostile.replay(r, teacher.address()).get(10, TimeUnit.SECONDS);
                assertThat(again).isInstanceOfSatisfying(Message.Rejected.class, x -> assertThat(x.code()).isEqualTo(401));
            }
        }
        // a barrier instead of a sleep: once a later honest command is on the chain, the replays were handled
        Command after = record(3);
        assertThat(client.submit(student.address(), List.of(after))).isInstanceOf(Message.Submitted.class);
        await("the later command is on the teacher's chain", () -> teacher.chain().heightOfCommand(after.id()).isPresent());
        assertThat(teacher.chain().heightOfCommand(altered.id())).isEmpty();
        assertThat(teacher.chain().range(0, 100).stream().flatMap(b -> b.payload().commands().stream())
                .filter(c -> c.id().equals(honest.id())).count()).isEqualTo(1);

        // tampering with the sign-in itself fails the evidence: no session
        hostile.mode = HostileRelay.Mode.ALTER_EVIDENCE;
        Message tampered = client().signIn(student.address(), "teacher", PW);
        assertThat(tampered).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(401));
    }

    @Test
    @Timeout(120)
    void forgedAndReplayedGrantsAreRejectedByEveryPeer() throws Exception {
        Peer teacher = peer("t", null, "teacher", PW);
        List<Peer> all = List.of(teacher, peer("s1", teacher.address(), null, null),
                peer("s2", teacher.address(), null, null));
        TeacherClient client = client();
        client.signIn(teacher.address(), "teacher", PW);
        Command c = record(1);
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        await("the command is everywhere", () -> all.stream().allMatch(p -> p.chain().heightOfCommand(c.id()).isPresent()));

        CanonicalJson json = new CanonicalJson();
        BlockCodec codec = new BlockCodec(json);
        Block head = teacher.chain().head();
        // a grant signed by a key that hosts nothing
        NodeIdentity stranger = NodeIdentity.generate(new SecureRandom());
        List<Command> cmds = List.of(record(2));
        Grant unsigned = new Grant(teacher.chain().chainId(), "teacher", Role.TEACHER, json.batchHash(cmds, List.of()),
                UUID.randomUUID(), Instant.now(), stranger.nodeId(), head.payload().grant() == null
                ? Grant.FIRST : head.payload().grant().grantId(), new byte[64]);
        Grant forged = unsigned.withSignature(stranger.sign(SigningBytes.grant(unsigned)));
        Block forgedBlock = mine(codec, head, Payload.granted(cmds, forged));
        // the teacher's own, already used grant on a new block: out of its place
        Block replayed = mine(codec, head, head.payload());

        Transport raw = clientTransport();
        open.add(raw);
        for (Peer p : all) {
            Message r1 = raw.send(p.address(), new Message.BlockAnnouncement(forgedBlock, null)).get(10, TimeUnit.SECONDS);
            assertThat(r1).isInstanceOfSatisfying(Message.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(422);
                assertThat(r.reason()).startsWith("GRANT_HOST");
            });
            Message r2 = raw.send(p.address(), new Message.BlockAnnouncement(replayed, null)).get(10, TimeUnit.SECONDS);
            assertThat(r2).isInstanceOfSatisfying(Message.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(422);
                assertThat(r.reason()).startsWith("GRANT_ORDER");
            });
            assertThat(p.chain().block(forgedBlock.hash())).isEmpty();
            assertThat(p.chain().block(replayed.hash())).isEmpty();
        }
    }

    private static Block mine(BlockCodec codec, Block parent, Payload payload) {
        var template = new org.classchain.BlockHeader(1, parent.height() + 1, parent.hash(),
                parent.header().timestampMillis() + 1, codec.payloadHash(payload), parent.header().difficultyBits(), 0);
        return codec.seal(new Miner().mine(template, () -> false).orElseThrow(), payload);
    }

    @Test
    @Timeout(120)
    void aStudentAccountFollowsThePersonAndNeverGrants() throws Exception {
        Peer teacher = peer("t", null, "teacher", PW);
        Peer alicesPeer = peer("alice", teacher.address(), "alice", "alice's password");
        Peer lab = peer("lab", teacher.address(), null, null);
        Peer elsewhere = peer("elsewhere", teacher.address(), null, null);
        await("alice's account is on every chain",
                () -> List.of(teacher, lab, elsewhere).stream().allMatch(p -> p.chain().accounts().containsKey("alice")));
        assertThat(teacher.chain().accounts().get("alice").role()).isEqualTo(Role.STUDENT);
        assertThat(teacher.chain().accounts().get("alice").isHostedBy(alicesPeer.nodeId())).isTrue();
        assertThat(alicesPeer.signedInUsers()).containsExactly("alice");

        // alice signs in through the lab computer's peer (relayed to her own peer) and logs in there
        TeacherClient alice = client();
        Message ok = alice.signIn(lab.address(), "alice", "alice's password");
        assertThat(ok).isInstanceOfSatisfying(Message.AuthConfirmed.class, c -> assertThat(c.role()).isEqualTo(Role.STUDENT));
        assertThat(alice.login(lab.address(), lab.nodeId())).isInstanceOf(Message.Ack.class);
        assertThat(lab.signedInUsers()).contains("alice");
        Message refused = alice.submit(elsewhere.address(), List.of(record(1)));
        assertThat(refused).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(403));
        assertThat(client().signIn(lab.address(), "alice", "wrong")).isInstanceOfSatisfying(Message.Rejected.class,
                r -> assertThat(r.code()).isEqualTo(401));

        // the teacher's roster shows where alice is
        await("the roster shows alice at the lab computer", () -> {
            Message peersReply = teacher.handle("test", new Message.GetPeers()).join();
            return ((Message.PeersReply) peersReply).peers().stream().anyMatch(
                    (PeerInfo p) -> p.address().equals(lab.address()) && p.users().contains("alice"));
        });

        // a command for alice runs wherever she is signed in, and nowhere else
        TeacherClient t = client();
        t.signIn(elsewhere.address(), "teacher", PW);
        Command forAlice = new Command(UUID.randomUUID(), "record", Target.users("alice"), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(t.submit(elsewhere.address(), List.of(forAlice))).isInstanceOf(Message.Submitted.class);
        await("alice's computers ran it", () -> module.runs(lab.nodeId(), forAlice.id()) == 1
                && module.runs(alicesPeer.nodeId(), forAlice.id()) == 1);
        // a barrier instead of a sleep: a later command for everyone ran at both, so forAlice's block was dispatched
        Command forAll = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(t.submit(elsewhere.address(), List.of(forAll))).isInstanceOf(Message.Submitted.class);
        await("everyone ran the later command", () -> module.runs(elsewhere.nodeId(), forAll.id()) == 1
                && module.runs(lab.nodeId(), forAll.id()) == 1);
        assertThat(module.runs(elsewhere.nodeId(), forAlice.id())).isZero();
        assertThat(module.runs(teacher.nodeId(), forAlice.id())).isZero();
    }

    @Test
    @Timeout(120)
    void aStudentsAccountGetsABackupWhereSheSignsInAndSurvivesHerPeerGoingDown() throws Exception {
        Peer teacher = peer("t", null, "teacher", PW);
        Peer bobsPeer = peer("bob", teacher.address(), "bob", "bob's password");
        Peer lab = peer("lab", teacher.address(), null, null);
        Peer other = peer("other", teacher.address(), null, null);
        await("bob is on the chain", () -> lab.chain().accounts().containsKey("bob"));
        TeacherClient bob = client();
        assertThat(bob.signIn(lab.address(), "bob", "bob's password")).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(bob.login(lab.address(), lab.nodeId())).isInstanceOf(Message.Ack.class);
        await("the lab computer is a backup host of bob on every chain", () -> List.of(teacher, lab, other).stream()
                .allMatch(p -> p.chain().accounts().get("bob").isHostedBy(lab.nodeId())));
        assertThat(teacher.chain().accounts().get("bob").role()).isEqualTo(Role.STUDENT);
        await("the lab computer holds bob's credential", () -> lab.holdsCredential("bob"));
        bobsPeer.close();
        await("bob signs in through another peer while his own is off", () -> {
            try {
                return client().signIn(other.address(), "bob", "bob's password") instanceof Message.AuthConfirmed;
            } catch (Exception e) {
                return false;
            }
        });
    }

    @Test
    @Timeout(120)
    void aThousandWrongPasswordsAreLimitedAndTheOwnerStillGetsIn() throws Exception {
        // the host's time stands still: the budget refills only when the test says (real time let
        // it refill twice in a 97 s run on a loaded machine, and 12 guesses were checked)
        FakeClock clock = new FakeClock(Instant.now());
        Peer teacher = peer("t", peerTransport(), null, "teacher", PW, clock);
        Peer student = peer("s", teacher.address(), null, null);
        TeacherClient attacker = client();
        SrpClient srp = new SrpClient(new CanonicalJson(), new SecureRandom());
        int limited = 0;
        int unauthorized = 0;
        Message.AuthStart start = null;
        for (int i = 0; i < 1000; i++) {
            // a refused start is sent again as it was, as a script replays it: no client-side work per try
            if (start == null) {
                start = srp.start("teacher");
            }
            Message m = attacker.call(student.address(), start);
            if (m instanceof Message.AuthChallenge challenge) {
                start = null;
                m = attacker.call(student.address(), srp.respond(challenge, "guess " + i));
            }
            assertThat(m).isInstanceOf(Message.Rejected.class);
            Message.Rejected r = (Message.Rejected) m;
            if (r.code() == 429) {
                limited++;
                assertThat(r.retryAfterSeconds()).isPositive();
            } else {
                assertThat(r.code()).isEqualTo(401);
                unauthorized++;
            }
        }
        assertThat(unauthorized).as("guesses that were actually tried").isLessThanOrEqualTo(10);
        assertThat(limited).isGreaterThanOrEqualTo(990);
        clock.advance(Duration.ofMinutes(2));
        Message owner = client().signIn(teacher.address(), "teacher", PW);
        assertThat(owner).isInstanceOf(Message.AuthConfirmed.class);
    }

    @Test
    @Timeout(120)
    void signInThreeHopsFromTheHost() throws Exception {
        Firewall firewall = new Firewall();
        Transport first = peerTransport();
        Peer teacher = peer("t", firewall.wrap(first), null, "teacher", PW, Clock.systemUTC());
        firewall.link(first.localAddress(), "client");
        List<Peer> line = new ArrayList<>(List.of(teacher));
        for (int i = 1; i < 4; i++) {
            Transport t = peerTransport();
            // each peer reaches only the one before it; the firewall learns the link once the address exists
            Transport wrapped = new ForwardingTransport(firewall.wrap(t)) {
                @Override
                public void start(MessageHandler handler) throws java.io.IOException {
                    super.start(handler);
                    firewall.link(t.localAddress(), line.get(line.size() - 1).address());
                }
            };
            line.add(peer("s" + i, wrapped, line.get(line.size() - 1).address(), null, null, Clock.systemUTC()));
        }
        Peer far = line.get(3);
        TeacherClient c = client();
        Message ok = c.signIn(far.address(), "teacher", PW);
        assertThat(ok).isInstanceOf(Message.AuthConfirmed.class);
        Command cmd = record(1);
        assertThat(c.submit(far.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
        await("every peer on the line ran or stored it", () -> line.stream()
                .allMatch(p -> p.chain().heightOfCommand(cmd.id()).isPresent()));
        await("the far student ran it", () -> module.runs(far.nodeId(), cmd.id()) == 1);
    }

    @Test
    @Timeout(120)
    void whenTheTeachersPeerIsDownSignInSucceedsThroughAnEnrolledDevice() throws Exception {
        Peer teacher = peer("t", null, "teacher", PW);
        Peer laptop = peer("laptop", teacher.address(), null, null);
        Peer s1 = peer("s1", teacher.address(), null, null);
        Peer s2 = peer("s2", laptop.address(), null, null);
        TeacherClient c = client();
        assertThat(c.signIn(laptop.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(c.login(laptop.address(), laptop.nodeId())).isInstanceOf(Message.Ack.class);
        assertThat(laptop.role()).as("signing in at the laptop changes nothing").isEqualTo(Role.STUDENT);
        // what `classchain enroll --peer LAPTOP` does: the device's key from its status, a MAC'd request
        assertThat(c.enroll(laptop.address(), c.status(laptop.address()).publicKey())).isInstanceOf(Message.Ack.class);
        await("the laptop is an enrolled host on every chain", () -> List.of(teacher, laptop, s1, s2).stream()
                .allMatch(p -> p.chain().accounts().get("teacher").isHostedBy(laptop.nodeId())));
        await("the laptop holds the credential", () -> laptop.holdsCredential("teacher"));
        assertThat(laptop.role()).isEqualTo(Role.TEACHER);

        teacher.close();
        TeacherClient later = client();
        assertThat(later.signIn(s1.address(), "teacher", PW)).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(later.hostNodeId()).isEqualTo(laptop.nodeId());
        Command cmd = record(2);
        assertThat(later.submit(s1.address(), List.of(cmd))).isInstanceOf(Message.Submitted.class);
        await("both students ran it", () -> module.runs(s1.nodeId(), cmd.id()) == 1 && module.runs(s2.nodeId(), cmd.id()) == 1);
        assertThat(module.runs(laptop.nodeId(), cmd.id())).as("the teacher's own laptop is not a target of 'all'").isZero();
    }
}
