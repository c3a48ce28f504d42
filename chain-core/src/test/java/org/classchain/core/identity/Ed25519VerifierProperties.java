package org.classchain.core.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.classchain.NodeKey;

/**
 * The verifier that keeps decoded keys accepts exactly what the byte-key verification accepts:
 * for honest signatures, damaged ones, other keys' and keys that are not points at all, and
 * whether a key's point was kept, evicted or decoded for the first time.
 */
class Ed25519VerifierProperties {

    enum Damage { NONE, SIGNATURE_BIT, MESSAGE_BIT, OTHER_KEY }

    /** Keeps only two keys, and lives as long as a property's tries: most of them evict a key. */
    private final Ed25519Verifier small = new Ed25519Verifier(2);

    @Property(tries = 300)
    void agreesWithTheByteKeyVerification(@ForAll @Size(32) byte[] seed, @ForAll @Size(32) byte[] otherSeed,
                                          @ForAll @Size(max = 300) byte[] message, @ForAll Damage damage,
                                          @ForAll @IntRange(min = 0, max = 8 * 64 - 1) int bit) {
        NodeIdentity signer = NodeIdentity.fromPrivateKey(seed);
        byte[] signature = signer.sign(message);
        NodeKey key = signer.publicKey();
        byte[] checked = message.clone();
        switch (damage) {
            case SIGNATURE_BIT -> signature[bit / 8] ^= (byte) (1 << (bit % 8));
            case MESSAGE_BIT -> {
                if (checked.length > 0) {
                    checked[bit / 8 % checked.length] ^= (byte) (1 << (bit % 8));
                }
            }
            case OTHER_KEY -> key = NodeIdentity.fromPrivateKey(otherSeed).publicKey();
            case NONE -> {
            }
        }
        boolean expected = Ed25519Signatures.verify(key, checked, signature);
        Ed25519Verifier fresh = new Ed25519Verifier(16);
        assertThat(fresh.verify(key, checked, signature)).isEqualTo(expected);
        assertThat(fresh.verify(key, checked, signature)).as("from the kept point").isEqualTo(expected);
        assertThat(small.verify(key, checked, signature)).as("with evictions").isEqualTo(expected);
        boolean unchanged = damage == Damage.NONE || (damage == Damage.MESSAGE_BIT && checked.length == 0)
                || (damage == Damage.OTHER_KEY && key.equals(signer.publicKey()));
        assertThat(expected).isEqualTo(unchanged);
    }

    /** Any 32 bytes as a key, most of them no point on the curve: both ways refuse alike. */
    @Property(tries = 300)
    void keysThatAreNotPointsVerifyNothing(@ForAll("keys") NodeKey key, @ForAll @Size(32) byte[] seed,
                                           @ForAll @Size(max = 64) byte[] message) {
        byte[] signature = NodeIdentity.fromPrivateKey(seed).sign(message);
        boolean expected = Ed25519Signatures.verify(key, message, signature);
        assertThat(new Ed25519Verifier(4).verify(key, message, signature)).isEqualTo(expected);
        assertThat(small.verify(key, message, signature)).isEqualTo(expected);
    }

    @Provide
    Arbitrary<NodeKey> keys() {
        HexFormat hex = HexFormat.of();
        Arbitrary<NodeKey> special = Arbitraries.of(
                // the neutral element, a point of order 2 and one of order 4: small order, refused
                "0100000000000000000000000000000000000000000000000000000000000000",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "0000000000000000000000000000000000000000000000000000000000000000",
                // the same two with the sign of x set while x = 0
                "0100000000000000000000000000000000000000000000000000000000000080",
                "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
                // the two points of order 8 with x's sign clear
                "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
                "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
                // y = p, p + 1 and p + 2: not canonical
                "edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                "efffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
                // RFC 8032 test 1's key, and the same with the sign of x flipped
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707519a")
                .map(h -> new NodeKey(hex.parseHex(h)));
        Arbitrary<NodeKey> random = Arbitraries.bytes().array(byte[].class).ofSize(32).map(NodeKey::new);
        return Arbitraries.oneOf(special, random);
    }

    /** Three signers through a verifier that keeps two: each key is evicted and decoded again, and stays right. */
    @Example
    void keysEvictedAndDecodedAgainStayRight() {
        Ed25519Verifier verifier = new Ed25519Verifier(2);
        NodeIdentity[] signers = new NodeIdentity[3];
        for (int i = 0; i < signers.length; i++) {
            byte[] seed = new byte[32];
            seed[0] = (byte) (i + 1);
            signers[i] = NodeIdentity.fromPrivateKey(seed);
        }
        for (int round = 0; round < 4; round++) {
            for (NodeIdentity signer : signers) {
                byte[] message = ("receipt " + round).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] signature = signer.sign(message);
                assertThat(verifier.verify(signer.publicKey(), message, signature)).isTrue();
                assertThat(verifier.keeps(signer.publicKey())).isTrue();
                assertThat(verifier.verify(signer.publicKey(), "forged".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        signature)).isFalse();
                assertThat(verifier.verify(signers[(round + 1) % 3].publicKey(), message, signature))
                        .isEqualTo(signers[(round + 1) % 3] == signer);
            }
        }
    }

    /** A key that never verified a signature takes no room, whatever it is. */
    @Property(tries = 100)
    void onlyAKeyThatVerifiedIsKept(@ForAll("keys") NodeKey key, @ForAll @Size(max = 64) byte[] message,
                                    @ForAll @Size(64) byte[] signature) {
        Ed25519Verifier verifier = new Ed25519Verifier(4);
        boolean verified = verifier.verify(key, message, signature);
        assertThat(verifier.keeps(key)).isEqualTo(verified);
    }

    /** RFC 8032 section 7.1, test 2, through a verifier that already holds the key. */
    @Example
    void theStandardsSignatureVerifiesFromAKeptPoint() {
        HexFormat hex = HexFormat.of();
        NodeKey key = NodeKey.fromHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");
        byte[] signature = hex.parseHex("92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
        Ed25519Verifier verifier = new Ed25519Verifier(1);
        for (int i = 0; i < 3; i++) {
            assertThat(verifier.verify(key, new byte[] {0x72}, signature)).isTrue();
            assertThat(verifier.verify(key, new byte[] {0x73}, signature)).isFalse();
        }
        assertThat(verifier.verify(key, new byte[] {0x72}, null)).isFalse();
        assertThat(verifier.verify(key, null, signature)).isFalse();
        assertThat(verifier.verify(key, new byte[] {0x72}, new byte[63])).isFalse();
    }
}
