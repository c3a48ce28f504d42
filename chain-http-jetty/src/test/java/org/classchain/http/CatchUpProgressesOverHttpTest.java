package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
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
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.mining.Miner;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 23, property 2, over real HTTP peers: catch-up always progresses. A student's peer is off
 * while the teacher sends three commands; it restarts through a classmate's peer that is hostile
 * to catch-up: it claims a far better head, and then serves endless pages of blocks the student
 * has, or pages of orphans that send the student stepping back onto known blocks again and again,
 * or never answers a page at all. The student must still be at the teacher's height within 10 s
 * of restarting. And an announcement whose parent is unknown makes a peer fetch only from a peer
 * it verified, never from whatever address the announcement names.
 */
class CatchUpProgressesOverHttpTest {

    private static final AtomicInteger NEXT = new AtomicInteger(10);
    private static final int BITS = 8;
    /** The bound of property 2: back at the teacher's height within this long of restarting. */
    private static final Duration WITHIN = Duration.ofSeconds(10);

    /** What the hostile classmate's peer does when asked for blocks. */
    enum Serving {
        /** Answers like any peer. */
        HONEST,
        /** Pages of 500 blocks the asker has: the genesis block, over and over. */
        KNOWN_PAGES,
        /** Pages of 500 valid blocks whose parents nobody has, and known pages from height 0. */
        ORPHAN_PAGES,
        /** Never answers a page. */
        SILENT
    }

    /** A classmate's real peer whose answers to head and block requests are a script's. */
    static final class HostileServer extends ForwardingTransport {
        volatile Serving serving = Serving.HONEST;
        volatile List<Block> known = List.of();
        volatile List<Block> orphans = List.of();
        final AtomicInteger pages = new AtomicInteger();
        /** Block requests from the student's address. */
        final AtomicInteger pagesToStudent = new AtomicInteger();
        volatile String studentIp;
        private final Head claimed = new Head(1_000_000, new Hash(new byte[32]), Long.MAX_VALUE / 4);

        HostileServer(Transport inner) {
            super(inner);
        }

        @Override
        public void start(MessageHandler handler) throws IOException {
            inner.start((from, m) -> {
                Serving s = serving;
                if (s == Serving.HONEST) {
                    return handler.handle(from, m);
                }
                if (m instanceof Message.GetHead) {
                    return CompletableFuture.completedFuture(new Message.HeadReply(claimed));
                }
                if (m instanceof Message.GetBlocks g) {
                    pages.incrementAndGet();
                    if (from.equals(studentIp)) {
                        pagesToStudent.incrementAndGet();
                    }
                    return switch (s) {
                        case KNOWN_PAGES -> CompletableFuture.completedFuture(new Message.Blocks(known));
                        case ORPHAN_PAGES -> CompletableFuture.completedFuture(
                                new Message.Blocks(g.from() == 0 ? known : orphans));
                        default -> new CompletableFuture<>(); // never answered
                    };
                }
                return handler.handle(from, m);
            });
        }
    }

    /** A transport that counts the block requests its peer receives. */
    static final class CountingServer extends ForwardingTransport {
        final AtomicInteger blockRequests = new AtomicInteger();

        CountingServer(Transport inner) {
            super(inner);
        }

        @Override
        public void start(MessageHandler handler) throws IOException {
            inner.start((from, m) -> {
                if (m instanceof Message.GetBlocks) {
                    blockRequests.incrementAndGet();
                }
                return handler.handle(from, m);
            });
        }
    }

    private final RecordingModule module = new RecordingModule();
    private final BlockCodec codec = new BlockCodec(new CanonicalJson());
    private final List<Peer> peers = new ArrayList<>();
    private final List<Transport> clients = new ArrayList<>();
    private final String studentIp = ip();
    private Peer teacher;
    private CountingServer teacherServer;
    private Peer classmate;
    private HostileServer hostile;
    private TeacherClient client;
    @TempDir
    Path dir;

    private static String ip() {
        return "127.0.5." + (NEXT.getAndIncrement() % 200 + 10);
    }

