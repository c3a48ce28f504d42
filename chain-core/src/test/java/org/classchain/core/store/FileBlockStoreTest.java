package org.classchain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.classchain.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlockStoreTest {

    private static final int N = 5;

    @TempDir
    Path dir;

    private static List<Block> load(Path dataDir) throws IOException {
        List<Block> out = new ArrayList<>();
        try (FileBlockStore store = FileBlockStore.open(dataDir, TestBlocks.CODEC)) {
            store.load(out::add);
        }
        return out;
    }

    private static void append(Path dataDir, List<Block> blocks) throws IOException {
        try (FileBlockStore store = FileBlockStore.open(dataDir, TestBlocks.CODEC)) {
            store.append(blocks);
        }
    }

    /** File offsets where each record starts, plus the file's end. */
    private static long[] recordStarts(List<Block> blocks) {
        long[] starts = new long[blocks.size() + 1];
        for (int i = 0; i < blocks.size(); i++) {
            starts[i + 1] = starts[i] + RecordLog.HEADER_BYTES + TestBlocks.CODEC.encode(blocks.get(i)).length;
        }
        return starts;
    }

    private Path copyTruncated(byte[] full, long length, String name) throws IOException {
        Path copy = dir.resolve(name);
        Files.createDirectories(copy);
        Files.write(copy.resolve(FileBlockStore.FILE_NAME), Arrays.copyOf(full, (int) length));
        return copy;
    }

    @Test
    void aTornLastRecordAtEveryOffsetKeepsTheOtherBlocksAndStaysAppendable() throws IOException {
        List<Block> blocks = TestBlocks.chain(N + 1);
        List<Block> stored = blocks.subList(0, N);
        Block later = blocks.get(N);
        Path original = dir.resolve("original");
        append(original, stored.subList(0, 2));
        append(original, stored.subList(2, N));
        byte[] full = Files.readAllBytes(original.resolve(FileBlockStore.FILE_NAME));
        long[] starts = recordStarts(stored);
        assertThat(full).hasSize((int) starts[N]);
        assertThat(load(original)).containsExactlyElementsOf(stored);

        for (long cut = starts[N - 1]; cut < starts[N]; cut++) {
            Path copy = copyTruncated(full, cut, "cut-" + cut);

            assertThat(load(copy)).as("cut at %d", cut).containsExactlyElementsOf(stored.subList(0, N - 1));
            assertThat(Files.size(copy.resolve(FileBlockStore.FILE_NAME))).as("cut at %d", cut).isEqualTo(starts[N - 1]);

            append(copy, List.of(later));
            List<Block> expected = new ArrayList<>(stored.subList(0, N - 1));
            expected.add(later);
            assertThat(load(copy)).as("cut at %d, after one more append", cut).containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aCutInsideAnEarlierRecordKeepsExactlyTheCompletePrefix() throws IOException {
        List<Block> stored = TestBlocks.chain(N);
        Path original = dir.resolve("original");
        append(original, stored);
        byte[] full = Files.readAllBytes(original.resolve(FileBlockStore.FILE_NAME));
        long[] starts = recordStarts(stored);
        for (int record = 0; record < N - 1; record++) {
            long[] cuts = {starts[record], starts[record] + 3, starts[record] + RecordLog.HEADER_BYTES,
                    (starts[record] + starts[record + 1]) / 2, starts[record + 1] - 1};
            for (long cut : cuts) {
                Path copy = copyTruncated(full, cut, "cut-" + cut);
                assertThat(load(copy)).as("cut at %d inside record %d", cut, record)
                        .containsExactlyElementsOf(stored.subList(0, record));
            }
        }
    }

    @Test
    void aFlippedByteInTheLastPayloadIsDroppedAsTorn() throws IOException {
        List<Block> stored = TestBlocks.chain(N);
        append(dir, stored);
        Path file = dir.resolve(FileBlockStore.FILE_NAME);
        long[] starts = recordStarts(stored);
        byte[] raw = Files.readAllBytes(file);
        raw[(int) (starts[N - 1] + RecordLog.HEADER_BYTES + 40)] ^= 0x20;
        Files.write(file, raw);

        assertThat(load(dir)).containsExactlyElementsOf(stored.subList(0, N - 1));
        assertThat(Files.size(file)).isEqualTo(starts[N - 1]);
    }

    @Test
    void aCompleteRecordThatIsNotABlockIsCorruptionNamingItsOffset() throws IOException {
        List<Block> stored = TestBlocks.chain(3);
        append(dir, stored);
        Path file = dir.resolve(FileBlockStore.FILE_NAME);
        long offset = Files.size(file);
        byte[] garbage = "this is not a block, but its checksum is right".getBytes(StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(garbage);
        ByteBuffer record = ByteBuffer.allocate(RecordLog.HEADER_BYTES + garbage.length)
                .putInt(garbage.length).putInt((int) crc.getValue()).put(garbage);
        Files.write(file, record.array(), StandardOpenOption.APPEND);
        long sizeWithGarbage = Files.size(file);

        List<Block> seen = new ArrayList<>();
        try (FileBlockStore store = FileBlockStore.open(dir, TestBlocks.CODEC)) {
            assertThatThrownBy(() -> store.load(seen::add))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("record 3")
                    .hasMessageContaining("offset " + offset)
                    .hasMessageContaining("header is 96 bytes");
        }
        assertThat(seen).containsExactlyElementsOf(stored);
        assertThat(Files.size(file)).as("corruption is never truncated away").isEqualTo(sizeWithGarbage);
    }

    @Test
    void manyBlocksInBatchesSurviveReopen() throws IOException {
        List<Block> blocks = TestBlocks.chain(2_000);
        try (FileBlockStore store = FileBlockStore.open(dir.resolve("data"), TestBlocks.CODEC)) {
            store.load(b -> { });
            for (int from = 0; from < blocks.size(); from += 250) {
                store.append(blocks.subList(from, Math.min(blocks.size(), from + 250)));
            }
        }
        assertThat(load(dir.resolve("data"))).containsExactlyElementsOf(blocks);

        Block next = TestBlocks.next(blocks.get(blocks.size() - 1));
        append(dir.resolve("data"), List.of(next));
        List<Block> reloaded = load(dir.resolve("data"));
        assertThat(reloaded).hasSize(2_001);
        assertThat(reloaded.get(2_000)).isEqualTo(next);
        assertThat(reloaded.get(2_000).hash()).isEqualTo(next.hash());
    }

    @Test
    void anEmptyDataDirLoadsNothing() throws IOException {
        assertThat(load(dir.resolve("fresh"))).isEmpty();
        assertThat(dir.resolve("fresh").resolve(FileBlockStore.FILE_NAME)).exists();
    }
}
