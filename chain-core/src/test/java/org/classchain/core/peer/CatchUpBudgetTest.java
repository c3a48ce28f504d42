package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.classchain.core.peer.CatchUp.Effort;
import org.classchain.core.peer.CatchUp.Outcome;
import org.classchain.core.testing.FakeClock;
import org.junit.jupiter.api.Test;

/**
 * The effort a catch-up spends on one source, and what a source that wasted it or failed costs
 * it afterwards, with time moved by the test's clock.
 */
class CatchUpBudgetTest {

    private static final String A = "http://127.0.0.2:1";
    private static final String B = "http://127.0.0.3:1";

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T09:00:00Z"));
    private final CatchUpSources sources = new CatchUpSources(clock);

    @Test
    void pagesThatAddNothingToTheBestChainSpendTheAllowanceAndProgressDoesNot() {
        Effort effort = new Effort(100, 3);
        assertThat(effort.page(100)).isTrue(); // known blocks
        assertThat(effort.page(150)).isTrue(); // progress: not counted
        assertThat(effort.page(150)).isTrue(); // orphans, or a side branch
        assertThat(effort.gained()).isTrue();
        assertThat(effort.page(120)).as("the third fruitless page spends the allowance").isFalse();
        assertThat(effort.fruitless()).isEqualTo(3);
    }

    @Test
    void endlessKnownPagesStopAfterTheBudget() {
        Effort effort = new Effort(100, CatchUp.FRUITLESS_PAGES);
        int pages = 0;
        while (effort.page(100)) {
            pages++;
        }
        assertThat(pages + 1).isEqualTo(CatchUp.FRUITLESS_PAGES);
        assertThat(effort.gained()).isFalse();
    }

    @Test
    void oneCatchUpPerSourceAtATime() {
        assertThat(sources.begin(A)).isTrue();
        assertThat(sources.begin(A)).as("a second catch-up from the same source").isFalse();
        assertThat(sources.idle(A)).isFalse();
        assertThat(sources.begin(B)).as("another source").isTrue();
        sources.end(A, Outcome.PROGRESS);
        assertThat(sources.idle(A)).isTrue();
        assertThat(sources.begin(A)).isTrue();
    }

    @Test
    void aSourceThatServedNothingNewIsBackedOffDoublingUpToTheCapAndProgressClearsIt() {
        Duration expected = CatchUpSources.FIRST_BACK_OFF;
        for (int i = 0; i < 8; i++) {
            assertThat(sources.begin(A)).isTrue();
            sources.end(A, i % 2 == 0 ? Outcome.NOTHING_NEW : Outcome.FAILED);
            assertThat(sources.backOff(A)).isEqualTo(expected);
            assertThat(sources.idle(A)).isFalse();
            assertThat(sources.begin(A)).as("backed off").isFalse();
            clock.advance(expected.minusMillis(1));
            assertThat(sources.begin(A)).as("still backed off").isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(sources.idle(A)).isTrue();
            expected = expected.multipliedBy(2).compareTo(CatchUpSources.MAX_BACK_OFF) > 0 ? CatchUpSources.MAX_BACK_OFF
                    : expected.multipliedBy(2);
        }
        assertThat(expected).isEqualTo(CatchUpSources.MAX_BACK_OFF);
        assertThat(sources.begin(A)).isTrue();
        sources.end(A, Outcome.PROGRESS);
        assertThat(sources.backOff(A)).isZero();
        assertThat(sources.size()).as("a source with nothing held against it is forgotten").isZero();
        assertThat(sources.begin(A)).isTrue();
        sources.end(A, Outcome.NOTHING_NEW);
        assertThat(sources.backOff(A)).as("after progress, the first back-off again").isEqualTo(CatchUpSources.FIRST_BACK_OFF);
    }

    @Test
    void aNeutralEndHoldsNothingAgainstTheSource() {
        assertThat(sources.begin(A)).isTrue();
        sources.end(A, Outcome.NEUTRAL);
        assertThat(sources.idle(A)).isTrue();
        assertThat(sources.size()).isZero();
    }

    @Test
    void aClockSetBackDoesNotStretchABackOff() {
        sources.begin(A);
        sources.end(A, Outcome.FAILED);
        assertThat(sources.idle(A)).isFalse();
        clock.advance(Duration.ofMinutes(-10));
        assertThat(sources.idle(A)).isTrue();
    }

    @Test
    void aSlowSourceIsAskedForSmallerPagesAndLargerOnesAgainOnceTheyComeQuickly() {
        assertThat(sources.limit(A)).isEqualTo(CatchUp.PAGE);
        sources.begin(A);
        sources.timedOut(A);
        sources.end(A, Outcome.FAILED);
        assertThat(sources.limit(A)).isEqualTo(CatchUp.PAGE / 4);
        clock.advance(CatchUpSources.MAX_BACK_OFF);
        sources.begin(A);
        sources.timedOut(A);
        sources.end(A, Outcome.FAILED);
        assertThat(sources.limit(A)).isEqualTo(CatchUp.PAGE / 16);
        clock.advance(CatchUpSources.MAX_BACK_OFF);
        sources.begin(A);
        for (int i = 0; i < 5; i++) {
            sources.quick(A);
        }
        sources.end(A, Outcome.PROGRESS);
        assertThat(sources.limit(A)).isEqualTo(CatchUp.PAGE);
        assertThat(sources.size()).isZero();
    }

    @Test
    void theSourcesRememberedAreBounded() {
        for (int i = 0; i < CatchUpSources.MAX_REMEMBERED + 100; i++) {
            String a = "http://10.0." + (i / 250) + "." + (i % 250) + ":1";
            sources.begin(a);
            sources.end(a, Outcome.FAILED);
        }
        assertThat(sources.size()).isEqualTo(CatchUpSources.MAX_REMEMBERED);
    }
}
