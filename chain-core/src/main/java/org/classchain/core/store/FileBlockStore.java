package org.classchain.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.classchain.Block;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CodecException;
import org.classchain.spi.BlockStore;

/**
 * The {@link BlockStore} of a peer's data dir: {@value #FILE_NAME}, one {@link BlockCodec}
 * encoding per record of a {@link RecordLog}.
 *
 * <p>{@link #append} costs one fsync per call, whatever the number of blocks, so catch-up should
 * append in batches. {@link #load} drops a torn tail (a crash mid-append) and keeps every
 * complete block; a complete record (good CRC) that does not decode is corruption, not a torn
 * write, and fails the load with an {@link IOException} naming the record.
 *
 * <p>Called from one thread at a time, as {@link BlockStore} says. Arguments are never null.
 */
public final class FileBlockStore implements BlockStore {

    /** The block log's file name inside the data dir. */
    public static final String FILE_NAME = "blocks.log";

    private final RecordLog log;
    private final BlockCodec codec;

    private FileBlockStore(RecordLog log, BlockCodec codec) {
        this.log = log;
        this.codec = codec;
    }

    /**
     * Opens (creating if needed) the block log in {@code dataDir}, which is created if missing.
     * The caller should hold the dir's {@link DataDirLock}.
     */
    public static FileBlockStore open(Path dataDir, BlockCodec codec) throws IOException {
        Objects.requireNonNull(codec, "codec");
        Files.createDirectories(dataDir);
        return new FileBlockStore(RecordLog.open(dataDir.resolve(FILE_NAME)), codec);
    }

    /**
     * The store in {@code dataDir} opened only to read it, for an audit: a damaged tail is
     * reported by {@link #damage()} after {@link #load}, never truncated.
     */
    public static FileBlockStore openReadOnly(Path dataDir, BlockCodec codec) throws IOException {
        return new FileBlockStore(RecordLog.openReadOnly(dataDir.resolve(FILE_NAME)), codec);
    }

    /** After a read-only load: what was wrong at the end of the file, if anything. */
    public java.util.Optional<String> damage() {
        return java.util.Optional.ofNullable(log.tornTail());
    }

    /**
     * Appends the blocks in order and fsyncs once.
     *
     * @throws IllegalArgumentException if a block encodes to more than
     *     {@link BlockCodec#MAX_BLOCK_BYTES}, which could never be loaded again; nothing is written then
     */
    @Override
    public void append(List<Block> blocks) throws IOException {
        List<byte[]> records = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            byte[] bytes = codec.encode(b);
            if (bytes.length > BlockCodec.MAX_BLOCK_BYTES) {
                throw new IllegalArgumentException(b + " encodes to " + bytes.length
                        + " bytes, over the limit of " + BlockCodec.MAX_BLOCK_BYTES);
            }
            records.add(bytes);
        }
        log.append(records);
    }

    /**
     * Decodes every stored block in append order into {@code sink}.
     *
     * @throws IOException if the file cannot be read, or a complete record does not decode (the
     *     message names the record's index, its file offset and the decode error)
     */
    @Override
    public void load(Consumer<Block> sink) throws IOException {
        log.read((index, offset, payload) -> {
            Block block;
            try {
                block = codec.decode(payload);
            } catch (CodecException | RuntimeException e) {
                throw new IOException(log.file() + " is corrupt: record " + index + " at offset " + offset
                        + " has a good checksum but is not a block: " + e.getMessage(), e);
            }
            sink.accept(block);
        });
    }

    /** Closes the file. Idempotent. */
    @Override
    public void close() throws IOException {
        log.close();
    }

    @Override
    public String toString() {
        return "FileBlockStore[" + log.file() + "]";
    }
}
