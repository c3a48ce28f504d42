package org.classchain.spi.host;

import java.util.concurrent.CompletableFuture;
import java.nio.file.Path;

/**
 * Fetches a file sent off the chain: the block carries only its description (a
 * {@link FileOrder}), the bytes come in checked chunks from the teacher's peer and from
 * classmates, on the service's own threads. The future completes when the file is complete and
 * its SHA-256 checked, or fails saying why; what was fetched is kept, so fetching again after a
 * failure or a restart resumes. Cancelling the future stops the fetch. Thread-safe.
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
     * A fetched file.
     *
     * @param file the complete, checked file in the peer's store: read or link it, never write to it
     * @param summary one line for a receipt (bytes, hash OK, where the bytes came from)
     */
    record Received(Path file, String summary) {
    }

    /**
     * Starts fetching a file, or finds it already here; never blocks.
     *
     * @param order the file
     * @param progress told the bytes held so far (from the fetching thread); may be a no-op
     * @return completes with the file, or exceptionally with an {@link java.io.IOException} that
     *     says why in words for a receipt ("too big for free disk: ...", "stopped with N of M
     *     chunks missing: ...", a malformed order)
     */
    CompletableFuture<Received> fetch(FileOrder order, Progress progress);

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
