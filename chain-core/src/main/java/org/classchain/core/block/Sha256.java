package org.classchain.core.block;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.classchain.Hash;

/** SHA-256 of byte arrays, through the JDK's {@link MessageDigest}. */
public final class Sha256 {
    private Sha256() {
    }

    /** The digest of {@code bytes}. */
    public static Hash of(byte[] bytes) {
        return new Hash(raw(bytes));
    }

    /** The digest of {@code bytes}, as raw bytes. */
    public static byte[] raw(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
