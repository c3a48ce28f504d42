package org.classchain.core.dispatch;

import java.io.IOException;
import java.util.UUID;
import org.classchain.ReceiptStatus;

/**
 * The dispatcher's view of the durable journal of handled commands: what makes each command run
 * at most once per peer, across restarts and reorgs.
 *
 * <p>A {@link Dispatcher} calls it from its single dispatcher thread, {@code begin} before
 * anything is done for a command and {@code complete} once its outcome is known. Implementations
 * must tolerate {@code complete} never being called for a begun id (the peer stopped in between):
 * such a command is never run again. Arguments are never null.
 */
public interface ExecutionLog {

    /**
     * Records that this peer is about to handle {@code commandId}.
     *
     * @return true the first time ever for this id, after the record is durable; false when it was
     *     begun before (then the caller does nothing more with the command)
     * @throws IOException when the record cannot be made durable; the command is then not run
     */
    boolean begin(UUID commandId) throws IOException;

    /** Records the outcome of a begun command. */
    void complete(UUID commandId, ReceiptStatus status) throws IOException;
}
