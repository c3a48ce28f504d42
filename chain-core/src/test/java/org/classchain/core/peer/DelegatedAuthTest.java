package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
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
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.mining.Miner;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.HostileRelay;
import org.classchain.core.testing.MutableClock;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DESIGN 5 in memory: relays are hostile, accounts follow people, and brute force gets nowhere. */
class DelegatedAuthTest {

    static final String PW = "teacher's password";
    private final InMemoryNetwork network = new InMemoryNetwork(11, 4);
    private final RecordingModule module = new RecordingModule();
    private final List<Peer> peers = new ArrayList<>();
    private final List<Transport> clients = new ArrayList<>();

    @AfterEach
    void close() {
        peers.forEach(Peer::close);
        clients.forEach(Transport::close);
        network.close();
    }

    private Peer peer(Transport t, String seed, String user, String password, java.time.Clock clock) throws Exception {
        Peer.Builder b = Peer.builder().transport(t).difficultyBits(6).tick(Duration.ofMillis(100))
                .modules(ModuleRegistry.of(module)).passwordPolicy(new PasswordPolicy(1000, 1000)).clock(clock);
        if (seed != null) {
            b.seed(seed);
        }
        if (user != null) {
            b.account(user, password);
        }
        Peer p = b.build();
        peers.add(p);
        p.start();
        return p;
    }

    private Peer peer(String seed, String user, String password) throws Exception {
        return peer(network.newTransport(), seed, user, password, java.time.Clock.systemUTC());
    }

    private TeacherClient client() throws Exception {
        Transport t = network.newTransport();
        t.start((from, m) -> java.util.concurrent.CompletableFuture.completedFuture(Message.Rejected.of(404, "client")));
        clients.add(t);
        return new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(5));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private static Command record(int n) {
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of("n", Integer.toString(n)),
                Instant.now().plus(Duration.ofMinutes(10)));
    }

    @Test
    @Timeout(60)
    void aHostileRelayGetsNoGrantAndNoCommandOnTheChain() throws Exception {
        Peer teacher = peer(null, "teacher", PW);
        HostileRelay hostile = new HostileRelay(network.newTransport());
        Peer student = peer(hostile, teacher.address(), null, null, java.time.Clock.systemUTC());
        Peer other = peer(teacher.address(), null, null);

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
                Message again = hostile.replay(r, teacher.address()).get(5, TimeUnit.SECONDS);
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
    @Timeout(60)
    void forgedAndReplayedGrantsAreRejectedByEveryPeer() throws Exception {
        Peer teacher = peer(null, "teacher", PW);
        List<Peer> all = List.of(teacher, peer(teacher.address(), null, null), peer(teacher.address(), null, null));
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
                UUID.randomUUID(), Instant.now(), stranger.nodeId(), teacher.chain().head().payload().grant() == null
                ? Grant.FIRST : teacher.chain().head().payload().grant().grantId(), new byte[64]);
        Grant forged = unsigned.withSignature(stranger.sign(SigningBytes.grant(unsigned)));
        Block forgedBlock = mine(codec, head, Payload.granted(cmds, forged));
        // the teacher's own, already used grant on a new block: out of its place
        Block replayed = mine(codec, head, head.payload());

        Transport raw = network.newTransport();
        raw.start((from, m) -> java.util.concurrent.CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
        clients.add(raw);
        for (Peer p : all) {
            Message r1 = raw.send(p.address(), new Message.BlockAnnouncement(forgedBlock, null)).get(5, TimeUnit.SECONDS);
            assertThat(r1).isInstanceOfSatisfying(Message.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(422);
                assertThat(r.reason()).startsWith("GRANT_HOST");
            });
            Message r2 = raw.send(p.address(), new Message.BlockAnnouncement(replayed, null)).get(5, TimeUnit.SECONDS);
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
    @Timeout(60)
    void aStudentAccountFollowsThePersonAndNeverGrants() throws Exception {
        Peer teacher = peer(null, "teacher", PW);
        Peer alicesPeer = peer(teacher.address(), "alice", "alice's password");
        Peer lab = peer(teacher.address(), null, null);
        Peer elsewhere = peer(teacher.address(), null, null);
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
    @Timeout(60)
    void aStudentsAccountGetsABackupWhereSheSignsInAndSurvivesHerPeerGoingDown() throws Exception {
        Peer teacher = peer(null, "teacher", PW);
        Peer alicesPeer = peer(teacher.address(), "bob", "bob's password");
        Peer lab = peer(teacher.address(), null, null);
        Peer other = peer(teacher.address(), null, null);
        await("bob is on the chain", () -> lab.chain().accounts().containsKey("bob"));
        TeacherClient bob = client();
        assertThat(bob.signIn(lab.address(), "bob", "bob's password")).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(bob.login(lab.address(), lab.nodeId())).isInstanceOf(Message.Ack.class);
        await("the lab computer is a backup host of bob on every chain", () -> List.of(teacher, lab, other).stream()
                .allMatch(p -> p.chain().accounts().get("bob").isHostedBy(lab.nodeId())));
        assertThat(teacher.chain().accounts().get("bob").role()).isEqualTo(Role.STUDENT);
        await("the lab computer holds bob's credential", () -> lab.holdsCredential("bob"));
        alicesPeer.close();
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
        MutableClock clock = new MutableClock();
        Peer teacher = peer(network.newTransport(), null, "teacher", PW, clock);
        Peer student = peer(teacher.address(), null, null);
        TeacherClient attacker = client();
        int limited = 0;
        int unauthorized = 0;
        for (int i = 0; i < 1000; i++) {
            Message m = attacker.signIn(student.address(), "teacher", "guess " + i);
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
}
