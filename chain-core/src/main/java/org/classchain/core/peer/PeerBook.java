package org.classchain.core.peer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.classchain.PeerInfo;
import org.classchain.core.store.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The verified peers, kept in {@code known-peers.txt} of the data dir, one a line as
 * {@code address nodeId [mac,mac]} (a line with an address alone, as written before, is still read), so that a peer that restarts greets the room it knew at once instead of waiting for
 * each computer to find it again: the teacher's host knows nobody else after a restart, and a
 * student that was introduced to it greets it only when it notices it lost it (issue 19: the
 * room showed one computer for 39 to 100 s after the teacher's peer restarted). Only a hint:
 * each address is verified again by its handshake. The node id lets the room keep a computer
 * that is off while the teacher's peer restarts, as an offline computer ({@link PeerDirectory#remember};
 * issue 19, item 1); its role is the chain's to say, not the file's. Written on the peer's tick
 * thread only.
 */
final class PeerBook {

    /** File name in the data dir. */
    static final String FILE = "known-peers.txt";

    private static final Logger LOG = LoggerFactory.getLogger(PeerBook.class);

    private final Path file;
    private List<String> written = List.of();

    /**
     * One line of the book.
     *
     * @param address where the peer was verified
     * @param nodeId the node id verified there, or null in a line written before node ids were kept
     * @param macs the MAC addresses it named (to wake it), maybe none
     */
    record Known(String address, String nodeId, List<String> macs) {
    }

    /** @param dataDir the data dir, or null for a peer that keeps nothing on disk */
    PeerBook(Path dataDir) {
        this.file = dataDir == null ? null : dataDir.resolve(FILE);
    }

    /** The peers kept at the last save (at most {@link PeerDirectory#MAX_KNOWN}, one per address); none when there is no file. */
    List<Known> load() {
        if (file == null) {
            return List.of();
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(String::strip)
                    .filter(a -> !a.isEmpty() && a.length() <= 256 + 1 + 128 + 1 + MacAddresses.MAX * 18).toList();
            Map<String, Known> byAddress = new LinkedHashMap<>();
            for (String line : lines) {
                String[] parts = line.split("\\s+");
                if (parts.length <= 3 && parts[0].length() <= 256 && byAddress.size() < PeerDirectory.MAX_KNOWN) {
                    byAddress.putIfAbsent(parts[0], new Known(parts[0], parts.length >= 2 ? parts[1] : null,
                            parts.length == 3 ? MacAddresses.kept(List.of(parts[2].split(","))) : List.of()));
                }
            }
            written = lines;
            return List.copyOf(byAddress.values());
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            LOG.warn("could not read {}: {}", file, e.toString());
            return List.of();
        }
    }

    /** Keeps these peers when they differ from what was kept (a crash leaves the old list or the new one). */
    void save(List<PeerInfo> peers) {
        List<String> lines = peers.stream().map(p -> p.nodeId() == null || p.nodeId().isBlank() ? p.address()
                : p.address() + " " + p.nodeId() + (p.macs().isEmpty() ? "" : " " + String.join(",", p.macs())))
                .sorted().toList();
        if (file == null || Objects.equals(lines, written)) {
            return;
        }
        try {
            String text = lines.stream().map(a -> a + "\n").collect(Collectors.joining());
            AtomicFile.replace(file, text.getBytes(StandardCharsets.UTF_8), false);
            written = lines;
        } catch (IOException e) {
            LOG.warn("could not write {}: {}", file, e.toString());
        }
    }
}
