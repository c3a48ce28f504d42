package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Payload;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.mining.Miner;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.MutableClock;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 23, property 3, over real HTTP peers: time is not the students' to set. A student can mine
 * valid copies of granted blocks stamped anywhere from their parent's time to two minutes ahead,
 * and announce them; no peer's clock judgement, block stamps or re-mining timers may follow them.
 * The class's genesis is ten minutes old, so that a copy of its first block can be stamped ten
 * minutes in the past.
 */
class TimeIsNotTheStudentsOverHttpTest {

    private static final AtomicInteger NEXT = new AtomicInteger(10);
    private static final Duration REMINE_AFTER = Duration.ofMillis(800);

    private final RecordingModule module = new RecordingModule();
    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private final List<Peer> peers = new ArrayList<>();
    private final List<Transport> clients = new ArrayList<>();
    private final MutableClock teacherClock = new MutableClock();
    private Peer teacher;
    private Peer a;
    private Peer b;
    private Transport hostile;
    private TeacherClient client;

    private static Transport transport() {
        String ip = "127.0.3." + (NEXT.getAndIncrement() % 200 + 10);
        return JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build();
    }

    private Peer start(Peer.Builder builder) throws Exception {
        Peer p = builder.transport(transport()).difficultyBits(8).tick(Duration.ofMillis(100)).remineAfter(REMINE_AFTER)
                .modules(ModuleRegistry.of(module)).build();
        peers.add(p);
        p.start();
        return p;
    }

    private Transport client() throws Exception {
        Transport t = transport();
        t.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
        clients.add(t);
        return t;
    }

    @BeforeEach
    void classroom() throws Exception {
        // the class was created ten minutes ago; every clock is right from then on
        teacherClock.advance(Duration.ofMinutes(-10));
        teacher = start(Peer.builder().account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000))
                .clock(teacherClock));
        teacherClock.advance(Duration.ofMinutes(10));
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
    }

    private static Command record() {
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of(), Instant.now().plus(Duration.ofMinutes(5)));
    }

    private Command sendAndAwait() throws Exception {
        Command c = record();
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        Await.until("every peer has it", Duration.ofSeconds(20),
                () -> peers.stream().allMatch(p -> p.chain().heightOfCommand(c.id()).isPresent()));
        return c;
    }

    /** A valid copy of {@code original} (same parent, same granted payload) stamped {@code timestamp}. */
    private Block copy(Block original, long timestamp) {
        BlockHeader t = new BlockHeader(1, original.height(), original.previousHash(), timestamp,
                original.header().payloadHash(), original.header().difficultyBits(), new Random().nextLong());
        return codec.seal(new Miner().mine(t, () -> false).orElseThrow(), original.payload());
    }

    private Message announce(Peer to, Block block) throws Exception {
        return hostile.send(to.address(), new Message.BlockAnnouncement(block, hostile.localAddress()))
                .get(5, TimeUnit.SECONDS);
    }

    @Test
    @Timeout(60)
    void blockTimestampsAStudentMinesSetNoPeersClockNorItsBlockStamps() throws Exception {
        sendAndAwait();
        Block first = teacher.chain().blockAt(1).orElseThrow();
        long genesisTime = teacher.chain().genesis().header().timestampMillis();
        assertThat(genesisTime).isLessThan(System.currentTimeMillis() - Duration.ofMinutes(9).toMillis());

        for (Peer p : List.of(a, teacher)) {
            // a copy stamped ten minutes ago (its parent's time), then one stamped almost two minutes ahead;
            // copies of a granted block are not kept (409, issue 23 property 1), and set no clock either
            assertThat(announce(p, copy(first, genesisTime))).isInstanceOf(Message.Rejected.class);
            assertThat(Math.abs(p.status().clockSkewMillis())).as("skew after an old copy").isLessThan(60_000);
            assertThat(announce(p, copy(first, System.currentTimeMillis() + 110_000))).isInstanceOf(Message.Rejected.class);
            assertThat(Math.abs(p.status().clockSkewMillis())).as("skew after a future copy").isLessThan(60_000);
            assertThat(announce(p, copy(first, genesisTime))).isInstanceOf(Message.Rejected.class);
        }

        // the teacher's host stamps its next block by its own clock and the grant, not the student's copies
        Command next = sendAndAwait();
        Block mined = teacher.chain().blockAt(teacher.chain().heightOfCommand(next.id()).orElseThrow()).orElseThrow();
        assertThat(mined.header().timestampMillis()).isEqualTo(mined.payload().grant().issuedAt().toEpochMilli());
        assertThat(Math.abs(a.status().clockSkewMillis())).isLessThan(60_000);
    }

    @Test
    @Timeout(60)
    void aGrantWithheldByItsRelayIsMinedByTheHostWhateverCopiesTheRelayAnnounces() throws Exception {
        sendAndAwait();
        Block first = teacher.chain().blockAt(1).orElseThrow();
        long genesisTime = teacher.chain().genesis().header().timestampMillis();

        // the student relays the teacher's batch through itself, takes the grant and never announces it
        SrpClient srp = new SrpClient(json, new SecureRandom());
        Message challenge = hostile.send(teacher.address(), srp.start("teacher")).get(5, TimeUnit.SECONDS);
        Message ok = hostile.send(teacher.address(), srp.respond((Message.AuthChallenge) challenge, "pw"))
                .get(5, TimeUnit.SECONDS);
        assertThat(ok).isInstanceOf(Message.AuthConfirmed.class);
        assertThat(srp.verifyServer((Message.AuthConfirmed) ok)).isTrue();
        Command c = record();
        Message granted = hostile.send(teacher.address(), new Message.AuthRelay(UUID.randomUUID(), teacher.nodeId(), 6,
                srp.grantRequest(List.of(c), List.of()))).get(5, TimeUnit.SECONDS);
        assertThat(granted).isInstanceOf(Message.GrantIssued.class);
        long grantedAt = System.nanoTime();

        // ... and announces, to every peer, junk, a copy stamped ahead and copies stamped ten minutes ago, again and again
        BlockHeader junkHeader = first.header().withNonce(first.header().nonce() + 1);
        Block junk = codec.seal(junkHeader, first.payload());
        for (Peer p : peers) {
            announce(p, junk);
            announce(p, copy(first, System.currentTimeMillis() + 110_000));
        }
        Duration within = REMINE_AFTER.plusSeconds(4);
        long end = grantedAt + within.toNanos();
        while (!peers.stream().allMatch(p -> p.chain().heightOfCommand(c.id()).isPresent())) {
            assertThat(System.nanoTime()).as("the withheld command is on every honest chain within " + within)
                    .isLessThan(end);
            for (Peer p : peers) {
                announce(p, copy(first, genesisTime));
            }
            Thread.sleep(100);
        }
        Await.until("it ran on both students", Duration.ofSeconds(5),
                () -> module.runs(a.nodeId(), c.id()) == 1 && module.runs(b.nodeId(), c.id()) == 1);
    }
}
