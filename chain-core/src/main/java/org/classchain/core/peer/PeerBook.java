package org.classchain.core.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.classchain.PeerInfo;
import org.classchain.core.store.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of the verified peers, kept in {@code known-peers.txt} of the data dir (one a
 * line), so that a peer that restarts greets the room it knew at once instead of waiting for
 * each computer to find it again: the teacher's host knows nobody else after a restart, and a
 * student that was introduced to it greets it only when it notices it lost it (issue 19: the
 * room showed one computer for 39 to 100 s after the teacher's peer restarted). Only a hint:
 * each address is verified again by its handshake. Written on the peer's tick thread only.
 */
final class PeerBook {

    /** File name in the data dir. */
    static final String FILE = "known-peers.txt";

    private static final Logger LOG = LoggerFactory.getLogger(PeerBook.class);

    private final Path file;
    private List<String> written = List.of();

    /** @param dataDir the data dir, or null for a peer that keeps nothing on disk */
    PeerBook(Path dataDir) {
        this.file = dataDir == null ? null : dataDir.resolve(FILE);
    }

    /** The addresses kept at the last save (at most {@link PeerDirectory#MAX_KNOWN}); none when there is no file. */
    List<String> load() {
        if (file == null) {
            return List.of();
        }
        try {
            written = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(a -> !a.isEmpty() && a.length() <= 256).distinct()
                    .limit(PeerDirectory.MAX_KNOWN).toList();
            return written;
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("could not read {}: {}", file, e.toString());
            return List.of();
        }
    }

    /** Keeps these peers' addresses when they differ from what was kept (a crash leaves the old list or the new one). */
    void save(List<PeerInfo> peers) {
        List<String> addresses = peers.stream().map(PeerInfo::address).sorted().toList();
        if (file == null || Objects.equals(addresses, written)) {
            return;
        }
        try {
            String lines = addresses.stream().map(a -> a + "\n").collect(Collectors.joining());
            AtomicFile.replace(file, lines.getBytes(StandardCharsets.UTF_8), false);
            written = addresses;
        } catch (IOException e) {
            LOG.warn("could not write {}: {}", file, e.toString());
        }
    }
}
