package org.classchain.core.files;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Whatever the file, the chunk size, how the pieces are spread over the classmates and which of
 * them corrupt what they serve, a fetch that has an honest origin ends with exactly the file,
 * and every source that served a bad chunk was charged; a manifest of other bytes never decodes.
 */
class FetcherProperties {

    @Property(tries = 40)
    void anyRoomDeliversExactlyTheFile(@ForAll @IntRange(min = 0, max = 40_000) int size,
                                       @ForAll @IntRange(min = 0, max = 2) int chunkShift,
                                       @ForAll @IntRange(min = 0, max = 4) int classmates,
                                       @ForAll @IntRange(min = 1, max = 6) int parallelism,
                                       @ForAll long seed) throws Exception {
        Random r = new Random(seed);
        byte[] file = new byte[size];
        r.nextBytes(file);
        int chunk = FileRef.MIN_CHUNK << chunkShift;
        Manifest m = Manifest.of(new ByteArrayInputStream(file), "f.bin", chunk);
        int n = m.ref().chunkCount();
        List<ChunkSource> sources = new ArrayList<>();
        sources.add(MemorySource.full("teacher", file, m));
        List<MemorySource> cheats = new ArrayList<>();
        for (int c = 0; c < classmates; c++) {
            BitSet have = new BitSet();
            for (int i = 0; i < n; i++) {
                if (r.nextBoolean()) {
                    have.set(i);
                }
            }
            MemorySource s = new MemorySource("c" + c, file, m, have);
            if (r.nextInt(3) == 0) {
                have.stream().forEach(s.corrupt::add);
                cheats.add(s);
            }
            sources.add(s);
        }
        Path dir = Files.createTempDirectory("fetch");
        try (ChunkStore store = new ChunkStore(dir)) {
            StoredFile into = store.open(m.ref());
            List<String> charged = new ArrayList<>();
            FetchReport report = new Fetcher(new Fetcher.Settings(parallelism, Duration.ofSeconds(5),
                    Duration.ofMillis(10))).fetch(into, () -> sources, new Fetcher.Listener() {
                        @Override
                        public void badSource(String sourceId, String what) {
                            charged.add(sourceId);
                        }
                    });
            assertThat(Files.readAllBytes(into.completeFile().orElseThrow())).isEqualTo(file);
            for (MemorySource cheat : cheats) {
                if (cheat.served.get() > 0) {
                    assertThat(charged).contains(cheat.id());
                    assertThat(report.badChunksBySource()).containsKey(cheat.id());
                }
            }
            assertThat(report.fetchedBytes()).isGreaterThanOrEqualTo(size);
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Property(tries = 100)
    void aManifestWithAnyByteChangedIsRefused(@ForAll @IntRange(min = 1, max = 20_000) int size,
                                               @ForAll @IntRange(min = 0, max = 1_000_000) int where,
                                               @ForAll long seed) throws Exception {
        byte[] file = new byte[size];
        new Random(seed).nextBytes(file);
        Manifest m = Manifest.of(new ByteArrayInputStream(file), "f", FileRef.MIN_CHUNK);
        byte[] bytes = m.encode();
        assertThat(Manifest.decode(m.ref(), bytes)).isEqualTo(m);
        bytes[where % bytes.length] ^= 1;
        byte[] changed = bytes;
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Manifest.decode(m.ref(), changed))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
