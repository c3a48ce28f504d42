package org.classchain.http;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.classchain.FileProgress;
import org.classchain.Hash;
import org.classchain.core.files.ChunkSource;
import org.classchain.core.files.ChunkStore;
import org.classchain.core.files.FetchException;
import org.classchain.core.files.FetchReport;
import org.classchain.core.files.Fetcher;
import org.classchain.core.files.FileRef;
import org.classchain.core.files.StoredFile;
import org.classchain.spi.host.FileTransferService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link FileTransferService} of a peer served by a {@link JettyTransport}: fetches over HTTP
 * from the teacher's peer named in the command and from the classmates the peer knows, into
 * the peer's {@link ChunkStore} (which the transport serves to others in turn, see
 * {@link JettyTransport.Builder#files}), then saves them into the inbox and posts a notice.
 * Each order is kept in the store until done, so {@link #resume()} finishes what a closed peer
 * left. A source that sends a chunk failing its SHA-256 is
 * reported to {@code charge} (the launcher logs it or penalises the peer).
 *
 * <p>Chunks travel over the transport's own pooled Jetty client, so over https when the
 * transport uses the classroom keystore. Fetches run on threads named {@code classchain-files-N},
 * stopped by {@link #close()}.
 * Thread-safe; one file is fetched at most once at a time.
 */
public final class HttpFileTransfers implements FileTransferService, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFileTransfers.class);

    private final ChunkStore store;
    private final Supplier<List<String>> classmates;
    private final Fetcher fetcher;
    private final BiConsumer<String, String> charge;
    private final BiConsumer<String, String> notice;
    private final Saver saver;
    private final Supplier<JettyTransport> transport;
    private final Duration requestTimeout;
    private final ConcurrentHashMap<Hash, Object> fetching = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Hash, Tracked> tracked = new ConcurrentHashMap<>();
    private final ExecutorService pool;
    /** How long a saved file stays in {@link #inProgress()}, at 100 %, so the console shows it end. */
    static final Duration KEEP_DONE = Duration.ofSeconds(30);

    /**
     * A service over {@code store}.
     *
     * @param transport the peer's transport, whose pooled client fetches; asked at each fetch (it
     *     is usually built after this service, with {@code store} as its
     *     {@link JettyTransport.Builder#files files})
     * @param store where files are kept (and served from)
     * @param classmates the addresses of the other peers this one knows, asked at each refresh
     * @param settings how fetches run
     * @param charge told (source address, what failed) when a source sends bad bytes
     * @param notice told (title, text) when a file lands in the inbox or cannot: the peer's
     *     {@link org.classchain.spi.host.NoticeService}
     * @param saver puts a complete file into an inbox (mods-examples' {@code InboxDelivery::save})
     */
    public HttpFileTransfers(Supplier<JettyTransport> transport, ChunkStore store, Supplier<List<String>> classmates,
                             Fetcher.Settings settings,
                             BiConsumer<String, String> charge, BiConsumer<String, String> notice, Saver saver) {
        this.store = store;
        this.saver = saver;
        this.notice = notice;
        this.classmates = classmates;
        this.fetcher = new Fetcher(settings);
        this.charge = charge;
        this.requestTimeout = Duration.ofSeconds(30);
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "classchain-files-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.transport = transport;
    }

    @Override
    public CompletableFuture<Received> deliver(FileOrder order, Path inbox, Progress progress) {
        CompletableFuture<Received> result = new CompletableFuture<>();
        java.util.concurrent.Future<?> task;
        try {
            task = pool.submit(() -> {
                try {
                    result.complete(deliverNow(order, inbox, progress));
                } catch (InterruptedException e) {
                    result.completeExceptionally(new IOException("the fetch was stopped (the peer is closing); "
                            + "it resumes when the peer starts again", e));
                } catch (IOException | RuntimeException e) {
                    notice.accept("File not received", order.name() + " was not saved: " + e.getMessage());
                    result.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new IOException("the peer is closing"));
            return result;
        }
        result.whenComplete((r, x) -> {
            if (result.isCancelled()) {
                task.cancel(true);
            }
        });
        return result;
    }

    /**
     * Resumes, in the background, every delivery a previous run of the peer left unfinished (it
     * was closed mid-transfer); each ends with a notice. Call once the peer serves.
     *
     * @return how many were resumed
     * @throws IOException when the store cannot be listed
     */
    public int resume() throws IOException {
        int n = 0;
        for (StoredFile f : store.all()) {
            java.util.Optional<String> kept = f.order();
            if (kept.isEmpty()) {
                continue;
            }
            String[] lines = kept.get().split("\n", -1);
            if (lines.length < 2) {
                f.keepOrder(null);
                continue;
            }
            FileRef ref = f.ref();
            FileOrder order = new FileOrder(ref.name(), ref.size(), ref.sha256().hex(), ref.root().hex(),
                    ref.chunkSize(), lines[0]);
            LOG.info("resuming {} ({} of {} bytes here) from {}", ref.name(), f.bytesHeld(), ref.size(), lines[0]);
            deliver(order, Path.of(lines[1]), (held, size) -> { });
            n++;
        }
        return n;
    }

    private Received deliverNow(FileOrder order, Path inbox, Progress progress) throws IOException, InterruptedException {
        FileRef ref;
        try {
            ref = new FileRef(order.name(), order.size(), Hash.fromHex(order.sha256()), Hash.fromHex(order.root()),
                    order.chunkSize());
        } catch (IllegalArgumentException e) {
            throw new IOException("not a file reference: " + e.getMessage(), e);
        }
        if (order.origin().contains("\n") || inbox.toString().contains("\n")) {
            throw new IOException("not a file reference: a line break in the address or the inbox");
        }
        Object lock = fetching.computeIfAbsent(ref.root(), r -> new Object());
        synchronized (lock) {
            Tracked track = new Tracked(ref);
            tracked.put(ref.root(), track);
            try {
                Received r = fetchAndSave(order, inbox, progress, ref, track);
                track.finished(System.nanoTime());
                return r;
            } finally {
                if (track.doneAt == 0) {
                    tracked.remove(ref.root(), track); // failed or stopped: its receipt says why
                }
            }
        }
    }

    private Received fetchAndSave(FileOrder order, Path inbox, Progress progress, FileRef ref, Tracked track)
            throws IOException, InterruptedException {
        StoredFile into = store.open(ref);
        track.verified = into.bytesHeld();
        into.keepOrder(order.origin() + "\n" + inbox.toAbsolutePath() + "\n");
        JettyTransport t = transport.get();
        if (t == null) {
            throw new IOException("the peer's transport is not built yet");
        }
        ChunkSource origin = t.chunkSource(order.origin(), requestTimeout);
        FetchReport report;
        try {
            report = fetcher.fetch(into, () -> {
                List<ChunkSource> all = sources(t, origin);
                track.sources = all.size();
                return all;
            }, new Fetcher.Listener() {
                @Override
                public void progress(long held, long size) {
                    track.verified = Math.min(held, ref.size());
                    progress.bytes(held, size);
                }

                @Override
                public void badSource(String sourceId, String what) {
                    charge.accept(sourceId, what);
                }
            });
        } catch (FetchException e) {
            into.keepOrder(null); // reported: the teacher sends it again if need be
            throw e;
        }
        Path saved = saver.save(inbox, ref.name(), into.completeFile().orElseThrow());
        into.keepOrder(null);
        notice.accept("File received", ref.name() + " is in your inbox: " + saved);
        return new Received(saved, report.summary());
    }

    private List<ChunkSource> sources(JettyTransport t, ChunkSource origin) {
        List<ChunkSource> all = new ArrayList<>();
        all.add(origin);
        for (String a : classmates.get()) {
            if (a != null && !a.isBlank() && !a.equals(origin.id())) {
                all.add(t.chunkSource(a, requestTimeout));
            }
        }
        return all;
    }

    /**
     * The files being fetched now, and those saved in the last {@link #KEEP_DONE} (at 100 %),
     * oldest first.
     */
    @Override
    public List<FileProgress> inProgress() {
        long now = System.nanoTime();
        tracked.values().removeIf(t -> t.doneAt != 0 && now - t.doneAt > KEEP_DONE.toNanos());
        return tracked.values().stream().sorted(java.util.Comparator.comparingLong(t -> t.startedAt))
                .map(Tracked::snapshot).toList();
    }

    /** How far one fetch is: written by its fetching thread, read by the peer's status. */
    private static final class Tracked {
        private final FileRef ref;
        private final long startedAt = System.nanoTime();
        private volatile long verified;
        private volatile int sources;
        private volatile long doneAt;

        Tracked(FileRef ref) {
            this.ref = ref;
        }

        void finished(long at) {
            verified = ref.size();
            doneAt = at == 0 ? 1 : at;
        }

        FileProgress snapshot() {
            return new FileProgress(ref.root().hex(), ref.name(), Math.min(verified, ref.size()), ref.size(), sources);
        }
    }

    /** Puts a complete, checked file into an inbox, never replacing a file there. */
    @FunctionalInterface
    public interface Saver {
        /**
         * Saves a file.
         *
         * @param inbox the inbox folder
         * @param name the file's name, checked by the module that ordered it
         * @param complete the checked file in the store: link or copy it, never change it
         * @return where it was saved
         * @throws IOException when it cannot be saved
         */
        Path save(Path inbox, String name, Path complete) throws IOException;
    }

    /** Stops every fetch (what was fetched stays) and closes the store; the transport is the caller's. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            store.close();
        } catch (IOException e) {
            // the store only holds open files: nothing is lost
        }
    }
}
