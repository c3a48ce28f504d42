package org.classchain.core.identity;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.math.ec.rfc7748.X25519;
import org.classchain.core.block.Sha256;
import org.classchain.core.block.SigningBytes;

/**
 * Bytes sealed to a fresh X25519 key: each side makes a fresh key pair, the AES-256 key is
 * SHA-256 of a label, the X25519 agreement and both public keys
 * ({@link SigningBytes#keyInput}), and the bytes travel under AES-GCM (128-bit tag) with
 * associated data that binds them to one exchange. What a credential transfer and a screen's
 * picture share; whoever records or relays the exchange learns nothing of the bytes. Who sealed
 * them is the caller's to prove (a node-key signature over the result).
 */
public final class SealedBox {

    /** The nonce's length in bytes. */
    public static final int NONCE = 12;

    private SealedBox() {
    }

    /**
     * A fresh X25519 key pair.
     *
     * @param privateKey 32 bytes, kept by its maker
     * @param publicKey 32 bytes, sent
     */
    public record Pair(byte[] privateKey, byte[] publicKey) {
    }

    /**
     * A fresh key pair.
     *
     * @param random where the private key comes from
     * @return the pair
     */
    public static Pair fresh(SecureRandom random) {
        byte[] priv = new byte[X25519.SCALAR_SIZE];
        X25519.generatePrivateKey(random, priv);
        byte[] pub = new byte[X25519.POINT_SIZE];
        X25519.generatePublicKey(priv, 0, pub, 0);
        return new Pair(priv, pub);
    }

    /**
     * The AES-256 key both sides derive.
     *
     * @param label the exchange's domain tag ({@code classchain-...-key-vN}, in {@link SigningBytes})
     * @param myPrivate this side's private key
     * @param theirPublic the other side's public key
     * @param requestPublic the asking side's public key
     * @param answerPublic the answering side's public key
     * @return 32 bytes
     * @throws GeneralSecurityException for a key that is not 32 bytes or a degenerate agreement
     */
    public static byte[] key(String label, byte[] myPrivate, byte[] theirPublic, byte[] requestPublic,
                             byte[] answerPublic) throws GeneralSecurityException {
        if (theirPublic.length != X25519.POINT_SIZE) {
            throw new GeneralSecurityException("an X25519 key is 32 bytes");
        }
        byte[] shared = new byte[X25519.POINT_SIZE];
        if (!X25519.calculateAgreement(myPrivate, 0, theirPublic, 0, shared, 0)) {
            throw new GeneralSecurityException("a degenerate X25519 key");
        }
        return Sha256.raw(SigningBytes.keyInput(label, shared, requestPublic, answerPublic));
    }

    /**
     * AES-GCM one way or the other.
     *
     * @param mode {@link Cipher#ENCRYPT_MODE} or {@link Cipher#DECRYPT_MODE}
     * @param key 32 bytes from {@link #key}
     * @param nonce {@value #NONCE} bytes, fresh for each sealing
     * @param associated what the bytes are bound to (the account's name, the request's id)
     * @param input the bytes, or the sealed bytes
     * @return the sealed bytes, or the bytes
     * @throws GeneralSecurityException when the sealed bytes or their binding were changed
     */
    public static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] associated, byte[] input)
            throws GeneralSecurityException {
        if (nonce.length != NONCE) {
            throw new GeneralSecurityException("a GCM nonce is 12 bytes");
        }
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        c.updateAAD(associated);
        return c.doFinal(input);
    }
}
