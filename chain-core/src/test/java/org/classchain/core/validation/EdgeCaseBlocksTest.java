package org.classchain.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.chain.ChainState;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.testing.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The edge cases of the list that {@link BlockValidatorTest} leaves out: a block larger
 * than the limit, one with too many commands, and a long side chain of cheap blocks offered in
 * one catch-up page. Each is rejected with its rule, and nothing of it is stored.
 */
class EdgeCaseBlocksTest {

    static final Instant NOW = Instant.ofEpochMilli(1_700_000_100_000L);

    Fixtures fx;
    ChainState chain;

    @BeforeEach
    void setUp() throws Exception {
        fx = new Fixtures(42, 8);
        chain = ChainState.create(fx.genesis, new MemoryBlockStore(),
                new BlockValidator(fx.codec, Clock.fixed(NOW, ZoneOffset.UTC)));
    }

    private List<Command> commands(int n, int textBytes) {
        List<Command> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(Fixtures.command("message", NOW, Map.of("text", "x".repeat(textBytes))));
        }
        return out;
    }

    @Test
    void aBlockLargerThanTheLimitIsRejected() {
        Block big = fx.child(fx.genesis, fx.granted(commands(100, 6 * 1024), NOW));
        assertThat(fx.codec.encode(big).length).isGreaterThan(BlockCodec.MAX_BLOCK_BYTES);
        ChainState.Result r = chain.accept(big);
        assertThat(r.status()).isEqualTo(ChainState.Status.INVALID);
        assertThat(r.rule()).as(r.reason()).isEqualTo(Rule.SIZE);
        assertThat(chain.contains(big.hash())).isFalse();
    }

    @Test
    void aBlockWithTooManyCommandsIsRejected() {
        Block many = fx.child(fx.genesis, fx.granted(commands(BlockValidator.MAX_COMMANDS + 1, 1), NOW));
        ChainState.Result r = chain.accept(many);
        assertThat(r.status()).isEqualTo(ChainState.Status.INVALID);
        assertThat(r.rule()).as(r.reason()).isEqualTo(Rule.SIZE);
    }

    @Test
    void aLongSideChainOfCheapBlocksIsRejectedAndTheBestChainStays() {
        List<Block> honest = fx.chain(3);
        assertThat(chain.acceptAll(honest.subList(1, 4)).status()).isEqualTo(ChainState.Status.ADDED);
        Block head = chain.head();
        // fifty blocks at 2 bits of work where the genesis asks for 8, each with a valid teacher grant
        Fixtures cheap = new Fixtures(42, 2);
        List<Block> side = new ArrayList<>();
        Block parent = fx.genesis;
        for (int i = 0; i < 50; i++) {
            Instant t = Instant.ofEpochMilli(parent.header().timestampMillis() + 1000);
            Block b = cheap.child(parent, fx.granted(List.of(Fixtures.command("message", t, Map.of("text", "side"))), t));
            side.add(b);
            parent = b;
        }
        ChainState.Result r = chain.acceptAll(side);
        assertThat(r.status()).isEqualTo(ChainState.Status.INVALID);
        assertThat(r.rule()).as(r.reason()).isEqualTo(Rule.DIFFICULTY);
        assertThat(r.added()).isEmpty();
        assertThat(chain.head()).isEqualTo(head);
        assertThat(side).noneMatch(b -> chain.contains(b.hash()));
    }
}
