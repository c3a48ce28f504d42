package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The peer's {@code ReceiptDelivery}: an action waits for its receipt to be taken (then its
 * delay), runs anyway after its longest wait, runs once, and is dropped by close.
 */
class ReceiptWatchTest {

    @Test
    void anActionRunsOnlyOnceItsReceiptWasTakenAndOnlyOnce() throws Exception {
        try (ReceiptWatch w = new ReceiptWatch("test")) {
            UUID id = UUID.randomUUID();
            List<Boolean> ran = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            w.afterDelivery(id, Duration.ZERO, Duration.ofMinutes(10), t -> {
                ran.add(t);
                done.countDown();
            });
            w.taken(UUID.randomUUID()); // another command's receipt
            assertThat(done.await(300, TimeUnit.MILLISECONDS)).as("ran before its receipt was taken").isFalse();
            w.taken(id);
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            w.taken(id); // taken again (409 known already): nothing more
            assertThat(ran).containsExactly(true);
        }
    }

    @Test
    void notTakenWithinItsLongestWaitItRunsAnywayToldSo() throws Exception {
        try (ReceiptWatch w = new ReceiptWatch("test")) {
            List<Boolean> ran = new CopyOnWriteArrayList<>();
            CountDownLatch done = new CountDownLatch(1);
            UUID id = UUID.randomUUID();
            w.afterDelivery(id, Duration.ofHours(1), Duration.ofMillis(50), t -> {
                ran.add(t);
                done.countDown();
            });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
            w.taken(id); // too late: nothing more
            assertThat(ran).containsExactly(false);
        }
    }

    @Test
    void closeDropsWhatWaitsAndStopsItsThread() throws Exception {
        ReceiptWatch w = new ReceiptWatch("closing");
        CountDownLatch done = new CountDownLatch(1);
        UUID id = UUID.randomUUID();
        // due 1 s after its receipt was taken: close comes before that, even on a loaded machine
        // (with 100 ms, a 150 ms stall between taken and close let the action run before close)
        w.afterDelivery(id, Duration.ofSeconds(1), Duration.ofMinutes(10), t -> done.countDown());
        w.taken(id);
        w.close();
        assertThat(done.await(1500, TimeUnit.MILLISECONDS)).as("a delayed action after close").isFalse();
        org.classchain.core.testing.Await.until("its thread ended", Duration.ofSeconds(10),
                () -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().equals("classchain-after-receipt-closing")));
        assertThatThrownBy(() -> w.afterDelivery(UUID.randomUUID(), Duration.ZERO, Duration.ZERO, t -> { }))
                .isInstanceOf(IllegalStateException.class);
    }
}
