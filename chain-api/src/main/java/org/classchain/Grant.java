package org.classchain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * A host's signed statement that a signed-in account authorized one batch of commands.
 *
 * <p>A block is accepted only with a grant that: names this chain, is signed with the node key
 * of a host of {@code username} ({@code hostNodeId}), is for a TEACHER account, matches the
 * block's commands ({@code commandsHash}) and has a {@code grantId} not used before on the chain.
 * The signature covers the canonical encoding of every other field.
 */
public record Grant(String chainId, String username, Role role, Hash commandsHash, UUID grantId,
                    Instant issuedAt, String hostNodeId, byte[] signature) {

    /** Length of an Ed25519 signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    /** Checks the fields and copies the signature. */
    public Grant {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(commandsHash, "commandsHash");
        Objects.requireNonNull(grantId, "grantId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(hostNodeId, "hostNodeId");
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("a grant signature has exactly " + SIGNATURE_LENGTH + " bytes");
        }
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
        signature = signature.clone();
    }

    /** A copy of the signature. */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grant g && chainId.equals(g.chainId) && username.equals(g.username)
                && role == g.role && commandsHash.equals(g.commandsHash) && grantId.equals(g.grantId)
                && issuedAt.equals(g.issuedAt) && hostNodeId.equals(g.hostNodeId)
                && Arrays.equals(signature, g.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(grantId, commandsHash) * 31 + Arrays.hashCode(signature);
    }

    @Override
    public String toString() {
        return "Grant[" + grantId + " for " + username + " (" + role + ") by " + hostNodeId + "]";
    }
}
