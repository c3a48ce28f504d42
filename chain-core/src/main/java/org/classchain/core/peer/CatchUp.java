package org.classchain.core.peer;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.classchain.Block;
import org.classchain.Head;
import org.classchain.core.chain.ChainState;
import org.classchain.core.exec.Lane;
import org.classchain.core.exec.PeerThreads;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catching up: fetching, page by page, the blocks of a peer whose head may be better than ours, or
 * the missing parent of a block announced to us. Thread-safe.
 *
 * <p>A catch-up from one source keeps one page request in flight while it validates the page in
 * hand, and steps back (1, 4, 16, ... blocks) when a page does not attach. It stops at the
 * source's end (a short or empty page), and, whatever the source claims or serves, after a
 * bounded effort: {@link #FRUITLESS_PAGES} pages that did not add to the best chain's work (blocks
 * it has, orphans, a side branch), an invalid page, a page past the source's side-branch share,
 * or a page that did not come within {@link #PAGE_TIMEOUT}. A source that failed, or that served
 * nothing new towards the head it claimed, is then backed off ({@link CatchUpSources}): no
 * catch-up from it, and no head comparison with it, for half a second, doubling up to
 * {@link CatchUpSources#MAX_BACK_OFF}.
 *
 * <p>Up to {@link #LANES} catch-ups run at once, at most one per source, each on a lane of its
 * own: one stalled source never keeps the peer from catching up from another. A peer fetches only
 * from peers it verified ({@link PeerDirectory}): an announced block whose parent is unknown is
 * fetched from the sender the announcement names only if that address answered a handshake of
 * ours ({@link #onOrphan}).
 */
final class CatchUp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CatchUp.class);
    /** Blocks asked for in one page. */
    static final int PAGE = 500;
    /** Catch-ups that may run at once, from as many sources. */
    static final int LANES = 2;
    /**
     * Pages of one catch-up that may add nothing to the best chain's work. An honest source needs
     * a few: stepping back to where a fork began (7 pages for a fork of 2,048 blocks, the most one
     * source's side-branch share holds), the known blocks paged over after stepping back too far
     * (at most 7 more), and the side branch until it overtakes ours (5).
     */
    static final int FRUITLESS_PAGES = 24;
    /** How long a page may take to come, at most; a source that is slower gets smaller pages next time. */
    static final Duration PAGE_TIMEOUT = Duration.ofSeconds(4);
    /** How long the genesis block may take to come from a seed at join. */
    static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

    /** What became of a catch-up, for its source's record. */
    enum Outcome {
        /** The best chain gained work, or now holds the head the source claimed. */
        PROGRESS,
        /** Nothing to hold against the source (nothing was needed, or the peer is closing). */
        NEUTRAL,
        /** The source served nothing new towards the head it claimed, or pages past the budget. */
        NOTHING_NEW,
        /** No page in time, an invalid page, a page past its share, or an answer that is not a page. */
        FAILED
    }

    /** Takes a page of blocks into the chain (the peer's accept: under its lock, consequences queued). */
    interface Pages {
        ChainState.Result accept(List<Block> blocks, String from);
    }

    private record Request(CompletableFuture<Message> reply, int limit, long sentNanos) {
    }

    /** No page came within the timeout. */
    private static final class NoPage extends IOException {
        private static final long serialVersionUID = 1L;

        NoPage(String message) {
            super(message);
        }
    }

    private final Transport transport;
    private final PeerDirectory directory;
    private final Supplier<ChainState> chain;
    private final Pages pages;
    private final CatchUpSources sources;
    private final Lane[] lanes = new Lane[LANES];
    private final boolean[] busy = new boolean[LANES];
    private final String name;
    private volatile boolean closed;

    CatchUp(Transport transport, PeerDirectory directory, Supplier<ChainState> chain, Pages pages, Clock clock,
            PeerThreads threads, String name) {
        this.transport = transport;
        this.directory = directory;
        this.chain = chain;
        this.pages = pages;
        this.sources = new CatchUpSources(clock);
        this.name = name;
        for (int i = 0; i < LANES; i++) {
            lanes[i] = threads.lane("sync-" + (i + 1), name, true); // a page wait holds the thread
        }
    }

    /** The genesis block a seed serves (the join's first request). */
    Block genesis(String seed) throws IOException {
        return await(request(seed, 0, 1), seed, JOIN_TIMEOUT)
                .orElseThrow(() -> new IOException("seed " + seed + " sent no blocks")).get(0);
    }

    /** Catches up from {@code address} on the caller's thread (the join), unless one from it runs already. */
    void run(String address, Head theirs) {
        if (sources.begin(address)) {
            sources.end(address, fetch(address, theirs));
        }
    }

    /**
     * Starts a catch-up from {@code address}, whose head is {@code theirs} (null: the parent of a
     * block it announced), unless nothing there is wanted, the source is backed off or caught up
     * from already, or every lane is busy. True when it started.
     */
    boolean start(String address, Head theirs) {
        ChainState c = chain.get();
        if (c == null || !wanted(c, theirs)) {
            return false;
        }
        int lane = -1;
        synchronized (this) {
            for (int i = 0; i < LANES && lane < 0 && !closed; i++) {
                if (!busy[i]) {
                    lane = i;
                }
            }
            if (lane < 0 || !sources.begin(address)) {
                return false;
            }
            busy[lane] = true;
        }
        int mine = lane;
        lanes[mine].execute(() -> {
            try {
                sources.end(address, fetch(address, theirs));
            } finally {
                synchronized (this) {
                    busy[mine] = false;
                }
            }
        });
        return true;
    }

    /**
     * A block announced by {@code sender} waits for its parent: fetched from the sender if this peer
     * verified that address, never from an address only a message named. The answer to the sender.
     */
    Message.Ack onOrphan(String sender) {
        if (sender == null || !directory.entry(sender).map(e -> e.verified).orElse(false)) {
            return new Message.Ack("parent unknown; kept aside, nothing fetched from "
                    + (sender == null ? "an unnamed sender" : sender + ", not a peer this one verified"));
        }
        return new Message.Ack(start(sender, null) ? "parent unknown; fetching it from " + sender
                : "parent unknown; kept aside until a catch-up brings it");
    }

    /** Those of {@code addresses} worth comparing heads with: not caught up from now, and not backed off. */
    List<String> idle(List<String> addresses) {
        return addresses.stream().filter(sources::idle).toList();
    }

    /** Whether a catch-up is running. */
    synchronized boolean running() {
        for (boolean b : busy) {
            if (b) {
                return true;
            }
        }
        return false;
    }

    private static boolean wanted(ChainState c, Head theirs) {
        return theirs == null || theirs.mayBeBetterThan(c.headInfo()) && !c.contains(theirs.hash())
                && !c.refusedCopy(theirs.hash());
    }

    private Outcome fetch(String address, Head theirs) {
        ChainState c = chain.get();
        Head mine = c.headInfo();
        if (!wanted(c, theirs)) {
            return Outcome.NEUTRAL;
        }
        // from the shared height, not above it: a better head at the same height (a tie won on the
        // lower hash) must be fetched too; a deeper fork is found by stepping back below
        long from = Math.min(mine.height(), theirs == null ? mine.height() : theirs.height());
        long step = 1;
        Effort effort = new Effort(mine.cumulativeWork(), FRUITLESS_PAGES);
        long started = System.nanoTime();
        long total = 0;
        Request next = request(address, from, sources.limit(address));
        try {
            while (!closed) {
                Request asked = next;
                Optional<List<Block>> page = await(asked, address, PAGE_TIMEOUT);
                if (page.isEmpty()) {
                    break;
                }
                List<Block> blocks = page.get();
                if (blocks.size() > asked.limit()) {
                    blocks = blocks.subList(0, asked.limit());
                }
                boolean full = blocks.size() == asked.limit();
                if (full && System.nanoTime() - asked.sentNanos() < PAGE_TIMEOUT.toNanos() / 4) {
                    sources.quick(address);
                }
                Block last = blocks.get(blocks.size() - 1);
                next = full ? request(address, last.height() + 1, sources.limit(address)) : null;
                ChainState.Result r = pages.accept(blocks, address);
                total += r.added().size();
                if (r.status() == ChainState.Status.OVER_SHARE) {
                    LOG.info("peer {}: {} serves more side-branch blocks than its share; catch-up stopped", name, address);
                    return Outcome.FAILED;
                }
                if (r.status() == ChainState.Status.INVALID) {
                    LOG.warn("peer {}: {} sent an invalid block during catch-up: {}", name, address, r.reason());
                    directory.failed(address);
                    return Outcome.FAILED;
                }
                if (!effort.page(c.headInfo().cumulativeWork())) {
                    LOG.info("peer {}: {} served {} pages that added nothing to the best chain; catch-up from it stopped",
                            name, address, effort.fruitless());
                    return Outcome.NOTHING_NEW;
                }
                if (r.added().isEmpty() && !c.contains(last.hash())) {
                    if (from == 0) {
                        break;
                    }
                    from = Math.max(0, from - step);
                    step *= 4;
                    cancel(next); // the page asked ahead is not wanted
                    next = request(address, from, sources.limit(address));
                    continue;
                }
                from = last.height() + 1;
                long elapsedMs = (System.nanoTime() - started) / 1_000_000;
                if (elapsedMs > 3000 && total % (PAGE * 20) < PAGE) {
                    LOG.info("peer {}: catching up from {}: height {} ({} blocks, {} blocks/s)", name, address,
                            c.headInfo().height(), total, total * 1000 / Math.max(1, elapsedMs));
                }
                if (!full) {
                    break;
                }
            }
        } catch (NoPage e) {
            sources.timedOut(address);
            LOG.info("peer {}: catch-up from {} stopped: {}", name, address, e.getMessage());
            return Outcome.FAILED;
        } catch (IOException e) {
            LOG.debug("peer {}: catch-up from {} stopped: {}", name, address, e.toString());
            return Outcome.FAILED;
        } catch (RuntimeException e) {
            LOG.warn("peer {}: catch-up from {} stopped: {}", name, address, e.toString());
            return Outcome.NEUTRAL; // ours, not the source's
        } finally {
            cancel(next); // the page asked ahead is not wanted when the catch-up stops
            if (total > 0) {
                LOG.info("peer {}: caught up {} block(s) from {}, height {}", name, total, address, c.headInfo().height());
            }
        }
        if (closed) {
            return Outcome.NEUTRAL;
        }
        if (effort.gained() || theirs != null && c.contains(theirs.hash())) {
            return Outcome.PROGRESS;
        }
        // a parent asked for because an announcement named this source: not its fault if it has none
        return theirs == null ? Outcome.NEUTRAL : Outcome.NOTHING_NEW;
    }

    /** Asks {@code address} for up to {@code limit} blocks from height {@code from}. */
    private Request request(String address, long from, int limit) {
        CompletableFuture<Message> reply;
        try {
            reply = transport.send(address, new Message.GetBlocks(from, limit));
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        return new Request(reply, limit, System.nanoTime());
    }

    private static void cancel(Request r) {
        if (r != null) {
            r.reply().cancel(true);
        }
    }

    /** The page a {@link #request} brings; empty when the peer has no block there. */
    private Optional<List<Block>> await(Request request, String address, Duration timeout) throws IOException {
        try {
            Message reply = request.reply().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (reply instanceof Message.Blocks blocks) {
                return blocks.blocks().isEmpty() ? Optional.empty() : Optional.of(blocks.blocks());
            }
            throw new IOException(address + " answered " + reply + " to a block request");
        } catch (TimeoutException e) {
            directory.failed(address);
            throw new NoPage("no page from " + address + " within " + timeout.toMillis() + " ms");
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            directory.failed(address);
            throw new IOException("fetching blocks from " + address + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Lane lane : lanes) {
            lane.close();
        }
    }

    /**
     * The effort one catch-up spends on its source: the pages that did not add to the best chain's
     * work, against an allowance. Not thread-safe (one catch-up's).
     */
    static final class Effort {
        private final int allowed;
        private long work;
        private boolean gained;
        private int fruitless;

        /** @param work the best chain's work when the catch-up began */
        Effort(long work, int allowed) {
            this.work = work;
            this.allowed = allowed;
        }

        /** A page was taken in and the best chain's work is now {@code workNow}: false when the allowance is spent. */
        boolean page(long workNow) {
            if (workNow > work) {
                work = workNow;
                gained = true;
                return true;
            }
            return ++fruitless < allowed;
        }

        /** Whether any page added to the best chain's work. */
        boolean gained() {
            return gained;
        }

        int fruitless() {
            return fruitless;
        }
    }
}
