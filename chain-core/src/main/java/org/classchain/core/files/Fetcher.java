package org.classchain.core.files;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a {@link StoredFile} from several {@link ChunkSource}s at once. It learns who holds what
 * from their have-lists (a few sources asked each refresh period, taking turns, so classmates
 * that got pieces since become sources), takes the rarest missing chunk from the least busy source that holds it, and
 * keeps the origin (the teacher's peer, first in the list) for what nobody else has. Every chunk
 * is checked on arrival: a source that sends one that fails its SHA-256 is dropped for this file
 * and reported to the {@link Listener} (the caller charges it), and the chunk is fetched again
 * elsewhere. A source that fails is skipped until it answers a have-list query again, so the
 * transfer goes on without the teacher when classmates hold the rest. When no reachable source
 * holds a missing chunk for the patience period, it stops with a {@link FetchException} that
 * says which source failed how; what was fetched stays in the store for the next try.
 *
 * <p>Each {@link #fetch} runs its own pool of named threads, stopped before it returns;
 * interrupting the calling thread stops the fetch.
 */
public final class Fetcher {

    private static final Logger LOG = LoggerFactory.getLogger(Fetcher.class);
    private static final AtomicInteger FETCHES = new AtomicInteger();
    /** How many sources one refresh asks for their have-lists at most. */
    static final int ASKED_PER_REFRESH = 8;
    /** Chunks asked of the teacher's peer at once by one student that has classmates. */
    static final int ORIGIN_IN_FLIGHT = 1;
    /**
     * A student with classmates takes from the teacher's peer up to this many times its even
     * share of the file (chunks ÷ the classmates seen holding some of it, plus itself), then one
     * chunk per have-list refresh when it has nothing else to fetch: the teacher's upload stays
     * under two copies however stale the have-lists are (1.68 in FileFanOut 500 30; 1.5 gave 2.04).
     */
    static final double ORIGIN_SHARE = 1.0;

    /**
     * How a fetch runs.
     *
     * @param parallelism chunks in flight at once, 1 to 64
     * @param patience how long to wait, with no chunk arriving, for a source to hold what is missing
     * @param refresh how often to ask the sources' have-lists again
     */
    public record Settings(int parallelism, Duration patience, Duration refresh) {
        /** Checks the values. */
        public Settings {
            if (parallelism < 1 || parallelism > 64 || patience.isNegative() || refresh.isNegative()
                    || refresh.isZero()) {
                throw new IllegalArgumentException("parallelism 1 to 64, a patience and a positive refresh period");
            }
        }

        /** {@return 4 chunks in flight, 30 s of patience, have-lists every second} */
        public static Settings defaults() {
            return new Settings(4, Duration.ofSeconds(30), Duration.ofSeconds(1));
        }
    }

    /** What a fetch tells its caller as it goes; called from the fetching thread. */
    public interface Listener {
        /**
         * Bytes held so far.
         *
         * @param held bytes of the file this peer holds
         * @param size the file's size
         */
        default void progress(long held, long size) {
        }

        /**
         * A source sent bytes that failed their check (a chunk or the manifest).
         *
         * @param sourceId the source's {@link ChunkSource#id()}
         * @param what what failed
         */
        default void badSource(String sourceId, String what) {
        }
    }

    private final Settings settings;

    /**
     * A fetcher.
     *
     * @param settings how fetches run
     */
    public Fetcher(Settings settings) {
        this.settings = settings;
    }

    /**
     * Fetches every chunk {@code into} lacks and completes it (whole-file SHA-256 checked).
     *
     * @param into the entry from {@link ChunkStore#open}
     * @param sources the sources known now, the origin first; called again at each refresh
     * @param listener told of progress and bad sources
     * @return what was done
     * @throws FetchException when it cannot finish, saying why
     * @throws IOException when the local disk fails
     * @throws InterruptedException when the calling thread is interrupted
     */
    public FetchReport fetch(StoredFile into, Supplier<List<ChunkSource>> sources, Listener listener)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        Run run = new Run(into, sources, listener);
        if (!into.isComplete()) {
            run.go();
        }
        return new FetchReport(into.ref(), run.fetched, run.bytesBySource(), run.badBySource(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** One source as this fetch sees it. */
    private static final class Known {
        final ChunkSource source;
        final boolean origin;
        BitSet have = new BitSet();
        boolean reachable = true;
        boolean banned;
        boolean everHeld;
        int busy;
        long bytes;
        int bad;
        String problem;

        Known(ChunkSource source, boolean origin) {
            this.source = source;
            this.origin = origin;
        }
    }

    /** The outcome of one chunk request. */
    private record Result(Known from, int index, byte[] bytes, IOException failure, boolean stored) {
    }

    private final class Run {
        private final StoredFile into;
        private final FileRef ref;
        private final Supplier<List<ChunkSource>> sources;
        private final Listener listener;
        private final Map<String, Known> known = new LinkedHashMap<>();
        private final BitSet inflight = new BitSet();
        private int[] available = new int[0];
        private long fetched;
        private long lastRefresh;
        private int wholeFileFailures;
        private int askedFrom;
        private int originChunks;
        private long lastOriginAssigned;
        private final int stripe = ThreadLocalRandom.current().nextInt(Integer.MAX_VALUE);

        Run(StoredFile into, Supplier<List<ChunkSource>> sources, Listener listener) {
            this.into = into;
            this.ref = into.ref();
            this.sources = sources;
            this.listener = listener;
        }

        void go() throws IOException, InterruptedException {
            refresh();
            if (into.manifest().isEmpty()) {
                fetchManifest();
            }
            int n = FETCHES.incrementAndGet();
            AtomicInteger threads = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(settings.parallelism(), r -> {
                Thread t = new Thread(r, "classchain-fetch-" + n + "-" + threads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                loop(new ExecutorCompletionService<>(pool));
            } finally {
                pool.shutdownNow();
                pool.awaitTermination(10, TimeUnit.SECONDS);
            }
        }

        private void loop(CompletionService<Result> done) throws IOException, InterruptedException {
            long lastProgress = System.nanoTime();
            while (true) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("fetch of " + ref.name() + " interrupted");
                }
                if (inflight.isEmpty() && into.hasAllChunks()) {
                    if (into.finish()) {
                        listener.progress(ref.size(), ref.size());
                        return;
                    }
                    if (++wholeFileFailures > 2) {
                        throw new FetchException("the assembled file's SHA-256 is not the teacher's, again after "
                                + "fetching the changed chunks; nothing saved");
                    }
                }
                while (inflight.cardinality() < settings.parallelism()) {
                    if (!assignOne(done)) {
                        break;
                    }
                }
                if (inflight.isEmpty()) {
                    if (System.nanoTime() - lastProgress > settings.patience().toNanos()) {
                        throw new FetchException(stall());
                    }
                    Thread.sleep(settings.refresh().toMillis());
                    refresh();
                    continue;
                }
                Future<Result> f = done.poll(settings.refresh().toMillis(), TimeUnit.MILLISECONDS);
                if (f == null) {
                    maybeRefresh();
                    continue;
                }
                Result r;
                try {
                    r = f.get();
                } catch (ExecutionException e) {
                    throw new IOException("fetch worker failed: " + e.getCause(), e.getCause());
                }
                inflight.clear(r.index);
                r.from.busy--;
                if (r.stored) {
                    if (r.from.origin) {
                        originChunks++;
                    }
                    r.from.bytes += r.bytes.length;
                    fetched += r.bytes.length;
                    lastProgress = System.nanoTime();
                    listener.progress(into.bytesHeld(), ref.size());
                } else if (r.failure != null) {
                    r.from.reachable = false;
                    r.from.problem = "unreachable (" + message(r.failure) + ")";
                    LOG.debug("{}: chunk {} from {} failed: {}", ref.name(), r.index, r.from.source.id(), r.failure.toString());
                } else {
                    r.from.bad++;
                    r.from.banned = true;
                    r.from.problem = "sent chunk " + r.index + " that failed its SHA-256";
                    LOG.warn("{}: {} sent chunk {} that failed its SHA-256; fetching it elsewhere", ref.name(),
                            r.from.source.id(), r.index);
                    listener.badSource(r.from.source.id(), "chunk " + r.index + " of " + ref.name()
                            + " failed its SHA-256");
                }
                maybeRefresh();
            }
        }

        /**
         * Starts the rarest missing chunk at the least busy source holding it; false when none can
         * start. Among equally rare chunks it takes the next one from where this fetch started (a
         * random place): classmates fetching from the teacher's peer at once so take different
         * stretches of the file, not the same chunks, before their have-lists tell each other.
         */
        private boolean assignOne(CompletionService<Result> done) {
            BitSet have = into.have();
            int count = ref.chunkCount();
            int offset = count == 0 ? 0 : stripe % count;
            boolean classmates = false;
            int holding = 0;
            for (Known k : known.values()) {
                if (!k.origin && !k.banned) {
                    classmates |= k.reachable;
                    holding += k.everHeld ? 1 : 0;
                }
            }
            // this student's share of what the teacher's peer uploads, among the classmates seen
            // holding some of the file (a command may target a few of the room): past it, one
            // chunk per refresh of the have-lists, and only when nothing else is in flight
            int share = (int) Math.ceil(ORIGIN_SHARE * count / (1 + holding));
            boolean originOk = !classmates
                    || (originChunks < share || holding == 0) && originBusy() < ORIGIN_IN_FLIGHT
                    || inflight.isEmpty() && lastRefresh > lastOriginAssigned;
            int best = -1;
            Known bestSource = null;
            int bestAvail = Integer.MAX_VALUE;
            for (int k = 0; k < count; k++) {
                int i = (offset + k) % count;
                if (have.get(i) || inflight.get(i)) {
                    continue;
                }
                int avail = i < available.length ? available[i] : 0;
                if (avail >= bestAvail) {
                    continue;
                }
                Known s = pickSource(i, originOk);
                if (s != null) {
                    best = i;
                    bestSource = s;
                    bestAvail = avail;
                    if (avail <= 1) {
                        break;
                    }
                }
            }
            if (bestSource == null) {
                return false;
            }
            int index = best;
            Known from = bestSource;
            inflight.set(index);
            from.busy++;
            if (from.origin) {
                lastOriginAssigned = System.nanoTime();
            }
            done.submit(() -> {
                try {
                    byte[] bytes = from.source.chunk(ref, index);
                    boolean ok = into.put(index, bytes);
                    return new Result(from, index, bytes, null, ok);
                } catch (IOException e) {
                    return new Result(from, index, new byte[0], e, false);
                }
            });
            return true;
        }

        /**
         * The least busy classmate holding chunk {@code index}; the origin only when no reachable
         * classmate holds it and {@code originOk}, so the teacher's peer uploads what nobody else
         * can serve, about its share of it ({@link #ORIGIN_SHARE}), one chunk at a time.
         */
        private Known pickSource(int index, boolean originOk) {
            Known best = null;
            int bestScore = Integer.MAX_VALUE;
            Known origin = null;
            for (Known k : known.values()) {
                if (!k.reachable || k.banned || !k.have.get(index)) {
                    continue;
                }
                if (k.origin) {
                    origin = k;
                    continue;
                }
                int score = k.busy * 100 + ThreadLocalRandom.current().nextInt(100);
                if (score < bestScore) {
                    best = k;
                    bestScore = score;
                }
            }
            return best != null ? best : originOk ? origin : null;
        }

        private int originBusy() {
            for (Known k : known.values()) {
                if (k.origin) {
                    return k.busy;
                }
            }
            return 0;
        }

        private void fetchManifest() throws IOException {
            List<String> why = new ArrayList<>();
            for (Known k : known.values()) {
                if (k.banned || !k.reachable) {
                    continue;
                }
                try {
                    Manifest m = Manifest.decode(ref, k.source.manifest(ref));
                    into.putManifest(m);
                    return;
                } catch (IllegalArgumentException e) {
                    k.banned = true;
                    k.bad++;
                    k.problem = "sent a manifest that does not match the chain's";
                    listener.badSource(k.source.id(), "the manifest of " + ref.name() + ": " + e.getMessage());
                } catch (IOException e) {
                    k.reachable = false;
                    k.problem = "unreachable (" + message(e) + ")";
                }
                why.add(k.source.id() + ": " + k.problem);
            }
            throw new FetchException("no source gave the manifest of " + ref.name() + ": "
                    + (why.isEmpty() ? describeSources() : String.join("; ", why)));
        }

        private void maybeRefresh() {
            if (System.nanoTime() - lastRefresh > settings.refresh().toNanos()) {
                refresh();
            }
        }

        /**
         * Learns new sources and asks what they hold: at most {@link #ASKED_PER_REFRESH} per
         * refresh, taking turns, and never again a reachable source that holds every chunk (it
         * cannot hold more). In a room of 30 asking everyone every second was 900 requests a
         * second for have-lists alone, and held up the chunks while it ran.
         */
        private void refresh() {
            lastRefresh = System.nanoTime();
            List<ChunkSource> now = sources.get();
            for (int i = 0; i < now.size(); i++) {
                ChunkSource s = now.get(i);
                known.putIfAbsent(s.id(), new Known(s, i == 0));
            }
            int count = ref.chunkCount();
            List<Known> toAsk = new ArrayList<>();
            for (Known k : known.values()) {
                if (!k.banned && !(k.reachable && k.have.cardinality() == count && count > 0)) {
                    toAsk.add(k);
                }
            }
            int asked = Math.min(toAsk.size(), ASKED_PER_REFRESH);
            for (int j = 0; j < asked; j++) {
                Known k = toAsk.get((askedFrom + j) % toAsk.size());
                try {
                    BitSet h = k.source.have(ref);
                    k.have = h.get(0, count);
                    k.everHeld |= !k.have.isEmpty();
                    k.reachable = true;
                    k.problem = null;
                } catch (IOException e) {
                    k.reachable = false;
                    k.have = new BitSet();
                    k.problem = "unreachable (" + message(e) + ")";
                }
            }
            askedFrom = toAsk.isEmpty() ? 0 : (askedFrom + asked) % toAsk.size();
            int[] counts = new int[count];
            for (Known k : known.values()) {
                if (k.banned) {
                    continue;
                }
                for (int i = k.have.nextSetBit(0); i >= 0; i = k.have.nextSetBit(i + 1)) {
                    counts[i]++;
                }
            }
            available = counts;
        }

        private String stall() {
            BitSet have = into.have();
            int missing = ref.chunkCount() - have.cardinality();
            return "stopped with " + missing + " of " + ref.chunkCount() + " chunks of " + ref.name()
                    + " missing (" + ChunkStore.bytes(into.bytesHeld()) + " of " + ChunkStore.bytes(ref.size())
                    + " kept for a retry): no reachable source holds them; " + describeSources();
        }

        private String describeSources() {
            if (known.isEmpty()) {
                return "no source known";
            }
            BitSet missing = into.have();
            missing.flip(0, ref.chunkCount());
            List<String> parts = new ArrayList<>();
            for (Known k : known.values()) {
                String role = k.origin ? " (teacher's peer)" : "";
                if (k.problem != null) {
                    parts.add(k.source.id() + role + ": " + k.problem);
                } else {
                    BitSet useful = (BitSet) k.have.clone();
                    useful.and(missing);
                    parts.add(k.source.id() + role + ": holds " + useful.cardinality() + " of them");
                }
            }
            return String.join("; ", parts);
        }

        Map<String, Long> bytesBySource() {
            Map<String, Long> m = new HashMap<>();
            known.values().stream().filter(k -> k.bytes > 0).forEach(k -> m.put(k.source.id(), k.bytes));
            return m;
        }

        Map<String, Integer> badBySource() {
            Map<String, Integer> m = new HashMap<>();
            known.values().stream().filter(k -> k.bad > 0).forEach(k -> m.put(k.source.id(), k.bad));
            return m;
        }
    }

    private static String message(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
