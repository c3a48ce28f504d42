package org.classchain;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a peer knows of one command: where it is on the chain and the receipts that reached it.
 *
 * @param id the command id
 * @param module the module name, or null if this peer has not seen the command
 * @param height the height of the best-chain block carrying it, or null while pending
 * @param receipts the receipts this peer holds, one per reporting peer
 * @param offline the node ids of the command's targets that have sent no receipt here and that this
 *                peer knows to be offline (its last call to them failed, or they have not answered
 *                since it restarted): the command runs there if they return before it expires
 */
public record CommandReport(UUID id, String module, Long height, List<Receipt> receipts, List<String> offline) {

    /**
     * Copies the receipts.
     *
     * @param id never null
     * @param module null if this peer has not seen the command
     * @param height null while pending
     * @param receipts copied
     * @param offline copied
     */
    public CommandReport {
        Objects.requireNonNull(id, "id");
        receipts = List.copyOf(receipts);
        offline = List.copyOf(offline);
    }

    /**
     * A report that names no offline target.
     *
     * @param id never null
     * @param module null if this peer has not seen the command
     * @param height null while pending
     * @param receipts copied
     */
    public CommandReport(UUID id, String module, Long height, List<Receipt> receipts) {
        this(id, module, height, receipts, List.of());
    }
}
