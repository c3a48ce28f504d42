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

    /** {@return the id fixed by the genesis block} */
    String chainId();

    /** {@return the genesis block} */
    Block genesis();

    /** {@return the head block of the best chain} */
    Block head();

    /** {@return height, hash and cumulative work of the head} */
    Head headInfo();

    /**
     * {@return the block at {@code height} on the best chain, if the chain is that long}
     *
     * @param height 0 for genesis
     */
    Optional<Block> blockAt(long height);

    /**
     * {@return a block this peer knows by hash, on the best chain or not}
     *
     * @param hash the block's hash
     */
    Optional<Block> block(Hash hash);

    /**
     * {@return up to {@code limit} consecutive blocks of the best chain starting at height {@code from}}
     * Empty when {@code from} is above the head.
     *
     * @param from the height of the first block
     * @param limit the most blocks to return
     */
    List<Block> range(long from, int limit);

    /**
     * {@return the height of the best chain's block that carries this command, if any}
     *
     * @param commandId the command's id
     */
    Optional<Long> heightOfCommand(java.util.UUID commandId);

    /** {@return the accounts recorded on the best chain, by username} */
    java.util.Map<String, Account> accounts();
}
