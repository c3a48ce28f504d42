package org.classchain.core.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BoundedTableTest {

    private final AtomicLong now = new AtomicLong();
    private final AtomicInteger made = new AtomicInteger();

    /** Entries are the time they were made; those made before {@code forgetBefore} can be forgotten. */
    private final AtomicLong forgetBefore = new AtomicLong(Long.MIN_VALUE);

    private BoundedTable<long[]> table(int max) {
        return new BoundedTable<>(max, "(overflow)", now::get, t -> {
            made.incrementAndGet();
            return new long[] {t};
        }, (e, t) -> e[0] < forgetBefore.get());
    }

    @Test
    void aSenderKeepsItsEntry() {
        BoundedTable<long[]> t = table(3);
        assertThat(t.entry("a")).isSameAs(t.entry("a")).isNotSameAs(t.entry("b"));
        assertThat(t.peek("a")).isSameAs(t.entry("a"));
        assertThat(t.peek("c")).as("peek makes nothing while there is room").isNull();
        assertThat(t.size()).isEqualTo(2);
    }

    @Test
    void newSendersOfAFullTableShareTheOverflowEntryAndMakeNoOtherEntry() {
        BoundedTable<long[]> t = table(3);
        t.entry("a");
        t.entry("b");
        t.entry("c");
        long[] overflow = t.entry("d");
        for (int i = 0; i < 100_000; i++) {
            assertThat(t.entry("x" + i)).isSameAs(overflow);
        }
        assertThat(t.peek("y")).isSameAs(overflow);
        assertThat(t.size()).isEqualTo(4);
        assertThat(made.get()).isEqualTo(4);
    }

    @Test
    void aFullTableForgetsWhatCanBeForgottenAtMostOncePerSweepInterval() {
        BoundedTable<long[]> t = table(3);
        t.entry("a");
        t.entry("b");
        t.entry("c");
        long[] overflow = t.entry("d"); // a sweep (nothing to forget), then the overflow
        forgetBefore.set(1);
        now.addAndGet(BoundedTable.SWEEP_INTERVAL_NANOS / 2);
        assertThat(t.entry("e")).as("no second sweep within the interval").isSameAs(overflow);
        now.addAndGet(BoundedTable.SWEEP_INTERVAL_NANOS / 2);
        long[] e = t.entry("e");
        assertThat(e).as("the sweep made room").isNotSameAs(overflow);
        assertThat(t.peek("a")).as("a was forgotten").isNull();
        assertThat(t.peek("(overflow)")).as("the overflow entry is never swept").isSameAs(overflow);
    }

    @Test
    void aTableNeedsRoom() {
        assertThatThrownBy(() -> table(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
