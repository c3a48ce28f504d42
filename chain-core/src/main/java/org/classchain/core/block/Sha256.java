package org.classchain.core.block;

import com.google.common.hash.Hashing;
import org.classchain.Hash;

/** SHA-256 of byte arrays, through Guava. */
public final class Sha256 {
    private Sha256() {
    }

    /** The digest of {@code bytes}. */
    public static Hash of(byte[] bytes) {
        return new Hash(Hashing.sha256().hashBytes(bytes).asBytes());
    }

    /** The digest of {@code bytes}, as raw bytes. */
    public static byte[] raw(byte[] bytes) {
        return Hashing.sha256().hashBytes(bytes).asBytes();
    }
}
