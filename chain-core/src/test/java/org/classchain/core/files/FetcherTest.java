package org.classchain.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.classchain.Hash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FetcherTest {

    static final int CHUNK = 4096;
    static final Fetcher.Settings FAST = new Fetcher.Settings(4, Duration.ofMillis(400), Duration.ofMillis(20));

    @TempDir
    Path dir;

    static byte[] randomFile(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static Manifest describe(byte[] file, String name) throws IOException {
        return Manifest.of(new java.io.ByteArrayInputStream(file), name, CHUNK);
    }

    static BitSet range(int from, int to) {
        BitSet b = new BitSet();
        b.set(from, to);
        return b;
    }

    /** Records what the fetcher reports as bad. */
    static class Charges implements Fetcher.Listener {
        final List<String> bad = new ArrayList<>();
        long lastHeld;

        @Override
        public void progress(long held, long size) {
            lastHeld = held;
        }

        @Override
        public void badSource(String sourceId, String what) {
            bad.add(sourceId + ": " + what);
        }
    }

    @Test
    void takesChunksFromSeveralSourcesAndCompletesTheCheckedFile() throws Exception {
        byte[] file = randomFile(CHUNK * 20 + 123, 1);
        Manifest m = describe(file, "worksheet.pdf");
        MemorySource teacher = MemorySource.full("teacher", file, m);
        MemorySource alice = new MemorySource("alice", file, m, range(0, 10));
        MemorySource bob = new MemorySource("bob", file, m, range(10, 21));
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            Charges charges = new Charges();
            FetchReport report = new Fetcher(FAST).fetch(into, () -> List.of(teacher, alice, bob), charges);

            assertThat(into.isComplete()).isTrue();
            assertThat(Files.readAllBytes(into.completeFile().orElseThrow())).isEqualTo(file);
            assertThat(report.fetchedBytes()).isEqualTo(file.length);
            assertThat(report.bytesBySource().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(file.length);
            assertThat(alice.served.get() + bob.served.get()).as("classmates served most").isGreaterThan(teacher.served.get());
            assertThat(charges.lastHeld).isEqualTo(file.length);
            assertThat(report.summary()).contains(file.length + " bytes, SHA-256 OK");
            assertThat(dir.resolve("files").resolve(m.ref().root().hex()).resolve(StoredFile.PARTIAL)).doesNotExist();
        }
    }

    @Test
    void aChunkThatFailsItsHashIsFetchedAgainElsewhereAndTheSourceIsCharged() throws Exception {
        byte[] file = randomFile(CHUNK * 12, 2);
        Manifest m = describe(file, "a.bin");
        MemorySource teacher = MemorySource.full("teacher", file, m);
        MemorySource mallory = MemorySource.full("mallory", file, m);
        for (int i = 0; i < 12; i++) {
            mallory.corrupt.add(i);
        }
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            Charges charges = new Charges();
            // mallory first in line after the teacher, and the teacher looks busier: mallory is asked first
            FetchReport report = new Fetcher(FAST).fetch(into, () -> List.of(teacher, mallory), charges);

            assertThat(Files.readAllBytes(into.completeFile().orElseThrow())).isEqualTo(file);
            assertThat(mallory.served.get()).as("mallory was asked").isPositive();
            assertThat(report.badChunksBySource()).containsKey("mallory");
            assertThat(charges.bad).anyMatch(s -> s.startsWith("mallory: chunk ") && s.contains("failed its SHA-256"));
            assertThat(report.summary()).contains("bad chunk(s) from mallory");
        }
    }

    @Test
    void aForgedManifestIsRefusedAndTakenFromAnotherSource() throws Exception {
        byte[] file = randomFile(CHUNK * 3, 3);
        Manifest m = describe(file, "a.bin");
        MemorySource mallory = MemorySource.full("mallory", file, m);
        mallory.badManifest = true;
        MemorySource teacher = MemorySource.full("teacher", file, m);
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            Charges charges = new Charges();
            new Fetcher(FAST).fetch(into, () -> List.of(mallory, teacher), charges);
            assertThat(into.isComplete()).isTrue();
            assertThat(charges.bad).anyMatch(s -> s.startsWith("mallory: the manifest"));
        }
    }

    @Test
    void theTeacherGoingAwayMidTransferIsFinishedFromClassmates() throws Exception {
        byte[] file = randomFile(CHUNK * 30, 4);
        Manifest m = describe(file, "a.bin");
        MemorySource teacher = MemorySource.full("teacher", file, m);
        MemorySource alice = new MemorySource("alice", file, m, range(0, 15));
        MemorySource bob = new MemorySource("bob", file, m, range(15, 30));
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            new Fetcher(FAST).fetch(into, () -> List.of(teacher, alice, bob), new Charges() {
                @Override
                public void progress(long held, long size) {
                    if (held >= 5L * CHUNK) {
                        teacher.gone = true; // the teacher's computer is switched off a sixth of the way
                    }
                }
            });
            assertThat(Files.readAllBytes(into.completeFile().orElseThrow())).isEqualTo(file);
            assertThat(teacher.gone).isTrue();
            assertThat(teacher.served.get()).isLessThan(30);
        }
    }

    @Test
    void whenNoReachableSourceHoldsTheRestItStopsSayingWhyAndKeepsWhatItHas() throws Exception {
        byte[] file = randomFile(CHUNK * 10, 5);
        Manifest m = describe(file, "video.mp4");
        MemorySource teacher = MemorySource.full("teacher", file, m);
        teacher.goneAfter.set(4);
        MemorySource alice = new MemorySource("alice", file, m, range(0, 2));
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            assertThatThrownBy(() -> new Fetcher(FAST).fetch(into, () -> List.of(teacher, alice), new Charges()))
                    .isInstanceOf(FetchException.class)
                    .hasMessageContaining("chunks of video.mp4 missing")
                    .hasMessageContaining("teacher (teacher's peer): unreachable (Connection refused)")
                    .hasMessageContaining("alice: holds 0 of them");
            assertThat(into.isComplete()).isFalse();
            assertThat(into.have().cardinality()).isBetween(4, 6);
        }
    }

    @Test
    void aPeerRestartedMidTransferKeepsItsChunksAndFetchesOnlyTheRest() throws Exception {
        byte[] file = randomFile(CHUNK * 16, 6);
        Manifest m = describe(file, "a.bin");
        MemorySource teacher = MemorySource.full("teacher", file, m);
        teacher.goneAfter.set(7);
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            assertThatThrownBy(() -> new Fetcher(FAST).fetch(into, () -> List.of(teacher), new Charges()))
                    .isInstanceOf(FetchException.class);
        }
        // a torn entry at the end of the have-log, as a crash mid-append leaves it
        Path log = dir.resolve("files").resolve(m.ref().root().hex()).resolve(StoredFile.HAVE);
        Files.write(log, new byte[] {0, 0}, java.nio.file.StandardOpenOption.APPEND);

        MemorySource back = MemorySource.full("teacher", file, m);
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            int kept = into.have().cardinality();
            assertThat(kept).isEqualTo(7);
            FetchReport report = new Fetcher(FAST).fetch(into, () -> List.of(back), new Charges());
            assertThat(Files.readAllBytes(into.completeFile().orElseThrow())).isEqualTo(file);
            assertThat(report.fetchedBytes()).isEqualTo((long) (16 - kept) * CHUNK);
            assertThat(back.served.get()).isEqualTo(16 - kept);
        }
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            assertThat(store.find(m.ref().root()).orElseThrow().isComplete()).isTrue();
        }
    }

    @Test
    void chunksLoggedButNeverWrittenBeforeAPowerCutAreFetchedAgainNotServed() throws Exception {
        // the data and the have-log are fsync'd once a period, not per chunk: a power cut can leave
        // the log naming chunks whose bytes never reached the disk (here: zeros in data.part)
        byte[] file = randomFile(CHUNK * 8, 10);
        Manifest m = describe(file, "a.bin");
        Path entry = dir.resolve("files").resolve(m.ref().root().hex());
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            into.putManifest(m);
            for (int i = 0; i < 6; i++) {
                assertThat(into.put(i, java.util.Arrays.copyOfRange(file, i * CHUNK, (i + 1) * CHUNK))).isTrue();
            }
        }
        try (var ch = java.nio.channels.FileChannel.open(entry.resolve(StoredFile.PARTIAL),
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(2 * CHUNK), 2L * CHUNK); // chunks 2 and 3 lost
        }
        MemorySource teacher = MemorySource.full("teacher", file, m);
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            assertThat(into.have().cardinality()).as("the log names six").isEqualTo(6);
            assertThat(into.read(2)).as("a lost chunk is not served").isEmpty();
            assertThat(into.read(1)).isPresent();
            FetchReport report = new Fetcher(FAST).fetch(into, () -> List.of(teacher), new Charges());
            assertThat(Files.readAllBytes(into.completeFile().orElseThrow())).isEqualTo(file);
            assertThat(report.fetchedBytes()).as("the two missing, the two lost").isEqualTo(4L * CHUNK);
        }
    }

    @Test
    void aFileTooBigForTheFreeDiskIsRefusedBeforeAnythingIsWritten() throws IOException {
        Manifest m = describe(randomFile(CHUNK * 5, 7), "big.iso");
        try (ChunkStore store = new ChunkStore(dir.resolve("files"), p -> 1000)) {
            assertThatThrownBy(() -> store.open(m.ref()))
                    .hasMessage("too big for free disk: needs 20.5 kB (20480 bytes), has 1.0 kB (1000 bytes)");
            assertThat(store.find(m.ref().root())).isEmpty();
        }
    }

    @Test
    void importDescribesAndKeepsTheTeachersFileAndServesItsChunks() throws IOException {
        byte[] file = randomFile(CHUNK * 3 + 5, 8);
        Path source = dir.resolve("sheet.pdf");
        Files.write(source, file);
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile f = store.importFile(source, "sheet.pdf", CHUNK);
            assertThat(f.ref()).isEqualTo(describe(file, "sheet.pdf").ref());
            assertThat(f.read(3).orElseThrow()).hasSize(5);
            assertThat(store.find(f.ref().root())).containsSame(f);
            assertThat(store.find(Hash.ZERO)).isEmpty();
            assertThatThrownBy(() -> store.importFile(dir.resolve("missing.pdf"), "missing.pdf", CHUNK))
                    .hasMessage("cannot read " + dir.resolve("missing.pdf") + ": no such file");
        }
    }

    @Test
    void aChunkChangedOnDiskIsNotServed() throws IOException {
        byte[] file = randomFile(CHUNK * 2, 9);
        Path source = dir.resolve("a.bin");
        Files.write(source, file);
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile f = store.importFile(source, "a.bin", CHUNK);
            try (var ch = java.nio.channels.FileChannel.open(f.completeFile().orElseThrow(),
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3}), 10);
            }
            assertThat(f.read(0)).isEmpty();
            assertThat(f.have().get(0)).isFalse();
            assertThat(f.read(1)).isPresent();
        }
    }

    @Test
    void anEmptyFileNeedsNoSource() throws Exception {
        Manifest m = describe(new byte[0], "empty.txt");
        try (ChunkStore store = new ChunkStore(dir.resolve("files"))) {
            StoredFile into = store.open(m.ref());
            new Fetcher(FAST).fetch(into, List::of, new Charges());
            assertThat(Files.size(into.completeFile().orElseThrow())).isZero();
        }
    }
}
