package org.classchain.core.auth;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.crypto.agreement.srp.SRP6VerifierGenerator;
import org.classchain.Account;
import org.classchain.Role;

/**
 * Makes credentials: a random salt, {@code P'} by {@link PasswordHardening}, and the SRP-6a
 * verifier {@code v = g^x mod N} by Bouncy Castle's {@link SRP6VerifierGenerator}.
 *
 * <p>Stateless and thread-safe.
 */
public final class Verifiers {

    private Verifiers() {
    }

    /**
     * A new credential with a fresh salt and {@code policy.iterations()} PBKDF2 iterations.
     *
     * @throws IllegalArgumentException for an invalid username or an empty password
     */
    public static StoredCredential create(String username, String password, Role role, PasswordPolicy policy,
                                          SecureRandom random) {
        Objects.requireNonNull(policy, "policy");
        byte[] salt = new byte[PasswordHardening.SALT_LENGTH];
        random.nextBytes(salt);
        return create(username, password, role, salt, policy.iterations());
    }

    /** The credential for a given salt and iteration count (deterministic; for tests and known answers). */
    static StoredCredential create(String username, String password, Role role, byte[] salt, int iterations) {
        if (!Account.isValidUsername(username)) {
            throw new IllegalArgumentException("not a valid username: " + username);
        }
        Objects.requireNonNull(role, "role");
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("a password must not be empty");
        }
        byte[] hardened = PasswordHardening.harden(password, salt, iterations);
        try {
            SRP6VerifierGenerator gen = new SRP6VerifierGenerator();
            gen.init(Srp.GROUP, Srp.digest());
            byte[] v = Srp.unsigned(gen.generateVerifier(salt, username.getBytes(StandardCharsets.UTF_8), hardened));
            return new StoredCredential(username, role, salt, iterations, v);
        } finally {
            Arrays.fill(hardened, (byte) 0);
        }
    }
}
