package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.chain.ChainState;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.mining.Miner;
import org.classchain.core.peer.Peer;
import org.classchain.core.store.FileBlockStore;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.RecordingModule;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.wire.Message;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, property 1, for blocks, over real HTTP peers: a student's script announces blocks no
 * honest peer makes — at the lowest difficulty a header allows, with parents nobody has and a few
 * hundred KB of junk, re-mined copies of a granted block on sibling branches, a body over the
 * limit — to the teacher's peer and a classmate's. Nothing of it is kept, stored or relayed: each
 * is refused (422, 409, 413), the sender penalised (403 once disconnected), the orphan pool and
 * the side branches hold no byte of it, the stores do not grow, and both peers keep answering and
 * run the teacher's next command.
 */
class CheapBlocksOverHttpTest {

    private static final AtomicInteger NEXT = new AtomicInteger(10);
    private static final int BITS = 12;
    /** Blocks of each kind announced to each peer. */
    private static final int N = 40;
    private static final int JUNK_BYTES = 200_000;

    private final RecordingModule record = new RecordingModule();
    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private final Random random = new Random(23);
    private final List<Peer> peers = new ArrayList<>();
    private final List<Transport> clients = new ArrayList<>();
    private Peer teacher;
    private Peer student;
    private TeacherClient client;
    @TempDir
    Path dir;

    /** A module with free text, so that a granted batch can be large. */
    static final class NoteModule implements CommandModule {
        @Override
        public String name() {
            return "note";
        }

        @Override
        public List<ArgumentSpec> arguments() {
            return List.of(ArgumentSpec.required("text", ArgumentType.STRING, "any text"));
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            return Outcome.executed("noted");
        }
    }

    private static Transport transport() {
        String ip = "127.0.4." + (NEXT.getAndIncrement() % 200 + 10);
        return JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build();
    }

