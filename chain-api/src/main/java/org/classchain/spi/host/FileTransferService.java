package org.classchain.spi.host;

import java.util.concurrent.CompletableFuture;
import java.nio.file.Path;
import java.util.List;
import org.classchain.FileProgress;

/**
 * Fetches a file sent off the chain and puts it into an inbox: the block carries only its
 * description (a {@link FileOrder}), the bytes come in checked chunks from the teacher's peer and
 * from classmates, on the service's own threads. The future completes once the file is complete,
 * its SHA-256 checked and saved into the inbox (never replacing a file there), or fails saying
 * why. The order is kept with what was fetched: a peer restarted mid-transfer resumes it by
 * itself and saves the file then. The service tells the person at the computer (a notice) when a
 * file lands or cannot. Thread-safe.
 */
public interface FileTransferService {

    /**
     * A file as a teacher's command describes it.
     *
     * @param name the name the teacher gave it
     * @param size its length in bytes
     * @param sha256 the SHA-256 of the whole file, 64 hex digits
     * @param root the SHA-256 of its manifest (the chunks' digests), 64 hex digits
     * @param chunkSize bytes per chunk
     * @param origin the address of the teacher's peer that holds it whole
     */
    record FileOrder(String name, long size, String sha256, String root, int chunkSize, String origin) {
    }

    /**
     * A delivered file.
     *
     * @param saved where it was saved in the inbox
     * @param summary one line for a receipt (bytes, hash OK, where the bytes came from)
     */
    record Received(Path saved, String summary) {
    }

    /**
     * Starts fetching a file into {@code inbox}; never blocks.
     *
     * @param order the file, its name already checked by the caller (a plain file name)
     * @param inbox the folder to save it in
     * @param progress told the bytes held so far (from the fetching thread); may be a no-op
     * @return completes with the file, or exceptionally with an {@link java.io.IOException} that
     *     says why in words for a receipt ("too big for free disk: ...", "stopped with N of M
     *     chunks missing: ...", a malformed order)
     */
    CompletableFuture<Received> deliver(FileOrder order, Path inbox, Progress progress);

    /**
     * The files being fetched now, and those finished a moment ago (at 100 %): what the peer's
     * status tells the teacher's room.
     *
     * @return a snapshot, empty by default
     */
    default List<FileProgress> inProgress() {
        return List.of();
    }

    /** Told how far a fetch is. */
    @FunctionalInterface
    interface Progress {
        /**
         * Bytes held so far.
         *
         * @param held bytes of the file the peer holds
         * @param size the file's size
         */
        void bytes(long held, long size);
    }
}
