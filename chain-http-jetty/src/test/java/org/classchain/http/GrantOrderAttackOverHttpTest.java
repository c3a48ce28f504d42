package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Payload;
import org.classchain.PeerListener;
import org.classchain.Receipt;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.mining.Miner;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 15, attack 1, over real HTTP peers: a student reads the teacher's last two blocks, rebuilds
 * them in the other order from the block before them, grinds the second block's hash below the
 * current tip's and announces both to every peer. The peers must refuse the branch (the grant of
 * the first block follows another grant than its parent's) and keep their head; a student that
 * joins afterwards runs the teacher's commands in the order the teacher's host granted them.
 */
class GrantOrderAttackOverHttpTest {

    private static final AtomicInteger NEXT = new AtomicInteger(10);

    private final RecordingModule module = new RecordingModule();
    private final BlockCodec codec = new BlockCodec(new CanonicalJson());
    private final List<Peer> peers = new ArrayList<>();
    private final List<Transport> clients = new ArrayList<>();

    private static Transport transport() {
        String ip = "127.0.1." + (NEXT.getAndIncrement() % 200 + 10);
        return JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build();
    }

    private Peer start(Peer.Builder b) throws Exception {
        Peer p = b.transport(transport()).difficultyBits(8).tick(Duration.ofMillis(100))
                .remineAfter(Duration.ofMillis(800)).modules(ModuleRegistry.of(module)).build();
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

    @AfterEach
    void close() {
        peers.forEach(Peer::close);
        clients.forEach(Transport::close);
    }

    private static void await(String what, BooleanSupplier c) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }

    private Block mine(Block parent, Payload payload, long timestamp, long nonce) {
        BlockHeader t = new BlockHeader(1, parent.height() + 1, parent.hash(), timestamp, codec.payloadHash(payload),
                parent.header().difficultyBits(), nonce);
        return codec.seal(new Miner().mine(t, () -> false).orElseThrow(), payload);
    }

    @Test
    @Timeout(120)
    void aStudentCannotReorderTheTeachersLastTwoCommands() throws Exception {
        Peer teacher = start(Peer.builder().account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000)));
        Peer alice = start(Peer.builder().seed(teacher.address()));
        Peer bob = start(Peer.builder().seed(teacher.address()));
        TeacherClient client = new TeacherClient(client(), new SecureRandom(), Duration.ofSeconds(5));
        assertThat(client.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);

        // the teacher sends A, then B: they land at heights h-1 and h
        Command a = record("1");
        Command b = record("2");
        for (Command c : List.of(a, b)) {
            assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
            await(c.args().get("n") + " is on every chain",
                    () -> peers.stream().allMatch(p -> p.chain().heightOfCommand(c.id()).isPresent()));
        }
        long h = teacher.chain().heightOfCommand(b.id()).orElseThrow();
        assertThat(teacher.chain().heightOfCommand(a.id())).contains(h - 1);

        // the student reads both blocks over the API ...
        Transport hostile = client();
        Message page = hostile.send(alice.address(), new Message.GetBlocks(h - 2, 3)).get(5, TimeUnit.SECONDS);
        List<Block> blocks = ((Message.Blocks) page).blocks();
        Block base = blocks.get(0);
        Block blockA = blocks.get(1);
        Block blockB = blocks.get(2);
        // ... rebuilds from h-2 a branch with B's batch first and A's second, both stamped with B's time,
        // and grinds the second block until its hash is below the tip's
        long ts = blockB.header().timestampMillis();
        Block first = mine(base, blockB.payload(), ts, 0);
        Block second = null;
        for (long nonce = 0; second == null; nonce += 1L << 32) {
            Block candidate = mine(first, blockA.payload(), ts, nonce);
            if (candidate.hash().compareTo(blockB.hash()) < 0) {
                second = candidate;
            }
        }
        List<Integer> codes = new ArrayList<>();
        for (Peer p : peers) {
            for (Block x : List.of(first, second)) {
                Message reply = hostile.send(p.address(), new Message.BlockAnnouncement(x, hostile.localAddress()))
                        .get(5, TimeUnit.SECONDS);
                codes.add(reply instanceof Message.Rejected r ? r.code() : 200);
            }
        }
        // every peer refuses the reordered block and keeps the teacher's order
        assertThat(codes.get(0)).as("the reordered first block is refused").isEqualTo(422);
        for (Peer p : peers) {
            assertThat(p.chain().head()).as("head of %s", p).isEqualTo(blockB);
            assertThat(p.chain().block(first.hash()).isPresent()).as("%s stored the reordered block", p).isFalse();
        }

        // a student that catches up afterwards runs A before B
        List<String> order = new CopyOnWriteArrayList<>();
        Peer late = start(Peer.builder().seed(bob.address()).listener(new PeerListener() {
            @Override
            public void commandDispatched(Command command, Receipt receipt) {
                order.add(command.args().getOrDefault("n", "?"));
            }
        }));
        await("the late student ran both", () -> order.containsAll(List.of("1", "2")));
        assertThat(order.indexOf("1")).isLessThan(order.indexOf("2"));
        assertThat(late.chain().head()).isEqualTo(blockB);
    }

    private static Command record(String tag) {
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of("n", tag),
                Instant.now().plus(Duration.ofMinutes(5)));
    }
}
