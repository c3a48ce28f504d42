package org.classchain.core.auth;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * The first step of the derivation: {@code P' = PBKDF2-HMAC-SHA256(UTF-8(NFC(password)), salt,
 * iterations, 32 bytes)}. Only clients and account creation run it; a host never does.
 *
 * <p>Stateless and thread-safe.
 */
public final class PasswordHardening {

    /** Length of a new salt in bytes. */
    public static final int SALT_LENGTH = 16;
    /** Length of {@code P'} in bytes. */
    public static final int KEY_LENGTH = 32;

    private PasswordHardening() {
    }

    /**
     * {@code P'} for a password.
     *
     * @param password the password as typed; NFC-normalised before encoding
     * @param salt the account's salt, not empty
     * @param iterations at least 1 (creation enforces the real minimum through {@link PasswordPolicy})
     * @return 32 fresh bytes
     */
    public static byte[] harden(String password, byte[] salt, int iterations) {
        Objects.requireNonNull(password, "password");
        if (salt == null || salt.length == 0) {
            throw new IllegalArgumentException("a salt is needed");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("PBKDF2 needs at least one iteration");
        }
        byte[] pw = Normalizer.normalize(password, Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8);
        try {
            PKCS5S2ParametersGenerator gen = new PKCS5S2ParametersGenerator(SHA256Digest.newInstance());
            gen.init(pw, salt, iterations);
            return ((KeyParameter) gen.generateDerivedParameters(KEY_LENGTH * 8)).getKey();
        } finally {
            Arrays.fill(pw, (byte) 0);
        }
    }
}
