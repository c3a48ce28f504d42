package org.classchain.core.files;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import org.classchain.Hash;

/**
 * The list of a file's chunk digests, bound to its {@link FileRef}: {@code ref.root()} is the
 * SHA-256 of {@link #encode()}, so a manifest from an untrusted peer is checked by
 * {@link #decode}.
 *
 * @param ref the file it describes
 * @param chunks the SHA-256 of each chunk, {@code ref.chunkCount()} of them
 */
public record Manifest(FileRef ref, List<Hash> chunks) {

    /**
     * Checks that the chunk list matches the reference.
     *
     * @throws IllegalArgumentException when the count or the root does not match
     */
    public Manifest {
        chunks = List.copyOf(chunks);
        if (chunks.size() != ref.chunkCount()) {
            throw new IllegalArgumentException("the manifest lists " + chunks.size() + " chunks, the file has "
                    + ref.chunkCount());
        }
        if (!new Hash(digest().digest(concat(chunks))).equals(ref.root())) {
            throw new IllegalArgumentException("the manifest's SHA-256 is not the file's manifest root");
        }
    }

    /**
     * Reads a file once and describes it.
     *
     * @param file the file to describe
     * @param name the name it is sent under
     * @param chunkSize bytes per chunk (see {@link FileRef})
     * @return its manifest, whose {@link #ref()} goes into the block
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException when it is too large for this chunk size
     */
    public static Manifest of(Path file, String name, int chunkSize) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return of(in, name, chunkSize);
        }
    }

    /**
     * Reads a stream to its end and describes it.
     *
     * @param in the file's bytes
     * @param name the name it is sent under
     * @param chunkSize bytes per chunk (see {@link FileRef})
     * @return its manifest
     * @throws IOException when the stream fails
     */
    public static Manifest of(InputStream in, String name, int chunkSize) throws IOException {
        MessageDigest whole = digest();
        List<Hash> chunks = new ArrayList<>();
        byte[] buffer = new byte[chunkSize];
        long size = 0;
        while (true) {
            int n = in.readNBytes(buffer, 0, chunkSize);
            if (n == 0) {
                break;
            }
            whole.update(buffer, 0, n);
            MessageDigest one = digest();
            one.update(buffer, 0, n);
            chunks.add(new Hash(one.digest()));
            size += n;
            if (chunks.size() > FileRef.MAX_CHUNKS) {
                throw new IllegalArgumentException("the file is larger than " + FileRef.MAX_CHUNKS + " chunks of "
                        + chunkSize + " bytes");
            }
            if (n < chunkSize) {
                break;
            }
        }
        Hash root = new Hash(digest().digest(concat(chunks)));
        return new Manifest(new FileRef(name, size, new Hash(whole.digest()), root, chunkSize), chunks);
    }

    /**
     * Checks manifest bytes from anyone against the reference from the chain.
     *
     * @param ref the reference the block carried
     * @param bytes what a peer sent as its manifest
     * @return the manifest
     * @throws IllegalArgumentException when the length or the digest does not match {@code ref}
     */
    public static Manifest decode(FileRef ref, byte[] bytes) {
        if (bytes.length != ref.manifestLength()) {
            throw new IllegalArgumentException("a manifest of " + ref.chunkCount() + " chunks is "
                    + ref.manifestLength() + " bytes, got " + bytes.length);
        }
        if (!new Hash(digest().digest(bytes)).equals(ref.root())) {
            throw new IllegalArgumentException("the manifest's SHA-256 is not the file's manifest root");
        }
        List<Hash> chunks = new ArrayList<>(ref.chunkCount());
        for (int i = 0; i < ref.chunkCount(); i++) {
            byte[] one = new byte[Hash.LENGTH];
            System.arraycopy(bytes, i * Hash.LENGTH, one, 0, Hash.LENGTH);
            chunks.add(new Hash(one));
        }
        return new Manifest(ref, chunks);
    }

    /** {@return the manifest's bytes: the chunk digests one after the other} */
    public byte[] encode() {
        return concat(chunks);
    }

    /**
     * {@return whether {@code bytes} are chunk {@code index} of the file}
     *
     * @param index the chunk's index
     * @param bytes what arrived for it
     * @param length how many of {@code bytes} to check
     */
    boolean matches(int index, byte[] bytes, int length) {
        if (length != ref.chunkLength(index)) {
            return false;
        }
        MessageDigest d = digest();
        d.update(bytes, 0, length);
        return MessageDigest.isEqual(d.digest(), chunks.get(index).bytes());
    }

    private static byte[] concat(List<Hash> chunks) {
        byte[] out = new byte[chunks.size() * Hash.LENGTH];
        for (int i = 0; i < chunks.size(); i++) {
            System.arraycopy(chunks.get(i).bytes(), 0, out, i * Hash.LENGTH, Hash.LENGTH);
        }
        return out;
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
