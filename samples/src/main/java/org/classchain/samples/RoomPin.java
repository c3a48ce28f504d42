package org.classchain.samples;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import org.classchain.core.store.AtomicFile;

/**
 * The room a computer joined, pinned in {@code DATA-DIR/room.properties} at its first join: the
 * room's name, the chain id, the genesis hash (which holds the teacher's account and host key) and
 * the teacher's host key. Afterwards the peer follows only that chain, and an advertisement of
 * another chain under the room's name is refused.
 *
 * @param room the room's name
 * @param chainId the chain joined
 * @param genesis the hex of its genesis hash
 * @param teacherKey the hex of the teacher's first host key
 */
record RoomPin(String room, String chainId, String genesis, String teacherKey) {

    static final String FILE_NAME = "room.properties";

    /** The pin in {@code dataDir}, empty before the first join. */
    static Optional<RoomPin> read(Path dataDir) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        String room = p.getProperty("room");
        String chain = p.getProperty("chain");
        String genesis = p.getProperty("genesis");
        if (room == null || chain == null || genesis == null) {
            throw new IOException(file + " lacks room, chain or genesis: it pins the room this computer joined; "
                    + "restore it, or remove it with the data dir's chain to join again");
        }
        return Optional.of(new RoomPin(room, chain, genesis, p.getProperty("teacher-key", "")));
    }

    /** Writes this pin into {@code dataDir} (fsync'd: a crash leaves the old pin or this one). */
    void write(Path dataDir) throws IOException {
        Properties p = new Properties();
        p.setProperty("room", room);
        p.setProperty("chain", chainId);
        p.setProperty("genesis", genesis);
        p.setProperty("teacher-key", teacherKey);
        StringWriter w = new StringWriter();
        p.store(w, "the room this computer joined: it follows only this chain (issue 21)");
        AtomicFile.replace(dataDir.resolve(FILE_NAME), w.toString().getBytes(StandardCharsets.UTF_8), false);
    }

    /** Whether {@code ad} is of the pinned chain: same chain id and genesis. */
    boolean admits(RoomAd ad) {
        return chainId.equals(ad.chainId()) && genesis.equalsIgnoreCase(ad.genesis());
    }
}
