package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Hash;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.store.Journal;
import org.classchain.core.testing.Fixtures;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.spi.CommandModule;
import org.classchain.wire.Message;
import org.classchain.spi.ModuleContext;
import org.classchain.spi.Outcome;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seeded fault schedules on the in-memory network: eight peers with data dirs (a teacher and seven
 * students) while a random schedule of message loss (up to 30 %), delay and reordering,
 * duplication, partitions that heal, and peers that crash and restart on their data dirs plays
 * out, and three teacher sessions submit commands concurrently through random peers. After
 * healing, within a bounded time: one head everywhere, every accepted command on the chain
 * exactly once, at most one execution per peer and command, and no expired command executed.
 *
 * <p>Seeds: {@code -Dclasschain.faultSeeds=N} random seeds (default 2), each logged and named in
 * the test; {@code -Dclasschain.seed=S} replays one (thread scheduling aside). The root pom's
 * {@code long} profile runs 50.
 */
class FaultScheduleTest {

    private static final Logger LOG = LoggerFactory.getLogger(FaultScheduleTest.class);

    static final String TEACHER = "teacher";
    static final String PASSWORD = "correct horse battery staple";
    static final int PEERS = 8;
    static final int SESSIONS = 3;
    static final int PER_SESSION = 6;
    static final Duration TICK = Duration.ofMillis(100);
    /** How long the schedule of faults runs. */
    static final long CHAOS_MILLIS = 6_000;
    /** The bound on convergence after healing: 300 ticks of every peer. */
    static final Duration CONVERGE = TICK.multipliedBy(300);
    /** After how long the granting host mines a batch it granted that is not on the chain. */
    static final Duration REMINE = Duration.ofSeconds(2);
    /**
     * {@code -Dclasschain.faultCorrelated=true} also crashes the teacher's peer while a student's
     * peer is down or within the re-mine grace after a student crashed. A batch granted by the
     * teacher's host and accepted through a student's peer lives only in those two peers' memory
     * until it is mined: when the relay crashes before mining it and the host crashes before its
     * grace ends, the accepted command is lost (SECURITY.md, known limitation 2; seed
     * 8181461536426953459 did it). Off by default until granted batches are kept durably.
     */
    static final String CORRELATED = "classchain.faultCorrelated";

    @TempDir
    Path tmp;

    @TestFactory
    Stream<DynamicTest> randomFaultSchedulesLoseNothingAndRunNothingTwice() {
        Long fixed = Long.getLong("classchain.seed");
        List<Long> seeds = new ArrayList<>();
        if (fixed != null) {
            seeds.add(fixed);
        } else {
            Random r = new Random(System.nanoTime());
            for (int i = 0; i < Integer.getInteger("classchain.faultSeeds", 2); i++) {
                seeds.add(r.nextLong());
            }
        }
        LOG.info("fault schedules for seeds {}", seeds);
        return seeds.stream().map(seed -> DynamicTest.dynamicTest("seed " + seed + " (replay: -Dclasschain.seed="
                + seed + ")", () -> assertTimeoutPreemptively(Duration.ofSeconds(180), () -> run(seed),
                () -> "seed " + seed + " did not finish in time")));
    }

    // ------------------------------------------------------------------ one seed

