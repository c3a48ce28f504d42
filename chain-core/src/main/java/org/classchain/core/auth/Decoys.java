package org.classchain.core.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The credentials an {@link AccountHost} pretends to hold for a username it does not host: a salt
 * and a verifier derived from a per-process secret, the same for a name every time, so that an
 * unknown name gets a plausible challenge whose finish fails like a wrong password and usernames
 * cannot be enumerated. A restart changes them. Thread-safe.
 */
final class Decoys {

    private final byte[] secret = new byte[32];

    Decoys(SecureRandom random) {
        random.nextBytes(secret);
    }

    byte[] salt(String username) {
        byte[] h = hmac("salt", 0, username);
        byte[] salt = new byte[PasswordHardening.SALT_LENGTH];
        System.arraycopy(h, 0, salt, 0, salt.length);
        return salt;
    }

    BigInteger verifier(String username) {
        byte[] material = new byte[Srp.N_LENGTH];
        for (int i = 0; i * Srp.HASH_LENGTH < material.length; i++) {
            byte[] h = hmac("verifier", i, username);
            System.arraycopy(h, 0, material, i * Srp.HASH_LENGTH,
                    Math.min(Srp.HASH_LENGTH, material.length - i * Srp.HASH_LENGTH));
        }
        BigInteger v = new BigInteger(1, material).mod(Srp.GROUP.getN());
        return v.signum() == 0 ? BigInteger.ONE : v;
    }

    private byte[] hmac(String purpose, int block, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal((purpose + "\0" + block + "\0" + username).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
