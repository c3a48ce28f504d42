package org.classchain.core.block;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.classchain.Grant;
import org.classchain.NodeKey;
import org.classchain.Receipt;

/**
 * Every byte string ClassChain signs or MACs, each behind a domain tag of its own so that a
 * signature made for one purpose never verifies for another. The tags are all here, and nowhere
 * else: a new signed thing gets a new {@code classchain-...-vN} tag in this class.
 *
 * <p>Node-key (Ed25519) signatures: {@link #grant}, {@link #receipt}, {@link #hello},
 * {@link #welcome}, {@link #registration}, {@link #credentialRequest}, {@link #credentialTransfer}.
 * {@link #screenFrame}; the teacher's host's screen request, {@link #screenRequest}.
 * The sealed exchanges' key derivation: {@link #keyInput} ({@link #credentialKeyInput}). A session's HMACs
 * ({@code auth.SessionMac}, keyed by the session key, which already binds them to one account):
 * {@link #login}, {@link #enroll}, {@link #view}, and the canonical batch
 * ({@link CanonicalJson#encodeBatch}).
 *
 * <p>Changing any of these bytes changes what verifies: grants are on the chain (consensus), the
 * others are checked between peers of one version.
 */
public final class SigningBytes {

    /** Tag of a grant, followed by the canonical grant without its signature. */
    public static final String GRANT = "classchain-grant-v1\n";
    /** Tag of a receipt, followed by its canonical fields without the signature. */
    public static final String RECEIPT = "classchain-receipt-v1\n";
    /** Tag of a Hello: {@code tag + address + "\n" + fingerprint}. */
    public static final String HELLO = "classchain-hello-v1\n";
    /** Tag of a Welcome: {@code tag + address}. */
    public static final String WELCOME = "classchain-welcome-v1\n";
    /** Tag of an account registration: {@code tag + chainId + "\n" + username + "\n" + hex(hostKey)}. */
    public static final String REGISTER = "classchain-register-v1\n";
    /** Tag of a credential request: {@code tag + chainId + "\n" + username + "\n" + hex(ephemeralKey)}. */
    public static final String CREDENTIAL_REQUEST = "classchain-credential-request-v1\n";
    /** Tag of a credential transfer: {@code tag} then the raw keys, nonce and ciphertext. */
    public static final String CREDENTIAL_TRANSFER = "classchain-credential-transfer-v1\n";
    /** Label of the credential transfer's key derivation (no newline: hashed with raw bytes). */
    public static final String CREDENTIAL_KEY = "classchain-credential-key-v1";
    /** Label of a screen picture's key derivation (no newline). */
    public static final String SCREEN_KEY = "classchain-screen-key-v1";
    /** Tag of a screen request, followed by its fields, one a line. */
    public static final String SCREEN_REQUEST = "classchain-screen-v1\n";
    /** Tag of a computer's sealed picture, followed by the request's id and the frame's bytes. */
    public static final String SCREEN_FRAME = "classchain-screen-frame-v1\n";
    /** Session MAC message of a login at a peer: {@code tag + peerNodeId}. */
    public static final String LOGIN = "login:";
    /** Session MAC message of a device enrollment: {@code tag + hex(deviceKey)}. */
    public static final String ENROLL = "enroll:";
    /** Session MAC message of a view token for a peer: {@code tag + peerNodeId}. */
    public static final String VIEW = "view:";

    private static final HexFormat HEX = HexFormat.of();

    private SigningBytes() {
    }

    /** What a host signs for a grant. */
    public static byte[] grant(Grant grant) {
        return concat(ascii(GRANT), StrictJson.write(g -> CanonicalJson.writeGrant(g, grant, false)));
    }

    /** What a peer signs for a receipt (an attachment by its type and SHA-256). */
    public static byte[] receipt(Receipt r) {
        return concat(ascii(RECEIPT), StrictJson.write(g -> {
            g.writeStartObject();
            g.writeNumberField("at", r.at().toEpochMilli());
            if (r.attachment() != null) {
                g.writeObjectFieldStart("attachment");
                g.writeStringField("contentType", r.attachment().contentType());
                g.writeStringField("sha256", Sha256.of(r.attachment().content()).hex());
                g.writeEndObject();
            }
            g.writeStringField("commandId", r.commandId().toString());
            g.writeStringField("detail", r.detail());
            g.writeStringField("peerId", r.peerId());
            g.writeStringField("peerKey", r.peerKey().hex());
            g.writeStringField("status", r.status().name());
            g.writeEndObject();
        }));
    }