    private void run(long seed) throws Exception {
        LOG.info("fault schedule with seed {} (replay with -Dclasschain.seed={})", seed, seed);
        Random random = new Random(seed);
        List<Step> schedule = schedule(random);
        schedule.forEach(s -> LOG.info("seed {} schedule: {}", seed, s));
        FaultModule module = new FaultModule();
        try (InMemoryNetwork net = new InMemoryNetwork(seed, 4);
             Cluster cluster = new Cluster(net, tmp.resolve("seed-" + seed), module, seed)) {
            net.setTimeout(Duration.ofMillis(400));
            cluster.startAll();

            ExecutorService pool = Executors.newFixedThreadPool(SESSIONS, r -> new Thread(r, "test-submitter"));
            List<Command> accepted = Collections.synchronizedList(new ArrayList<>());
            List<Future<?>> sessions = new ArrayList<>();
            try {
                for (int s = 0; s < SESSIONS; s++) {
                    long sessionSeed = seed * 31 + s;
                    sessions.add(pool.submit(() -> {
                        submitAll(cluster, new Random(sessionSeed), accepted);
                        return null;
                    }));
                }
                long start = System.nanoTime();
                for (Step step : schedule) {
                    long wait = step.atMillis() - (System.nanoTime() - start) / 1_000_000;
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    step.apply(net, cluster);
                }
                // heal everything: no loss, no partition, every peer up
                net.setLoss(0);
                net.setDuplication(0);
                net.setDelay(Duration.ZERO, Duration.ofMillis(2));
                net.heal();
                cluster.restartAllDown();
                LOG.info("seed {}: healed", seed);
                for (Future<?> f : sessions) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            LOG.info("seed {}: {} commands accepted ({} short-lived)", seed, accepted.size(),
                    accepted.stream().filter(FaultScheduleTest::shortLived).count());
            assertThat(accepted).as("seed %d: commands accepted", seed).isNotEmpty();

            // within a bounded number of ticks: one head everywhere, with every accepted command on it
            // (the last batches may still be mining when the last submission returns)
            long converge = System.nanoTime() + CONVERGE.toNanos();
            while (System.nanoTime() < converge && !(cluster.awaitOneHead(Duration.ZERO)
                    && accepted.stream().allMatch(c -> cluster.peer(0).chain().heightOfCommand(c.id()).isPresent()))) {
                Thread.sleep(50);
            }
            assertThat(cluster.awaitOneHead(Duration.ZERO)).as("seed %d: one head everywhere within %s: %s", seed,
                    CONVERGE, cluster.heads()).isTrue();

            // every accepted command on the chain exactly once; no command on it twice at all
            Map<UUID, Integer> onChain = new HashMap<>();
            for (Block b : cluster.peer(0).chain().range(0, Integer.MAX_VALUE)) {
                for (Command c : b.payload().commands()) {
                    onChain.merge(c.id(), 1, Integer::sum);
                }
            }
            for (Command c : accepted) {
                assertThat(onChain.get(c.id())).as("seed %d: copies of accepted %s on the chain", seed, c.id())
                        .isEqualTo(1);
            }
            assertThat(onChain.values()).as("seed %d: a command on the chain twice", seed).allMatch(n -> n == 1);

            // every student runs every long-lived command; nobody runs anything twice or expired
            List<Command> longLived = accepted.stream().filter(c -> !shortLived(c)).toList();
            List<String> students = cluster.studentIds();
            long end = System.nanoTime() + CONVERGE.toNanos();
            while (System.nanoTime() < end && !allRan(module, students, longLived)) {
                Thread.sleep(50);
            }
            cluster.close(); // everything quiet: the journals can be read
            for (String student : students) {
                for (Command c : longLived) {
                    if (module.runs(student, c.id()) == 0) {
                        // allowed only for a command begun when its peer was stopped: the journal
                        // then says it was seen, and at-most-once means it never runs again
                        try (Journal j = Journal.open(cluster.dirOf(student))) {
                            assertThat(j.seen(c.id()) && j.outcome(c.id()).isEmpty())
                                    .as("seed %d: student %s never ran %s", seed, student, c.id()).isTrue();
                        }
                    }
                }
            }
            assertThat(module.overruns()).as("seed %d: (peer/command) run more than once", seed).isEmpty();
            assertThat(module.expiredRuns()).as("seed %d: expired commands executed", seed).isEmpty();
            assertThat(module.runs(cluster.teacherId(), accepted.get(0).id())).isZero();
            LOG.info("seed {}: OK: {} accepted, {} commands on the chain, {} executions, {} crashes", seed,
                    accepted.size(), onChain.size(), module.total(), cluster.crashes());
        }
    }

    private static boolean allRan(FaultModule module, List<String> students, List<Command> commands) {
        for (String s : students) {
            for (Command c : commands) {
                if (module.runs(s, c.id()) == 0) {
                    return false;
                }
            }
        }
        return true;
    }

    static boolean shortLived(Command c) {
        return "short".equals(c.args().get("kind"));
    }

    /** One session: signs in and submits its commands through random live peers until each is accepted. */
    private static void submitAll(Cluster cluster, Random r, List<Command> accepted) throws Exception {
        TeacherClient client = cluster.client();
        boolean signedIn = false;
        for (int i = 0; i < PER_SESSION; i++) {
            Thread.sleep(r.nextInt(800));
            boolean brief = r.nextInt(4) == 0;
            Duration ttl = brief ? Duration.ofMillis(1000 + r.nextInt(2500)) : Duration.ofHours(1);
            Command c = Command.create("record", Target.all(), Map.of("kind", brief ? "short" : "long"),
                    Instant.now(), ttl);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                assertThat(System.nanoTime()).as("submitting %s", c.id()).isLessThan(deadline);
                try {
                    if (!signedIn) {
                        signedIn = client.signIn(cluster.signInAddress(r), TEACHER, PASSWORD)
                                instanceof Message.AuthConfirmed;
                        continue;
                    }
                    Message reply = client.submit(cluster.randomAddress(r), List.of(c));
                    if (reply instanceof Message.Submitted) {
                        accepted.add(c);
                        break;
                    }
                    if (reply instanceof Message.Rejected rej && rej.code() == 401) {
                        signedIn = false; // the teacher's peer restarted: its sessions are gone
                    } else if (reply instanceof Message.Rejected rej && rej.code() == 400
                            && rej.reason().contains("expired")) {
                        break; // expired before any host granted it: not accepted
                    }
                } catch (Exception e) {
                    // lost, timed out or a peer that is down: try again through another peer
                }
                Thread.sleep(20);
            }
        }
    }

