package org.classchain.core.peer;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.ReceiptStatus;
import org.classchain.core.dispatch.ExecutionLog;

/** The execution journal of a peer without a data dir (simulations): at-most-once within one run only. */
final class MemoryExecutionLog implements ExecutionLog {
    private final Set<UUID> begun = ConcurrentHashMap.newKeySet();

    @Override
    public boolean begin(UUID commandId) {
        return begun.add(commandId);
    }

    @Override
    public void complete(UUID commandId, ReceiptStatus status) {
        // nothing to keep beyond begin(): the run is not durable anyway
    }
}
