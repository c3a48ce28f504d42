package org.classchain.core.testing;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.classchain.Hash;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.peer.Peer;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/**
 * A teacher and N students on one transport kind, always closed: the harness every protocol
 * test uses, in memory and over HTTP alike.
 */
public final class Classroom implements AutoCloseable {

    public static final String TEACHER = "teacher";
    public static final String PASSWORD = "correct horse battery staple";

    /** Knobs of a classroom. */
    public static final class Options {
        public int difficultyBits = 8;
        public Duration tick = Duration.ofMillis(100);
        public Duration remineAfter = Duration.ofSeconds(2);
        public IntFunction<Clock> studentClock = i -> Clock.systemUTC();
        public long seed = 1;
        /** The threads every peer of the room runs on; null: each peer its own. */
        public PeerThreads threads;
    }

    public final Peer teacher;
    public final List<Peer> students = new ArrayList<>();
    public final RecordingModule module = new RecordingModule();
    private final Supplier<Transport> transports;
    private final List<Transport> clientTransports = new ArrayList<>();
    private final long seed;

    private Classroom(Supplier<Transport> transports, int studentCount, Options o) throws Exception {
        this.transports = transports;
        this.seed = o.seed;
        teacher = Peer.builder().transport(transports.get()).account(TEACHER, PASSWORD).difficultyBits(o.difficultyBits)
                .tick(o.tick).remineAfter(o.remineAfter).modules(ModuleRegistry.of(module))
                .passwordPolicy(new PasswordPolicy(1000, 1000)).random(Fixtures.deterministic(o.seed)).threads(o.threads)
                .build();
        teacher.start();
        ExecutorService starter = Executors.newFixedThreadPool(8);
        try {
            List<Future<Peer>> started = new ArrayList<>();
            for (int i = 0; i < studentCount; i++) {
                int idx = i;
                started.add(starter.submit(() -> {
                    Peer p = Peer.builder().transport(transports.get()).seed(teacher.address())
                            .tick(o.tick).remineAfter(o.remineAfter).clock(o.studentClock.apply(idx))
                            .modules(ModuleRegistry.of(module)).random(Fixtures.deterministic(o.seed * 1000 + idx + 1))
                            .threads(o.threads).build();
                    p.start();
                    return p;
                }));
            }
            for (Future<Peer> f : started) {
                students.add(f.get());
            }
        } finally {
            starter.shutdownNow();
        }
    }

    /** Starts a classroom; the caller closes it (try-with-resources). */
    public static Classroom start(Supplier<Transport> transports, int students, Options options) throws Exception {
        return new Classroom(transports, students, options);
    }

    public List<Peer> all() {
        List<Peer> all = new ArrayList<>();
        all.add(teacher);
        all.addAll(students);
        return all;
    }

    /** A client with its own transport (started, refusing requests). */
    public TeacherClient client() throws Exception {
        Transport t = transports.get();
        t.start((from, m) -> java.util.concurrent.CompletableFuture.completedFuture(
                Message.Rejected.of(404, "a client serves nothing")));
        synchronized (clientTransports) {
            clientTransports.add(t);
        }
        return new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(5));
    }

    /** Waits until every peer has the same head; false on timeout. */
    public boolean awaitOneHead(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Hash h = teacher.chain().head().hash();
            if (all().stream().allMatch(p -> p.chain().head().hash().equals(h))) {
                return true;
            }
            Thread.sleep(50);
        }
        StringBuilder why = new StringBuilder("no single head; teacher at #" + teacher.chain().headInfo().height() + " "
                + teacher.chain().head().hash().shortHex() + ":");
        for (Peer p : all()) {
            why.append("\n  ").append(p.address()).append(" #").append(p.chain().headInfo().height()).append(' ')
                    .append(p.chain().head().hash().shortHex()).append(" neighbours ").append(p.status().neighbours());
        }
        org.slf4j.LoggerFactory.getLogger(Classroom.class).warn(why.toString());
        return false;
    }

    public long seed() {
        return seed;
    }

    @Override
    public void close() {
        for (Peer p : all()) {
            p.close();
        }
        synchronized (clientTransports) {
            clientTransports.forEach(Transport::close);
        }
    }
}
