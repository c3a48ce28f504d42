package org.classchain.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Cipher;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.classchain.NodeKey;
import org.classchain.Role;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.identity.Ed25519Signatures;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.identity.SealedBox;
import org.classchain.wire.Message.CredentialRequest;
import org.classchain.wire.Message.CredentialTransfer;

/**
 * Copies a credential from an account's host to a backup host without the verifier crossing
 * the network in the clear: the backup sends a fresh X25519 key signed with its node key, the
 * host answers with the credential under AES-256-GCM keyed by SHA-256 of the X25519 agreement
 * of both fresh keys, and signs its answer with its node key. Whoever records the exchange
 * learns neither key, so neither the verifier; each side knows the other is a real peer of the
 * account (the caller checks both keys against the account's hosts on the chain).
 */
public final class CredentialTransfers {

    private static final HexFormat HEX = HexFormat.of();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CredentialTransfers() {
    }

    /** A backup's half: the request to send and the private key to open the answer with. */
    public record Pending(CredentialRequest request, byte[] privateKey) {
    }

    /** A request for {@code username}'s credential, signed by the backup's node key. */
    public static Pending request(String chainId, String username, NodeIdentity backup, SecureRandom random) {
        SealedBox.Pair mine = SealedBox.fresh(random);
        byte[] sig = backup.sign(SigningBytes.credentialRequest(chainId, username, mine.publicKey()));
        return new Pending(new CredentialRequest(username, backup.publicKey(), mine.publicKey(), sig),
                mine.privateKey());
    }

    /** Whether the request is signed by the key it names. */
    public static boolean verify(CredentialRequest r, String chainId) {
        return r.ephemeralKey().length == X25519.POINT_SIZE
                && Ed25519Signatures.verify(r.requesterKey(), SigningBytes.credentialRequest(chainId, r.username(), r.ephemeralKey()),
                r.signature());
    }

    /** The host's answer: the credential encrypted to the request's key, signed by the host. */
    public static CredentialTransfer seal(StoredCredential credential, CredentialRequest r, NodeIdentity host,
                                          SecureRandom random) throws GeneralSecurityException {
        SealedBox.Pair mine = SealedBox.fresh(random);
        byte[] pub = mine.publicKey();
        byte[] key = key(mine.privateKey(), r.ephemeralKey(), r.ephemeralKey(), pub);
        byte[] nonce = new byte[SealedBox.NONCE];
        random.nextBytes(nonce);
        ObjectNode o = MAPPER.createObjectNode();
        o.put("username", credential.username());
        o.put("role", credential.role().name());
        o.put("salt", HEX.formatHex(credential.salt()));
        o.put("iterations", credential.iterations());
        o.put("verifier", HEX.formatHex(credential.verifier()));
        byte[] ciphertext = gcm(Cipher.ENCRYPT_MODE, key, nonce, credential.username(),
                o.toString().getBytes(StandardCharsets.UTF_8));
        byte[] sig = host.sign(SigningBytes.credentialTransfer(r.ephemeralKey(), pub, nonce, ciphertext));
        return new CredentialTransfer(host.publicKey(), pub, nonce, ciphertext, sig);
    }

    /**
     * Opens an answer to {@code pending}.
     *
     * @throws GeneralSecurityException if the answer is not signed by {@code expectedHost} or does
     *                                  not decrypt for this account
     */
    public static StoredCredential open(CredentialTransfer t, Pending pending, NodeKey expectedHost)
            throws GeneralSecurityException {
        byte[] reqPub = pending.request().ephemeralKey();
        if (!t.hostKey().equals(expectedHost) || t.ephemeralKey().length != X25519.POINT_SIZE
                || !Ed25519Signatures.verify(t.hostKey(), SigningBytes.credentialTransfer(reqPub, t.ephemeralKey(), t.nonce(), t.ciphertext()),
                t.signature())) {
            throw new GeneralSecurityException("the credential was not sent by a host of the account");
        }
        byte[] key = key(pending.privateKey(), t.ephemeralKey(), reqPub, t.ephemeralKey());
        byte[] plain = gcm(Cipher.DECRYPT_MODE, key, t.nonce(), pending.request().username(), t.ciphertext());
        try {
            JsonNode o = MAPPER.readTree(plain);
            StoredCredential c = new StoredCredential(o.get("username").asText(), Role.valueOf(o.get("role").asText()),
                    HEX.parseHex(o.get("salt").asText()), o.get("iterations").asInt(),
                    HEX.parseHex(o.get("verifier").asText()));
            if (!c.username().equals(pending.request().username())) {
                throw new GeneralSecurityException("the credential is for another account");
            }
            return c;
        } catch (IOException | RuntimeException e) {
            throw new GeneralSecurityException("the credential does not read: " + e.getMessage(), e);
        }
    }

    private static byte[] key(byte[] myPriv, byte[] theirPub, byte[] requestPub, byte[] hostPub)
            throws GeneralSecurityException {
        return SealedBox.key(SigningBytes.CREDENTIAL_KEY, myPriv, theirPub, requestPub, hostPub);
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, String username, byte[] input)
            throws GeneralSecurityException {
        return SealedBox.gcm(mode, key, nonce, username.getBytes(StandardCharsets.UTF_8), input);
    }
}
