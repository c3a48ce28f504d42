package org.classchain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The Ed25519 public key of a peer (32 bytes, RFC 8032 encoding) and the node id derived from it.
 *
 * <p>The node id is the first 10 bytes of SHA-256("classchain-node:" + key), in hex: short
 * enough for tables, long enough that two peers of a school never collide, and checkable by
 * anyone who holds the key.
 *
 * @param publicKey the {@link #LENGTH} bytes of the Ed25519 public key
 */
public record NodeKey(byte[] publicKey) {

    /** Length of an Ed25519 public key in bytes. */
    public static final int LENGTH = 32;

    /**
     * Copies and checks the key bytes.
     *
     * @param publicKey exactly {@link #LENGTH} bytes; not checked to be a point on the curve
     * @throws IllegalArgumentException when there are not {@link #LENGTH} of them
     */
    public NodeKey {
        if (publicKey == null || publicKey.length != LENGTH) {
            throw new IllegalArgumentException("an Ed25519 public key has exactly " + LENGTH + " bytes");
        }
        publicKey = publicKey.clone();
    }

    /**
     * Parses 64 hex digits (either case).
     *
     * @param hex what {@link #hex()} printed
     * @return the key
     * @throws IllegalArgumentException when {@code hex} is not 64 hex digits
     */
    public static NodeKey fromHex(String hex) {
        return new NodeKey(HexFormat.of().parseHex(hex));
    }

    /** {@return a copy of the key bytes} */
    @Override
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** {@return the key as 64 lower-case hex digits} */
    public String hex() {
        return HexFormat.of().formatHex(publicKey);
    }

    /** {@return the node id: 20 hex digits derived from the key} */
    public String nodeId() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("classchain-node:".getBytes(StandardCharsets.US_ASCII));
            byte[] digest = sha.digest(publicKey);
            return HexFormat.of().formatHex(digest, 0, 10);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeKey k && Arrays.equals(publicKey, k.publicKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(publicKey);
    }

    @Override
    public String toString() {
        return "NodeKey[" + nodeId() + "]";
    }
}
