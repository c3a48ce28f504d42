package org.classchain.core.auth;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.classchain.core.block.SigningBytes;

/**
 * The MACs of a signed-in session: {@code HMAC-SHA256(K, counter | message)} with the counter
 * as 8 bytes big-endian; the message is the canonical batch or one of {@link SigningBytes}'
 * session messages (login, enroll, view; a view token has its end, epoch ms, in place of the
 * counter).
 */
final class SessionMac {

    private SessionMac() {
    }

    /** The MAC of a batch ({@code CanonicalJson.encodeBatch}). */
    static byte[] batch(byte[] key, long counter, byte[] canonicalBatch) {
        return mac(key, counter, canonicalBatch);
    }

    /** The MAC of ending the session. */
    static byte[] logout(byte[] key, long counter) {
        return mac(key, counter, SigningBytes.logout());
    }

    /** The MAC of a login at {@code peerNodeId}. */
    static byte[] login(byte[] key, long counter, String peerNodeId) {
        return mac(key, counter, SigningBytes.login(peerNodeId));
    }

    /** The MAC of a view token for {@code peerNodeId} valid until {@code untilMillis}. */
    static byte[] view(byte[] key, long untilMillis, String peerNodeId) {
        return mac(key, untilMillis, SigningBytes.view(peerNodeId));
    }

    static byte[] mac(byte[] key, long counter, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(ByteBuffer.allocate(Long.BYTES).putLong(counter).array());
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