    // ------------------------------------------------------------------ the schedule

    /** One change of the network at a time offset from the start of the schedule. */
    record Step(long atMillis, String what, Action action) {
        void apply(InMemoryNetwork net, Cluster cluster) throws Exception {
            LOG.info("at {} ms: {}", atMillis, what);
            action.apply(net, cluster);
        }

        @Override
        public String toString() {
            return atMillis + " ms: " + what;
        }
    }

    @FunctionalInterface
    interface Action {
        void apply(InMemoryNetwork net, Cluster cluster) throws Exception;
    }

    /** A random schedule of {@link #CHAOS_MILLIS}: a step every 250-800 ms, crashes restarted 0.5-2.5 s later. */
    static List<Step> schedule(Random r) {
        boolean correlated = Boolean.getBoolean(CORRELATED);
        List<Step> steps = new ArrayList<>();
        long lastStudentCrash = -1_000_000;
        long[] downUntil = new long[PEERS];
        for (long t = 0; t < CHAOS_MILLIS; t += 250 + r.nextInt(550)) {
            for (int i = 0; i < PEERS; i++) {
                if (downUntil[i] > 0 && downUntil[i] <= t) {
                    downUntil[i] = 0;
                }
            }
            int kind = r.nextInt(10);
            if (kind <= 1) {
                double p = Math.round(r.nextDouble() * 30) / 100.0;
                steps.add(new Step(t, "loss " + p, (n, c) -> n.setLoss(p)));
            } else if (kind == 2) {
                double p = Math.round(r.nextDouble() * 20) / 100.0;
                steps.add(new Step(t, "duplication " + p, (n, c) -> n.setDuplication(p)));
            } else if (kind == 3) {
                int max = 1 + r.nextInt(40);
                steps.add(new Step(t, "delay 0-" + max + " ms (reordering)",
                        (n, c) -> n.setDelay(Duration.ZERO, Duration.ofMillis(max))));
            } else if (kind <= 5) {
                Set<Integer> side = new TreeSet<>();
                int size = 1 + r.nextInt(PEERS / 2);
                while (side.size() < size) {
                    side.add(r.nextInt(PEERS));
                }
                steps.add(new Step(t, "partition " + side + " from the rest", (n, c) -> {
                    n.heal();
                    n.partition(1, c.addressesOf(side));
                }));
            } else if (kind == 6) {
                steps.add(new Step(t, "heal partitions", (n, c) -> n.heal()));
            } else {
                // crash a peer that is up (the teacher's too, now and then) and restart it later
                int victim = r.nextInt(5) == 0 ? 0 : 1 + r.nextInt(PEERS - 1);
                long downCount = java.util.Arrays.stream(downUntil).filter(u -> u > 0).count();
                if (downUntil[victim] > 0 || downCount >= 2) {
                    continue;
                }
                if (victim == 0 && !correlated && (downCount > 0 || t - lastStudentCrash < REMINE.toMillis() + 1000)) {
                    continue; // see CORRELATED: not while a relay's granted batch may exist only in two memories
                }
                if (victim != 0) {
                    lastStudentCrash = t;
                }
                long back = t + 500 + r.nextInt(2000);
                downUntil[victim] = back;
                steps.add(new Step(t, "crash peer " + victim, (n, c) -> c.crash(victim)));
                steps.add(new Step(back, "restart peer " + victim + " on its data dir", (n, c) -> c.restart(victim)));
            }
        }
        steps.sort(java.util.Comparator.comparingLong(Step::atMillis));
        return steps;
    }

