package org.classchain.core.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.classchain.ReceiptStatus;

/**
 * The durable journal of the commands a peer has handled, which makes dispatch at-most-once
 * across restarts and reorgs (DESIGN section 4).
 *
 * <p>The dispatcher calls {@link #begin} before it runs a command and runs it only if that returns
 * true, then records the result with {@link #complete}. A command begun but never completed (the
 * peer crashed while it ran) stays {@link #seen}: it never runs again, and its {@link #outcome} is
 * empty. Outcomes decided without running anything (EXPIRED, REFUSED, ...) may be recorded with
 * {@link #complete} alone.
 *
 * <p>File {@value #FILE_NAME}: one {@link RecordLog} record per event, the 16-byte command id
 * followed by one status byte, the {@link ReceiptStatus} ordinal or {@code 0xFF} for "started".
 * Every write is fsync'd before the call returns. The whole index is kept in memory.
 *
 * <p>Thread-safe. Arguments are never null.
 */
public final class Journal implements Closeable {

    /** The journal's file name inside the data dir. */
    public static final String FILE_NAME = "journal.log";

    static final int RECORD_BYTES = 17;
    static final byte STARTED = (byte) 0xFF;

    private static final ReceiptStatus[] STATUSES = ReceiptStatus.values();

    private final RecordLog log;
    /** Command id to its outcome; empty while started but not completed. */
    private final Map<UUID, Optional<ReceiptStatus>> index = new HashMap<>();

    private Journal(RecordLog log) {
        this.log = log;
    }

    /**
     * Opens (creating if needed) the journal in {@code dataDir}, which is created if missing, and
     * rebuilds its index. A torn tail is dropped.
     *
     * @throws IOException if the file cannot be read, or a complete record is not a journal entry
     */
    public static Journal open(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        RecordLog log = RecordLog.open(dataDir.resolve(FILE_NAME));
        Journal journal = new Journal(log);
        try {
            log.read(journal::replay);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return journal;
    }

    private void replay(long recordIndex, long offset, byte[] record) throws IOException {
        if (record.length != RECORD_BYTES) {
            throw corrupt(recordIndex, offset, "it has " + record.length + " bytes, not " + RECORD_BYTES);
        }
        ByteBuffer buf = ByteBuffer.wrap(record);
        UUID id = new UUID(buf.getLong(), buf.getLong());
        byte status = buf.get();
        if (status == STARTED) {
            index.putIfAbsent(id, Optional.empty());
        } else if (status >= 0 && status < STATUSES.length) {
            index.put(id, Optional.of(STATUSES[status]));
        } else {
            throw corrupt(recordIndex, offset, "unknown status byte " + (status & 0xFF));
        }
    }

    private IOException corrupt(long recordIndex, long offset, String why) {
        return new IOException(log.file() + " is corrupt: record " + recordIndex + " at offset " + offset
                + " has a good checksum but is not a journal entry: " + why);
    }

    /**
     * Claims a command for execution. If {@code commandId} was never seen, durably records it as
     * started and returns true: the caller runs it. Otherwise returns false: it must not run.
     */
    public synchronized boolean begin(UUID commandId) throws IOException {
        Objects.requireNonNull(commandId, "commandId");
        if (index.containsKey(commandId)) {
            return false;
        }
        log.append(List.of(record(commandId, STARTED)));
        index.put(commandId, Optional.empty());
        return true;
    }

    /**
     * Durably records the outcome of a command, which also marks it seen.
     *
     * @throws IllegalStateException if an outcome is already recorded for it
     */
    public synchronized void complete(UUID commandId, ReceiptStatus status) throws IOException {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(status, "status");
        Optional<ReceiptStatus> previous = index.get(commandId);
        if (previous != null && previous.isPresent()) {
            throw new IllegalStateException("command " + commandId + " already completed as " + previous.get());
        }
        log.append(List.of(record(commandId, (byte) status.ordinal())));
        index.put(commandId, Optional.of(status));
    }

    /** The recorded outcome; empty if the command was never seen or begun but not completed. */
    public synchronized Optional<ReceiptStatus> outcome(UUID commandId) {
        return index.getOrDefault(Objects.requireNonNull(commandId, "commandId"), Optional.empty());
    }

    /** Whether the command was begun or completed, here or before a restart. */
    public synchronized boolean seen(UUID commandId) {
        return index.containsKey(Objects.requireNonNull(commandId, "commandId"));
    }

    /** How many distinct commands were seen. */
    public synchronized int size() {
        return index.size();
    }

    /** Closes the file. Idempotent. */
    @Override
    public synchronized void close() throws IOException {
        log.close();
    }

    private static byte[] record(UUID id, byte status) {
        return ByteBuffer.allocate(RECORD_BYTES)
                .putLong(id.getMostSignificantBits())
                .putLong(id.getLeastSignificantBits())
                .put(status)
                .array();
    }

    @Override
    public String toString() {
        return "Journal[" + log.file() + "]";
    }
}
