package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.classchain.Command;
import org.classchain.PeerInfo;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, items 4 and 6: a student's script cannot fill the teacher's view of the room with
 * computers that do not exist, nor its receipt table with receipts from computers a command did
 * not target. Written once: {@code RoomIntegrityWithMemoryTest} runs it in memory and
 * {@code RoomIntegrityWithJettyTest} over HTTP, each peer on an address of its own.
 */
public abstract class RoomIntegrityTests {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RoomIntegrityTests.class);

    /** Handshakes the attacker sends, each from a fresh key naming a made-up address. */
    static final int FAKE_HANDSHAKES = 1_100;

    /** A fresh, unstarted transport of the kind under test, at an address of its own. */
    protected abstract Transport newTransport();

    /** An address nobody serves at, different for each {@code i}. */
    protected abstract String madeUpAddress(int i);

    /** The addresses of the rows the teacher's console shows as the room. */
    protected List<String> roomAddresses(Peer teacher) throws Exception {
        return peersOf(teacher).stream().map(PeerInfo::address).toList();
    }

    /** Releases what the transports share, if anything. */
    protected void closeNetwork() {
    }

    @TempDir
    Path tmp;

    private final RecordingModule module = new RecordingModule();
    private final CanonicalJson json = new CanonicalJson();
    private final List<Peer> peers = new ArrayList<>();
    private final List<Transport> clients = new ArrayList<>();
    private Peer teacher;
    private Peer a;
    private Peer b;
    private Transport hostile;
    private TeacherClient client;

    @BeforeEach
    void classroom() throws Exception {
        teacher = start(Peer.builder().account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000)));
        a = start(Peer.builder().seed(teacher.address()));
        b = start(Peer.builder().seed(teacher.address()));
        hostile = client();
        client = new TeacherClient(client(), new SecureRandom(), Duration.ofSeconds(5));
        assertThat(client.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
    }

    @AfterEach
    void close() {
        peers.forEach(Peer::close);
        clients.forEach(Transport::close);
        closeNetwork();
    }

    private Transport client() throws java.io.IOException {
        Transport t = newTransport();
        t.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
        clients.add(t);
        return t;
    }

    private Peer start(Peer.Builder builder) throws Exception {
        Peer p = builder.transport(newTransport()).difficultyBits(6).tick(Duration.ofMillis(100))
                .remineAfter(Duration.ofMillis(800)).modules(ModuleRegistry.of(module)).build();
        peers.add(p);
        p.start();
        return p;
    }

    private List<PeerInfo> peersOf(Peer p) throws Exception {
        return client.peers(p.address());
    }

    private static void await(String what, Duration within, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static Command record(Target target) {
        return new Command(UUID.randomUUID(), "record", target, Map.of(), Instant.now().plus(Duration.ofMinutes(5)));
    }

    private Set<String> receiptPeers(UUID command) {
        return teacher.report(command).receipts().stream().map(Receipt::peerId).collect(Collectors.toSet());
    }

    private static Message.Hello signedHello(NodeIdentity id, String address) {
        return new Message.Hello(id.nodeId(), id.publicKey(), address, "",
                HexFormat.of().formatHex(id.sign(SigningBytes.hello(address, ""))));
    }

    // ------------------------------------------------------------------ item 4

    @Test
    @Timeout(180)
    void fakePeersCannotHideTheRealRoom() throws Exception {
        SecureRandom random = new SecureRandom();
        List<String> fakes = new ArrayList<>();
        int welcomed = 0;
        List<String> sampled = new ArrayList<>();
        for (int start = 0; start < FAKE_HANDSHAKES; start += 100) {
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            for (int i = start; i < Math.min(FAKE_HANDSHAKES, start + 100); i++) {
                String address = madeUpAddress(i);
                fakes.add(address);
                replies.add(hostile.send(teacher.address(), signedHello(NodeIdentity.generate(random), address)));
            }
            for (CompletableFuture<Message> r : replies) {
                Message m = r.get(30, TimeUnit.SECONDS);
                if (m instanceof Message.Welcome w) {
                    welcomed++;
                    sampled.addAll(w.peers());
                }
            }
        }
        // a student who joins after the flood is in the teacher's room and roster within 10 s
        long joining = System.nanoTime();
        Peer late = start(Peer.builder().seed(teacher.address()));
        await("the late student is in the teacher's room and roster", Duration.ofSeconds(10),
                () -> {
                    try {
                        return roomAddresses(teacher).contains(late.address())
                                && peersOf(teacher).stream().anyMatch(p -> p.nodeId().equals(late.nodeId()));
                    } catch (Exception e) {
                        return false;
                    }
                });
        LOG.info("{} fake handshakes, {} answered with a Welcome; the late student in the room {} ms after it started "
                + "joining; the room has {} row(s)", FAKE_HANDSHAKES, welcomed, (System.nanoTime() - joining) / 1_000_000,
                roomAddresses(teacher).size());
        Set<String> real = Set.of(teacher.address(), a.address(), b.address(), late.address());
        assertThat(roomAddresses(teacher)).as("the room (%d handshakes answered)", welcomed)
                .doesNotContainAnyElementsOf(fakes).containsAll(List.of(a.address(), b.address()));
        // the roster that send --wait waits on names only real computers
        Set<String> realIds = Set.of(teacher.nodeId(), a.nodeId(), b.nodeId(), late.nodeId());
        List<PeerInfo> roster = peersOf(teacher);
        assertThat(roster).allSatisfy(p -> assertThat(real).contains(p.address()));
        assertThat(roster.stream().map(PeerInfo::nodeId).filter(id -> !id.isEmpty()))
                .allSatisfy(id -> assertThat(realIds).contains(id));
        // and the fakes did not spread to the students through the samples
        assertThat(sampled).as("the samples of the Welcomes the attacker got").doesNotContainAnyElementsOf(fakes);
        for (Peer s : List.of(a, b, late)) {
            assertThat(peersOf(s)).as("what %s knows", s.address()).extracting(PeerInfo::address)
                    .doesNotContainAnyElementsOf(fakes);
        }
        Message w = hostile.send(teacher.address(), signedHello(NodeIdentity.generate(random), madeUpAddress(999_999)))
                .get(30, TimeUnit.SECONDS);
        assertThat(w).isInstanceOfSatisfying(Message.Welcome.class,
                x -> assertThat(x.peers()).doesNotContainAnyElementsOf(fakes));
        // the honest classroom still runs commands, and the late student gets them
        Command c = record(Target.all());
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        await("every student ran it and its receipt reached the teacher", Duration.ofSeconds(20),
                () -> receiptPeers(c.id()).equals(Set.of(a.nodeId(), b.nodeId(), late.nodeId())));
    }

    // ------------------------------------------------------------------ item 6

    @Test
    @Timeout(120)
    void receiptsComeOnlyFromTheComputersACommandTargeted() throws Exception {
        Path hDir = Files.createDirectories(tmp.resolve("h"));
        Peer h = start(Peer.builder().dataDir(hDir).seed(teacher.address()));
        NodeIdentity hKey = NodeIdentity.loadOrCreate(hDir, new SecureRandom()); // the student's own key, read from its disk
        assertThat(hKey.nodeId()).isEqualTo(h.nodeId());

        Command c = record(Target.all());
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        Set<String> students = Set.of(a.nodeId(), b.nodeId(), h.nodeId());
        await("the three students' receipts at the teacher", Duration.ofSeconds(20),
                () -> receiptPeers(c.id()).equals(students));

        // fifty EXECUTED receipts for a real command, each from a made-up computer
        SecureRandom random = new SecureRandom();
        List<Receipt> forged = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            forged.add(new ReceiptSigner(NodeIdentity.generate(random))
                    .sign(c.id(), ReceiptStatus.EXECUTED, "done", Instant.now(), null));
        }
        Message reply = hostile.send(teacher.address(), new Message.Receipts(forged)).get(10, TimeUnit.SECONDS);
        assertThat(reply).as("reply to fifty receipts from unknown computers").isInstanceOf(Message.Rejected.class);
        assertThat(receiptPeers(c.id())).isEqualTo(students);

        // a receipt for a command that is not on the chain, even from a real student's key
        Command nowhere = record(Target.all());
        Receipt ghost = new ReceiptSigner(hKey).sign(nowhere.id(), ReceiptStatus.EXECUTED, "", Instant.now(), null);
        reply = hostile.send(teacher.address(), new Message.Receipts(List.of(ghost))).get(10, TimeUnit.SECONDS);
        assertThat(reply).isInstanceOfSatisfying(Message.Rejected.class,
                r -> assertThat(r.code()).as("refused for now: the block may be on its way").isEqualTo(503));
        assertThat(teacher.report(nowhere.id()).receipts()).isEmpty();

        // a real computer reporting on a command meant for another one: refused for good
        Command forA = record(Target.peers(a.nodeId()));
        assertThat(client.submit(teacher.address(), List.of(forA))).isInstanceOf(Message.Submitted.class);
        await("a reported", Duration.ofSeconds(20), () -> receiptPeers(forA.id()).equals(Set.of(a.nodeId())));
        Receipt notMine = new ReceiptSigner(hKey).sign(forA.id(), ReceiptStatus.EXECUTED, "", Instant.now(), null);
        reply = hostile.send(teacher.address(), new Message.Receipts(List.of(notMine))).get(10, TimeUnit.SECONDS);
        assertThat(reply).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(422));
        assertThat(receiptPeers(forA.id())).containsExactly(a.nodeId());

        // one current status per computer per command: a later receipt replaces the earlier, a replay does not
        Receipt earlier = teacher.report(c.id()).receipts().stream().filter(r -> r.peerId().equals(h.nodeId()))
                .findFirst().orElseThrow();
        Receipt later = new ReceiptSigner(hKey).sign(c.id(), ReceiptStatus.FAILED, "crashed afterwards",
                earlier.at().plusSeconds(1), null);
        assertThat(hostile.send(teacher.address(), new Message.Receipts(List.of(later))).get(10, TimeUnit.SECONDS))
                .isInstanceOf(Message.Ack.class);
        hostile.send(teacher.address(), new Message.Receipts(List.of(earlier))).get(10, TimeUnit.SECONDS);
        assertThat(teacher.report(c.id()).receipts()).hasSize(3)
                .filteredOn(r -> r.peerId().equals(h.nodeId())).extracting(Receipt::status)
                .containsExactly(ReceiptStatus.FAILED);

        // a student who joined through another student, not the teacher, still gets its receipts kept
        Peer far = start(Peer.builder().seed(b.address()));
        Command next = record(Target.all());
        assertThat(client.submit(teacher.address(), List.of(next))).isInstanceOf(Message.Submitted.class);
        await("every student's receipt, the far one's included", Duration.ofSeconds(30),
                () -> receiptPeers(next.id()).equals(Set.of(a.nodeId(), b.nodeId(), h.nodeId(), far.nodeId())));
    }
}