    private static Transport transport(String ip) {
        return JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build();
    }

    private Peer start(Peer.Builder builder, Transport transport, String name) throws Exception {
        Peer p = builder.transport(transport).dataDir(dir.resolve(name)).difficultyBits(BITS)
                .tick(Duration.ofMillis(100)).modules(ModuleRegistry.of(module)).build();
        peers.add(p);
        p.start();
        return p;
    }

    private Transport client() throws Exception {
        Transport t = transport(ip());
        t.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
        clients.add(t);
        return t;
    }

    @BeforeEach
    void classroom() throws Exception {
        teacherServer = new CountingServer(transport(ip()));
        teacher = start(Peer.builder().account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000)),
                teacherServer, "teacher");
        hostile = new HostileServer(transport(ip()));
        classmate = start(Peer.builder().seed(teacher.address()), hostile, "classmate");
        client = new TeacherClient(client(), new SecureRandom(), Duration.ofSeconds(5));
        assertThat(client.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
    }

    @AfterEach
    void close() {
        peers.forEach(Peer::close);
        clients.forEach(Transport::close);
    }

    private void send(List<Peer> to) throws Exception {
        Command c = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        Await.until("the command is on every running peer's chain", Duration.ofSeconds(20),
                () -> to.stream().allMatch(p -> p.chain().heightOfCommand(c.id()).isPresent()));
    }

    /** A valid block carrying {@code original}'s granted batch on a parent nobody has. */
    private Block orphanLike(Block original, Random random) {
        byte[] parent = new byte[32];
        random.nextBytes(parent);
        BlockHeader t = new BlockHeader(1, original.height() + 1000, new Hash(parent), original.header().timestampMillis(),
                original.header().payloadHash(), original.header().difficultyBits(), random.nextLong());
        return codec.seal(new Miner().mine(t, () -> false).orElseThrow(), original.payload());
    }

    /**
     * The student runs the first command, is off for the next three, and restarts through the
     * hostile classmate: it must reach the teacher's height within {@link #WITHIN}, then stop
     * asking the classmate for pages for a while.
     */
    private void restartThroughTheHostileClassmate(Serving serving) throws Exception {
        Peer student = start(Peer.builder().seed(classmate.address()), transport(studentIp), "student");
        send(List.of(teacher, classmate, student));
        student.close();
        peers.remove(student);
        for (int i = 0; i < 3; i++) {
            send(List.of(teacher, classmate));
        }
        long teacherHeight = teacher.chain().headInfo().height();
        hostile.known = Collections.nCopies(500, teacher.chain().genesis());
        Random random = new Random(23);
        List<Block> distinct = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            distinct.add(orphanLike(teacher.chain().blockAt(1).orElseThrow(), random));
        }
        List<Block> orphans = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            orphans.add(distinct.get(i % distinct.size()));
        }
        hostile.orphans = orphans;
        hostile.serving = serving;
        hostile.studentIp = studentIp;

        long started = System.nanoTime();
        Peer again = start(Peer.builder().seed(classmate.address()), transport(studentIp), "student");
        long end = started + WITHIN.toNanos();
        while (again.chain().headInfo().height() < teacherHeight && System.nanoTime() < end) {
            Thread.sleep(20);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("CatchUpProgresses " + serving + ": student at height " + again.chain().headInfo().height()
                + " of " + teacherHeight + " after " + took.toMillis() + " ms; the hostile classmate served "
                + hostile.pagesToStudent.get() + " page request(s) of the student's (" + hostile.pages.get() + " in all)");
        assertThat(again.chain().headInfo().height()).as("the restarted student's height " + WITHIN + " after it started,"
                + " with the classmate serving " + serving + " (" + hostile.pagesToStudent.get() + " pages served to it)")
                .isEqualTo(teacherHeight);
        assertThat(again.chain().head()).isEqualTo(teacher.chain().head());

        // and the student gives the hostile classmate up after a bounded effort: a second without a page request
        long quietFrom = System.nanoTime();
        int seen = hostile.pagesToStudent.get();
        long giveUp = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() - quietFrom < Duration.ofSeconds(1).toNanos()) {
            assertThat(System.nanoTime()).as("the student still asks the hostile classmate for pages without a pause "
                    + "(" + hostile.pagesToStudent.get() + " so far)").isLessThan(giveUp);
            Thread.sleep(20);
            if (hostile.pagesToStudent.get() != seen) {
                seen = hostile.pagesToStudent.get();
                quietFrom = System.nanoTime();
            }
        }
        System.out.println("CatchUpProgresses " + serving + ": the student paused asking the hostile classmate after "
                + seen + " page request(s), " + Duration.ofNanos(System.nanoTime() - started).toMillis()
                + " ms after it restarted");
    }

    @Test
    @Timeout(90)
    void endlessPagesOfKnownBlocksDoNotKeepAStudentBehind() throws Exception {
        restartThroughTheHostileClassmate(Serving.KNOWN_PAGES);
    }

    @Test
    @Timeout(90)
    void endlessOrphanPagesDoNotKeepAStudentBehind() throws Exception {
        restartThroughTheHostileClassmate(Serving.ORPHAN_PAGES);
    }

    @Test
    @Timeout(90)
    void aSourceThatNeverAnswersDoesNotDelayCatchingUpFromTheOthers() throws Exception {
        restartThroughTheHostileClassmate(Serving.SILENT);
    }

    @Test
    @Timeout(60)
    void anAnnouncementNamingAnAddressNoPeerVerifiedMakesNoRequestToIt() throws Exception {
        Peer student = start(Peer.builder().seed(teacher.address()), transport(studentIp), "student");
        send(List.of(teacher, classmate, student));
        send(List.of(teacher, classmate, student));
        // the named address records what it is asked; a greeting (the address is learned, unverified, as
        // any sender's is) is not a fetch, a block request is
        AtomicInteger blockRequestsToNamed = new AtomicInteger();
        List<String> askedOfNamed = Collections.synchronizedList(new ArrayList<>());
        Transport recorderServer = transport(ip());
        recorderServer.start((from, m) -> {
            askedOfNamed.add(m.getClass().getSimpleName());
            if (m instanceof Message.GetBlocks || m instanceof Message.GetBlock) {
                blockRequestsToNamed.incrementAndGet();
            }
            return CompletableFuture.completedFuture(Message.Rejected.of(404, "a recorder"));
        });
        clients.add(recorderServer);
        Transport script = client();
        Random random = new Random(5);

        // an orphan carrying a real grant (kept aside) whose announcement names the recorder's address
        Message reply = script.send(student.address(), new Message.BlockAnnouncement(
                orphanLike(teacher.chain().blockAt(1).orElseThrow(), random), recorderServer.localAddress()))
                .get(10, TimeUnit.SECONDS);
        // then one naming the teacher's, which the student verified: that one is fetched from
        int before = teacherServer.blockRequests.get();
        Message control = script.send(student.address(), new Message.BlockAnnouncement(
                orphanLike(teacher.chain().blockAt(2).orElseThrow(), random), teacher.address()))
                .get(10, TimeUnit.SECONDS);
        Await.until("the student asked the teacher, or the named address, for blocks", Duration.ofSeconds(10),
                () -> teacherServer.blockRequests.get() > before || blockRequestsToNamed.get() > 0);
        System.out.println("CatchUpProgresses named address: replies " + reply + " / " + control + "; requests to the "
                + "named address " + askedOfNamed + ", block requests to the teacher "
                + (teacherServer.blockRequests.get() - before));

        assertThat(blockRequestsToNamed.get()).as("block requests to the address the announcement named").isZero();
        assertThat(reply).isInstanceOf(Message.Ack.class);
        assertThat(((Message.Ack) reply).detail()).doesNotContain("fetching");
        assertThat(control).isInstanceOf(Message.Ack.class);
        assertThat(((Message.Ack) control).detail()).contains("fetching");
    }
}
