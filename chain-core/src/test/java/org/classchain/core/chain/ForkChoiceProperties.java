package org.classchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.classchain.Block;
import org.classchain.Hash;
import org.classchain.core.testing.Fixtures;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.validation.BlockValidator;

/** Fork choice depends on the set of blocks, never on the order they arrive in. */
class ForkChoiceProperties {

    static final Fixtures FX = new Fixtures(11, 2);

    private ChainState fresh() throws Exception {
        return ChainState.create(FX.genesis, new MemoryBlockStore(),
                new BlockValidator(FX.codec, Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC)));
    }

    /** A random tree: each new block extends a random earlier one (genesis included). */
    private static List<Block> randomTree(long seed, int size) {
        Random r = new Random(seed);
        List<Block> blocks = new ArrayList<>();
        blocks.add(FX.genesis);
        for (int i = 0; i < size; i++) {
            // favour recent blocks so that branches grow long as well as wide
            int idx = Math.max(0, blocks.size() - 1 - (int) Math.abs(r.nextGaussian() * 3));
            blocks.add(FX.child(blocks.get(idx)));
        }
        return blocks;
    }

    /**
     * The oracle, by brute force: the highest block (most work at one difficulty); between two of
     * one height, the one whose path from genesis carries, where the two paths first part, the
     * lower grant id (every grant here is the one host's).
     */
    private static Block oracleHead(List<Block> blocks) {
        Map<Hash, Block> byHash = new HashMap<>();
        blocks.forEach(b -> byHash.put(b.hash(), b));
        Block best = null;
        for (Block b : blocks) {
            if (best == null || b.height() > best.height()
                    || b.height() == best.height() && lowerAtFork(path(b, byHash), path(best, byHash))) {
                best = b;
            }
        }
        return best;
    }

    private static List<Block> path(Block b, Map<Hash, Block> byHash) {
        List<Block> out = new ArrayList<>();
        for (Block x = b; x != null; x = byHash.get(x.previousHash())) {
            out.add(0, x);
        }
        return out;
    }

    private static boolean lowerAtFork(List<Block> a, List<Block> b) {
        for (int i = 1; i < a.size(); i++) {
            if (!a.get(i).equals(b.get(i))) {
                return a.get(i).payload().grant().grantId().compareTo(b.get(i).payload().grant().grantId()) < 0;
            }
        }
        return false;
    }

    @Property(tries = 60)
    void sameHeadWhateverTheArrivalOrder(@ForAll long seed) throws Exception {
        List<Block> tree = randomTree(seed, 25);
        List<Block> shuffled = new ArrayList<>(tree.subList(1, tree.size()));
        Collections.shuffle(shuffled, new Random(seed ^ 0x5DEECE66DL));

        ChainState inOrder = fresh();
        tree.subList(1, tree.size()).forEach(inOrder::accept);
        ChainState anyOrder = fresh();
        shuffled.forEach(anyOrder::accept);

        assertThat(anyOrder.head()).isEqualTo(inOrder.head()).isEqualTo(oracleHead(tree));
        assertThat(anyOrder.blockCount()).isEqualTo(tree.size());
        // the best chain is a linked path from genesis to the head
        Block h = anyOrder.head();
        for (long height = h.height(); height > 0; height--) {
            Block at = anyOrder.blockAt(height).orElseThrow();
            assertThat(anyOrder.blockAt(height - 1).orElseThrow().hash()).isEqualTo(at.previousHash());
        }
    }

    @Property(tries = 30)
    void reorgsReportWhatLeftAndJoined(@ForAll long seed) throws Exception {
        List<Block> tree = randomTree(seed, 20);
        ChainState chain = fresh();
        List<Block> onBest = new ArrayList<>(List.of(FX.genesis));
        for (Block b : tree.subList(1, tree.size())) {
            for (Reorg r : chain.accept(b).reorgs()) {
                List<Block> gone = new ArrayList<>(r.detached());
                Collections.reverse(gone);
                for (Block g : gone) {
                    assertThat(onBest.remove(onBest.size() - 1)).isEqualTo(g);
                }
                onBest.addAll(r.attached());
            }
        }
        assertThat(onBest).containsExactlyElementsOf(chain.range(0, Integer.MAX_VALUE));
    }
}
