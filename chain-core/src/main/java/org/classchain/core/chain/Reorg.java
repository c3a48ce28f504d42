package org.classchain.core.chain;

import java.util.List;
import org.classchain.Block;

/**
 * How the best chain changed when a block was added: blocks that left it (ascending height)
 * and blocks that joined it (ascending height). Both empty when the block went to a side branch.
 */
public record Reorg(List<Block> detached, List<Block> attached) {

    /** Nothing changed on the best chain. */
    public static final Reorg NONE = new Reorg(List.of(), List.of());

    /** Copies the lists. */
    public Reorg {
        detached = List.copyOf(detached);
        attached = List.copyOf(attached);
    }

    /** Whether the head moved. */
    public boolean headChanged() {
        return !attached.isEmpty();
    }
}
