package org.classchain.core.files;

import org.classchain.Hash;

/**
 * What a block says about a file sent off the chain: enough to fetch it from anyone and to know
 * that what arrived is the teacher's file. The bytes are cut into chunks of {@code chunkSize}
 * (the last one shorter); the manifest is the list of the chunks' SHA-256s, and {@code root} is
 * the SHA-256 of the manifest's bytes (the 32-byte digests one after the other).
 *
 * @param name the file's name as the teacher gave it (checked by whoever saves it)
 * @param size its length in bytes, 0 to {@link #MAX_SIZE}
 * @param sha256 the SHA-256 of the whole file
 * @param root the SHA-256 of the manifest
 * @param chunkSize bytes per chunk, a power of two from {@link #MIN_CHUNK} to {@link #MAX_CHUNK}
 */
public record FileRef(String name, long size, Hash sha256, Hash root, int chunkSize) {

    /** The chunk size senders use unless told otherwise (1 MiB). */
    public static final int DEFAULT_CHUNK = 1 << 20;
    /** The smallest chunk size accepted (1 KiB; small chunks are for tests). */
    public static final int MIN_CHUNK = 1 << 10;
    /** The largest chunk size accepted (8 MiB): a chunk is held in memory while checked. */
    public static final int MAX_CHUNK = 8 << 20;
    /** The largest file accepted (64 GiB). */
    public static final long MAX_SIZE = 64L << 30;
    /** The most chunks a file may have, which bounds a manifest to 2 MiB. */
    public static final int MAX_CHUNKS = 1 << 16;

    /**
     * Checks the fields.
     *
     * @throws IllegalArgumentException for a null field, a size or chunk size out of range, or
     *     more than {@link #MAX_CHUNKS} chunks
     */
    public FileRef {
        if (name == null || sha256 == null || root == null) {
            throw new IllegalArgumentException("a file reference needs a name, a SHA-256 and a manifest root");
        }
        if (size < 0 || size > MAX_SIZE) {
            throw new IllegalArgumentException("a file's size is 0 to " + MAX_SIZE + " bytes, not " + size);
        }
        if (chunkSize < MIN_CHUNK || chunkSize > MAX_CHUNK || Integer.bitCount(chunkSize) != 1) {
            throw new IllegalArgumentException("a chunk size is a power of two from " + MIN_CHUNK + " to "
                    + MAX_CHUNK + ", not " + chunkSize);
        }
        long chunks = (size + chunkSize - 1) / chunkSize;
        if (chunks > MAX_CHUNKS) {
            throw new IllegalArgumentException("a file has at most " + MAX_CHUNKS + " chunks; " + size
                    + " bytes in chunks of " + chunkSize + " would be " + chunks);
        }
    }

    /** {@return how many chunks the file has; 0 for an empty file} */
    public int chunkCount() {
        return (int) ((size + chunkSize - 1) / chunkSize);
    }

    /**
     * {@return the length of chunk {@code index}: {@link #chunkSize} except for the last one}
     *
     * @param index 0 to {@link #chunkCount()} - 1
     */
    public int chunkLength(int index) {
        if (index < 0 || index >= chunkCount()) {
            throw new IndexOutOfBoundsException("chunk " + index + " of " + chunkCount());
        }
        return (int) Math.min(chunkSize, size - (long) index * chunkSize);
    }

    /** {@return the byte length of this file's manifest} */
    public int manifestLength() {
        return chunkCount() * Hash.LENGTH;
    }
}
