package org.classchain.core.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.classchain.Payload;
import org.classchain.Receipt;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.CodecException;
import org.classchain.core.block.ReceiptCodec;

/**
 * A durable list of values in a data dir, appended with one fsync per batch and replayed in
 * order: the receipts a teacher's host keeps ({@code receipts.log}) and the batches it granted
 * ({@code granted.log}, so that a granted batch is mined even if every peer that held it in
 * memory went down). Single writer.
 *
 * @param <T> what is stored
 */
public final class RecordStore<T> implements Closeable {

    /** File name of the receipts a teacher's host keeps. */
    public static final String RECEIPTS = "receipts.log";
    /** File name of the batches a host granted. */
    public static final String GRANTED = "granted.log";

    /** How values become bytes and back. */
    public interface Codec<T> {
        /** The bytes of a value. */
        byte[] encode(T value);

        /** The value of some bytes. */
        T decode(byte[] bytes) throws CodecException;
    }

    private final RecordLog log;
    private final Codec<T> codec;

    private RecordStore(RecordLog log, Codec<T> codec) {
        this.log = log;
        this.codec = codec;
    }

    /** Receipts, in {@link ReceiptCodec}'s form. */
    public static Codec<Receipt> receipts() {
        return new Codec<>() {
            @Override
            public byte[] encode(Receipt r) {
                return ReceiptCodec.encode(r);
            }

            @Override
            public Receipt decode(byte[] bytes) throws CodecException {
                return ReceiptCodec.decode(bytes);
            }
        };
    }

    /** Granted batches, in their canonical payload form. */
    public static Codec<Payload> batches(CanonicalJson json) {
        return new Codec<>() {
            @Override
            public byte[] encode(Payload p) {
                return json.encodePayload(p);
            }

            @Override
            public Payload decode(byte[] bytes) throws CodecException {
                return json.decodePayload(bytes);
            }
        };
    }

    /** The store {@code fileName} in {@code dataDir}, created when missing. */
    public static <T> RecordStore<T> open(Path dataDir, String fileName, Codec<T> codec) throws IOException {
        Files.createDirectories(dataDir);
        return new RecordStore<>(RecordLog.open(dataDir.resolve(fileName)), codec);
    }

    /** The store opened only to read it, or empty when there is none. */
    public static <T> Optional<RecordStore<T>> openReadOnly(Path dataDir, String fileName, Codec<T> codec)
            throws IOException {
        Path f = dataDir.resolve(fileName);
        return Files.exists(f) ? Optional.of(new RecordStore<>(RecordLog.openReadOnly(f), codec)) : Optional.empty();
    }

    /** Appends values durably: when this returns they survive a crash. */
    public void append(List<T> values) throws IOException {
        List<byte[]> records = new ArrayList<>(values.size());
        for (T v : values) {
            records.add(codec.encode(v));
        }
        log.append(records);
    }

    /** Replays every stored value in order. */
    public void load(Consumer<T> sink) throws IOException {
        log.read((index, offset, payload) -> {
            try {
                sink.accept(codec.decode(payload));
            } catch (CodecException e) {
                throw new IOException(log.file() + ": record " + index + " at offset " + offset + " does not decode: "
                        + e.getMessage(), e);
            }
        });
    }

    @Override
    public void close() throws IOException {
        log.close();
    }
}
