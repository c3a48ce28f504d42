package org.classchain;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * A 32-byte SHA-256 digest: a block hash, a payload hash or a commands hash.
 *
 * <p>Hashes order as unsigned big-endian numbers, which is the order fork choice uses to break
 * ties. The bytes are copied in and out, so a {@code Hash} can never change.
 */
public record Hash(byte[] bytes) implements Comparable<Hash> {

    /** Length of a SHA-256 digest in bytes. */
    public static final int LENGTH = 32;

    /** The all-zero hash: the "previous hash" of a genesis block. */
    public static final Hash ZERO = new Hash(new byte[LENGTH]);

    /** Copies and checks the bytes. */
    public Hash {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a hash has exactly " + LENGTH + " bytes");
        }
        bytes = bytes.clone();
    }

    /** Parses 64 hex digits (either case). */
    public static Hash fromHex(String hex) {
        if (hex == null || hex.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a hash is " + 2 * LENGTH + " hex digits");
        }
        return new Hash(HexFormat.of().parseHex(hex));
    }

    /** A copy of the digest bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The byte at {@code index}, without copying the array. */
    public byte byteAt(int index) {
        return bytes[index];
    }

    /** Lower-case hex, 64 digits. */
    public String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    /** The first 12 hex digits, for logs and tables. */
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
