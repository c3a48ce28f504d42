package org.classchain.core.store;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of records {@code [length u32][crc32c u32 of payload][payload]}, big-endian.
 *
 * <p>{@link #append} writes a batch and then fsyncs once, so a batch is durable when it returns.
 * {@link #read} replays records in order and stops at the first one that is incomplete, has an
 * impossible length (0 or over {@link #MAX_RECORD_BYTES}) or a CRC that does not match: that is a
 * torn tail from a crash mid-append. It logs a warning and truncates the file to the end of the
 * last good record, so later appends continue cleanly. An append before any read first scans the
 * file the same way, so new records never land behind a torn tail.
 *
 * <p>Single writer: one instance per file, used by one thread at a time (callers synchronize;
 * {@link DataDirLock} keeps other processes out). Not thread-safe.
 */
final class RecordLog implements Closeable {

    /** Bytes before each payload: its length and its CRC32C. */
    static final int HEADER_BYTES = 8;
    /** The largest payload a record may have; a larger length is read as a torn header. */
    static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(RecordLog.class);

    /** Receives each good record with its index and the file offset of its header. */
    @FunctionalInterface
    interface RecordSink {
        /** Called once per good record, in file order; an exception stops the read, nothing is truncated. */
        void accept(long index, long offset, byte[] payload) throws IOException;
    }

    private final Path file;
    private final FileChannel channel;
    /** End of the last good record, or -1 until the file has been scanned. */
    private long goodEnd = -1;
    private boolean failed;

    private final boolean readOnly;

    private RecordLog(Path file, FileChannel channel, boolean readOnly) {
        this.file = file;
        this.channel = channel;
        this.readOnly = readOnly;
    }

    /**
     * Opens {@code file} only to read it (an audit of a data dir): a torn tail is reported to
     * {@code onTorn} and left as it is, and appends are refused.
     */
    static RecordLog openReadOnly(Path file) throws IOException {
        return new RecordLog(file, FileChannel.open(file, StandardOpenOption.READ), true);
    }

    /**
     * Opens {@code file} for reading and appending, creating it (and fsyncing its directory, so
     * the new entry survives a crash) if it does not exist. The parent directory must exist.
     */
    static RecordLog open(Path file) throws IOException {
        boolean created = !Files.exists(file);
        FileChannel channel = FileChannel.open(file,
                StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        if (created) {
            try {
                channel.force(true);
                AtomicFile.fsyncDirectory(file.toAbsolutePath().getParent());
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }
        return new RecordLog(file, channel, false);
    }

    private String tornTail;

    /** After a read-only {@link #read}: what was wrong at the end of the file, or null when nothing. */
    String tornTail() {
        return tornTail;
    }

    /** The file this log writes. */
    Path file() {
        return file;
    }

    /** Replays every good record's payload in order; see {@link #read(RecordSink)}. */
    long read(Consumer<byte[]> sink) throws IOException {
        return read((index, offset, payload) -> sink.accept(payload));
    }

    /**
     * Replays every good record in order, then drops a torn tail (logged, truncated, fsync'd).
     *
     * @return how many records were replayed
     * @throws IOException if the file cannot be read or truncated, or if {@code sink} throws it
     */
    long read(RecordSink sink) throws IOException {
        long size = channel.size();
        long offset = 0;
        long index = 0;
        String torn = null;
        channel.position(0);
        // Not closed: closing the stream would close the channel.
        InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        byte[] header = new byte[HEADER_BYTES];
        CRC32C crc = new CRC32C();
        while (offset < size) {
            if (in.readNBytes(header, 0, HEADER_BYTES) < HEADER_BYTES) {
                torn = "incomplete header";
                break;
            }
            ByteBuffer h = ByteBuffer.wrap(header);
            int length = h.getInt();
            int expectedCrc = h.getInt();
            if (length <= 0 || length > MAX_RECORD_BYTES) {
                torn = "impossible length " + Integer.toUnsignedString(length);
                break;
            }
            if (length > size - offset - HEADER_BYTES) {
                torn = "incomplete payload of " + length + " bytes";
                break;
            }
            byte[] payload = new byte[length];
            if (in.readNBytes(payload, 0, length) < length) {
                torn = "incomplete payload of " + length + " bytes";
                break;
            }
            crc.reset();
            crc.update(payload);
            if ((int) crc.getValue() != expectedCrc) {
                torn = "CRC mismatch";
                break;
            }
            sink.accept(index, offset, payload);
            offset += HEADER_BYTES + length;
            index++;
        }
        if (torn != null && readOnly) {
            tornTail = "record " + index + " at offset " + offset + " is damaged (" + torn + "); the "
                    + (size - offset) + " bytes from there on are not read";
        } else if (torn != null) {
            LOG.warn("{}: dropping {} bytes from offset {} ({} in record {}); keeping the {} complete records before it",
                    file, size - offset, offset, torn, index, index);
            channel.truncate(offset);
            channel.force(true);
        }
        goodEnd = offset;
        return index;
    }

    /**
     * Appends the payloads as records and fsyncs once. When this returns they are durable. After
     * a failed write or fsync the log refuses further appends: reopen it to recover.
     *
     * @throws IllegalArgumentException if a payload is empty or longer than {@link #MAX_RECORD_BYTES};
     *     nothing is written then
     */
    void append(List<byte[]> payloads) throws IOException {
        if (readOnly) {
            throw new IOException(file + " is open read-only");
        }
        if (failed) {
            throw new IOException(file + ": an earlier write failed; reopen the log to recover");
        }
        if (payloads.isEmpty()) {
            return;
        }
        ByteBuffer[] buffers = new ByteBuffer[payloads.size() * 2];
        long total = 0;
        CRC32C crc = new CRC32C();
        for (int i = 0; i < payloads.size(); i++) {
            byte[] p = payloads.get(i);
            if (p.length == 0 || p.length > MAX_RECORD_BYTES) {
                throw new IllegalArgumentException("a record is 1 to " + MAX_RECORD_BYTES + " bytes, not " + p.length);
            }
            crc.reset();
            crc.update(p);
            buffers[2 * i] = ByteBuffer.allocate(HEADER_BYTES).putInt(p.length).putInt((int) crc.getValue()).flip();
            buffers[2 * i + 1] = ByteBuffer.wrap(p);
            total += HEADER_BYTES + p.length;
        }
        if (goodEnd < 0) {
            read((index, offset, payload) -> { });
        }
        try {
            channel.position(goodEnd);
            long written = 0;
            int first = 0;
            while (written < total) {
                written += channel.write(buffers, first, buffers.length - first);
                while (first < buffers.length && !buffers[first].hasRemaining()) {
                    first++;
                }
            }
            channel.force(true);
        } catch (IOException | RuntimeException e) {
            failed = true;
            try {
                channel.truncate(goodEnd);
            } catch (IOException | RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        goodEnd += total;
    }

    /** Closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
