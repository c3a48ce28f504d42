package org.classchain.mods.host;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What a {@link BlackoutKeeper} reports of the blackout it keeps up, in a small properties file
 * it alone writes (atomically, by a rename) and the peer reads: the kind, the end, the message,
 * the keeper's process id, the screens covered and the interruptions so far. Not thread-safe.
 */
final class BlackoutState {
    private final String kind;
    private final long until;
    private final String message;
    private final long keeper;
    private int screens;
    private int interruptions;
    private String lastInterruption = "";
    private String failure = "";

    BlackoutState(String kind, long until, String message, long keeper) {
        this.kind = kind;
        this.until = until;
        this.message = message;
        this.keeper = keeper;
    }

    String kind() {
        return kind;
    }

    /** The end in epoch milliseconds, 0 for none. */
    long until() {
        return until;
    }

    String message() {
        return message;
    }

    long keeper() {
        return keeper;
    }

    int screens() {
        return screens;
    }

    int interruptions() {
        return interruptions;
    }

    String lastInterruption() {
        return lastInterruption;
    }

    String failure() {
        return failure;
    }

    void up(int screenCount) {
        screens = screenCount;
    }

    void interrupted(String why) {
        interruptions++;
        lastInterruption = why;
    }

    void failed(String why) {
        failure = why;
    }

    void write(Path file) throws IOException {
        Properties p = new Properties();
        p.setProperty("kind", kind);
        p.setProperty("until", Long.toString(until));
        p.setProperty("message", message);
        p.setProperty("keeper", Long.toString(keeper));
        p.setProperty("screens", Integer.toString(screens));
        p.setProperty("interruptions", Integer.toString(interruptions));
        p.setProperty("lastInterruption", lastInterruption);
        p.setProperty("failure", failure);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path tmp = file.resolveSibling(file.getFileName() + "." + keeper + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, "ClassChain blackout, written by its keeper");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The state in {@code file}, empty when there is none or it cannot be read. */
    static Optional<BlackoutState> read(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            BlackoutState s = new BlackoutState(p.getProperty("kind", "blackout"), Long.parseLong(p.getProperty("until", "0")),
                    p.getProperty("message", ""), Long.parseLong(p.getProperty("keeper", "0")));
            s.screens = Integer.parseInt(p.getProperty("screens", "0"));
            s.interruptions = Integer.parseInt(p.getProperty("interruptions", "0"));
            s.lastInterruption = p.getProperty("lastInterruption", "");
            s.failure = p.getProperty("failure", "");
            return Optional.of(s);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // half a file from another writer, or garbage: as if none
        }
    }

    /** Removes {@code file} if it is still the state of keeper {@code pid}. */
    static void remove(Path file, long pid) {
        if (read(file).filter(s -> s.keeper == pid).isPresent()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                // left behind: its keeper is gone, so readers treat it as ended
            }
        }
    }
}
