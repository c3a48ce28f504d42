package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.testing.Classroom;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.testing.Fixtures;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The protocol, written once: each transport runs it through an empty subclass
 * ({@code ClassroomWithMemoryTest}, {@code ClassroomWithJettyTest}).
 */
public abstract class ClassroomTests {

    /** Fresh transports of the kind under test. */
    protected abstract Supplier<Transport> transports();

    /** The threads the peers run on; null (the default): each peer its own. */
    protected PeerThreads threads() {
        return null;
    }

    /** The options of a room under test. */
    protected Classroom.Options options() {
        Classroom.Options o = new Classroom.Options();
        o.threads = threads();
        return o;
    }

    @TempDir
    protected Path tmp;

    /** Sends batches of one command each through random peers until each is accepted. */
    protected static List<Command> sendConcurrently(Classroom room, int sessions, int perSession,
                                                    java.util.function.IntFunction<Command> make, long seed)
            throws Exception {
        return sendConcurrently(room, sessions, perSession, make, seed, n -> { });
    }

    /**
     * Like the above, and tells {@code onAccepted} the number of commands accepted so far after
     * each acceptance (on the submitting thread): tests that change the network at a given point
     * of the run do it by that count, which a seed can choose, instead of by wall time.
     */
    protected static List<Command> sendConcurrently(Classroom room, int sessions, int perSession,
                                                    java.util.function.IntFunction<Command> make, long seed,
                                                    java.util.function.IntConsumer onAccepted)
            throws Exception {
        java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();
        List<Command> accepted = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                int session = s;
                done.add(pool.submit(() -> {
                    Random r = new Random(seed + session);
                    TeacherClient client = room.client();
                    Message signedIn = null;
                    for (int attempt = 0; attempt < 20 && !(signedIn instanceof Message.AuthConfirmed); attempt++) {
                        try {
                            signedIn = client.signIn(room.teacher.address(), Classroom.TEACHER, Classroom.PASSWORD);
                        } catch (Exception e) {
                            // lost on the way; sign in again
                        }
                    }
                    assertThat(signedIn).isInstanceOf(Message.AuthConfirmed.class);
                    for (int i = 0; i < perSession; i++) {
                        Command c = make.apply(session * perSession + i);
                        for (int attempt = 0; ; attempt++) {
                            List<org.classchain.core.peer.Peer> all = room.all();
                            String via = all.get(r.nextInt(all.size())).address();
                            try {
                                Message reply = client.submit(via, List.of(c));
                                if (reply instanceof Message.Submitted) {
                                    accepted.add(c);
                                    onAccepted.accept(count.incrementAndGet());
                                    break;
                                }
                            } catch (Exception e) {
                                // lost or timed out: try another peer with a fresh counter
                            }
                            assertThat(attempt).as("attempts to submit %s", c.id()).isLessThan(60);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return accepted;
    }

    private static boolean settled(Classroom room, List<Command> accepted) {
        var head = room.teacher.chain().head();
        if (!room.all().stream().allMatch(p -> p.chain().head().equals(head) && p.pendingBatches() == 0)) {
            return false;
        }
        Map<UUID, Integer> chain = onChain(room);
        return accepted.stream().allMatch(c -> chain.containsKey(c.id()));
    }

    /** Counts each command id on the teacher's best chain. */
    protected static Map<UUID, Integer> onChain(Classroom room) {
        Map<UUID, Integer> count = new HashMap<>();
        for (Block b : room.teacher.chain().range(0, Integer.MAX_VALUE)) {
            for (Command c : b.payload().commands()) {
                count.merge(c.id(), 1, Integer::sum);
            }
        }
        return count;
    }

    protected static void awaitReceipts(Classroom room, List<Command> commands, int perCommand, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (commands.stream().allMatch(c -> room.teacher.report(c.id()).receipts().size() >= perCommand)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("receipts did not all reach the teacher within " + timeout + ": "
                + commands.stream().map(c -> room.teacher.report(c.id()).receipts().size()).toList());
    }

    /**
     * Every accepted command on the chain exactly once; each student ran each exactly once, expired
     * ones never. Asked once the room has settled: one head everywhere and no batch waiting to be
     * mined anywhere. Before that a command may have run everywhere from a block that a fork then
     * dropped, and be waiting to be mined again (its owner re-queues it at once).
     */
    protected static void assertDelivered(Classroom room, List<Command> accepted, Clock[] clocks)
            throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end && !settled(room, accepted)) {
            Thread.sleep(50);
        }
        Map<UUID, Integer> chain = onChain(room);
        for (Command c : accepted) {
            assertThat(chain.get(c.id())).as("copies of %s on the chain", c.id()).isEqualTo(1);
        }
        for (int i = 0; i < room.students.size(); i++) {
            Peer s = room.students.get(i);
            for (Command c : accepted) {
                boolean expiredThere = clocks != null && c.isExpiredAt(clocks[i].instant());
                assertThat(room.module.runs(s.nodeId(), c.id())).as("runs of %s at student %d", c.id(), i)
                        .isEqualTo(expiredThere ? 0 : 1);
            }
        }
        assertThat(room.module.runs(room.teacher.nodeId(), accepted.get(0).id())).isZero();
    }

    @Test
    @Timeout(180)
    void thirtyStudentsRunEveryCommandExactlyOnce() throws Exception {
        Classroom.Options o = options();
        Clock[] clocks = new Clock[30];
        for (int i = 0; i < clocks.length; i++) {
            // every third student's clock runs 15 minutes fast: 10-minute commands are expired there
            clocks[i] = i % 3 == 0 ? Clock.offset(Clock.systemUTC(), Duration.ofMinutes(15)) : Clock.systemUTC();
        }
        o.studentClock = i -> clocks[i];
        try (Classroom room = Classroom.start(transports(), 30, o)) {
            List<Command> accepted = sendConcurrently(room, 10, 10, n -> new Command(UUID.randomUUID(), "record",
                    Target.all(), Map.of("n", Integer.toString(n)),
                    Instant.now().plus(n % 4 == 0 ? Duration.ofMinutes(10) : Duration.ofHours(1))), 7);
            assertThat(accepted).hasSize(100);
            assertThat(room.awaitOneHead(Duration.ofSeconds(60))).as("one head everywhere").isTrue();
            awaitReceipts(room, accepted, 30, Duration.ofSeconds(60));
            assertDelivered(room, accepted, clocks);
            for (Command c : accepted) {
                var report = room.teacher.report(c.id());
                assertThat(report.height()).isNotNull();
                assertThat(report.receipts()).hasSize(30);
                long expired = report.receipts().stream().filter(r -> r.status() == ReceiptStatus.EXPIRED).count();
                assertThat(expired).isEqualTo(c.isExpiredAt(clocks[0].instant()) ? 10 : 0);
            }
            assertThat(room.teacher.role()).isEqualTo(Role.TEACHER);
            assertThat(room.students).allMatch(s -> s.role() == Role.STUDENT);
        }
    }

    @Test
    @Timeout(120)
    void aLateStudentCatchesUpAndRunsOnlyWhatIsStillValid() throws Exception {
        Classroom.Options o = options();
        try (Classroom room = Classroom.start(transports(), 2, o)) {
            List<Command> shortLived = sendConcurrently(room, 1, 3, n -> new Command(UUID.randomUUID(), "record",
                    Target.all(), Map.of(), Instant.now().plus(Duration.ofMinutes(10))), 1);
            List<Command> longLived = sendConcurrently(room, 2, 10, n -> new Command(UUID.randomUUID(), "record",
                    Target.all(), Map.of(), Instant.now().plus(Duration.ofHours(1))), 2);
            assertThat(room.awaitOneHead(Duration.ofSeconds(30))).isTrue();
            // the late student comes eleven minutes later: the short-lived commands have expired
            org.classchain.core.testing.MutableClock later = new org.classchain.core.testing.MutableClock();
            later.advance(Duration.ofMinutes(11));
            Peer late = Peer.builder().transport(transports().get()).seed(room.students.get(1).address())
                    .tick(o.tick).clock(later).modules(ModuleRegistry.of(room.module)).dataDir(tmp.resolve("late")).threads(threads())
                    .build();
            try {
                late.start();
                assertThat(late.chain().genesis()).isEqualTo(room.teacher.chain().genesis());
                long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (!late.chain().head().equals(room.teacher.chain().head()) && System.nanoTime() < end) {
                    Thread.sleep(50);
                }
                assertThat(late.chain().head()).isEqualTo(room.teacher.chain().head());
                awaitReceipts(room, longLived, 3, Duration.ofSeconds(30));
                for (Command c : longLived) {
                    assertThat(room.module.runs(late.nodeId(), c.id())).isEqualTo(1);
                }
                for (Command c : shortLived) {
                    assertThat(room.module.runs(late.nodeId(), c.id())).isZero();
                }
            } finally {
                late.close();
            }
        }
    }

    @Test
    @Timeout(120)
    void aRestartedStudentResumesAndNeverRunsACommandTwice() throws Exception {
        Classroom.Options o = options();
        try (Classroom room = Classroom.start(transports(), 2, o)) {
            Path dir = tmp.resolve("student");
            Peer s = Peer.builder().transport(transports().get()).seed(room.teacher.address()).tick(o.tick)
                    .modules(ModuleRegistry.of(room.module)).dataDir(dir).threads(threads()).build();
            s.start();
            String nodeId = s.nodeId();
            List<Command> before = sendConcurrently(room, 1, 5, n -> Fixtures.command("record", Instant.now(), Map.of()), 3);
            awaitReceipts(room, before, 3, Duration.ofSeconds(30));
            long height = s.chain().headInfo().height();
            s.close();
            List<Command> during = sendConcurrently(room, 1, 5, n -> Fixtures.command("record", Instant.now(), Map.of()), 4);
            Peer again = Peer.builder().transport(transports().get()).seed(room.teacher.address()).tick(o.tick)
                    .modules(ModuleRegistry.of(room.module)).dataDir(dir).threads(threads()).build();
            try {
                again.start();
                assertThat(again.nodeId()).isEqualTo(nodeId);
                assertThat(again.chain().headInfo().height()).isGreaterThanOrEqualTo(height);
                awaitReceipts(room, during, 3, Duration.ofSeconds(30));
                for (Command c : before) {
                    assertThat(room.module.runs(nodeId, c.id())).isEqualTo(1);
                }
                for (Command c : during) {
                    assertThat(room.module.runs(nodeId, c.id())).isEqualTo(1);
                }
            } finally {
                again.close();
            }
        }
    }

    @Test
    @Timeout(60)
    void signInThroughAStudentsPeerNeedsTheRightPasswordAndABadArgumentIsRefused() throws Exception {
        try (Classroom room = Classroom.start(transports(), 2, options())) {
            TeacherClient client = room.client();
            Message wrong = client.signIn(room.students.get(0).address(), Classroom.TEACHER, "not the password");
            assertThat(wrong).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(401));
            Message ok = client.signIn(room.students.get(0).address(), Classroom.TEACHER, Classroom.PASSWORD);
            assertThat(ok).isInstanceOf(Message.AuthConfirmed.class);
            Message bad = client.submit(room.students.get(1).address(), List.of(new Command(UUID.randomUUID(), "record",
                    Target.all(), Map.of("n", "not a number"), Instant.now().plusSeconds(60))));
            assertThat(bad).isInstanceOfSatisfying(Message.Rejected.class, r -> {
                assertThat(r.code()).isEqualTo(400);
                assertThat(r.reason()).contains("'n'");
            });
        }
    }
}
