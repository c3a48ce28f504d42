package org.classchain.core.dispatch;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import org.classchain.Attachment;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.core.identity.Ed25519Verifier;
import org.classchain.core.identity.NodeIdentity;

/**
 * Signs this peer's receipts with its node key, over {@link SigningBytes#receipt},
 * and checks anyone's. Immutable and thread-safe.
 */
public final class ReceiptSigner {

    private final NodeIdentity identity;

    /** A signer for {@code identity}'s receipts. */
    public ReceiptSigner(NodeIdentity identity) {
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** A signed receipt from this peer; {@code detail} and {@code attachment} may be null. */
    public Receipt sign(UUID commandId, ReceiptStatus status, String detail, Instant at, Attachment attachment) {
        return sign(new Receipt(commandId, identity.nodeId(), identity.publicKey(), status, detail, at, attachment, null));
    }

    /**
     * {@code receipt} with this peer's signature in place of whatever it carried.
     *
     * @throws IllegalArgumentException when the receipt names another peer or key
     */
    public Receipt sign(Receipt receipt) {
        if (!receipt.peerId().equals(identity.nodeId()) || !receipt.peerKey().equals(identity.publicKey())) {
            throw new IllegalArgumentException("peer " + identity.nodeId() + " cannot sign a receipt of " + receipt.peerId());
        }
        byte[] signature = identity.sign(SigningBytes.receipt(receipt));
        return new Receipt(receipt.commandId(), receipt.peerId(), receipt.peerKey(), receipt.status(), receipt.detail(),
                receipt.at(), receipt.attachment(), signature);
    }

    /**
     * Whether {@code receipt} was signed by the peer it names: its key's node id is its
     * {@code peerId} and the signature is valid. Never throws on a bad receipt.
     */
    public static boolean verify(Receipt receipt) {
        return namesItsKey(receipt)
                && Ed25519Signatures.verify(receipt.peerKey(), SigningBytes.receipt(receipt), receipt.signature());
    }

    /**
     * {@link #verify(Receipt)} through {@code signatures}, which keeps the keys it decoded: for a
     * peer that checks the receipts of the same computers again and again.
     */
    public static boolean verify(Receipt receipt, Ed25519Verifier signatures) {
        return namesItsKey(receipt)
                && signatures.verify(receipt.peerKey(), SigningBytes.receipt(receipt), receipt.signature());
    }

    /** Whether the receipt's {@code peerId} is its key's node id. */
    private static boolean namesItsKey(Receipt receipt) {
        return receipt.peerKey().nodeId().equals(receipt.peerId());
    }
}
