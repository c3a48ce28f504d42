package org.classchain.core.files;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What a {@link Fetcher} did for one file.
 *
 * @param ref the file, now complete and checked
 * @param fetchedBytes chunk bytes taken from sources in this run (0 when it was already here)
 * @param bytesBySource those bytes by source id
 * @param badChunksBySource chunks that failed their SHA-256, by source id (each fetched again elsewhere)
 * @param took how long it ran
 */
public record FetchReport(FileRef ref, long fetchedBytes, Map<String, Long> bytesBySource,
                          Map<String, Integer> badChunksBySource, Duration took) {

    /** Copies the maps. */
    public FetchReport {
        bytesBySource = Map.copyOf(bytesBySource);
        badChunksBySource = Map.copyOf(badChunksBySource);
    }

    /** {@return one line for a receipt: bytes, SHA-256 OK, sources, bad chunks} */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append(ref.size()).append(" bytes, SHA-256 OK (").append(ref.sha256().shortHex()).append(')');
        if (!bytesBySource.isEmpty()) {
            sb.append(", from ").append(bytesBySource.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
        if (!badChunksBySource.isEmpty()) {
            sb.append("; refetched elsewhere ").append(badChunksBySource.entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .map(e -> e.getValue() + " bad chunk(s) from " + e.getKey()).collect(Collectors.joining(", ")));
        }
        return sb.toString();
    }
}
