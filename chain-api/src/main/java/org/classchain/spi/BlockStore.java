package org.classchain.spi;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;
import org.classchain.Block;

/**
 * Durable storage of every block a peer accepted, on its best chain or not, in the order it
 * accepted them (a parent always before its children).
 *
 * <p>Called from one thread at a time.
 */
public interface BlockStore extends AutoCloseable {

    /**
     * Appends blocks. When this returns they are durable (fsync'd): a crash afterwards loses
     * none of them. A crash during the call may lose some of them, never an earlier block.
     *
     * @param blocks in the order they were accepted, each after its parent
     * @throws IOException when the blocks could not be written; the caller treats the store as failed
     */
    void append(List<Block> blocks) throws IOException;

    /**
     * Reads every stored block in append order. A torn record at the end (a crash mid-append) is
     * dropped and the store continues after the last complete block.
     *
     * @param sink receives each block, on the calling thread
     * @throws IOException when the store cannot be read
     */
    void load(Consumer<Block> sink) throws IOException;

    /**
     * Releases the store's file handles.
     *
     * @throws IOException when the last writes cannot be flushed
     */
    @Override
    void close() throws IOException;
}
