package org.classchain.core.auth;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.Objects;
import org.classchain.Account;
import org.classchain.Role;

/**
 * What a host keeps of an account: the username, its role, the PBKDF2 salt and iteration count,
 * and the SRP-6a verifier {@code v} (unsigned big-endian). No password, no {@code P'}.
 *
 * <p>{@link #toString} never shows the salt or the verifier.
 *
 * @param username a valid account name ({@link Account#isValidUsername})
 * @param role the account's role
 * @param salt 8 to 64 bytes (new credentials get 16)
 * @param iterations PBKDF2 iterations, at least 1 (whatever was stored is accepted)
 * @param verifier {@code v}, 1 to 256 bytes, {@code 0 < v < N}
 */
public record StoredCredential(String username, Role role, byte[] salt, int iterations, byte[] verifier) {

    /** Checks the fields and copies the arrays. */
    public StoredCredential {
        if (!Account.isValidUsername(username)) {
            throw new IllegalArgumentException("not a valid username: " + username);
        }
        Objects.requireNonNull(role, "role");
        if (salt == null || salt.length < 8 || salt.length > 64) {
            throw new IllegalArgumentException("a salt has 8 to 64 bytes");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("PBKDF2 needs at least one iteration");
        }
        if (verifier == null || verifier.length == 0 || verifier.length > Srp.N_LENGTH) {
            throw new IllegalArgumentException("a verifier has 1 to " + Srp.N_LENGTH + " bytes");
        }
        BigInteger v = new BigInteger(1, verifier);
        if (v.signum() == 0 || v.compareTo(Srp.GROUP.getN()) >= 0) {
            throw new IllegalArgumentException("a verifier lies between 0 and N");
        }
        salt = salt.clone();
        verifier = verifier.clone();
    }

    /** A copy of the salt. */
    @Override
    public byte[] salt() {
        return salt.clone();
    }

    /** A copy of the verifier. */
    @Override
    public byte[] verifier() {
        return verifier.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StoredCredential c && username.equals(c.username) && role == c.role
                && iterations == c.iterations && Arrays.equals(salt, c.salt) && Arrays.equals(verifier, c.verifier);
    }

    @Override
    public int hashCode() {
        return Objects.hash(username, role, iterations) * 31 + Arrays.hashCode(verifier);
    }

    @Override
    public String toString() {
        return "StoredCredential[" + username + ", " + role + ", " + iterations + " iterations]";
    }
}