    private Peer start(Peer.Builder builder, String name) throws Exception {
        Peer p = builder.transport(transport()).dataDir(dir.resolve(name)).difficultyBits(BITS)
                .tick(Duration.ofMillis(100)).modules(ModuleRegistry.of(record, new NoteModule())).build();
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
        teacher = start(Peer.builder().account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000)), "teacher");
        student = start(Peer.builder().seed(teacher.address()), "student");
        client = new TeacherClient(client(), new SecureRandom(), Duration.ofSeconds(10));
        assertThat(client.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
    }

    @AfterEach
    void close() {
        peers.forEach(Peer::close);
        clients.forEach(Transport::close);
    }

    private static Command note(int bytes) {
        return new Command(UUID.randomUUID(), "note", Target.all(), Map.of("text", "x".repeat(bytes)),
                Instant.now().plus(Duration.ofMinutes(5)));
    }

    private static Command record() {
        return new Command(UUID.randomUUID(), "record", Target.all(), Map.of(), Instant.now().plus(Duration.ofMinutes(5)));
    }

    private void sendAndAwait(Command c) throws Exception {
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        Await.until("every peer has it", Duration.ofSeconds(20),
                () -> peers.stream().allMatch(p -> p.chain().heightOfCommand(c.id()).isPresent()));
    }

    /** A block a script makes: junk commands under a grant it signed itself, mined at {@code bits}. */
    private Block junk(long height, Hash parent, int bits, NodeIdentity forger) {
        List<Command> commands = List.of(note(JUNK_BYTES));
        Grant unsigned = new Grant(teacher.chain().chainId(), "teacher", Role.TEACHER, json.batchHash(commands, List.of()),
                UUID.randomUUID(), Instant.now(), forger.nodeId(), Grant.FIRST, new byte[Grant.SIGNATURE_LENGTH]);
        Payload p = Payload.granted(commands, unsigned.withSignature(forger.sign(SigningBytes.grant(unsigned))));
        return mine(new BlockHeader(1, height, parent, System.currentTimeMillis(), codec.payloadHash(p), bits,
                random.nextLong()), p);
    }

    private Block mine(BlockHeader template, Payload p) {
        return codec.seal(new Miner().mine(template, () -> false).orElseThrow(), p);
    }

    private static Hash randomHash(Random r) {
        byte[] b = new byte[32];
        r.nextBytes(b);
        return new Hash(b);
    }

    /** The statuses of announcing each block from {@code from}, by code (200 for an Ack). */
    private Map<Integer, Integer> announce(Transport from, Peer to, List<Block> blocks) throws Exception {
        Map<Integer, Integer> codes = new LinkedHashMap<>();
        for (Block b : blocks) {
            Message reply = from.send(to.address(), new Message.BlockAnnouncement(b, from.localAddress()))
                    .get(20, TimeUnit.SECONDS);
            int code = reply instanceof Message.Rejected r ? r.code() : 200;
            codes.merge(code, 1, Integer::sum);
        }
        return codes;
    }

    private record Measure(int blocks, int orphans, long orphanBytes, long sideBytes, long storeBytes) {
        @Override
        public String toString() {
            return blocks + " blocks in the tree, " + orphans + " orphans (" + orphanBytes + " B), side branches "
                    + sideBytes + " B, store " + storeBytes + " B";
        }
    }

    private Measure measure(Peer p, String name) throws Exception {
        ChainState c = (ChainState) p.chain();
        return new Measure(c.blockCount(), c.orphanCount(), c.orphanBytes(), c.sideBranchBytes(),
                Files.size(dir.resolve(name).resolve(FileBlockStore.FILE_NAME)));
    }

    /** A raw POST /api/v1/blocks whose declared body is over any limit: the status line's code. */
    private static int oversizeAnnouncement(Peer to) throws Exception {
        URI uri = URI.create(to.address());
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("POST /api/v1/blocks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 4000000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[8192]);
            out.flush();
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int ch = in.read(); ch != -1 && ch != '\n'; ch = in.read()) {
                line.append((char) ch);
            }
            return Integer.parseInt(line.toString().split(" ")[1]);
        }
    }

    @Test
    @Timeout(240)
    void cheapBlocksAreRefusedBeforeAnythingIsKeptAndThePeersKeepServing() throws Exception {
        Command big = note(150_000);
        sendAndAwait(big);
        Block granted = teacher.chain().blockAt(1).orElseThrow();
        Map<String, Peer> targets = new LinkedHashMap<>();
        targets.put("teacher", teacher);
        targets.put("student", student);
        Map<String, Measure> before = new LinkedHashMap<>();
        for (Map.Entry<String, Peer> t : targets.entrySet()) {
            before.put(t.getKey(), measure(t.getValue(), t.getKey()));
        }
        NodeIdentity forger = NodeIdentity.generate(new SecureRandom());
        Map<String, Map<String, Map<Integer, Integer>>> replies = new LinkedHashMap<>();
        // someone asks both peers for their status all along the flood
        TeacherClient watcher = new TeacherClient(client(), new SecureRandom(), Duration.ofSeconds(5));
        java.util.concurrent.atomic.AtomicBoolean flooding = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong slowestStatusMs = new java.util.concurrent.atomic.AtomicLong();
        AtomicInteger statusFailures = new AtomicInteger();
        AtomicInteger statusAnswers = new AtomicInteger();
        Thread watch = new Thread(() -> {
            while (flooding.get()) {
                for (Peer p : peers) {
                    long t0 = System.nanoTime();
                    try {
                        watcher.status(p.address());
                        statusAnswers.incrementAndGet();
                    } catch (Exception e) {
                        statusFailures.incrementAndGet();
                    }
                    slowestStatusMs.accumulateAndGet((System.nanoTime() - t0) / 1_000_000, Math::max);
                }
            }
        });
        watch.start();

        for (Map.Entry<String, Peer> t : targets.entrySet()) {
            Peer p = t.getValue();
            Map<String, Map<Integer, Integer>> mine = new LinkedHashMap<>();
            // 1: the lowest difficulty a header allows, parents nobody has, a few hundred KB each
            List<Block> cheap = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                cheap.add(junk(1 + random.nextInt(1000), randomHash(random), 1, forger));
            }
            mine.put("low difficulty orphans", announce(client(), p, cheap));
            // 2: the chain's difficulty, parents nobody has, a grant no host of the teacher signed
            List<Block> orphans = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                orphans.add(junk(1 + random.nextInt(1000), randomHash(random), BITS, forger));
            }
            mine.put("orphans at the chain's difficulty", announce(client(), p, orphans));
            // 3: re-mined copies of the granted block on sibling branches (its parent, other nonces and stamps)
            List<Block> copies = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                BlockHeader h = granted.header();
                copies.add(mine(new BlockHeader(1, h.height(), h.previousHash(), h.timestampMillis() + i,
                        h.payloadHash(), h.difficultyBits(), random.nextLong()), granted.payload()));
            }
            mine.put("copies of a granted block", announce(client(), p, copies));
            mine.put("oversize body", Map.of(oversizeAnnouncement(p), 1));
            replies.put(t.getKey(), mine);
        }

        flooding.set(false);
        watch.join();
        System.out.println("CheapBlocks status during the flood: " + statusAnswers + " answers, " + statusFailures
                + " failures, slowest " + slowestStatusMs + " ms");
        assertThat(statusFailures.get()).as("status requests that failed during the flood").isZero();
        assertThat(statusAnswers.get()).isPositive();
        // the peers still answer and still run the teacher's next command
        for (Peer p : peers) {
            assertThat(client.status(p.address()).height()).isGreaterThanOrEqualTo(1);
        }
        Command next = record();
        sendAndAwait(next);
        Await.until("the student ran the next command", Duration.ofSeconds(10),
                () -> record.runs(student.nodeId(), next.id()) == 1);

        Map<String, Measure> after = new LinkedHashMap<>();
        for (Map.Entry<String, Peer> t : targets.entrySet()) {
            after.put(t.getKey(), measure(t.getValue(), t.getKey()));
            System.out.println("CheapBlocks " + t.getKey() + ": replies " + replies.get(t.getKey()));
            System.out.println("CheapBlocks " + t.getKey() + ": before the flood " + before.get(t.getKey()));
            System.out.println("CheapBlocks " + t.getKey() + ": after the flood and one command " + after.get(t.getKey()));
        }

        for (String name : targets.keySet()) {
            Map<String, Map<Integer, Integer>> r = replies.get(name);
            // refused, and the sender disconnected after a few: 422 then 403
            assertThat(r.get("low difficulty orphans")).containsOnlyKeys(422, 403);
            assertThat(r.get("orphans at the chain's difficulty")).containsOnlyKeys(422, 403);
            assertThat(r.get("copies of a granted block")).containsOnlyKeys(409, 403);
            assertThat(r.get("oversize body")).containsOnlyKeys(413);
            Measure b = before.get(name);
            Measure a = after.get(name);
            // at most one copy of a grant per sender waits aside (in case blocks built on it come)
            assertThat(a.orphans()).as(name + " blocks kept aside").isLessThanOrEqualTo(1);
            assertThat(a.orphanBytes()).as(name + " bytes kept aside").isLessThanOrEqualTo(granted.payload().commands()
                    .get(0).args().get("text").length() + 4096L);
            assertThat(a.sideBytes()).as(name + " side-branch bytes").isEqualTo(b.sideBytes());
            assertThat(a.blocks()).as(name + " blocks: the next command's only").isEqualTo(b.blocks() + 1);
            assertThat(a.storeBytes() - b.storeBytes()).as(name + " store growth: one small block").isLessThan(4096);
        }
    }
}
