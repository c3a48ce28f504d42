package org.classchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.testing.Fixtures;
import org.classchain.core.validation.BlockValidator;
import org.classchain.core.validation.Rule;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 23, property 1, for blocks, in memory: what a remote party can make a chain keep is
 * checked cheaply first and bounded in bytes and count, with a share per sender.
 */
class BlockSharesTest {

    private static final Fixtures FX = new Fixtures(23, 4);
    private static final Instant T0 = Instant.ofEpochMilli(FX.genesis.header().timestampMillis());
    private final Random random = new Random(23);
    private MemoryBlockStore store;
    private ChainState chain;

    @BeforeEach
    void fresh() throws Exception {
        store = new MemoryBlockStore();
        chain = ChainState.create(FX.genesis, store,
                new BlockValidator(FX.codec, Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC)));
    }

    private static ChainState.Source announced(String from) {
        return new ChainState.Source(from, false);
    }

    private Hash randomHash() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return new Hash(b);
    }

    private static List<Command> batch(int textBytes) {
        return List.of(Fixtures.command("message", T0, Map.of("text", "x".repeat(textBytes))));
    }

    /** A block the teacher's host granted, on a parent nobody here has. */
    private Block orphan(int textBytes) {
        List<Command> commands = batch(textBytes);
        Grant g = FX.grant(FX.teacherHost, "teacher", Role.TEACHER, commands, List.of(), T0, FX.chainId,
                java.util.UUID.randomUUID());
        return FX.mine(5 + random.nextInt(50), randomHash(), T0.toEpochMilli() + 1000, Payload.granted(commands, g));
    }

    @Test
    void aHeaderBelowTheChainsDifficultyIsRefusedBeforeAnythingElse() {
        Block b = orphan(10);
        BlockHeader weak = new BlockHeader(1, b.height(), b.previousHash(), b.header().timestampMillis(),
                b.header().payloadHash(), 1, 0);
        Block cheap = FX.codec.seal(new org.classchain.core.mining.Miner().mine(weak, () -> false).orElseThrow(),
                b.payload());
        ChainState.Result r = chain.acceptAll(List.of(cheap), announced("mallory"));
        assertThat(r.status()).isEqualTo(ChainState.Status.INVALID);
        assertThat(r.rule()).isEqualTo(Rule.DIFFICULTY);
        assertThat(chain.orphanCount()).isZero();
    }

    @Test
    void anOrphanWhoseGrantNoKnownHostSignedIsNotKept() {
        NodeIdentity forger = NodeIdentity.generate(Fixtures.deterministic(7));
        List<Command> commands = batch(1000);
        Grant g = FX.grant(forger, "teacher", Role.TEACHER, commands, List.of(), T0, FX.chainId);
        Block b = FX.mine(9, randomHash(), T0.toEpochMilli(), Payload.granted(commands, g));
        assertThat(chain.acceptAll(List.of(b), announced("mallory")).status()).isEqualTo(ChainState.Status.NOT_KEPT);
        assertThat(chain.orphanCount()).isZero();
    }

    @Test
    void theOrphanPoolHoldsAShareOfBlocksAndBytesPerSender() {
        // small blocks: the count share
        for (int i = 0; i < AsidePool.MAX_ORPHANS_PER_SOURCE; i++) {
            assertThat(chain.acceptAll(List.of(orphan(10)), announced("mallory")).status())
                    .isEqualTo(ChainState.Status.ORPHAN);
        }
        assertThat(chain.acceptAll(List.of(orphan(10)), announced("mallory")).status())
                .isEqualTo(ChainState.Status.OVER_SHARE);
        // big blocks: the byte share
        int big = 300_000;
        int kept = 0;
        ChainState.Status last = null;
        for (int i = 0; i < 20 && last != ChainState.Status.OVER_SHARE; i++) {
            last = chain.acceptAll(List.of(orphan(big)), announced("trudy")).status();
            kept += last == ChainState.Status.ORPHAN ? 1 : 0;
        }
        assertThat(last).isEqualTo(ChainState.Status.OVER_SHARE);
        assertThat((long) kept * big).isLessThanOrEqualTo(AsidePool.MAX_ORPHAN_BYTES_PER_SOURCE);
        // another sender still has its share
        assertThat(chain.acceptAll(List.of(orphan(10)), announced("bob")).status()).isEqualTo(ChainState.Status.ORPHAN);
        // and the whole pool stays within its bounds however many senders fill it
        for (int s = 0; s < 20; s++) {
            for (int i = 0; i < 6; i++) {
                chain.acceptAll(List.of(orphan(big)), announced("sender" + s));
            }
        }
        assertThat(chain.orphanBytes()).isLessThanOrEqualTo(AsidePool.MAX_ORPHAN_BYTES);
        assertThat(chain.orphanCount()).isLessThanOrEqualTo(AsidePool.MAX_ORPHANS);
        assertThat(store.size()).isEqualTo(1);
    }

    @Test
    void aGrantedBatchOccupiesOneBlockHoweverManyCopiesAreSent() {
        List<Block> honest = FX.chain(3);
        assertThat(chain.acceptAll(honest.subList(1, 4), announced("teacher")).status())
                .isEqualTo(ChainState.Status.ADDED);
        Block granted = honest.get(2);
        int copies = 0;
        for (int i = 0; i < 50; i++) {
            Block copy = FX.mine(granted.height(), granted.previousHash(), granted.header().timestampMillis() + 1 + i,
                    granted.payload());
            ChainState.Result r = chain.acceptAll(List.of(copy), announced("mallory"));
            copies += r.status() == ChainState.Status.COPY ? 1 : 0;
        }
        assertThat(copies).isEqualTo(50);
        assertThat(chain.blockCount()).isEqualTo(4);
        assertThat(store.size()).isEqualTo(4);
        assertThat(chain.orphanCount()).as("one copy per sender waits aside").isEqualTo(1);
        assertThat(chain.sideBranchBytes()).isZero();
    }

    @Test
    void aCopyOnABranchWithMoreWorkIsTakenSoThatPeersConverge() throws Exception {
        List<Block> honest = FX.chain(2);
        chain.acceptAll(honest.subList(1, 3), announced("teacher"));
        // an honest relay stamped #2 otherwise, and mined the next grant on its copy
        Block first = honest.get(1);
        Block copy = FX.mine(2, first.hash(), honest.get(2).header().timestampMillis() + 5, honest.get(2).payload());
        Block next = FX.child(copy);
        assertThat(chain.acceptAll(List.of(copy), announced("relay")).status()).isEqualTo(ChainState.Status.COPY);
        assertThat(chain.acceptAll(List.of(next), announced("relay")).status()).isEqualTo(ChainState.Status.ADDED);
        assertThat(chain.head()).isEqualTo(next);
        assertThat(chain.blockAt(2)).contains(copy);
        // the same as one page of a catch-up
        fresh();
        chain.acceptAll(honest.subList(1, 3), announced("teacher"));
        assertThat(chain.acceptAll(List.of(copy, next), new ChainState.Source("relay", true)).status())
                .isEqualTo(ChainState.Status.ADDED);
        assertThat(chain.head()).isEqualTo(next);
    }

    @Test
    void sideBranchesFromOneSenderStayWithinItsShare() throws Exception {
        List<Block> best = FX.chain(30);
        chain.acceptAll(best.subList(1, best.size()), announced("teacher"));
        // a page of a branch with fresh grants that never gets as long as the best chain
        List<Block> side = new ArrayList<>();
        Block parent = best.get(1);
        int big = 400_000;
        for (int i = 0; i < 25; i++) {
            Instant t = Instant.ofEpochMilli(parent.header().timestampMillis() + 1000);
            Block b = FX.child(parent, FX.granted(parent, batch(big), t));
            side.add(b);
            parent = b;
        }
        ChainState.Result r = chain.acceptAll(side, new ChainState.Source("mallory", true));
        assertThat(r.status()).isEqualTo(ChainState.Status.OVER_SHARE);
        long[] share = chain.sideShare("mallory");
        assertThat(share[1]).isLessThanOrEqualTo(SideShares.MAX_SIDE_BYTES_PER_SOURCE).isPositive();
        assertThat(chain.sideBranchBytes()).isEqualTo(share[1]);
        assertThat(store.size()).isEqualTo(best.size() + (int) share[0]);
        assertThat(chain.head()).isEqualTo(best.get(best.size() - 1));
    }
}
