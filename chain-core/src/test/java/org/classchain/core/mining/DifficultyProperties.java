package org.classchain.core.mining;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Map;
import java.time.Instant;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.classchain.BlockHeader;
import org.classchain.Hash;
import org.classchain.core.block.HeaderCodec;
import org.classchain.core.testing.Fixtures;
import org.junit.jupiter.api.Test;

class DifficultyProperties {

    @Property
    void leadingZeroBitsMatchesBigInteger(@ForAll("hashes") byte[] hash) {
        int oracle = 256 - new BigInteger(1, hash).bitLength();
        assertThat(Difficulty.leadingZeroBits(hash)).isEqualTo(oracle);
    }

    @Property
    void meetsMatchesBigInteger(@ForAll("hashes") byte[] hash, @ForAll @IntRange(min = 0, max = 256) int bits) {
        BigInteger target = BigInteger.ONE.shiftLeft(256 - bits);
        assertThat(Difficulty.meets(hash, bits)).isEqualTo(new BigInteger(1, hash).compareTo(target) < 0);
    }

    @Property
    void workIsTwoToTheBits(@ForAll @IntRange(min = 0, max = 32) int bits) {
        assertThat(BigInteger.valueOf(Difficulty.work(bits))).isEqualTo(BigInteger.TWO.pow(bits));
    }

    @Provide
    Arbitrary<byte[]> hashes() {
        // Many leading zero bytes, so that the interesting boundaries are hit often.
        return Arbitraries.integers().between(0, 32).flatMap(zeros -> Arbitraries.bytes().array(byte[].class)
                .ofSize(32 - zeros).map(tail -> {
                    byte[] h = new byte[32];
                    System.arraycopy(tail, 0, h, zeros, tail.length);
                    return h;
                }));
    }

    @Test
    void minedHeaderMeetsItsDifficultyAndOnlyTheNonceChanges() {
        Fixtures fx = new Fixtures(1, 12);
        var payload = fx.granted(List.of(Fixtures.command("message", Instant.EPOCH, Map.of())), Instant.EPOCH);
        BlockHeader template = new BlockHeader(1, 1, fx.genesis.hash(), 5, fx.codec.payloadHash(payload), 12, 0);
        BlockHeader mined = new Miner().mine(template, () -> false).orElseThrow();
        assertThat(Difficulty.meets(HeaderCodec.hash(mined).bytes(), 12)).isTrue();
        assertThat(mined.withNonce(0)).isEqualTo(template);
    }

    @Test
    void cancelledMiningStops() {
        BlockHeader impossible = new BlockHeader(1, 1, Hash.ZERO, 5, Hash.ZERO, 32, 0);
        Miner miner = new Miner();
        assertThat(miner.mine(impossible, () -> true)).isEmpty();
        assertThat(miner.attempts()).isEqualTo(Miner.CHECK_EVERY);
    }
}