    /** What a Hello's signature covers. */
    public static byte[] hello(String address, String fingerprint) {
        return utf8(HELLO + address + "\n" + fingerprint);
    }

    /** What a Welcome's signature covers. */
    public static byte[] welcome(String address) {
        return utf8(WELCOME + address);
    }

    /** What an account registration's signature covers. */
    public static byte[] registration(String chainId, String username, NodeKey hostKey) {
        return utf8(REGISTER + chainId + "\n" + username + "\n" + hostKey.hex());
    }

    /** What a backup signs to ask for a credential: the account, the chain, and its fresh key. */
    public static byte[] credentialRequest(String chainId, String username, byte[] ephemeralKey) {
        return utf8(CREDENTIAL_REQUEST + chainId + "\n" + username + "\n" + HEX.formatHex(ephemeralKey));
    }

    /** What a host signs when it hands a credential over. */
    public static byte[] credentialTransfer(byte[] requestPub, byte[] hostPub, byte[] nonce, byte[] ciphertext) {
        return concat(ascii(CREDENTIAL_TRANSFER), requestPub, hostPub, nonce, ciphertext);
    }

    /** What is hashed into a credential transfer's key: the label, the X25519 secret and both public keys. */
    public static byte[] credentialKeyInput(byte[] shared, byte[] requestPub, byte[] hostPub) {
        return keyInput(CREDENTIAL_KEY, shared, requestPub, hostPub);
    }

    /**
     * What is hashed into a sealed exchange's key ({@code identity.SealedBox}): the label
     * ({@link #CREDENTIAL_KEY}, {@link #SCREEN_KEY}), the X25519 secret and both public keys.
     *
     * @param label the exchange's tag
     * @param shared the X25519 agreement
     * @param requestPub the asking side's public key
     * @param answerPub the answering side's public key
     * @return the bytes to hash
     */
    public static byte[] keyInput(String label, byte[] shared, byte[] requestPub, byte[] answerPub) {
        return concat(ascii(label), shared, requestPub, answerPub);
    }

    /**
     * What the teacher's peer signs when it asks a computer for its screens: everything but the
     * hops left, which relays count down.
     *
     * @param chainId the chain both follow
     * @param r the request
     * @return the bytes to sign
     */
    public static byte[] screenRequest(String chainId, org.classchain.wire.Message.ScreenRequest r) {
        return utf8(SCREEN_REQUEST + chainId + "\n" + r.id() + "\n" + r.target() + "\n" + r.requester() + "\n"
                + r.issuedAt() + "\n" + r.width() + "\n" + HEX.formatHex(r.replyKey()));
    }

    /**
     * What a computer signs with its node key over the picture it sealed for one screen request,
     * so that a relaying classmate, who can seal a picture of her own to the same reply key,
     * cannot pass it off as this computer's: the request's id, the sealing's public key and nonce,
     * the content type, the time taken and the sealed bytes.
     *
     * @param requestId the request's id
     * @param f the sealed frame (its signer and signature are not signed)
     * @return the bytes to sign
     */
    public static byte[] screenFrame(java.util.UUID requestId, org.classchain.wire.Message.ScreenFrame f) {
        return concat(ascii(SCREEN_FRAME + requestId + "\n"), f.ephemeralKey(), f.nonce(),
                utf8("\n" + f.picture().contentType() + "\n" + f.capturedAt().toEpochMilli() + "\n"),
                f.picture().content());
    }

    /** A session MAC's message for ending the session: {@code logout}. */
    public static byte[] logout() {
        return "logout".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** A session MAC's message for a login at {@code peerNodeId}. */
    public static byte[] login(String peerNodeId) {
        return utf8(LOGIN + peerNodeId);
    }

    /** A session MAC's message for enrolling {@code deviceKey}. */
    public static byte[] enroll(NodeKey deviceKey) {
        return utf8(ENROLL + deviceKey.hex());
    }

    /** A session MAC's message for a view token at {@code peerNodeId}. */
    public static byte[] view(String peerNodeId) {
        return utf8(VIEW + peerNodeId);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] p : parts) {
            length += p.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
