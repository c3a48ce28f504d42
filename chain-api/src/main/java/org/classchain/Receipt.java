package org.classchain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;

/**
 * A targeted peer's signed report of what it did with one command.
 *
 * <p>{@code signature} is the peer's Ed25519 signature over the canonical encoding of the other
 * fields (the attachment by its SHA-256), checked against {@code peerKey}, whose node id must be
 * {@code peerId}. An unsigned receipt (empty signature) is never accepted from the network.
 *
 * @param commandId the command
 * @param peerId the reporting peer's node id
 * @param peerKey the reporting peer's public key
 * @param status the outcome
 * @param detail a human-readable detail, at most a few hundred characters
 * @param at when the outcome was reached, by the peer's clock
 * @param attachment an optional small file, or null
 * @param signature the peer's signature
 */
public record Receipt(UUID commandId, String peerId, NodeKey peerKey, ReceiptStatus status, String detail,
                      Instant at, Attachment attachment, byte[] signature) {

    /** The longest detail kept; longer ones are cut. */
    public static final int MAX_DETAIL = 500;

    /**
     * Checks the fields, cuts the detail and copies the signature.
     *
     * @param commandId never null
     * @param peerId never null
     * @param peerKey never null
     * @param status never null
     * @param detail null becomes empty; cut to {@link #MAX_DETAIL} characters
     * @param at never null; cut to the millisecond
     * @param attachment or null
     * @param signature copied; null becomes empty (unsigned)
     */
    public Receipt {
        Objects.requireNonNull(commandId, "commandId");
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(peerKey, "peerKey");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(at, "at");
        detail = detail == null ? "" : detail.length() > MAX_DETAIL ? detail.substring(0, MAX_DETAIL) : detail;
        at = at.truncatedTo(ChronoUnit.MILLIS);
        signature = signature == null ? new byte[0] : signature.clone();
    }

    /** {@return a copy of the signature} */
    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Receipt r && commandId.equals(r.commandId) && peerId.equals(r.peerId)
                && peerKey.equals(r.peerKey) && status == r.status && detail.equals(r.detail)
                && at.equals(r.at) && Objects.equals(attachment, r.attachment)
                && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(commandId, peerId, status, at);
    }

    @Override
    public String toString() {
        return "Receipt[" + commandId + " at " + peerId + ": " + status + (detail.isEmpty() ? "" : " (" + detail + ")") + "]";
    }
}
