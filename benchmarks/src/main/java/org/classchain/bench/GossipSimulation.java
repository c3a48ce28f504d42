package org.classchain.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Hash;
import org.classchain.PeerListener;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.peer.Peer;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;

/**
 * The scale simulation: N {@link Peer}s with the real gossip code on an {@link InMemoryNetwork},
 * every peer without a data dir (all in memory), the chain at 4 bits. Each peer joins through a
 * random peer started before it (the teacher for the first) and fills its neighbour set on its
 * ticks. Then the teacher mines a few blocks, one at a time, and for each the harness records,
 * through a {@link Probe} wrapped around every peer's transport, which announcement each peer
 * received first and from whom (the announcement tree, hence the hops), and how many
 * announcements each peer sent, against its neighbour count.
 *
 * <p>The commands in these blocks target no peer, so no receipts travel: only gossip and the
 * peers' maintenance ticks run.
 *
 * <p>The peers run on one {@link PeerThreads#shared shared} set of threads (four workers, a timer,
 * and a pool for blocking work that grows only with it), as an embedder running many peers in
 * one JVM would: a peer of its own has about five threads, and 10,000 of those would not fit
 * this machine's pid limit.
 *
 * <p>Usage: {@code GossipSimulation [sizes] [blocks] [plot.png]} (default 250,500,1000,2000 5
 * benchmarks/target/gossip.png). A size whose threads would not fit the kernel's pid limit is
 * not started; the limit is reported instead.
 */
public final class GossipSimulation {

    static final String PASSWORD = "correct horse battery staple";
    private static final int DIFFICULTY = 4;
    private static final Duration TICK = Duration.ofSeconds(2);
    /** The shared worker threads every peer's short tasks run on. */
    private static final int WORKERS = 4;

    private GossipSimulation() {
    }

    /** One size's outcome, for the table and the plot. */
    record Row(int n, int blocks, int maxHops, double meanHops, double p50Hops, int target, double meanSent,
               int maxSent, int overNeighbours, double meanNeighbours, int viaCatchUp, double msToAll,
               double threadsPerPeer, double heapMbPerPeer, int bfsMax, double bfsMean) {
    }

    public static void main(String[] args) throws Exception {
        String sizes = args.length > 0 ? args[0] : "250,500,1000,2000";
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path png = Path.of(args.length > 2 ? args[2] : "benchmarks/target/gossip.png");
        List<Row> rows = new ArrayList<>();
        List<String> notRun = new ArrayList<>();
        double threadsPerPeer = 0.1; // on shared threads; raised to what each size measured
        for (String s : sizes.split(",")) {
            int n = Integer.parseInt(s.trim());
            long free = freePids();
            long needed = (long) Math.ceil(n * threadsPerPeer) + 200;
            if (needed > free * 0.8) {
                String why = Results.f("N=%d not run: it needs about %d threads (%.1f per peer measured) and the "
                        + "kernel allows %d more tasks on this machine (pid_max %d, shared with other processes)",
                        n, needed, threadsPerPeer, free, pidMax());
                System.out.println("  " + why);
                notRun.add(why);
                continue;
            }
            Row r = run(n, blocks);
            rows.add(r);
            threadsPerPeer = Math.max(threadsPerPeer, r.threadsPerPeer());
        }
        for (Row r : rows) {
            Results.detail("gossip", Results.f("| %,d | %d | %d | %.2f | %.0f | %d | %.2f | %d | %d | %.1f | %d | %.0f | "
                    + "%.1f | %.2f | %d | %.2f |", r.n(), r.blocks(), r.maxHops(), r.meanHops(), r.p50Hops(),
                    r.target(), r.meanSent(), r.maxSent(), r.overNeighbours(), r.meanNeighbours(), r.viaCatchUp(),
                    r.msToAll(), r.threadsPerPeer(), r.heapMbPerPeer(), r.bfsMax(), r.bfsMean()));
        }
        notRun.forEach(w -> Results.detail("gossip", w));
        if (!rows.isEmpty()) {
            Row big = rows.get(rows.size() - 1);
            boolean tenK = big.n() >= 10_000;
            boolean met = big.maxHops() <= big.target() && big.overNeighbours() == 0 && big.viaCatchUp() == 0;
            Results.record("gossip-10k", Results.f("%s at N=%,d: %d hops max (shortest paths %d), %.2f msgs/peer/block "
                            + "(max %d)", tenK ? "measured" : "NOT RUN at 10,000 (threads, see below);", big.n(),
                            big.maxHops(), big.bfsMax(), big.meanSent(), big.maxSent()),
                    Results.f("target at N=%,d: %d hops; %.1f neighbours/peer", big.n(), big.target(),
                            big.meanNeighbours()),
                    Results.f("%.2f (hops / target at N=%,d)", (double) big.maxHops() / big.target(), big.n()),
                    Results.f("<= %d hops at 10,000 (ceil(log8 N)+3); msgs <= neighbours (the teacher's: <= %d)", target(10_000),
                            Message.BlockAnnouncement.MAX_PUSHED - 1),
                    tenK && met);
            Plot.gossip(rows, png);
            System.out.println("  plot written to " + png);
        }
    }

