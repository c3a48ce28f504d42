package org.classchain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordLogTest {

    @TempDir
    Path dir;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> readAll(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        try (RecordLog log = RecordLog.open(file)) {
            log.read(p -> out.add(new String(p, StandardCharsets.UTF_8)));
        }
        return out;
    }

    @Test
    void createsTheFileAndReplaysBatchesInOrder() throws IOException {
        Path file = dir.resolve("x.log");
        try (RecordLog log = RecordLog.open(file)) {
            assertThat(file).exists().isEmptyFile();
            log.append(List.of(bytes("a"), bytes("bb")));
            log.append(List.of());
            log.append(List.of(bytes("ccc")));
        }
        assertThat(Files.size(file)).isEqualTo(3 * RecordLog.HEADER_BYTES + 6);
        assertThat(readAll(file)).containsExactly("a", "bb", "ccc");
    }

    @Test
    void appendBeforeReadDoesNotLandBehindATornTail() throws IOException {
        Path file = dir.resolve("x.log");
        try (RecordLog log = RecordLog.open(file)) {
            log.append(List.of(bytes("one"), bytes("two")));
        }
        truncate(file, Files.size(file) - 1);
        try (RecordLog log = RecordLog.open(file)) {
            log.append(List.of(bytes("three")));
        }
        assertThat(readAll(file)).containsExactly("one", "three");
    }

    @Test
    void aZeroFilledTailIsTornNotAnEmptyRecord() throws IOException {
        Path file = dir.resolve("x.log");
        try (RecordLog log = RecordLog.open(file)) {
            log.append(List.of(bytes("one")));
        }
        long good = Files.size(file);
        Files.write(file, new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        assertThat(readAll(file)).containsExactly("one");
        assertThat(Files.size(file)).isEqualTo(good);
    }

    @Test
    void anAbsurdLengthIsTornAndNotAllocated() throws IOException {
        Path file = dir.resolve("x.log");
        try (RecordLog log = RecordLog.open(file)) {
            log.append(List.of(bytes("one")));
        }
        long good = Files.size(file);
        byte[] header = ByteBuffer.allocate(RecordLog.HEADER_BYTES)
                .putInt(RecordLog.MAX_RECORD_BYTES + 1).putInt(0).array();
        Files.write(file, header, java.nio.file.StandardOpenOption.APPEND);
        Files.write(file, new byte[100], java.nio.file.StandardOpenOption.APPEND);
        assertThat(readAll(file)).containsExactly("one");
        assertThat(Files.size(file)).isEqualTo(good);
    }

    @Test
    void rejectsEmptyRecordsWithoutWritingTheBatch() throws IOException {
        Path file = dir.resolve("x.log");
        try (RecordLog log = RecordLog.open(file)) {
            assertThatThrownBy(() -> log.append(List.of(bytes("ok"), new byte[0])))
                    .isInstanceOf(IllegalArgumentException.class);
            log.append(List.of(bytes("after")));
        }
        assertThat(readAll(file)).containsExactly("after");
    }

    @Test
    void aCrcMismatchDropsThatRecordAndEverythingAfterIt() throws IOException {
        Path file = dir.resolve("x.log");
        try (RecordLog log = RecordLog.open(file)) {
            log.append(List.of(bytes("first"), bytes("second"), bytes("third")));
        }
        byte[] raw = Files.readAllBytes(file);
        int secondPayload = RecordLog.HEADER_BYTES + 5 + RecordLog.HEADER_BYTES;
        raw[secondPayload + 2] ^= 0x01;
        Files.write(file, raw);
        assertThat(readAll(file)).containsExactly("first");
        assertThat(Files.size(file)).isEqualTo(RecordLog.HEADER_BYTES + 5);
    }

    static void truncate(Path file, long length) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(length);
        }
    }
}
