package org.classchain.core.files;

import java.io.IOException;
import java.util.BitSet;

/**
 * A peer that may hold some of a file: the teacher's peer, or a classmate that already fetched
 * pieces. A transport implements it; nothing a source returns is trusted, the {@link Fetcher}
 * checks every byte. Methods may be called from several threads at once and should give up
 * (throw) within a bounded time.
 */
public interface ChunkSource {

    /** {@return a short name for reports and logs, e.g. the peer's node id or address} */
    String id();

    /**
     * The file's manifest as this source holds it.
     *
     * @param ref the file
     * @return the manifest's bytes (checked by the caller)
     * @throws IOException when the source is unreachable or does not have it
     */
    byte[] manifest(FileRef ref) throws IOException;

    /**
     * Which chunks this source holds now.
     *
     * @param ref the file
     * @return the indexes it holds; empty when none
     * @throws IOException when the source is unreachable
     */
    BitSet have(FileRef ref) throws IOException;

    /**
     * One chunk.
     *
     * @param ref the file
     * @param index the chunk's index
     * @return its bytes (checked by the caller)
     * @throws IOException when the source is unreachable or does not have it
     */
    byte[] chunk(FileRef ref, int index) throws IOException;
}
