package org.classchain;

import java.util.List;
import java.util.Optional;

/**
 * A read view of a peer's best chain.
 *
 * <p>Implementations are safe to call from any thread. Each call sees a consistent chain, but
 * two calls may see different heads when a block arrives in between; take {@link #head()} once
 * and read by height below it for a stable picture.
 */
public interface Chain {

    /** The id fixed by the genesis block. */
    String chainId();

    /** The genesis block. */
    Block genesis();

    /** The head block of the best chain. */
    Block head();

    /** Height, hash and cumulative work of the head. */
    Head headInfo();

    /** The block at {@code height} on the best chain, if the chain is that long. */
    Optional<Block> blockAt(long height);

    /** A block this peer knows by hash, on the best chain or not. */
    Optional<Block> block(Hash hash);

    /**
     * Up to {@code limit} consecutive blocks of the best chain starting at height {@code from};
     * empty when {@code from} is above the head.
     */
    List<Block> range(long from, int limit);

    /** The height of the best chain's block that carries this command, if any. */
    Optional<Long> heightOfCommand(java.util.UUID commandId);

    /** The accounts recorded on the best chain, by username. */
    java.util.Map<String, Account> accounts();
}