    static int target(int n) {
        return (int) Math.ceil(Math.log(n) / Math.log(8) - 1e-9) + 3;
    }

    static long pidMax() throws IOException {
        return procNumber("/proc/sys/kernel/pid_max");
    }

    /** A number from a /proc file (read by line: Files.readString sees a size of 0 there and stops short). */
    static long procNumber(String file) throws IOException {
        try (var r = Files.newBufferedReader(Path.of(file))) {
            return Long.parseLong(r.readLine().trim());
        }
    }

    /** Tasks the kernel can still create: pid_max (and threads-max) less every live thread. */
    static long freePids() throws IOException {
        long live = 0;
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                if (p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    try (var tasks = Files.list(p.resolve("task"))) {
                        live += tasks.count();
                    } catch (IOException e) {
                        // the process ended meanwhile
                    }
                }
            }
        }
        long threadsMax = procNumber("/proc/sys/kernel/threads-max");
        return Math.min(pidMax(), threadsMax) - live;
    }

    /** Per block: who first told each peer, when, and how many announcements each peer sent. */
    static final class Trace {
        final AtomicIntegerArray firstFrom;
        final AtomicLongArray firstAt;
        final AtomicLongArray appendedAt;
        final AtomicIntegerArray sent;
        final AtomicInteger appended = new AtomicInteger();

        Trace(int n) {
            firstFrom = new AtomicIntegerArray(n);
            firstAt = new AtomicLongArray(n);
            appendedAt = new AtomicLongArray(n);
            sent = new AtomicIntegerArray(n);
            for (int i = 0; i < n; i++) {
                firstFrom.set(i, -1);
            }
        }
    }

    /** All traces of one run, and the address book of the probes. */
    static final class Recorder {
        final int n;
        final Map<String, Integer> indexOf = new ConcurrentHashMap<>();
        final Map<Hash, Trace> traces = new ConcurrentHashMap<>();

        Recorder(int n) {
            this.n = n;
        }

        Trace trace(Hash h) {
            return traces.computeIfAbsent(h, k -> new Trace(n));
        }
    }

    /**
     * A transport that notes block announcements going out and coming in, then passes everything
     * through unchanged. Instrumentation of the benchmark only.
     */
    static final class Probe implements Transport {
        private final Transport inner;
        private final int index;
        private final Recorder rec;

        Probe(Transport inner, int index, Recorder rec) {
            this.inner = inner;
            this.index = index;
            this.rec = rec;
            rec.indexOf.put(inner.localAddress(), index);
        }

        @Override
        public void start(MessageHandler handler) throws IOException {
            inner.start((from, m) -> {
                if (m instanceof Message.BlockAnnouncement a) {
                    Integer sender = rec.indexOf.get(from);
                    Trace t = rec.trace(a.block().hash());
                    if (sender != null && t.firstFrom.compareAndSet(index, -1, sender)) {
                        t.firstAt.set(index, System.nanoTime());
                    }
                }
                return handler.handle(from, m);
            });
        }

        @Override
        public String localAddress() {
            return inner.localAddress();
        }

        @Override
        public CompletableFuture<Message> send(String address, Message request) {
            if (request instanceof Message.BlockAnnouncement a) {
                rec.trace(a.block().hash()).sent.incrementAndGet(index);
            }
            return inner.send(address, request);
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    static Row run(int n, int blocks) throws Exception {
        System.out.printf("== gossip: %,d peers in memory, %d blocks%n", n, blocks);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        int threadsBefore = Thread.activeCount();
        Recorder rec = new Recorder(n);
        List<Peer> peers = new ArrayList<>();
        Random random = new Random(n);
        long t0 = System.nanoTime();
        try (InMemoryNetwork net = new InMemoryNetwork(n, 4); PeerThreads threads = PeerThreads.shared(WORKERS)) {
            net.setTimeout(Duration.ofSeconds(10));
            Peer teacher = Peer.builder().transport(new Probe(net.newTransport(), 0, rec)).account("teacher", PASSWORD)
                    .difficultyBits(DIFFICULTY).tick(TICK).remineAfter(Duration.ofMinutes(10))
                    .modules(ModuleRegistry.of(new NoopModule())).passwordPolicy(new PasswordPolicy(1000, 1000))
                    .listener(appended(rec, 0)).threads(threads).build();
            teacher.start();
            peers.add(teacher);
            Transport clientTransport = net.newTransport();
            try {
                startStudents(net, threads, rec, peers, n, random);
                System.out.printf("  %,d peers started in %.1f s%n", peers.size(), (System.nanoTime() - t0) / 1e9);
                awaitOverlay(peers, Duration.ofSeconds(90));

                clientTransport.start((from, m) -> CompletableFuture.completedFuture(
                        Message.Rejected.of(404, "a client serves nothing")));
                TeacherClient client = new TeacherClient(clientTransport, new SecureRandom(), Duration.ofSeconds(30));
                Message ok = client.signIn(teacher.address(), "teacher", PASSWORD);
                if (!(ok instanceof Message.AuthConfirmed)) {
                    throw new IllegalStateException("sign-in failed: " + ok);
                }
                List<int[]> hopsPerBlock = new ArrayList<>();
                List<Double> sentMeans = new ArrayList<>();
                int maxSent = 0;
                int over = 0;
                int viaCatchUp = 0;
                List<Double> toAll = new ArrayList<>();
                int[] neighbours = new int[n];
                int[] bfs = new int[0];
                for (int b = 0; b < blocks; b++) {
                    List<List<String>> lists = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        lists.add(peers.get(i).status().neighbours());
                        neighbours[i] = lists.get(i).size();
                    }
                    if (b == 0) {
                        bfs = bfs(lists, rec);
                    }
                    Command c = new Command(UUID.randomUUID(), NoopModule.NAME, Target.peers("no-such-peer"), Map.of(),
                            Instant.now().plus(Duration.ofMinutes(10)));
                    long sent = System.nanoTime();
                    Message reply = client.submit(teacher.address(), List.of(c));
                    if (!(reply instanceof Message.Submitted)) {
                        throw new IllegalStateException("submit refused: " + reply);
                    }
                    Trace t = awaitEverywhere(rec, c.id(), teacher, n, Duration.ofSeconds(60));
                    long last = 0;
                    for (int i = 0; i < n; i++) {
                        last = Math.max(last, t.appendedAt.get(i));
                    }
                    toAll.add((last - sent) / 1e6);
                    int[] hops = hops(t, n);
                    hopsPerBlock.add(hops);
                    long sum = 0;
                    for (int i = 0; i < n; i++) {
                        int s = t.sent.get(i);
                        sum += s;
                        maxSent = Math.max(maxSent, s);
                        // the teacher pushes the blocks it mines to every verified peer it knows, 63 at most
                        // (issue 22); every other peer sends a block at most to each of its neighbours
                        int bound = i == 0 ? Math.max(neighbours[i], Message.BlockAnnouncement.MAX_PUSHED - 1) : neighbours[i];
                        if (s > bound) {
                            over++;
                        }
                        if (hops[i] < 0) {
                            viaCatchUp++;
                        }
                    }
                    sentMeans.add((double) sum / n);
                    System.out.printf("  block %d: reached all %,d peers in %.0f ms, max hops %d, %.2f announcements "
                            + "sent per peer%n", b + 1, t.appended.get(), toAll.get(toAll.size() - 1),
                            Arrays.stream(hops).max().orElse(-1), (double) sum / n);
                    Thread.sleep(500);
                }
                int threadCount = Thread.activeCount() - threadsBefore;
                System.gc();
                long heap = rt.totalMemory() - rt.freeMemory() - heapBefore;
                int[] all = hopsPerBlock.stream().flatMapToInt(h -> Arrays.stream(h).filter(x -> x >= 0)).toArray();
                double[] allD = Arrays.stream(all).asDoubleStream().toArray();
                double meanNeighbours = Arrays.stream(neighbours).average().orElse(0);
                return new Row(n, blocks, Arrays.stream(all).max().orElse(-1), Arrays.stream(all).average().orElse(0),
                        Results.quantile(allD, 0.5), target(n), sentMeans.stream().mapToDouble(d -> d).average()
                        .orElse(0), maxSent, over, meanNeighbours, viaCatchUp, Results.quantile(toAll, 1.0),
                        (double) threadCount / n, heap / 1e6 / n, Arrays.stream(bfs).max().orElse(-1),
                        Arrays.stream(bfs).filter(x -> x >= 0).average().orElse(0));
            } finally {
                clientTransport.close();
                closeAll(peers);
            }
        }
    }

    private static PeerListener appended(Recorder rec, int index) {
        return new PeerListener() {
            @Override
            public void blockAppended(Block block) {
                Trace t = rec.trace(block.hash());
                if (t.appendedAt.compareAndSet(index, 0, System.nanoTime())) {
                    t.appended.incrementAndGet();
                }
            }
        };
    }

    private static void startStudents(InMemoryNetwork net, PeerThreads threads, Recorder rec, List<Peer> peers, int n,
                                      Random random) throws Exception {
        ExecutorService starter = Executors.newFixedThreadPool(4, new NamedThreads("starter"));
        try {
            int batch = 64;
            for (int from = 1; from < n; from += batch) {
                List<Future<Peer>> started = new ArrayList<>();
                List<String> known = peers.stream().map(Peer::address).toList();
                for (int i = from; i < Math.min(n, from + batch); i++) {
                    int idx = i;
                    String seed = known.get(random.nextInt(known.size()));
                    started.add(starter.submit(() -> {
                        Peer p = Peer.builder().transport(new Probe(net.newTransport(), idx, rec)).seed(seed)
                                .tick(TICK).remineAfter(Duration.ofMinutes(10)).modules(ModuleRegistry.of(new NoopModule()))
                                .listener(appended(rec, idx)).threads(threads).build();
                        p.start();
                        return p;
                    }));
                }
                for (Future<Peer> f : started) {
                    peers.add(f.get());
                }
            }
        } finally {
            starter.shutdownNow();
        }
    }

    /** Waits until the neighbour sets stop growing (checked every two ticks). */
    private static void awaitOverlay(List<Peer> peers, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        long previous = -1;
        while (System.nanoTime() < end) {
            Thread.sleep(TICK.toMillis() * 2);
            long total = peers.stream().mapToLong(p -> p.status().neighbours().size()).sum();
            long isolated = peers.stream().filter(p -> p.status().neighbours().isEmpty()).count();
            System.out.printf("  overlay: %.2f neighbours per peer, %d without any%n", (double) total / peers.size(),
                    isolated);
            if (total == previous && isolated == 0) {
                return;
            }
            previous = total;
        }
    }

    private static Trace awaitEverywhere(Recorder rec, UUID command, Peer teacher, int n, Duration timeout)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        Hash h = null;
        while (System.nanoTime() < end) {
            if (h == null) {
                h = teacher.chain().heightOfCommand(command).flatMap(teacher.chain()::blockAt).map(Block::hash)
                        .orElse(null);
            }
            if (h != null && rec.trace(h).appended.get() >= n) {
                return rec.trace(h);
            }
            Thread.sleep(20);
        }
        if (h == null) {
            throw new IllegalStateException("the teacher never mined command " + command);
        }
        System.out.printf("  only %,d of %,d peers have the block after %s%n", rec.trace(h).appended.get(), n, timeout);
        return rec.trace(h);
    }

    /**
     * Shortest hops from the teacher over the "sends announcements to" edges (each peer's
     * neighbour list): the fewest hops gossip could take on this overlay; -1 if unreachable.
     */
    static int[] bfs(List<List<String>> neighbours, Recorder rec) {
        int n = neighbours.size();
        int[] d = new int[n];
        Arrays.fill(d, -1);
        d[0] = 0;
        java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(List.of(0));
        while (!queue.isEmpty()) {
            int u = queue.poll();
            for (String a : neighbours.get(u)) {
                Integer v = rec.indexOf.get(a);
                if (v != null && d[v] < 0) {
                    d[v] = d[u] + 1;
                    queue.add(v);
                }
            }
        }
        return d;
    }

    /** Hops from the teacher along the first-announcement tree; -1 for a peer that got the block otherwise. */
    static int[] hops(Trace t, int n) {
        int[] hops = new int[n];
        Arrays.fill(hops, Integer.MIN_VALUE);
        hops[0] = 0;
        for (int i = 1; i < n; i++) {
            resolve(t, hops, i, 0);
        }
        return hops;
    }

    private static int resolve(Trace t, int[] hops, int i, int depth) {
        if (hops[i] != Integer.MIN_VALUE) {
            return hops[i];
        }
        int parent = t.firstFrom.get(i);
        boolean gossiped = parent >= 0 && t.firstAt.get(i) != 0
                && (t.appendedAt.get(i) == 0 || t.firstAt.get(i) <= t.appendedAt.get(i));
        if (!gossiped || depth > hops.length) {
            hops[i] = -1;
            return -1;
        }
        int p = resolve(t, hops, parent, depth + 1);
        hops[i] = p < 0 ? -1 : p + 1;
        return hops[i];
    }

    static void closeAll(List<Peer> peers) throws InterruptedException {
        ExecutorService closer = Executors.newFixedThreadPool(8, new NamedThreads("closer"));
        for (Peer p : peers) {
            closer.execute(p::close);
        }
        closer.shutdown();
        closer.awaitTermination(120, TimeUnit.SECONDS);
    }
}
