package org.classchain.core.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.classchain.Block;
import org.classchain.spi.BlockStore;

/** A block store in memory, for tests and simulations of many peers. Survives "restarts" when reused. */
public final class MemoryBlockStore implements BlockStore {
    private final List<Block> blocks = new ArrayList<>();

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
