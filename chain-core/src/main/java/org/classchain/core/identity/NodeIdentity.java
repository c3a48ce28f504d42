package org.classchain.core.identity;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.channels.FileChannel;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.classchain.NodeKey;

/**
 * A peer's Ed25519 key pair. Stored as {@code node.key} (the 32-byte private seed in hex) with
 * owner-only permissions where the file system has them; the public key and node id are derived.
 *
 * <p>Thread-safe: signing only reads the key pair.
 */
public final class NodeIdentity {

    /** File name of the key in a data dir. */
    public static final String FILE_NAME = "node.key";

    private final byte[] privateKey;
    /** Derived from the private key once: a signature made with it skips deriving it again (half the work). */
    private final byte[] publicKeyBytes;
    private final NodeKey publicKey;
    private final String nodeId;

    private NodeIdentity(byte[] privateKey) {
        this.privateKey = privateKey.clone();
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(privateKey, 0, pk, 0);
        this.publicKeyBytes = pk; // the NodeKey below keeps a copy of its own
        this.publicKey = new NodeKey(pk);
        this.nodeId = publicKey.nodeId();
    }

    /** A fresh identity, not stored anywhere (tests, simulations). */
    public static NodeIdentity generate(SecureRandom random) {
        byte[] sk = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(random, sk);
        return new NodeIdentity(sk);
    }

    /** An identity from a 32-byte private seed. */
    public static NodeIdentity fromPrivateKey(byte[] seed) {
        if (seed.length != Ed25519.SECRET_KEY_SIZE) {
            throw new IllegalArgumentException("an Ed25519 private key has " + Ed25519.SECRET_KEY_SIZE + " bytes");
        }
        return new NodeIdentity(seed);
    }

    /**
     * The identity stored in {@code dataDir}, creating and storing a new one (owner-only, fsync'd,
     * atomically renamed into place) when there is none.
     */
    public static NodeIdentity loadOrCreate(Path dataDir, SecureRandom random) throws IOException {
        Path file = dataDir.resolve(FILE_NAME);
        if (Files.exists(file)) {
            String hex = Files.readString(file).trim();
            try {
                return fromPrivateKey(HexFormat.of().parseHex(hex));
            } catch (IllegalArgumentException e) {
                throw new IOException("the node key in " + file + " is damaged: " + e.getMessage(), e);
            }
        }
        Files.createDirectories(dataDir);
        NodeIdentity id = generate(random);
        Path tmp = dataDir.resolve(FILE_NAME + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        } catch (FileAlreadyExistsException e) {
            throw new IOException("another process is creating " + file, e);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(HexFormat.of().formatHex(id.privateKey).getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII)));
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file);
        }
        return id;
    }

    /** The public key. */
    public NodeKey publicKey() {
        return publicKey;
    }

    /** The node id derived from the public key. */
    public String nodeId() {
        return nodeId;
    }

    /** An Ed25519 signature of {@code message} (RFC 8032: the same bytes for the same key and message). */
    public byte[] sign(byte[] message) {
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(privateKey, 0, publicKeyBytes, 0, message, 0, message.length, sig, 0);
        return sig;
    }

    @Override
    public String toString() {
        return "NodeIdentity[" + nodeId + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NodeIdentity n && Arrays.equals(privateKey, n.privateKey);
    }

    @Override
    public int hashCode() {
        return publicKey.hashCode();
    }
}
