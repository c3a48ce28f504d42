package org.classchain.core.auth;

import java.math.BigInteger;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.SRP6GroupParameters;
import org.bouncycastle.util.BigIntegers;

/** The fixed SRP-6a parameters (RFC 5054 2048-bit group, SHA-256) and the wire forms of its numbers. */
final class Srp {

    /** The group. */
    static final SRP6GroupParameters GROUP = SRP6StandardGroups.rfc5054_2048;
    /** Length of {@code N} in bytes: what {@code PAD} pads to, and the longest public value accepted. */
    static final int N_LENGTH = (GROUP.getN().bitLength() + 7) / 8;
    /** Length of M1, M2, K and MACs in bytes. */
    static final int HASH_LENGTH = 32;

    private Srp() {
    }

    /** A fresh SHA-256 digest (Bouncy Castle digests are stateful). */
    static Digest digest() {
        return SHA256Digest.newInstance();
    }

    /** The minimal unsigned big-endian bytes of a public value or verifier. */
    static byte[] unsigned(BigInteger value) {
        return BigIntegers.asUnsignedByteArray(value);
    }

    /**
     * Reads a public value (A or B) or verifier from the wire: 1 to {@link #N_LENGTH} bytes, not
     * 0 mod N.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static BigInteger publicValue(byte[] bytes, String what) {
        if (bytes == null || bytes.length == 0 || bytes.length > N_LENGTH) {
            throw new IllegalArgumentException(what + " must be 1 to " + N_LENGTH + " bytes");
        }
        BigInteger value = new BigInteger(1, bytes);
        if (value.mod(GROUP.getN()).signum() == 0) {
            throw new IllegalArgumentException(what + " is 0 mod N");
        }
        return value;
    }
}
