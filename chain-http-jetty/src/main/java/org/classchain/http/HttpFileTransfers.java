package org.classchain.http;

import java.io.IOException;
import java.net.http.HttpClient;
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
import org.classchain.Hash;
import org.classchain.core.files.ChunkSource;
import org.classchain.core.files.ChunkStore;
import org.classchain.core.files.FetchReport;
import org.classchain.core.files.Fetcher;
import org.classchain.core.files.FileRef;
import org.classchain.core.files.StoredFile;
import org.classchain.spi.host.FileTransferService;

/**
 * The {@link FileTransferService} of a peer served by a {@link JettyTransport}: fetches over HTTP
 * from the teacher's peer named in the command and from the classmates the peer knows, into
 * the peer's {@link ChunkStore} (which the transport serves to others in turn, see
 * {@link JettyTransport.Builder#files}). A source that sends a chunk failing its SHA-256 is
 * reported to {@code charge} (the launcher logs it or penalises the peer).
 *
 * <p>Plain HTTP only for now: with TLS the JDK client here does not trust the classroom keystore.
 * Fetches run on threads named {@code classchain-files-N}, stopped by {@link #close()}.
 * Thread-safe; one file is fetched at most once at a time.
 */
public final class HttpFileTransfers implements FileTransferService, AutoCloseable {

    private final ChunkStore store;
    private final Supplier<List<String>> classmates;
    private final Fetcher fetcher;
    private final BiConsumer<String, String> charge;
    private final HttpClient client;
    private final Duration requestTimeout;
    private final ConcurrentHashMap<Hash, Object> fetching = new ConcurrentHashMap<>();
    private final ExecutorService pool;

    /**
     * A service over {@code store}.
     *
     * @param store where files are kept (and served from)
     * @param classmates the addresses of the other peers this one knows, asked at each refresh
     * @param settings how fetches run
     * @param charge told (source address, what failed) when a source sends bad bytes
     */
    public HttpFileTransfers(ChunkStore store, Supplier<List<String>> classmates, Fetcher.Settings settings,
                             BiConsumer<String, String> charge) {
        this.store = store;
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
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public CompletableFuture<Received> fetch(FileOrder order, Progress progress) {
        CompletableFuture<Received> result = new CompletableFuture<>();
        java.util.concurrent.Future<?> task;
        try {
            task = pool.submit(() -> {
                try {
                    result.complete(fetchNow(order, progress));
                } catch (InterruptedException e) {
                    result.completeExceptionally(new IOException("the fetch was stopped", e));
                } catch (IOException | RuntimeException e) {
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

    private Received fetchNow(FileOrder order, Progress progress) throws IOException, InterruptedException {
        FileRef ref;
        try {
            ref = new FileRef(order.name(), order.size(), Hash.fromHex(order.sha256()), Hash.fromHex(order.root()),
                    order.chunkSize());
        } catch (IllegalArgumentException e) {
            throw new IOException("not a file reference: " + e.getMessage(), e);
        }
        Object lock = fetching.computeIfAbsent(ref.root(), r -> new Object());
        synchronized (lock) {
            StoredFile into = store.open(ref);
            ChunkSource origin = new HttpChunkSource(client, order.origin(), requestTimeout);
            FetchReport report = fetcher.fetch(into, () -> sources(origin), new Fetcher.Listener() {
                @Override
                public void progress(long held, long size) {
                    progress.bytes(held, size);
                }

                @Override
                public void badSource(String sourceId, String what) {
                    charge.accept(sourceId, what);
                }
            });
            return new Received(into.completeFile().orElseThrow(), report.summary());
        }
    }

    private List<ChunkSource> sources(ChunkSource origin) {
        List<ChunkSource> all = new ArrayList<>();
        all.add(origin);
        for (String a : classmates.get()) {
            if (a != null && !a.isBlank() && !a.equals(origin.id())) {
                all.add(new HttpChunkSource(client, a, requestTimeout));
            }
        }
        return all;
    }

    /** Stops every fetch (what was fetched stays), closes the HTTP client and the store. */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (client instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                // nothing left to release
            }
        }
        try {
            store.close();
        } catch (IOException e) {
            // the store only holds open files: nothing is lost
        }
    }
}