    // ------------------------------------------------------------------ the peers

    /** Eight peers on one network, each with its own data dir; peer 0 is the teacher. */
    static final class Cluster implements AutoCloseable {
        private final InMemoryNetwork net;
        private final Path root;
        private final FaultModule module;
        private final long seed;
        private final Peer[] peers = new Peer[PEERS];
        private final String[] nodeIds = new String[PEERS];
        private final List<Transport> clients = new ArrayList<>();
        private int restarts;
        private int crashes;

        Cluster(InMemoryNetwork net, Path root, FaultModule module, long seed) {
            this.net = net;
            this.root = root;
            this.module = module;
            this.seed = seed;
        }

        void startAll() throws Exception {
            Peer teacher = builder(0).account(TEACHER, PASSWORD).difficultyBits(8)
                    .passwordPolicy(new PasswordPolicy(1000, 1000)).build();
            teacher.start();
            set(0, teacher);
            for (int i = 1; i < PEERS; i++) {
                Peer p = builder(i).seed(teacher.address()).build();
                p.start();
                set(i, p);
            }
        }

        private Peer.Builder builder(int i) {
            return Peer.builder().transport(net.newTransport()).dataDir(root.resolve("peer-" + i)).tick(TICK)
                    .remineAfter(REMINE).modules(ModuleRegistry.of(module))
                    .random(Fixtures.deterministic(seed * 1000 + i * 100 + restarts));
        }

        private synchronized void set(int i, Peer p) {
            peers[i] = p;
            nodeIds[i] = p.nodeId();
        }

        synchronized Peer peer(int i) {
            return peers[i];
        }

        /** Stops peer {@code i} (its transport leaves the network: others see it as unreachable). */
        void crash(int i) {
            synchronized (this) {
                if (peers[i] != null) {
                    crashes++;
                }
            }
            stop(i);
        }

        private void stop(int i) {
            Peer p;
            synchronized (this) {
                p = peers[i];
                peers[i] = null;
            }
            if (p != null) {
                p.close();
            }
        }

        /** Starts peer {@code i} again on its data dir, with a new address, seeded with every live peer. */
        void restart(int i) throws Exception {
            Peer.Builder b;
            synchronized (this) {
                if (peers[i] != null) {
                    return;
                }
                restarts++;
                b = builder(i);
                for (int j = 0; j < PEERS; j++) {
                    if (j != i && peers[j] != null) {
                        b.seed(peers[j].address());
                    }
                }
            }
            Peer p = b.build();
            p.start();
            assertThat(p.nodeId()).as("a restarted peer keeps its node id").isEqualTo(nodeIds[i]);
            set(i, p);
        }

