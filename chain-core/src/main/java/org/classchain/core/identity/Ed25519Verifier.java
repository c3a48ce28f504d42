package org.classchain.core.identity;

import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.classchain.NodeKey;
import org.classchain.core.cache.BoundedCache;

/**
 * Ed25519 verification that decodes each signer's key once. Decoding a key (a square root in the
 * field) is about a tenth of a verification, and a peer checks the same few keys over and over: a
 * student the teacher's host key on every block, the teacher each student's key on every receipt.
 * This keeps the decoded points of the {@code keys} keys that verified a signature last.
 *
 * <p>It accepts exactly what {@link Ed25519Signatures#verify} accepts. A key not kept is verified
 * from its bytes, as there, and kept only once a signature verified under it: a made-up key with a
 * malformed signature costs what it always did and takes no room. A kept key was decoded with the
 * checks the verification from bytes makes on it (canonical encoding, a point on the curve, not
 * one of the small-order encodings: Bouncy Castle's partial validation, the one its own
 * {@code Ed25519PublicKeyParameters} verifies through). Thread-safe; a key is decoded and verified
 * outside the cache's lock.
 */
public final class Ed25519Verifier {

    private final BoundedCache<NodeKey, Ed25519.PublicPoint> points;

    /** A verifier that keeps the decoded points of up to {@code keys} keys. */
    public Ed25519Verifier(int keys) {
        this.points = BoundedCache.ofSize(keys);
    }

    /** Whether {@code signature} is {@code key}'s signature of {@code message}. Never throws on bad input. */
    public boolean verify(NodeKey key, byte[] message, byte[] signature) {
        if (key == null || message == null || signature == null || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        Ed25519.PublicPoint point = points.get(key);
        if (point == null) {
            if (!Ed25519Signatures.verify(key, message, signature)) {
                return false;
            }
            Ed25519.PublicPoint decoded = Ed25519.validatePublicKeyPartialExport(key.publicKey(), 0);
            if (decoded != null) {
                points.put(key, decoded);
            }
            return true;
        }
        try {
            return Ed25519.verify(signature, 0, point, message, 0, message.length);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether {@code key}'s decoded point is kept (for tests). */
    boolean keeps(NodeKey key) {
        return points.get(key) != null;
    }
}
