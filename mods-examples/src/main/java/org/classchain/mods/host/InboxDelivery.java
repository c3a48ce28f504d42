package org.classchain.mods.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Puts a file into an inbox folder so that it appears complete or not at all, and never
 * replaces a file there: {@code name}, else {@code name (2)} and so on up to 100. The name must
 * have been checked by the caller (a plain file name); a name that would leave the folder is
 * refused anyway.
 */
public final class InboxDelivery {
    private static final int MAX_COPIES = 100;

    private InboxDelivery() {
    }

    /** Fills a temporary file in the inbox folder. */
    @FunctionalInterface
    interface Filler {
        void fill(Path part) throws IOException;
    }

    /**
     * Saves {@code bytes} into {@code inbox} as {@code name} (or a numbered name when taken).
     *
     * @param inbox the inbox folder, created when missing
     * @param name a plain file name, already checked by the caller
     * @param bytes the file
     * @return where it was saved
     * @throws IOException when it cannot be written, or 100 files of that name exist
     */
    public static Path save(Path inbox, String name, byte[] bytes) throws IOException {
        return save(inbox, name, part -> write(part, bytes), null);
    }

    /**
     * Saves a complete file into {@code inbox} as {@code name} (or a numbered name when taken):
     * a hard link when the file system allows it (no copy of a big file), else a copy.
     *
     * @param inbox the inbox folder, created when missing
     * @param name a plain file name, already checked by the caller
     * @param complete the checked file (a peer's stored copy of a fetched file)
     * @return where it was saved
     * @throws IOException when it cannot be written, or 100 files of that name exist
     */
    public static Path save(Path inbox, String name, Path complete) throws IOException {
        return save(inbox, name, part -> Files.copy(complete, part, StandardCopyOption.REPLACE_EXISTING), complete);
    }

    /**
     * Puts a file into {@code inbox} as {@code name}, or {@code name (2)} and so on when taken,
     * never replacing: a hard link to {@code complete} when given and the file system allows it
     * (no copy of a big file), else a hidden temporary file filled and fsync'd first, then
     * linked (or moved) into place.
     */
    private static Path save(Path inbox, String name, Filler filler, Path complete) throws IOException {
        Files.createDirectories(inbox);
        Path folder = inbox.toRealPath();
        if (complete != null) {
            try {
                return place(folder, name, complete, false);
            } catch (FileAlreadyExistsException full) {
                throw new IOException("the inbox already holds " + MAX_COPIES + " files named like '" + name + "'");
            } catch (UnsupportedOperationException | IOException noLink) {
                // another file system than the store's: copy
            }
        }
        Path part = Files.createTempFile(folder, ".classchain-", ".part");
        try {
            filler.fill(part);
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
                out.force(true);
            }
            return place(folder, name, part, true);
        } finally {
            Files.deleteIfExists(part);
        }
    }

    /** Links (or, when {@code mayMove}, moves) {@code source} to the first free numbered name. */
    private static Path place(Path folder, String name, Path source, boolean mayMove) throws IOException {
        boolean links = true;
        for (int copy = 1; copy <= MAX_COPIES; ) {
            String candidateName = numbered(name, copy);
            Path target = folder.resolve(candidateName);
            if (!folder.equals(target.getParent()) || !candidateName.equals(target.getFileName().toString())) {
                throw new IOException("refused file name: it does not stay inside the inbox");
            }
            try {
                if (links) {
                    Files.createLink(target, source); // fails if the name is taken: never overwrites
                } else {
                    Files.move(source, target); // no REPLACE_EXISTING: fails if the name is taken
                }
                return target;
            } catch (FileAlreadyExistsException taken) {
                copy++;
            } catch (UnsupportedOperationException | IOException noLinks) {
                if (!links || !mayMove) {
                    throw noLinks;
                }
                links = false; // a file system without hard links: move instead
            }
        }
        if (!mayMove) {
            throw new FileAlreadyExistsException(name);
        }
        throw new IOException("the inbox already holds " + MAX_COPIES + " files named like '" + name + "'");
    }

    private static void write(Path part, byte[] bytes) throws IOException {
        try (FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }

    /**
     * {@return {@code report.pdf}, {@code report (2).pdf}, {@code report (3).pdf}...}
     *
     * @param name the file's name
     * @param copy 1 for the name itself
     */
    public static String numbered(String name, int copy) {
        if (copy == 1) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return stem + " (" + copy + ")" + ext;
    }

}
