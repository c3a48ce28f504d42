package org.classchain.core.dispatch;

import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.classchain.ReceiptStatus;

/** An {@link ExecutionLog} in memory, for tests: outlives a Dispatcher to stand for a restart. */
final class InMemoryExecutionLog implements ExecutionLog {

    private static final Optional<ReceiptStatus> BEGUN = Optional.empty();

    private final Map<UUID, Optional<ReceiptStatus>> entries = new ConcurrentHashMap<>();
    private volatile boolean failing;

    @Override
    public boolean begin(UUID commandId) throws IOException {
        if (failing) {
            throw new IOException("disk full");
        }
        return entries.putIfAbsent(commandId, BEGUN) == null;
    }

    @Override
    public void complete(UUID commandId, ReceiptStatus status) {
        entries.put(commandId, Optional.of(status));
    }

    /** Whether {@code begin} was ever called with this id and returned true. */
    boolean begun(UUID commandId) {
        return entries.containsKey(commandId);
    }

    /** The recorded outcome, if completed. */
    Optional<ReceiptStatus> status(UUID commandId) {
        return entries.getOrDefault(commandId, BEGUN);
    }

    /** Makes {@code begin} throw, as a journal on a full disk would. */
    void failing(boolean fail) {
        this.failing = fail;
    }
}
