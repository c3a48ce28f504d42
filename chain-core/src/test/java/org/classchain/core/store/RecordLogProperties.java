package org.classchain.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** A log cut anywhere reads back exactly the records that end before the cut, and stays appendable. */
class RecordLogProperties {

    @Property(tries = 200)
    void aCutAnywhereKeepsExactlyTheCompletePrefix(
            @ForAll @Size(min = 1, max = 12) List<@Size(min = 1, max = 300) byte[]> records,
            @ForAll @IntRange(min = 0, max = 100) int cutPercent,
            @ForAll @Size(min = 1, max = 40) byte[] extra) throws IOException {
        Path dir = Files.createTempDirectory("recordlog");
        try {
            Path file = dir.resolve("x.log");
            try (RecordLog log = RecordLog.open(file)) {
                log.append(records.subList(0, records.size() / 2));
                log.append(records.subList(records.size() / 2, records.size()));
            }
            long cut = Files.size(file) * cutPercent / 100;
            RecordLogTest.truncate(file, cut);

            List<byte[]> expected = new ArrayList<>();
            long end = 0;
            for (byte[] r : records) {
                end += RecordLog.HEADER_BYTES + r.length;
                if (end > cut) {
                    break;
                }
                expected.add(r);
            }
            List<byte[]> read = new ArrayList<>();
            try (RecordLog log = RecordLog.open(file)) {
                log.read(read::add);
                log.append(List.of(extra));
            }
            assertThat(read).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(expected);

            expected.add(extra);
            List<byte[]> reread = new ArrayList<>();
            try (RecordLog log = RecordLog.open(file)) {
                log.read(reread::add);
            }
            assertThat(reread).usingElementComparator(java.util.Arrays::compare).containsExactlyElementsOf(expected);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
