package org.classchain.samples;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.classchain.PeerInfo;
import org.classchain.core.files.ChunkStore;
import org.classchain.core.files.Fetcher;
import org.classchain.core.peer.Peer;
import org.classchain.http.ConsoleFeed;
import org.classchain.http.HttpFileTransfers;
import org.classchain.http.JettyTransport;
import org.classchain.mods.host.AwtDesktop;
import org.classchain.mods.host.FolderInbox;
import org.classchain.mods.host.InboxDelivery;
import org.classchain.wire.Message;
import org.classchain.spi.host.FileTransferService;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.InboxService;
import org.classchain.spi.host.NoticeService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every launched peer gets: host services backed by its data dir, and the console's live feed. */
final class Launchers {
    private static final Logger LOG = LoggerFactory.getLogger("classchain.notice");

    private Launchers() {
    }

    /** How a peer fetches files: 4 chunks in flight, a minute of patience, have-lists every second. */
    static final Fetcher.Settings FETCH = new Fetcher.Settings(4, Duration.ofSeconds(60), Duration.ofSeconds(1));

    /**
     * Feeds the peer's blocks and receipts to the consoles open on its transport (server-sent
     * events). The transport exists before the peer, so the feed is built on the transport.
     */
    static void addConsoleFeed(Peer.Builder b, JettyTransport transport) {
        b.listener(new ConsoleFeed(transport));
    }

    /**
     * Files sent off the chain: a chunk store in {@code files/} of the data dir, served by the
     * transport under {@code /api/v1/files}, and the {@link FileTransferService} that fetches
     * from the teacher's peer and the classmates {@code self} knows, over {@code transport}'s pooled
     * client (built from {@code tb} afterwards). Call {@code resume()} on the result once the peer
     * started, and close it after the peer.
     */
    static HttpFileTransfers addFiles(Peer.Builder b, JettyTransport.Builder tb, Path dataDir,
                                      Supplier<Peer> self, Supplier<JettyTransport> transport) {
        ChunkStore store = new ChunkStore(dataDir.resolve("files"));
        tb.files(store);
        HttpFileTransfers transfers = new HttpFileTransfers(transport, store, () -> classmates(self.get()),
                FETCH,
                (source, what) -> LOG.warn("peer {} sent bad file data: {}", source, what),
                noticesIn(dataDir)::notice, InboxDelivery::save);
        b.service(FileTransferService.class, transfers);
        return transfers;
    }

    /** The addresses of the peers {@code peer} knows, but its own. */
    static List<String> classmates(Peer peer) {
        if (peer == null) {
            return List.of();
        }
        try {
            Message reply = peer.handle(peer.address(), new Message.GetPeers()).get(5, TimeUnit.SECONDS);
            if (reply instanceof Message.PeersReply r) {
                return r.peers().stream().map(PeerInfo::address)
                        .filter(a -> a != null && !a.equals(peer.address())).toList();
            }
        } catch (Exception e) {
            LOG.debug("cannot list classmates: {}", e.toString());
        }
        return List.of();
    }

    /**
     * On a computer with a display, the peer's desktop: one {@link AwtDesktop} for every module,
     * which the caller {@link AwtDesktop#watch() watches} once the peer runs (a still-valid blackout
     * or lock comes back after a restart; a killed keeper within 0.2 s) and closes with the peer.
     * Empty when headless: the display modules then answer UNAVAILABLE.
     */
    static java.util.Optional<AwtDesktop> addDesktop(Peer.Builder b) {
        if (java.awt.GraphicsEnvironment.isHeadless()) {
            return java.util.Optional.empty();
        }
        AwtDesktop desktop = new AwtDesktop();
        b.service(DesktopService.class, desktop);
        return java.util.Optional.of(desktop);
    }

    /**
     * Notices go to the log and {@code notices.txt} in the data dir; received files go to
     * {@code inbox}, or to the default {@code ~/ClassChain/Inbox} when it is null.
     */
    static void addHostServices(Peer.Builder b, Path dataDir, Path inbox) {
        if (inbox != null) {
            b.service(InboxService.class, new FolderInbox(inbox));
        }
        b.service(NoticeService.class, noticesIn(dataDir));
    }

    /** Notices to the log and {@code notices.txt} in the data dir. */
    static NoticeService noticesIn(Path dataDir) {
        Path notices = dataDir.resolve("notices.txt");
        return (title, text) -> {
            LOG.info("NOTICE {}: {}", title, text);
            try {
                Files.createDirectories(dataDir);
                Files.writeString(notices, Instant.now() + " " + title + ": " + text + System.lineSeparator(),
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                LOG.warn("could not write {}: {}", notices, e.toString());
            }
        };
    }
}
