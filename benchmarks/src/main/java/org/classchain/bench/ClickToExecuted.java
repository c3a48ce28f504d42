package org.classchain.bench;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Hash;
import org.classchain.PeerListener;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.mining.Miner;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyShared;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/**
 * Click-to-executed over real HTTP: a teacher and N students, each a {@link Peer} on its own
 * {@link JettyTransport} (127.0.0.1, port 0) in this JVM, default difficulty (17 bits) and
 * default tick. A {@link TeacherClient} signs in at the teacher's peer and sends commands for
 * every student one at a time; for each, the time from {@code submit} returning
 * {@link Message.Submitted} (and, stricter, from just before the request was sent) to the
 * moment the teacher holds the last student's EXECUTED receipt.
 *
 * <p>References measured in the same run: mining alone (17-bit headers on one thread, the
 * geometric part of every click), the submit round trip itself, and a bare HTTP round trip
 * ({@code GET /api/v1/head}) to a student.
 *
 * <p>The clicks are measured once the JIT compiler is quiet ({@link JitQuiet}): at least
 * {@code warmup} clicks first, then more until the compiler has used under 5 % of a core over 10
 * seconds (at most 180 s); {@code -Dbench.warmJit=false} measures right after {@code warmup} clicks.
 * The report says how many warm-up clicks ran and how much the compiler worked while measuring.
 *
 * <p>Usage: {@code ClickToExecuted [students,...] [commands] [warmup]} (default 30,100 60 10).
 */
public final class ClickToExecuted {

    static final String PASSWORD = "correct horse battery staple";

    private ClickToExecuted() {
    }

    public static void main(String[] args) throws Exception {
        String sizes = args.length > 0 ? args[0] : "30,100";
        int commands = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        for (String s : sizes.split(",")) {
            run(Integer.parseInt(s.trim()), commands, warmup);
        }
    }

    /** Receipts per command, and when the last expected one arrived. */
    private static final class Tracker implements PeerListener {
        final Map<UUID, CountDownLatch> waiting = new ConcurrentHashMap<>();
        final Map<UUID, AtomicInteger> remaining = new ConcurrentHashMap<>();
        final Map<UUID, Long> lastAt = new ConcurrentHashMap<>();
        final Map<UUID, Long> minedAt = new ConcurrentHashMap<>();
        final AtomicInteger notExecuted = new AtomicInteger();

        void expect(UUID id, int receipts) {
            remaining.put(id, new AtomicInteger(receipts));
            waiting.put(id, new CountDownLatch(1));
        }

        @Override
        public void receiptReceived(Receipt r) {
            long now = System.nanoTime();
            if (r.status() != ReceiptStatus.EXECUTED) {
                notExecuted.incrementAndGet();
                return;
            }
            AtomicInteger left = remaining.get(r.commandId());
            if (left != null && left.decrementAndGet() == 0) {
                lastAt.put(r.commandId(), now);
                waiting.get(r.commandId()).countDown();
            }
        }

        @Override
        public void blockAppended(Block block) {
            long now = System.nanoTime();
            for (Command c : block.payload().commands()) {
                minedAt.putIfAbsent(c.id(), now);
            }
        }
    }

    /** When the last student appended the block of each command, and when each student did. */
    private static final class Arrivals {
        final Map<UUID, AtomicInteger> count = new ConcurrentHashMap<>();
        final Map<UUID, Long> lastAt = new ConcurrentHashMap<>();
        /** Per command, per student (index in the list of students), when it appended the command's block. */
        final Map<UUID, long[]> at = new ConcurrentHashMap<>();
        volatile int students;

        /** The listener of the student at {@code index}. */
        PeerListener of(int index) {
            return new PeerListener() {
                @Override
                public void blockAppended(Block block) {
                    long now = System.nanoTime();
                    for (Command c : block.payload().commands()) {
                        at.computeIfAbsent(c.id(), k -> new long[students])[index] = now;
                        if (count.computeIfAbsent(c.id(), k -> new AtomicInteger()).incrementAndGet() == students) {
                            lastAt.put(c.id(), now);
                        }
                    }
                }
            };
        }
    }

