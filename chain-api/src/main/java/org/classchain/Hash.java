package org.classchain;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte SHA-256 digest: a block hash, a payload hash or a commands hash.
 *
 * <p>Hashes order as unsigned big-endian numbers, which is the order fork choice uses to break
 * ties. The bytes are copied in and out, so a {@code Hash} can never change.
 *
 * @param bytes the {@link #LENGTH} digest bytes
 */
public record Hash(byte[] bytes) implements Comparable<Hash> {

    /** Length of a SHA-256 digest in bytes. */
    public static final int LENGTH = 32;

    /** The all-zero hash: the "previous hash" of a genesis block. */
    public static final Hash ZERO = new Hash(new byte[LENGTH]);

    /**
     * Copies and checks the bytes.
     *
     * @param bytes exactly {@link #LENGTH} bytes
     * @throws IllegalArgumentException when there are not {@link #LENGTH} of them
     */
    public Hash {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a hash has exactly " + LENGTH + " bytes");
        }
        bytes = bytes.clone();
    }

    /**
     * Parses 64 hex digits (either case).
     *
     * @param hex what {@link #hex()} printed
     * @return the hash
     * @throws IllegalArgumentException when {@code hex} is not 64 hex digits
     */
    public static Hash fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a hash is " + 2 * LENGTH + " hex digits");
        }
        return new Hash(HexFormat.of().parseHex(hex));
    }

    /** {@return a copy of the digest bytes} */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /**
     * {@return the byte at {@code index}, without copying the array}
     *
     * @param index 0 to {@link #LENGTH} - 1
     */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** {@return the hash in lower-case hex, 64 digits} */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** {@return the first 12 hex digits, for logs and tables} */
    public String shortHex() {
        return hex().substring(0, 12);
    }

    @Override
    public int compareTo(Hash other) {
        return Arrays.compareUnsigned(bytes, other.bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Hash h && Arrays.equals(bytes, h.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return hex();
    }
}
