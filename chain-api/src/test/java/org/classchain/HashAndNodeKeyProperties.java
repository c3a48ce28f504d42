package org.classchain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** {@link Hash} and {@link NodeKey}: hex round trips, copies in and out, order and node ids against plain oracles. */
class HashAndNodeKeyProperties {

    @Provide
    Arbitrary<byte[]> thirtyTwoBytes() {
        return Arbitraries.bytes().array(byte[].class).ofSize(32);
    }

    @Property
    void aHashPrintsAndParsesBack(@ForAll("thirtyTwoBytes") byte[] bytes) {
        Hash h = new Hash(bytes);
        assertThat(h.hex()).hasSize(64).matches("[0-9a-f]{64}");
        assertThat(Hash.fromHex(h.hex())).isEqualTo(h);
        assertThat(Hash.fromHex(h.hex().toUpperCase())).isEqualTo(h);
        assertThat(h.bytes()).isEqualTo(bytes);
        assertThat(h.shortHex()).isEqualTo(h.hex().substring(0, 12));
        assertThat(h.toString()).isEqualTo(h.hex());
        for (int i = 0; i < Hash.LENGTH; i++) {
            assertThat(h.byteAt(i)).isEqualTo(bytes[i]);
        }
    }

    @Property
    void aHashCannotBeChangedFromOutside(@ForAll("thirtyTwoBytes") byte[] bytes) {
        Hash h = new Hash(bytes);
        String before = h.hex();
        bytes[0]++;
        h.bytes()[1]++;
        assertThat(h.hex()).isEqualTo(before);
    }

    @Property
    void hashesOrderAsUnsignedBigEndianNumbers(@ForAll("thirtyTwoBytes") byte[] a, @ForAll("thirtyTwoBytes") byte[] b) {
        int expected = new BigInteger(1, a).compareTo(new BigInteger(1, b));
        assertThat(Integer.signum(new Hash(a).compareTo(new Hash(b)))).isEqualTo(expected);
        assertThat(new Hash(a).equals(new Hash(b))).isEqualTo(expected == 0);
    }

    @Property
    void aHashOfAnyOtherLengthIsRefused(@ForAll @IntRange(max = 100) int length) {
        if (length == Hash.LENGTH) {
            return;
        }
        assertThatThrownBy(() -> new Hash(new byte[length])).hasMessage("a hash has exactly 32 bytes");
        assertThatThrownBy(() -> Hash.fromHex("0".repeat(2 * length))).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void malformedHexIsRefused() {
        assertThatThrownBy(() -> Hash.fromHex(null)).hasMessage("a hash is 64 hex digits");
        assertThatThrownBy(() -> Hash.fromHex("g".repeat(64))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Hash(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(Hash.ZERO.hex()).isEqualTo("0".repeat(64));
    }

    @Property
    void aNodeKeyPrintsAndParsesBack(@ForAll("thirtyTwoBytes") byte[] key) {
        NodeKey k = new NodeKey(key);
        assertThat(NodeKey.fromHex(k.hex())).isEqualTo(k).hasSameHashCodeAs(k);
        assertThat(NodeKey.fromHex(k.hex().toUpperCase())).isEqualTo(k);
        assertThat(k.publicKey()).isEqualTo(key);
        key[0]++;
        k.publicKey()[0]++;
        assertThat(NodeKey.fromHex(k.hex()).publicKey()).isNotEqualTo(key);
    }

    @Property
    void theNodeIdIsTheFirstTenBytesOfTheTaggedDigest(@ForAll("thirtyTwoBytes") byte[] key) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update("classchain-node:".getBytes(StandardCharsets.US_ASCII));
        String expected = HexFormat.of().formatHex(sha.digest(key)).substring(0, 20);
        NodeKey k = new NodeKey(key);
        assertThat(k.nodeId()).isEqualTo(expected);
        assertThat(k.toString()).isEqualTo("NodeKey[" + expected + "]");
    }

    @Example
    void aNodeKeyOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> new NodeKey(new byte[31])).hasMessage("an Ed25519 public key has exactly 32 bytes");
        assertThatThrownBy(() -> new NodeKey(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NodeKey.fromHex("ab")).isInstanceOf(IllegalArgumentException.class);
    }
}
