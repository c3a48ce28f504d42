package org.classchain;

/**
 * Callbacks from a peer. Every method has an empty default, so a listener implements only
 * what it needs.
 *
 * <p>Called on the peer's own threads, in chain order for blocks; a listener must return
 * quickly and must not throw (what it throws is logged and otherwise ignored).
 */
public interface PeerListener {

    /**
     * A block joined the best chain (also when it joins through a reorg).
     *
     * @param block the block
     */
    default void blockAppended(Block block) {
    }

    /**
     * A block left the best chain in a reorg; its commands are re-queued by its miner.
     *
     * @param block the block, called for each that left
     */
    default void blockDetached(Block block) {
    }

    /**
     * This peer dispatched a command and produced this receipt.
     *
     * @param command the command it ran (or refused)
     * @param receipt its signed receipt
     */
    default void commandDispatched(Command command, Receipt receipt) {
    }

    /**
     * A receipt from another peer reached this one (at the teacher's hosts).
     *
     * @param receipt the receipt, its signature checked
     */
    default void receiptReceived(Receipt receipt) {
    }
}
