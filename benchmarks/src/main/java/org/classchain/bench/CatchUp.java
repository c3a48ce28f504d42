package org.classchain.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.classchain.Block;
import org.classchain.Chain;
import org.classchain.Target;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.store.FileBlockStore;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;

/**
 * Catch-up over HTTP: a chain of 100,000 one-command blocks (1-bit genesis, so it is built in
 * seconds; timestamps one second apart, ending hours ago) is written into a data dir's
 * {@link FileBlockStore}; a serving {@link Peer} starts on that data dir (validating it all on
 * load), and a fresh peer with its own data dir joins through it. {@link Peer#start()} of the
 * fresh peer returns once it has caught up; a progress line is printed every second meanwhile.
 *
 * <p>The commands target a node id that no peer has, so neither peer dispatches anything: the
 * figure is the sync alone (download, decode, validate, store with fsync per page).
 *
 * <p>References measured in the same run: Bouncy Castle Ed25519 verifies/s on every core (the
 * validation bound), and the raw page transfer ({@code GET /api/v1/blocks} pages fetched and
 * decoded, not validated) from the same serving peer.
 *
 * <p>Usage: {@code CatchUp [blocks]} (default 100000).
 */
public final class CatchUp {

    private CatchUp() {
    }

    public static void main(String[] args) throws Exception {
        int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        Path root = Files.createTempDirectory("classchain-catchup");
        try {
            run(blocks, root);
        } finally {
            try (var files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static void run(int blocks, Path root) throws Exception {
        System.out.printf("== catch-up: %,d blocks over HTTP%n", blocks);
        Path serverDir = root.resolve("server");
        long built = System.nanoTime();
        BenchChain chain = new BenchChain(new SecureRandom(), 1,
                System.currentTimeMillis() - Duration.ofSeconds(blocks).toMillis() - Duration.ofHours(6).toMillis());
        Target nobody = Target.peers("00000000000000000000");
        try (FileBlockStore store = FileBlockStore.open(serverDir, chain.codec)) {
            List<Block> page = new ArrayList<>();
            page.add(chain.genesis);
            Block last = chain.genesis;
            for (int i = 1; i <= blocks; i++) {
                last = chain.child(last, 1000, Duration.ofMinutes(10), nobody);
                page.add(last);
                if (page.size() == 1000) {
                    store.append(page);
                    page.clear();
                }
            }
            store.append(page);
        }
        System.out.printf("  built and stored the chain in %.1f s%n", (System.nanoTime() - built) / 1e9);

        long loadStart = System.nanoTime();
        Peer server = Peer.builder().dataDir(serverDir).transport(JettyTransport.builder().build())
                .modules(ModuleRegistry.of(new NoopModule())).build();
        server.start();
        double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
        System.out.printf("  serving peer loaded (and validated) %,d blocks in %.1f s: %.0f blocks/s%n", blocks,
                loadSeconds, blocks / loadSeconds);
        Peer fresh = null;
        try {
            double verifyLimit = verifiesPerSecondAllCores(chain, Duration.ofSeconds(3));
            double rawRate = rawTransfer(server.address(), blocks);

            fresh = Peer.builder().dataDir(root.resolve("fresh")).transport(JettyTransport.builder().build())
                    .seed(server.address()).modules(ModuleRegistry.of(new NoopModule())).build();
            Peer watched = fresh;
            AtomicBoolean done = new AtomicBoolean();
            long start = System.nanoTime();
            Thread progress = new Thread(() -> {
                while (!done.get()) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    Chain c = watched.chain();
                    long h = c == null ? 0 : c.headInfo().height();
                    double s = (System.nanoTime() - start) / 1e9;
                    System.out.printf("  catch-up: height %,d of %,d (%.0f%%), %.0f blocks/s%n", h, blocks,
                            100.0 * h / blocks, h / s);
                }
            }, "bench-catchup-progress");
            progress.setDaemon(true);
            progress.start();
            try (Profiling jfr = Profiling.start("catch-up")) {
                fresh.start();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            done.set(true);
            progress.interrupt();
            long height = fresh.chain().headInfo().height();
            double rate = height / seconds;
            boolean same = fresh.chain().head().hash().equals(server.chain().head().hash());
            System.out.printf("  caught up to height %,d in %.2f s (same head as the server: %s)%n", height, seconds, same);
            Results.record("catch-up", Results.f("%,.0f blocks/s", rate),
                    Results.f("Ed25519 verify on %d cores %,.0f/s", Runtime.getRuntime().availableProcessors(),
                            verifyLimit),
                    Results.f("%.2f", rate / verifyLimit), ">= 10,000 blocks/s", rate >= 10_000 && same && height == blocks);
            Results.detail("catch-up", Results.f("fresh peer, data dir with fsync per page, joined through the "
                    + "serving peer over HTTP: %,d blocks in %.2f s (handshake, download, decode, validate, store)",
                    height, seconds));
            Results.detail("catch-up", Results.f("raw page transfer from the same peer (fetch + decode, no "
                    + "validation, no store): %,.0f blocks/s", rawRate));
            Results.detail("catch-up", Results.f("serving peer start-up on the 100k-block data dir (load and "
                    + "re-validate everything): %.1f s, %,.0f blocks/s", loadSeconds, blocks / loadSeconds));
        } finally {
            if (fresh != null) {
                fresh.close();
            }
            server.close();
        }
    }

    /** Bouncy Castle Ed25519 verifies per second with one thread per core, over distinct signatures. */
    static double verifiesPerSecondAllCores(BenchChain chain, Duration time) {
        int cores = Runtime.getRuntime().availableProcessors();
        byte[] pk = chain.teacherHost.publicKey().publicKey();
        byte[][] msgs = new byte[64][];
        byte[][] sigs = new byte[64][];
        for (int i = 0; i < msgs.length; i++) {
            msgs[i] = ("message " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            sigs[i] = chain.teacherHost.sign(msgs[i]);
        }
        long end = System.nanoTime() + time.toNanos();
        long total = IntStream.range(0, cores).parallel().mapToLong(t -> {
            long n = 0;
            while (System.nanoTime() < end) {
                int i = (int) (n % msgs.length);
                if (!Ed25519.verify(sigs[i], 0, pk, 0, msgs[i], 0, msgs[i].length)) {
                    throw new IllegalStateException("a reference signature does not verify");
                }
                n++;
            }
            return n;
        }).sum();
        return total / (time.toNanos() / 1e9);
    }

    /** Blocks/s of fetching every page from {@code server} and decoding it, nothing else. */
    static double rawTransfer(String server, int blocks) throws Exception {
        try (JettyTransport client = JettyTransport.builder().requestTimeout(Duration.ofSeconds(30)).build()) {
            for (int i = 0; i < 5; i++) {
                client.send(server, new Message.GetBlocks(0, 500)).get(30, TimeUnit.SECONDS);
            }
            long start = System.nanoTime();
            long next = 0;
            while (next <= blocks) {
                Message m = client.send(server, new Message.GetBlocks(next, 500)).get(30, TimeUnit.SECONDS);
                List<Block> page = ((Message.Blocks) m).blocks();
                if (page.isEmpty()) {
                    break;
                }
                next = page.get(page.size() - 1).height() + 1;
            }
            return next / ((System.nanoTime() - start) / 1e9);
        }
    }
}