    /** Whether the peers share Jetty's threads, timer, buffers and client ({@code -Dbench.sharedJetty=false}: not). */
    static final boolean SHARED_JETTY = Boolean.parseBoolean(System.getProperty("bench.sharedJetty", "true"));

    static Transport transport(CountingTransport.Counts counts, JettyShared shared) {
        return transport(counts, shared, null, -1);
    }

    static Transport transport(CountingTransport.Counts counts, JettyShared shared, HopTrace trace, int peer) {
        // every peer shares 127.0.0.1, so the per-address limit is raised far past what they send
        JettyTransport.Builder b = JettyTransport.builder().host("127.0.0.1").port(0).rateLimit(1_000_000, 1_000_000)
                .connectionsPerAddress(100_000);
        return new CountingTransport((shared != null ? b.shared(shared) : b).build(), counts, trace, peer);
    }

    static void run(int students, int commands, int warmup) throws Exception {
        String figure = "click-" + students;
        System.out.printf("== %s: teacher + %d students over HTTP, %d commands (+%d warm-up), %s%n", figure, students,
                commands, warmup, SHARED_JETTY ? "sharing Jetty's threads and client" : "each with Jetty threads of its own");
        Tracker tracker = new Tracker();
        Arrivals arrivals = new Arrivals();
        arrivals.students = students;
        List<Peer> peers = new ArrayList<>();
        long t0 = System.nanoTime();
        CountingTransport.Counts counts = new CountingTransport.Counts();
        // one selector thread per peer, and room for the work of all of them
        JettyShared shared = SHARED_JETTY ? JettyShared.start(students + 1 + 64) : null;
        HopTrace trace = HopTrace.ON ? new HopTrace() : null;
        Peer.Builder tb = Peer.builder().transport(transport(counts, shared, trace, 0)).account("teacher", PASSWORD)
                .modules(ModuleRegistry.of(new NoopModule())).passwordPolicy(new PasswordPolicy(1000, 1000))
                .listener(tracker);
        Peer teacher = (trace != null ? tb.listener(trace.listener(0)) : tb).build();
        teacher.start();
        peers.add(teacher);
        JettyTransport clientTransport = JettyTransport.builder().build();
        try {
            ExecutorService starter = Executors.newFixedThreadPool(4, new NamedThreads("starter"));
            try {
                List<Future<Peer>> started = new ArrayList<>();
                for (int i = 0; i < students; i++) {
                    PeerListener listener = arrivals.of(i);
                    int index = i + 1;
                    started.add(starter.submit(() -> {
                        Peer.Builder sb = Peer.builder().transport(transport(counts, shared, trace, index))
                                .seed(teacher.address()).modules(ModuleRegistry.of(new NoopModule())).listener(listener);
                        Peer p = (trace != null ? sb.listener(trace.listener(index)) : sb).build();
                        p.start();
                        return p;
                    }));
                }
                for (Future<Peer> f : started) {
                    peers.add(f.get());
                }
            } finally {
                starter.shutdownNow();
            }
            System.out.printf("  %d peers started in %.1f s%n", peers.size(), (System.nanoTime() - t0) / 1e9);
            List<Peer> studentPeers = peers.subList(1, peers.size());
            if (trace != null) {
                for (int i = 0; i < peers.size(); i++) {
                    trace.peer(i, peers.get(i).address(), peers.get(i).nodeId());
                }
            }
            awaitNeighbours(studentPeers, Duration.ofSeconds(20));

            TeacherClient client = new TeacherClient(clientTransport, new SecureRandom(), Duration.ofSeconds(10));
            Message signedIn = client.signIn(teacher.address(), "teacher", PASSWORD);
            if (!(signedIn instanceof Message.AuthConfirmed)) {
                throw new IllegalStateException("sign-in failed: " + signedIn);
            }
            // At least `warmup` clicks, then (unless -Dbench.warmJit=false) more until the JIT compiler
            // has used under 5 % of a core over 10 s, at most 180 s: see JitQuiet. Warm-up and measured
            // clicks run the same small method, so that measuring starts no new compilation.
            JitQuiet jitWatch = new JitQuiet(TimeUnit.SECONDS.toNanos(10), 0.05, TimeUnit.SECONDS.toNanos(180));
            boolean waitForJit = Boolean.parseBoolean(System.getProperty("bench.warmJit", "true"));
            Clicks warm = new Clicks("warm-up click");
            String warmedBecause = waitForJit ? null : " (a fixed count; the JIT compiler not awaited)";
            while (warm.count < warmup || warmedBecause == null) {
                click(warm, client, teacher, tracker, arrivals, students);
                if (warm.count >= warmup && warmedBecause == null) {
                    warmedBecause = !jitWatch.reports() ? " (this JVM reports no compile time: a fixed count)"
                            : jitWatch.stepQuiet() ? ", until the JIT compiler used under 5 % of a core over 10 s"
                            : jitWatch.outOfPatience() ? ", the JIT compiler still busy at the limit" : null;
                }
            }
            int warmed = warm.count;
            Results.detail(figure, Results.f("warm-up: %d clicks in %.0f s%s", warmed, jitWatch.seconds(),
                    warmedBecause));
            long jitAtStart = jitWatch.compileMillis();
            CpuShares cpu = new CpuShares();
            long measureStart = System.nanoTime();
            Profiling jfr = Profiling.start(figure);
            counts.reset();
            if (trace != null) {
                trace.recording = true;
            }
            Clicks m = new Clicks("command");
            while (m.count < commands) {
                click(m, client, teacher, tracker, arrivals, students);
            }
            String cpuUsed = cpu.measures() ? cpu.perUnit(m.count, 8) : null;
            if (jfr != null) {
                jfr.close();
            }
            List<Double> fromReturn = m.fromReturn;
            List<Double> fromSend = m.fromSend;
            List<Double> submitRtt = m.submitRtt;
            List<Double> toMined = m.toMined;
            List<Double> toLastBlock = m.toLastBlock;
            List<UUID> measured = m.measured;
            int timedOut = m.timedOut;
            double measuredSeconds = (System.nanoTime() - measureStart) / 1e9;
            Results.detail(figure, Results.f("JIT compiling during the measured clicks: %.1f s of compile time over %.1f s "
                    + "(%.0f %% of one core)", (jitWatch.compileMillis() - jitAtStart) / 1e3, measuredSeconds,
                    100 * (jitWatch.compileMillis() - jitAtStart) / 1e3 / measuredSeconds));
            if (cpuUsed != null) {
                Results.detail(figure, "CPU while measuring: " + cpuUsed);
            }
            long posts = counts.blockPosts.get();
            long intake = counts.intake.get();
            String sentPerClick = counts.sentPer(Math.max(1, measured.size()));
            int liveThreads = Thread.activeCount();
            String threadKinds = threadKinds();
            double[] mining = miningAlone(200);
            double[] http = httpRoundTrips(clientTransport, studentPeers, 200);

            double p50 = Results.quantile(fromReturn, 0.5);
            double p99 = Results.quantile(fromReturn, 0.99);
            double miningP99 = Results.quantile(mining, 0.99);
            double target = students <= 30 ? 300 : 1000;
            Results.record(figure, Results.f("p99 %.0f ms (p50 %.0f ms, n=%d)", p99, p50, fromReturn.size()),
                    Results.f("mining alone p99 %.0f ms (p50 %.0f)", miningP99, Results.quantile(mining, 0.5)),
                    Results.f("%.1f", p99 / miningP99), Results.f("p99 <= %.0f ms", target),
                    p99 <= target && timedOut == 0);
            Results.detail(figure, Results.f("%d students, %d commands measured after %d warm-up, %d timed out, "
                    + "%d non-EXECUTED receipts; Jetty %s", students, fromReturn.size(), warmed, timedOut,
                    tracker.notExecuted.get(), SHARED_JETTY ? "shared by the peers" : "of its own per peer"));
            Results.detail(figure, Results.f("submit returned -> last EXECUTED receipt at the teacher: p50 %.0f, "
                    + "p90 %.0f, p99 %.0f, max %.0f ms", p50, Results.quantile(fromReturn, 0.9), p99,
                    Results.quantile(fromReturn, 1.0)));
            Results.detail(figure, Results.f("submit sent -> last EXECUTED receipt (stricter): p50 %.0f, p99 %.0f, "
                    + "max %.0f ms", Results.quantile(fromSend, 0.5), Results.quantile(fromSend, 0.99),
                    Results.quantile(fromSend, 1.0)));
            Results.detail(figure, Results.f("submit round trip (MAC check, grant, reply): p50 %.0f, p99 %.0f ms",
                    Results.quantile(submitRtt, 0.5), Results.quantile(submitRtt, 0.99)));
            if (!toMined.isEmpty()) {
                Results.detail(figure, Results.f("submit sent -> block on the teacher's chain: p50 %.0f, p99 %.0f ms",
                        Results.quantile(toMined, 0.5), Results.quantile(toMined, 0.99)));
            }
            if (!toLastBlock.isEmpty()) {
                Results.detail(figure, Results.f("submit sent -> block on the last student's chain: p50 %.0f, "
                        + "p99 %.0f ms", Results.quantile(toLastBlock, 0.5), Results.quantile(toLastBlock, 0.99)));
            }
            Results.detail(figure, Results.f("mining alone, 17 bits, one thread, 200 blocks: p50 %.1f, p99 %.1f, "
                    + "mean %.1f ms", Results.quantile(mining, 0.5), miningP99,
                    java.util.Arrays.stream(mining).average().orElse(0)));
            Results.detail(figure, Results.f("bare HTTP round trip (GET /api/v1/head to a student): p50 %.2f, "
                    + "p99 %.2f ms", Results.quantile(http, 0.5), Results.quantile(http, 0.99)));
            Results.detail(figure, Results.f("neighbours per student: min %d, mean %.1f, max %d; live threads %d",
                    studentPeers.stream().mapToInt(p -> p.status().neighbours().size()).min().orElse(0),
                    studentPeers.stream().mapToInt(p -> p.status().neighbours().size()).average().orElse(0),
                    studentPeers.stream().mapToInt(p -> p.status().neighbours().size()).max().orElse(0),
                    liveThreads));
            int blocks = Math.max(1, measured.size());
            Results.detail(figure, Results.f("per block: %.1f block POSTs (%.1f answered without the intake: known), "
                    + "%.2f intake passes per student (1 is the least: validated once)", (double) posts / blocks,
                    (double) (posts - intake) / blocks, (double) intake / blocks / students));
            Results.detail(figure, "messages the peers sent per click, by kind: " + sentPerClick);
            Results.detail(figure, "live threads by kind (digits and ports dropped): " + threadKinds);
            int[] hop = hops(figure, peers, measured, tracker, arrivals, Results.quantile(http, 0.5));
            if (trace != null) {
                trace.report(measured, hop).forEach(l -> System.out.println("  " + figure + ": " + l));
            }
            Map<String, Integer> inDegree = new java.util.HashMap<>();
            for (Peer p : peers) {
                for (String n : p.status().neighbours()) {
                    inDegree.merge(n, 1, Integer::sum);
                }
            }
            long unlisted = studentPeers.stream().filter(p -> !inDegree.containsKey(p.address())).count();
            Results.detail(figure, Results.f("students that no peer lists as a neighbour (gossip cannot reach them): "
                    + "%d; in-degree min %d", unlisted, unlisted > 0 ? 0 : studentPeers.stream()
                    .mapToInt(p -> inDegree.get(p.address())).min().orElse(0)));
        } finally {
            clientTransport.close();
            ExecutorService closer = Executors.newFixedThreadPool(8, new NamedThreads("closer"));
            for (Peer p : peers) {
                closer.execute(p::close);
            }
            closer.shutdown();
            closer.awaitTermination(60, TimeUnit.SECONDS);
            if (shared != null) {
                shared.close();
            }
        }
    }

