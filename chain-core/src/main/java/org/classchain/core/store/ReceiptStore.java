package org.classchain.core.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.classchain.Receipt;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.CodecException;

/**
 * The receipts a teacher's host keeps ({@code receipts.log}): appended with one fsync per batch,
 * replayed at start, read by {@code classchain verify}. Receipts never go on the chain.
 * Single writer.
 */
public final class ReceiptStore implements Closeable {

    /** File name in a data dir. */
    public static final String FILE_NAME = "receipts.log";

    private final RecordLog log;
    private final CanonicalJson json;

    private ReceiptStore(RecordLog log, CanonicalJson json) {
        this.log = log;
        this.json = json;
    }

    /** The store in {@code dataDir}, created when missing. */
    public static ReceiptStore open(Path dataDir, CanonicalJson json) throws IOException {
        Files.createDirectories(dataDir);
        return new ReceiptStore(RecordLog.open(dataDir.resolve(FILE_NAME)), json);
    }

    /** The store in {@code dataDir} opened only to read it, or empty when there is none. */
    public static Optional<ReceiptStore> openReadOnly(Path dataDir, CanonicalJson json) throws IOException {
        Path f = dataDir.resolve(FILE_NAME);
        return Files.exists(f) ? Optional.of(new ReceiptStore(RecordLog.openReadOnly(f), json)) : Optional.empty();
    }

    /** Appends receipts durably. */
    public void append(List<Receipt> receipts) throws IOException {
        List<byte[]> records = new ArrayList<>(receipts.size());
        for (Receipt r : receipts) {
            records.add(json.encodeReceipt(r));
        }
        log.append(records);
    }

    /** Replays every stored receipt in order. */
    public void load(Consumer<Receipt> sink) throws IOException {
        log.read((index, offset, payload) -> {
            try {
                sink.accept(json.decodeReceipt(payload));
            } catch (CodecException e) {
                throw new IOException(log.file() + ": receipt record " + index + " at offset " + offset
                        + " does not decode: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
