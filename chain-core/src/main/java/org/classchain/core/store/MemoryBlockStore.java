package org.classchain.core.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.classchain.Block;
import org.classchain.spi.BlockStore;

/**
 * A block store in memory, for peers without a data dir: simulations of many peers and tests.
 * A restarted peer given the same instance finds its blocks again. Thread-safe.
 */
public final class MemoryBlockStore implements BlockStore {
    private final List<Block> blocks = new ArrayList<>();

    /** An empty store. */
    public MemoryBlockStore() {
    }

    @Override
    public synchronized void append(List<Block> more) {
        blocks.addAll(more);
    }

    @Override
    public synchronized void load(Consumer<Block> sink) {
        blocks.forEach(sink);
    }

    @Override
    public void close() {
    }

    /** How many blocks are stored. */
    public synchronized int size() {
        return blocks.size();
    }
}