    /** What a run of clicks measured (warm-up clicks fill one that is then dropped). */
    private static final class Clicks {
        final List<Double> fromReturn = new ArrayList<>();
        final List<Double> fromSend = new ArrayList<>();
        final List<Double> submitRtt = new ArrayList<>();
        final List<Double> toMined = new ArrayList<>();
        final List<Double> toLastBlock = new ArrayList<>();
        final List<UUID> measured = new ArrayList<>();
        final String label;
        int count;
        int timedOut;

        Clicks(String label) {
            this.label = label;
        }
    }

    /** One click: a command for every student, then the wait for all their EXECUTED receipts. */
    private static void click(Clicks into, TeacherClient client, Peer teacher, Tracker tracker, Arrivals arrivals,
                              int students) throws Exception {
        Command c = BenchChain.command(Instant.now(), Duration.ofMinutes(10));
        tracker.expect(c.id(), students);
        long sent = System.nanoTime();
        Message reply = client.submit(teacher.address(), List.of(c));
        long returned = System.nanoTime();
        if (!(reply instanceof Message.Submitted)) {
            throw new IllegalStateException("submit refused: " + reply);
        }
        boolean all = tracker.waiting.get(c.id()).await(30, TimeUnit.SECONDS);
        int index = into.count++;
        if (!all) {
            into.timedOut++;
            System.out.printf("  %s %d: only %d of %d receipts within 30 s%n", into.label, index,
                    students - tracker.remaining.get(c.id()).get(), students);
            return;
        }
        long last = tracker.lastAt.get(c.id());
        into.measured.add(c.id());
        into.fromReturn.add(Math.max(0, last - returned) / 1e6);
        into.fromSend.add((last - sent) / 1e6);
        into.submitRtt.add((returned - sent) / 1e6);
        Long mined = tracker.minedAt.get(c.id());
        if (mined != null) {
            into.toMined.add((mined - sent) / 1e6);
        }
        Long everywhere = arrivals.lastAt.get(c.id());
        if (everywhere != null) {
            into.toLastBlock.add((everywhere - sent) / 1e6);
        }
    }

