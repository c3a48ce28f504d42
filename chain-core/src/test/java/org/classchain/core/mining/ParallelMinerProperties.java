package org.classchain.core.mining;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import org.classchain.BlockHeader;
import org.classchain.Hash;
import org.classchain.core.block.HeaderCodec;
import org.junit.jupiter.api.Test;

/**
 * The miner's search on several threads finds exactly the nonce one thread finds, the lowest
 * winning one from the template's: every honest peer that mines a granted batch must mine the
 * same block, whatever its number of cores and however its threads are scheduled.
 */
class ParallelMinerProperties {

    private static final ExecutorService POOL = new ThreadPoolExecutor(0, 3, 10, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "test-miner-helper");
                t.setDaemon(true);
                return t;
            });

    @AfterContainer
    static void stopPool() {
        POOL.shutdownNow();
    }

    private static BlockHeader template(byte[] previous, byte[] payload, long time, int bits, long from) {
        return new BlockHeader(BlockHeader.CURRENT_VERSION, 1, new Hash(previous), time, new Hash(payload), bits, from);
    }

    private static Miner[] helpers(int n) {
        Miner[] out = new Miner[n];
        for (int i = 0; i < n; i++) {
            out[i] = new Miner();
        }
        return out;
    }

    @Property(tries = 60)
    void severalThreadsFindTheNonceOneThreadFinds(@ForAll @Size(32) byte[] previous, @ForAll @Size(32) byte[] payload,
                                                  @ForAll @IntRange(min = 0, max = 1_000_000) int time,
                                                  @ForAll @IntRange(min = 4, max = 12) int bits,
                                                  @ForAll @IntRange(min = 0, max = 1000) int from,
                                                  @ForAll @IntRange(min = 1, max = 3) int helperCount) {
        BlockHeader t = template(previous, payload, 1_700_000_000_000L + time, bits, from);
        Optional<BlockHeader> one = new Miner().mine(t, () -> false);
        Optional<BlockHeader> many = new Miner().mine(t, () -> false, helpers(helperCount), POOL);
        assertThat(many).isEqualTo(one);
        assertThat(many.orElseThrow().nonce()).isGreaterThanOrEqualTo(from);
    }

    /**
     * The search digests the header's first block once and copies that state for each nonce: its
     * answer is the lowest nonce whose whole header, hashed from scratch as every validator hashes
     * it, meets the difficulty, whatever the other fields (a wrong midstate would pass its own check).
     */
    @Property(tries = 60)
    void theSearchFindsTheLowestNonceWhoseWholeHeaderHashWins(@ForAll @Size(32) byte[] previous,
                                                              @ForAll @Size(32) byte[] payload,
                                                              @ForAll long height, @ForAll long time,
                                                              @ForAll @IntRange(min = 1, max = 10) int bits,
                                                              @ForAll @IntRange(min = 0, max = 1000) int from) {
        BlockHeader t = new BlockHeader(BlockHeader.CURRENT_VERSION, Math.abs(height % Long.MAX_VALUE), new Hash(previous),
                time, new Hash(payload), bits, from);
        long expected = from;
        while (!Difficulty.meets(HeaderCodec.hash(t.withNonce(expected)).bytes(), bits)) {
            expected++;
        }
        assertThat(new Miner().mine(t, () -> false)).contains(t.withNonce(expected));
        Miner used = new Miner();
        used.mine(template(payload, previous, time, bits, 0), () -> false);
        assertThat(used.mine(t, () -> false)).as("a miner that searched another header before")
                .contains(t.withNonce(expected));
    }

    /**
     * A thread stops once it is past another thread's win: it does not search on for a win of its
     * own, which the block never needs and the search would wait for. Here the helper runs its
     * whole part first (an executor that runs it at once), so this thread reads the helper's win
     * before its first attempt and tries exactly its nonces up to the lower of the two wins.
     */
    @Property(tries = 60)
    void aThreadStopsOncePastAnotherThreadsWin(@ForAll @Size(32) byte[] payload,
                                               @ForAll @IntRange(min = 6, max = 12) int bits,
                                               @ForAll @IntRange(min = 0, max = 1000) int from) {
        BlockHeader t = template(new byte[32], payload, 1_700_000_000_000L, bits, from);
        long win = new Miner().mine(t, () -> false).orElseThrow().nonce();
        Miner first = new Miner();
        Miner helper = new Miner();
        assertThat(first.mine(t, () -> false, new Miner[] {helper}, Runnable::run)).contains(t.withNonce(win));
        // this thread tries from, from + 2, ...: those not above the win (the win itself if it is its own)
        long mine = (win - from) / 2 + 1;
        assertThat(first.attempts()).as("attempts of the thread that read the helper's win").isEqualTo(mine);
    }

    /** Helpers slowed one by one (the scheduler's worst): still the lowest winning nonce. */
    @Property(tries = 20)
    void slowHelpersDoNotChangeTheAnswer(@ForAll @Size(32) byte[] payload, @ForAll @IntRange(min = 6, max = 10) int bits) {
        BlockHeader t = template(new byte[32], payload, 1_700_000_000_000L, bits, 0);
        AtomicInteger started = new AtomicInteger();
        java.util.concurrent.Executor late = task -> POOL.execute(() -> {
            try {
                Thread.sleep(5L * started.incrementAndGet());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            task.run();
        });
        assertThat(new Miner().mine(t, () -> false, helpers(3), late)).isEqualTo(new Miner().mine(t, () -> false));
    }

    @Test
    void aPoolThatTakesNoHelperMinesOnOneThreadWithTheSameAnswer() {
        BlockHeader t = template(new byte[32], new byte[32], 1_700_000_000_000L, 10, 0);
        java.util.concurrent.Executor refusing = task -> {
            throw new java.util.concurrent.RejectedExecutionException("shut down");
        };
        assertThat(new Miner().mine(t, () -> false, helpers(2), refusing)).isEqualTo(new Miner().mine(t, () -> false));
    }

    @Test
    void aCancelledSearchEndsOnEveryThreadWithNothing() throws Exception {
        // 60 bits: never found; cancelled after a few checks
        BlockHeader t = template(new byte[32], new byte[32], 1_700_000_000_000L, 60, 0);
        AtomicInteger polls = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 3, 10, TimeUnit.SECONDS, new SynchronousQueue<>());
        try {
            // the helpers start late (a loaded machine): the search still returns only after every
            // helper has run its part, so none begins searching after the search returned
            AtomicBoolean returned = new AtomicBoolean();
            AtomicBoolean searchedAfterReturn = new AtomicBoolean();
            java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(3);
            java.util.concurrent.Executor late = task -> pool.execute(() -> {
                try {
                    Thread.sleep(200);
                    searchedAfterReturn.compareAndSet(false, returned.get());
                    task.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    ended.countDown();
                }
            });
            Optional<BlockHeader> none = new Miner().mine(t, () -> polls.incrementAndGet() > 2, helpers(3), late);
            returned.set(true);
            assertThat(none).isEmpty();
            assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(searchedAfterReturn).as("a helper began searching after the search returned").isFalse();
        } finally {
            pool.shutdownNow();
        }
    }
}
