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
 * block's commands ({@code commandsHash}), has a {@code grantId} not used before on the chain, and
 * follows the grant of the block's parent ({@code previousGrantId}): the grants of a chain form one
 * sequence in the order the hosts issued them, so a granted batch is valid only at its own place.
 * The signature covers the canonical encoding of every other field.
 *
 * @param chainId the chain this grant is for
 * @param username the signed-in account that authorized the batch
 * @param role that account's role
 * @param commandsHash the hash of the batch's canonical form
 * @param grantId this grant's id, unique on a chain
 * @param issuedAt when the host signed it
 * @param hostNodeId the node id of the host that signed it
 * @param previousGrantId the grant this one follows: the id of the parent block's grant, or
 *                        {@link #FIRST} when the parent is the genesis block; null only in grants
 *                        issued before grants were ordered (valid only before any ordered grant)
 * @param signature the host's Ed25519 signature
 */
public record Grant(String chainId, String username, Role role, Hash commandsHash, UUID grantId,
                    Instant issuedAt, String hostNodeId, UUID previousGrantId, byte[] signature) {

    /** Length of an Ed25519 signature in bytes. */
    public static final int SIGNATURE_LENGTH = 64;

    /** What the first grant of a chain follows: the genesis block, which carries no grant. */
    public static final UUID FIRST = new UUID(0L, 0L);

    /**
     * Checks the fields and copies the signature.
     *
     * @param chainId never null
     * @param username never null
     * @param role never null
     * @param commandsHash never null
     * @param grantId never null, never {@link #FIRST}
     * @param issuedAt never null; cut to the millisecond
     * @param hostNodeId never null
     * @param previousGrantId null only in a legacy grant
     * @param signature exactly {@link #SIGNATURE_LENGTH} bytes, copied; an unsigned grant carries zeros
     * @throws IllegalArgumentException when the grant id is {@link #FIRST} or the signature's length is wrong
     */
    public Grant {
        Objects.requireNonNull(chainId, "chainId");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(commandsHash, "commandsHash");
        Objects.requireNonNull(grantId, "grantId");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(hostNodeId, "hostNodeId");
        if (FIRST.equals(grantId)) {
            throw new IllegalArgumentException("a grant id cannot be the nil UUID, which stands for the genesis block");
        }
        if (signature == null || signature.length != SIGNATURE_LENGTH) {
            throw new IllegalArgumentException("a grant signature has exactly " + SIGNATURE_LENGTH + " bytes");
        }
        issuedAt = issuedAt.truncatedTo(ChronoUnit.MILLIS);
        signature = signature.clone();
    }

    /** {@return whether this grant was issued before grants were ordered: it names no predecessor} */
    public boolean isLegacy() {
        return previousGrantId == null;
    }

    /**
     * {@return the same grant with {@code signature}} A host signs the unsigned form, then seals it with this.
     *
     * @param signature the host's signature, {@link #SIGNATURE_LENGTH} bytes
     */
    public Grant withSignature(byte[] signature) {
        return new Grant(chainId, username, role, commandsHash, grantId, issuedAt, hostNodeId, previousGrantId,
                signature);
    }

    /** {@return a copy of the signature} */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grant g && chainId.equals(g.chainId) && username.equals(g.username)
                && role == g.role && commandsHash.equals(g.commandsHash) && grantId.equals(g.grantId)
                && issuedAt.equals(g.issuedAt) && hostNodeId.equals(g.hostNodeId)
                && Objects.equals(previousGrantId, g.previousGrantId) && Arrays.equals(signature, g.signature);
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