        void restartAllDown() throws Exception {
            for (int i = 0; i < PEERS; i++) {
                restart(i);
            }
        }

        synchronized int crashes() {
            return crashes;
        }

        synchronized List<String> addressesOf(Set<Integer> indices) {
            List<String> out = new ArrayList<>();
            for (int i : indices) {
                if (peers[i] != null) {
                    out.add(peers[i].address());
                }
            }
            return out;
        }

        synchronized String randomAddress(Random r) {
            List<Peer> live = Stream.of(peers).filter(java.util.Objects::nonNull).toList();
            if (live.isEmpty()) {
                return "mem://0";
            }
            return live.get(r.nextInt(live.size())).address();
        }

        /** The teacher's peer when it is up, else any (which relays to a backup host or answers 503). */
        synchronized String signInAddress(Random r) {
            return peers[0] != null ? peers[0].address() : randomAddress(r);
        }

        synchronized String teacherId() {
            return nodeIds[0];
        }

        synchronized List<String> studentIds() {
            return List.of(nodeIds).subList(1, PEERS);
        }

        synchronized Path dirOf(String nodeId) {
            return root.resolve("peer-" + List.of(nodeIds).indexOf(nodeId));
        }

        TeacherClient client() throws Exception {
            Transport t = net.newTransport();
            t.start((from, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "a client serves nothing")));
            synchronized (this) {
                clients.add(t);
            }
            return new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(2));
        }

        synchronized List<String> heads() {
            List<String> out = new ArrayList<>();
            for (int i = 0; i < PEERS; i++) {
                out.add(i + ":" + (peers[i] == null ? "down" : peers[i].chain().headInfo().height() + "/"
                        + peers[i].chain().head().hash().shortHex()));
            }
            return out;
        }

        /** Whether every peer has the same head, waiting up to {@code timeout} (at least one look). */
        boolean awaitOneHead(Duration timeout) throws InterruptedException {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                synchronized (this) {
                    Hash h = peers[0].chain().head().hash();
                    if (Stream.of(peers).allMatch(p -> p.chain().head().hash().equals(h))) {
                        return true;
                    }
                }
                if (System.nanoTime() >= end) {
                    return false;
                }
                Thread.sleep(50);
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < PEERS; i++) {
                stop(i);
            }
            synchronized (this) {
                clients.forEach(Transport::close);
                clients.clear();
            }
        }
    }

    // ------------------------------------------------------------------ the module

    /**
     * Counts executions per (peer, command) and records every request to run a command whose
     * {@code notAfter} has passed by the peer's clock: the dispatcher must never make one.
     */
    static final class FaultModule implements CommandModule {
        private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        private final List<String> expired = Collections.synchronizedList(new ArrayList<>());

        @Override
        public String name() {
            return "record";
        }

        @Override
        public List<ArgumentSpec> arguments() {
            return List.of(ArgumentSpec.optional("kind", ArgumentType.STRING, "long", "short or long-lived"));
        }

        @Override
        public String apiVersion() {
            return API_VERSION;
        }

        @Override
        public Outcome execute(ModuleContext context, Command command) {
            Instant now = context.clock().instant();
            if (command.isExpiredAt(now)) {
                expired.add(context.nodeId() + "/" + command.id() + " expired at " + command.notAfter() + ", run at "
                        + now);
            }
            runs.computeIfAbsent(context.nodeId() + "/" + command.id(), k -> new AtomicInteger()).incrementAndGet();
            return Outcome.executed("recorded");
        }

        int runs(String nodeId, UUID commandId) {
            AtomicInteger n = runs.get(nodeId + "/" + commandId);
            return n == null ? 0 : n.get();
        }

        int total() {
            return runs.values().stream().mapToInt(AtomicInteger::get).sum();
        }

        List<String> overruns() {
            return runs.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey).toList();
        }

        List<String> expiredRuns() {
            synchronized (expired) {
                return List.copyOf(expired);
            }
        }
    }
}
