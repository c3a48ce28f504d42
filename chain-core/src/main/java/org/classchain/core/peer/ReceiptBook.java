package org.classchain.core.peer;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.classchain.Receipt;

/**
 * The receipts a teacher's host holds: one current status per command and reporting peer. A
 * later receipt from the same peer (by its {@code at}) replaces the earlier one; a replayed or
 * older one replaces nothing. Bounded: the oldest commands are forgotten first. Thread-safe.
 */
final class ReceiptBook {

    private static final int MAX_COMMANDS = 20_000;

    private final Map<UUID, Map<String, Receipt>> byCommand = new LinkedHashMap<>();

    /** Adds an admitted receipt; false when this peer's status on this command is as recent already. */
    synchronized boolean add(Receipt r) {
        Map<String, Receipt> m = byCommand.computeIfAbsent(r.commandId(), k -> new LinkedHashMap<>());
        Receipt current = m.get(r.peerId());
        if (current != null && !r.at().isAfter(current.at())) {
            return false;
        }
        m.put(r.peerId(), r);
        if (byCommand.size() > MAX_COMMANDS) {
            Iterator<UUID> it = byCommand.keySet().iterator();
            it.next();
            it.remove();
        }
        return true;
    }

    synchronized List<Receipt> receipts(UUID commandId) {
        Map<String, Receipt> m = byCommand.get(commandId);
        return m == null ? List.of() : new ArrayList<>(m.values());
    }
}
