package org.classchain.core.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The MACs of a signed-in session: {@code HMAC-SHA256(K, counter | message)} with the counter
 * as 8 bytes big-endian; the message is the canonical batch, {@code "login:" + peerNodeId},
 * {@code "enroll:" + hex(deviceKey)}, or for a view token {@code "view:" + peerNodeId} with the
 * token's end (epoch ms) in place of the counter.
 */
final class SessionMac {

    private SessionMac() {
    }

    /** The MAC of a batch ({@code CanonicalJson.encodeBatch}). */
    static byte[] batch(byte[] key, long counter, byte[] canonicalBatch) {
        return mac(key, counter, canonicalBatch);
    }

    /** The MAC of a login at {@code peerNodeId}. */
    static byte[] login(byte[] key, long counter, String peerNodeId) {
        return mac(key, counter, loginMessage(peerNodeId));
    }

    /** {@code UTF-8("login:" + peerNodeId)}. */
    static byte[] loginMessage(String peerNodeId) {
        return ("login:" + peerNodeId).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code UTF-8("enroll:" + hex(deviceKey))}. */
    static byte[] enrollMessage(org.classchain.NodeKey deviceKey) {
        return ("enroll:" + deviceKey.hex()).getBytes(StandardCharsets.UTF_8);
    }

    /** The MAC of a view token for {@code peerNodeId} valid until {@code untilMillis}. */
    static byte[] view(byte[] key, long untilMillis, String peerNodeId) {
        return mac(key, untilMillis, viewMessage(peerNodeId));
    }

    /** {@code UTF-8("view:" + peerNodeId)}. */
    static byte[] viewMessage(String peerNodeId) {
        return ("view:" + peerNodeId).getBytes(StandardCharsets.UTF_8);
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
