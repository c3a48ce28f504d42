package org.classchain.core.auth;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.srp.SRP6Server;
import org.bouncycastle.crypto.agreement.srp.SRP6Util;
import org.bouncycastle.crypto.params.SRP6GroupParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * Bouncy Castle's SRP-6a server with M1 compared in constant time ({@link #verifyEvidence}).
 *
 * <p>Not thread-safe; one instance per sign-in, used by one thread at a time.
 */
class HostSrp extends SRP6Server {

    private final int hashLength;

    HostSrp(SRP6GroupParameters group, BigInteger verifier, Digest digest, SecureRandom random) {
        init(group, verifier, digest, random);
        hashLength = digest.getDigestSize();
    }

    /**
     * Computes {@code S} from the client's {@code A} and whether {@code clientEvidence} is M1 for
     * it. Never throws on bad input: anything invalid is simply not the right evidence.
     */
    boolean verifyEvidence(BigInteger clientA, byte[] clientEvidence) {
        if (B == null) {
            throw new IllegalStateException("generateServerCredentials() first");
        }
        try {
            calculateSecret(clientA);
        } catch (CryptoException e) {
            return false;
        }
        if (u.signum() == 0) {
            return false;
        }
        BigInteger expected = SRP6Util.calculateM1(digest, N, A, B, S);
        if (!MessageDigest.isEqual(fixed(expected), clientEvidence)) {
            return false;
        }
        M1 = expected;
        return true;
    }

    /** M2, once the evidence was verified. */
    byte[] serverEvidence() throws CryptoException {
        return fixed(calculateServerEvidenceMessage());
    }

    /** K, once M2 was computed. */
    byte[] sessionKey() throws CryptoException {
        return fixed(calculateSessionKey());
    }

    /** S, for the RFC 5054 known-answer test. */
    BigInteger premasterSecret() {
        return S;
    }

    private byte[] fixed(BigInteger hash) {
        return BigIntegers.asUnsignedByteArray(hashLength, hash);
    }

    @Override
    public String toString() {
        return "HostSrp";
    }
}
