package org.classchain.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.classchain.ReceiptStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {

    @TempDir
    Path dir;

    @Test
    void beginClaimsACommandOnce() throws IOException {
        UUID id = UUID.randomUUID();
        try (Journal journal = Journal.open(dir)) {
            assertThat(journal.seen(id)).isFalse();
            assertThat(journal.begin(id)).isTrue();
            assertThat(journal.begin(id)).isFalse();
            assertThat(journal.seen(id)).isTrue();
            assertThat(journal.outcome(id)).isEmpty();
            assertThat(journal.size()).isEqualTo(1);
        }
    }

    @Test
    void claimsAndOutcomesSurviveReopen() throws IOException {
        UUID ran = UUID.randomUUID();
        UUID expired = UUID.randomUUID();
        try (Journal journal = Journal.open(dir)) {
            assertThat(journal.begin(ran)).isTrue();
            journal.complete(ran, ReceiptStatus.EXECUTED);
            journal.complete(expired, ReceiptStatus.EXPIRED);
            assertThat(journal.outcome(ran)).contains(ReceiptStatus.EXECUTED);
        }
        try (Journal journal = Journal.open(dir)) {
            assertThat(journal.size()).isEqualTo(2);
            assertThat(journal.begin(ran)).isFalse();
            assertThat(journal.begin(expired)).isFalse();
            assertThat(journal.outcome(ran)).contains(ReceiptStatus.EXECUTED);
            assertThat(journal.outcome(expired)).contains(ReceiptStatus.EXPIRED);
            assertThat(journal.outcome(UUID.randomUUID())).isEmpty();
        }
    }

    @Test
    void aCommandBegunButNeverCompletedNeverRunsAgain() throws IOException {
        UUID crashed = UUID.randomUUID();
        Journal journal = Journal.open(dir);
        assertThat(journal.begin(crashed)).isTrue();
        journal.close(); // the peer dies while the module runs

        try (Journal reopened = Journal.open(dir)) {
            assertThat(reopened.seen(crashed)).isTrue();
            assertThat(reopened.begin(crashed)).isFalse();
            assertThat(reopened.outcome(crashed)).isEmpty();
        }
    }

    @Test
    void completingTwiceIsABug() throws IOException {
        UUID id = UUID.randomUUID();
        try (Journal journal = Journal.open(dir)) {
            journal.begin(id);
            journal.complete(id, ReceiptStatus.FAILED);
            assertThatThrownBy(() -> journal.complete(id, ReceiptStatus.EXECUTED))
                    .isInstanceOf(IllegalStateException.class);
            assertThat(journal.outcome(id)).contains(ReceiptStatus.FAILED);
        }
    }

    @Test
    void everyStatusRoundTrips() throws IOException {
        List<UUID> ids = new ArrayList<>();
        try (Journal journal = Journal.open(dir)) {
            for (ReceiptStatus s : ReceiptStatus.values()) {
                UUID id = UUID.randomUUID();
                ids.add(id);
                journal.begin(id);
                journal.complete(id, s);
            }
        }
        try (Journal journal = Journal.open(dir)) {
            for (ReceiptStatus s : ReceiptStatus.values()) {
                assertThat(journal.outcome(ids.get(s.ordinal()))).contains(s);
            }
        }
    }

    @Test
    void theOnDiskStatusBytesArePinned() {
        // The journal stores ordinals: reordering ReceiptStatus would silently change old journals;
        // new statuses go at the end (UNAVAILABLE, issue 17).
        assertThat(ReceiptStatus.values()).containsExactly(ReceiptStatus.EXECUTED, ReceiptStatus.FAILED,
                ReceiptStatus.REFUSED, ReceiptStatus.EXPIRED, ReceiptStatus.UNKNOWN_MODULE, ReceiptStatus.UNAVAILABLE);
    }

    @Test
    void aTornTailIsDroppedAndTheJournalContinues() throws IOException {
        UUID kept = UUID.randomUUID();
        UUID torn = UUID.randomUUID();
        try (Journal journal = Journal.open(dir)) {
            journal.begin(kept);
            journal.complete(kept, ReceiptStatus.EXECUTED);
            journal.begin(torn);
        }
        Path file = dir.resolve(Journal.FILE_NAME);
        long recordBytes = RecordLog.HEADER_BYTES + Journal.RECORD_BYTES;
        assertThat(Files.size(file)).isEqualTo(3 * recordBytes);
        RecordLogTest.truncate(file, 3 * recordBytes - 5);

        UUID after = UUID.randomUUID();
        try (Journal journal = Journal.open(dir)) {
            assertThat(Files.size(file)).isEqualTo(2 * recordBytes);
            assertThat(journal.outcome(kept)).contains(ReceiptStatus.EXECUTED);
            assertThat(journal.seen(torn)).as("its STARTED record never became durable").isFalse();
            assertThat(journal.begin(after)).isTrue();
        }
        try (Journal journal = Journal.open(dir)) {
            assertThat(journal.size()).isEqualTo(2);
            assertThat(journal.seen(after)).isTrue();
        }
    }

    @Test
    void aWellFormedRecordWithAnUnknownStatusIsCorruption() throws IOException {
        Path file = dir.resolve(Journal.FILE_NAME);
        try (RecordLog log = RecordLog.open(file)) {
            byte[] entry = new byte[Journal.RECORD_BYTES];
            entry[16] = 42;
            log.append(List.of(entry));
        }
        assertThatThrownBy(() -> Journal.open(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("offset 0")
                .hasMessageContaining("unknown status byte 42");
    }

    @Test
    @Timeout(30)
    void concurrentBeginsClaimEachCommandExactlyOnce() throws Exception {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ids.add(UUID.randomUUID());
        }
        ConcurrentLinkedQueue<UUID> claimed = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        try (Journal journal = Journal.open(dir)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                        for (UUID id : ids) {
                            if (journal.begin(id)) {
                                claimed.add(id);
                            }
                        }
                    } catch (Throwable e) {
                        errors.add(e);
                    }
                }, "classchain-journal-test-" + t);
                thread.start();
                threads.add(thread);
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(20));
            }
            assertThat(errors).isEmpty();
            assertThat(claimed).hasSize(ids.size()).containsExactlyInAnyOrderElementsOf(ids);
        }
    }
}