    /**
     * The time to each group of students beside the bare round trip: students grouped by their
     * distance from the teacher in the neighbour lists (the producer pushes to every student at once,
     * so this is no longer the gossip hop the block took), and for each distance the
     * median over commands of when its last student appended the block, from the block on the
     * teacher's chain; then the last student's block to the last receipt at the teacher.
     */
    private static int[] hops(String figure, List<Peer> peers, List<UUID> measured, Tracker tracker, Arrivals arrivals,
                             double rttP50) {
        Map<String, Integer> index = new java.util.HashMap<>();
        for (int i = 0; i < peers.size(); i++) {
            index.put(peers.get(i).address(), i);
        }
        int[] hop = new int[peers.size()];
        java.util.Arrays.fill(hop, -1);
        hop[0] = 0;
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(0));
        while (!queue.isEmpty()) {
            int p = queue.poll();
            for (String n : peers.get(p).status().neighbours()) {
                Integer q = index.get(n);
                if (q != null && hop[q] < 0) {
                    hop[q] = hop[p] + 1;
                    queue.add(q);
                }
            }
        }
        int maxHop = java.util.Arrays.stream(hop).max().orElse(0);
        // since the producer pushes to every student (issue 22, session 29) the block reaches each
        // in one hop whatever its distance in the overlay: the groups are by that distance only
        StringBuilder line = new StringBuilder("teacher's block -> last student at overlay distance k appended it (p50 "
                + "over commands; students at that distance; each is sent the block by the teacher itself):");
        double previous = 0;
        for (int k = 1; k <= maxHop; k++) {
            List<Double> d = new ArrayList<>();
            int at = 0;
            for (int s = 1; s < peers.size(); s++) {
                at += hop[s] == k ? 1 : 0;
            }
            for (UUID id : measured) {
                Long mined = tracker.minedAt.get(id);
                long[] times = arrivals.at.get(id);
                if (mined == null || times == null) {
                    continue;
                }
                long last = Long.MIN_VALUE;
                for (int s = 1; s < peers.size(); s++) {
                    if (hop[s] == k) {
                        last = Math.max(last, times[s - 1]);
                    }
                }
                d.add((last - mined) / 1e6);
            }
            double p50 = Results.quantile(d, 0.5);
            line.append(Results.f(" hop %d: %.1f ms (+%.1f; %d)", k, p50, p50 - previous, at));
            previous = p50;
        }
        line.append(Results.f("; bare round trip p50 %.2f ms", rttP50));
        Results.detail(figure, line.toString());
        List<Double> toReceipt = new ArrayList<>();
        for (UUID id : measured) {
            Long block = arrivals.lastAt.get(id);
            Long receipt = tracker.lastAt.get(id);
            if (block != null && receipt != null) {
                toReceipt.add((receipt - block) / 1e6);
            }
        }
        Results.detail(figure, Results.f("last student's block -> last EXECUTED receipt at the teacher: p50 %.1f, "
                + "p99 %.1f ms", Results.quantile(toReceipt, 0.5), Results.quantile(toReceipt, 0.99)));
        return hop;
    }

    /** The live threads counted by name with digits dropped, most first. */
    private static String threadKinds() {
        Map<String, Integer> kinds = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            kinds.merge(CpuShares.kind(t.getName()), 1, Integer::sum);
        }
        StringBuilder b = new StringBuilder();
        kinds.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(14)
                .forEach(e -> b.append(e.getKey()).append(' ').append(e.getValue()).append("; "));
        return b.toString();
    }

    /** Waits until every student has at least one neighbour (their overlay is built on ticks). */
    private static void awaitNeighbours(List<Peer> students, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (students.stream().allMatch(p -> !p.status().neighbours().isEmpty())) {
                break;
            }
            Thread.sleep(200);
        }
        Thread.sleep(3000); // a few more ticks to fill neighbour sets
    }

    /** Milliseconds to mine each of {@code n} 17-bit headers with the real Miner. */
    static double[] miningAlone(int n) {
        Miner miner = new Miner();
        SecureRandom r = new SecureRandom();
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            byte[] prev = new byte[32];
            byte[] payload = new byte[32];
            r.nextBytes(prev);
            r.nextBytes(payload);
            BlockHeader h = new BlockHeader(BlockHeader.CURRENT_VERSION, 1, new Hash(prev), System.currentTimeMillis(),
                    new Hash(payload), Peer.DEFAULT_DIFFICULTY_BITS, r.nextLong());
            long t = System.nanoTime();
            miner.mine(h, () -> false).orElseThrow();
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        return ms;
    }

    /** Milliseconds per GET /api/v1/head to students, round robin, over the client's pooled connections. */
    static double[] httpRoundTrips(JettyTransport client, List<Peer> students, int n) throws Exception {
        double[] ms = new double[n];
        for (int i = 0; i < n + 20; i++) {
            String to = students.get(i % students.size()).address();
            long t = System.nanoTime();
            client.send(to, new Message.GetHead()).get(10, TimeUnit.SECONDS);
            if (i >= 20) {
                ms[i - 20] = (System.nanoTime() - t) / 1e6;
            }
        }
        return ms;
    }
}
