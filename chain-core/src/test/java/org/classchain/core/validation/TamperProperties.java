package org.classchain.core.validation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;
import org.classchain.Block;
import org.classchain.core.block.CodecException;
import org.classchain.core.chain.ChainState;
import org.classchain.core.testing.Fixtures;
import org.classchain.core.store.MemoryBlockStore;

/** Any single-bit change to a valid block's bytes makes it invalid (or a different block that fails its proof of work). */
class TamperProperties {

    // 20 bits: a bit flip that happens to give another hash meeting the difficulty has odds of 1 in a million
    static Fixtures fx;
    static Block valid;
    static byte[] bytes;

    @BeforeContainer
    static void mineOnce() {
        fx = new Fixtures(3, 20);
        Instant t = Instant.ofEpochMilli(fx.genesis.header().timestampMillis() + 1000);
        valid = fx.child(fx.genesis, fx.granted(List.of(
                Fixtures.command("blackout", t, Map.of("seconds", "60", "message", "eyes up \u00e9\u4e2d")),
                Fixtures.command("message", t, Map.of("text", "hi"))), t));
        bytes = fx.codec.encode(valid);
    }

    private ChainState freshChain() throws Exception {
        return ChainState.create(fx.genesis, new MemoryBlockStore(),
                new BlockValidator(fx.codec, Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC)));
    }

    @Property(tries = 1500)
    void flippingAnyBitInvalidatesTheBlock(@ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int where) throws Exception {
        int bit = where % (bytes.length * 8);
        byte[] tampered = bytes.clone();
        tampered[bit / 8] ^= (byte) (1 << (bit % 8));
        Block decoded;
        try {
            decoded = fx.codec.decode(tampered);
        } catch (CodecException e) {
            return; // not even a block
        }
        ChainState chain = freshChain();
        ChainState.Result r = chain.accept(decoded);
        assertThat(r.status()).as("bit %d", bit).isIn(ChainState.Status.INVALID, ChainState.Status.ORPHAN);
        assertThat(chain.contains(decoded.hash())).isFalse();
    }

    @Example
    void theUntamperedBlockIsValid() throws Exception {
        assertThat(freshChain().accept(fx.codec.decode(bytes)).status()).isEqualTo(ChainState.Status.ADDED);
    }
}
