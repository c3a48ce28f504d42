package org.classchain.core.auth;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.Digest;
import org.bouncycastle.crypto.agreement.srp.SRP6Client;
import org.bouncycastle.crypto.agreement.srp.SRP6Util;
import org.bouncycastle.crypto.params.SRP6GroupParameters;
import org.bouncycastle.util.BigIntegers;

/**
 * Bouncy Castle's SRP-6a client with the message order of this protocol: {@code A} is sent
 * before the salt is known ({@link #begin}), {@code x} is computed when the challenge arrives
 * ({@link #answer}), and M2 is compared in constant time ({@link #confirm}).
 *
 * <p>Not thread-safe; one instance per sign-in.
 */
class ClientSrp extends SRP6Client {

    private final int hashLength;

    ClientSrp(SRP6GroupParameters group, Digest digest, SecureRandom random) {
        init(group, digest, random);
        hashLength = digest.getDigestSize();
    }

    /** Picks {@code a}; returns {@code A = g^a mod N}. */
    BigInteger begin() {
        a = selectPrivateValue();
        A = g.modPow(a, N);
        return A;
    }

    /**
     * Computes {@code x}, {@code S} and M1 for the host's challenge.
     *
     * @param passwordKey {@code P'}, the hardened password
     * @return M1, {@code hashLength} bytes
     * @throws CryptoException if {@code B} is 0 mod N or {@code u} is 0
     */
    byte[] answer(byte[] salt, byte[] identity, byte[] passwordKey, BigInteger serverB) throws CryptoException {
        if (A == null) {
            throw new IllegalStateException("begin() first");
        }
        x = SRP6Util.calculateX(digest, N, salt, identity, passwordKey);
        calculateSecret(serverB);
        if (u.signum() == 0) {
            throw new CryptoException("u is 0");
        }
        return fixed(calculateClientEvidenceMessage());
    }

    /** Whether M2 is the host's evidence for this exchange (constant time); if so, computes K. */
    boolean confirm(byte[] serverEvidence) throws CryptoException {
        if (M1 == null) {
            throw new IllegalStateException("answer() first");
        }
        BigInteger expected = SRP6Util.calculateM2(digest, N, A, M1, S);
        if (!MessageDigest.isEqual(fixed(expected), serverEvidence)) {
            return false;
        }
        M2 = expected;
        calculateSessionKey();
        return true;
    }

    /** K, {@code hashLength} bytes, once {@link #confirm} succeeded; else null. */
    byte[] key() {
        return Key == null ? null : fixed(Key);
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
        return "ClientSrp";
    }
}
