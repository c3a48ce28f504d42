package org.classchain.core.identity;

import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.classchain.NodeKey;
import org.classchain.core.cache.BoundedCache;

/**
 * Ed25519 verification that decodes each public key once. Decoding a key (a square root in the
 * field) is about a tenth of a verification, and a peer checks the same few keys over and over: a
 * student the teacher's host key on every block, the teacher each student's key on every receipt.
 * This keeps the decoded points of the {@code keys} keys used last.
 *
 * <p>It accepts exactly what {@link Ed25519Signatures#verify} accepts: a key is decoded with the
 * checks Bouncy Castle's byte-key verification makes on it (canonical encoding, a point on the
 * curve, not one of the small-order encodings), and a key that fails them is remembered as one no
 * signature verifies under. Thread-safe; a key is decoded outside the cache's lock.
 */
public final class Ed25519Verifier {

    private final BoundedCache<NodeKey, Optional<Ed25519.PublicPoint>> points;

    /** A verifier that remembers the decoded points of up to {@code keys} keys. */
    public Ed25519Verifier(int keys) {
        this.points = BoundedCache.ofSize(keys);
    }

    /** Whether {@code signature} is {@code key}'s signature of {@code message}. Never throws on bad input. */
    public boolean verify(NodeKey key, byte[] message, byte[] signature) {
        if (key == null || message == null || signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        Optional<Ed25519.PublicPoint> point = points.get(key);
        if (point == null) {
            point = Optional.ofNullable(Ed25519.validatePublicKeyPartialExport(key.publicKey(), 0));
            points.put(key, point);
        }
        try {
            return point.isPresent() && Ed25519.verify(signature, 0, point.get(), message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }
}
