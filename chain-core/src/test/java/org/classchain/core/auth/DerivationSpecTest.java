package org.classchain.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.classchain.core.auth.AuthFixture.ADDRESS;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.text.Normalizer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.classchain.Command;
import org.classchain.Role;
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.GrantIssued;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.LoginRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The derivation documented in package-info, recomputed with plain JDK primitives (BigInteger,
 * MessageDigest, Mac, the JDK's own PBKDF2) and played against the host: what a browser port
 * must reproduce byte for byte.
 */
class DerivationSpecTest {

    static final BigInteger N = Srp.GROUP.getN();
    static final BigInteger G = Srp.GROUP.getG();
    static final String USER = "zoe";
    /** Decomposed ("e" + combining diaeresis) when the account is created, composed when typed. */
    static final String PASSWORD_AS_CREATED = "Zoe\u0308 stra\u00dfe 7";
    static final String PASSWORD_AS_TYPED = "Zo\u00eb stra\u00dfe 7";

    @TempDir
    Path dir;

    AuthFixture f;

    @BeforeEach
    void setUp() throws IOException {
        f = new AuthFixture(dir);
        f.store.create(USER, PASSWORD_AS_CREATED, Role.TEACHER);
    }

    @Test
    void theGroupIsRfc5054s2048BitGroupWithGenerator2() {
        assertThat(N.bitLength()).isEqualTo(2048);
        assertThat(N.toString(16)).startsWith("ac6bdb41324a9a9bf166de5e1389582faf72b665");
        assertThat(G).isEqualTo(BigInteger.TWO);
        assertThat(Srp.N_LENGTH).isEqualTo(256);
    }

    @Test
    void pbkdf2KnownAnswers() {
        byte[] salt = "salt".getBytes(StandardCharsets.US_ASCII);
        assertThat(HexFormat.of().formatHex(PasswordHardening.harden("password", salt, 1)))
                .isEqualTo("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
        assertThat(HexFormat.of().formatHex(PasswordHardening.harden("password", salt, 4096)))
                .isEqualTo("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    }

    @Test
    void hardeningIsPbkdf2OfTheNfcUtf8Password() throws Exception {
        byte[] salt = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f");
        byte[] expected = jdkPbkdf2(PASSWORD_AS_TYPED, salt, 1_000);
        assertThat(PasswordHardening.harden(PASSWORD_AS_TYPED, salt, 1_000)).isEqualTo(expected);
        assertThat(PasswordHardening.harden(PASSWORD_AS_CREATED, salt, 1_000)).isEqualTo(expected);
    }

    @Test
    void theVerifierIsGToTheX() throws Exception {
        StoredCredential c = f.store.find(USER).orElseThrow();
        byte[] hardened = jdkPbkdf2(PASSWORD_AS_TYPED, c.salt(), c.iterations());
        BigInteger x = x(c.salt(), hardened);
        assertThat(c.verifier()).isEqualTo(org.bouncycastle.util.BigIntegers.asUnsignedByteArray(G.modPow(x, N)));
    }

    @Test
    void theWholeExchangeFollowsTheDocumentedFormulas() throws Exception {
        SecureRandom random = new SecureRandom();
        BigInteger a = new BigInteger(256, random).setBit(255);
        BigInteger bigA = G.modPow(a, N);
        AuthChallenge challenge = (AuthChallenge) f.host.handle(new AuthStart(USER, org.bouncycastle.util.BigIntegers.asUnsignedByteArray(bigA)), ADDRESS);

        byte[] hardened = jdkPbkdf2(PASSWORD_AS_TYPED, challenge.salt(), challenge.iterations());
        BigInteger x = x(challenge.salt(), hardened);
        BigInteger bigB = new BigInteger(1, challenge.serverPublic());
        BigInteger k = new BigInteger(1, sha256(pad(N), pad(G)));
        BigInteger u = new BigInteger(1, sha256(pad(bigA), pad(bigB)));
        BigInteger base = bigB.subtract(k.multiply(G.modPow(x, N))).mod(N);
        BigInteger s = base.modPow(a.add(u.multiply(x)), N);
        byte[] m1 = sha256(pad(bigA), pad(bigB), pad(s));

        Message reply = f.host.handle(new AuthFinish(USER, challenge.session(), m1), ADDRESS);
        assertThat(reply).isInstanceOf(AuthConfirmed.class);
        byte[] m2 = ((AuthConfirmed) reply).serverEvidence();
        // Bouncy Castle pads M1 to the length of N inside M2, like every other number
        assertThat(m2).isEqualTo(sha256(pad(bigA), pad(new BigInteger(1, m1)), pad(s)));
        assertThat(m2).isNotEqualTo(sha256(pad(bigA), m1, pad(s)));

        byte[] key = sha256(pad(s));
        List<Command> commands = List.of(f.command(Duration.ofMinutes(10)));
        byte[] batchMac = hmac(key, 1, f.json.encodeBatch(commands, List.of()));
        Message granted = f.host.handle(new GrantRequest(USER, challenge.session(), 1, commands, List.of(), batchMac),
                ADDRESS);
        assertThat(granted).isInstanceOf(GrantIssued.class);

        byte[] loginMac = hmac(key, 2, "login:peer-42".getBytes(StandardCharsets.UTF_8));
        assertThat(f.host.handle(new LoginRequest(USER, challenge.session(), 2, "peer-42", loginMac), ADDRESS))
                .isInstanceOf(Message.Ack.class);
    }

    @Test
    void srpClientMacsAreTheDocumentedOnes() {
        SrpClient client = f.signIn(USER, PASSWORD_AS_TYPED);
        byte[] key = client.sessionKey();
        List<Command> commands = List.of(f.command(Duration.ofMinutes(10)));
        GrantRequest g = client.grantRequest(commands, List.of());
        assertThat(g.counter()).isEqualTo(1);
        assertThat(g.mac()).isEqualTo(hmac(key, 1, f.json.encodeBatch(commands, List.of())));
        LoginRequest l = client.login("peer-7");
        assertThat(l.counter()).isEqualTo(2);
        assertThat(l.mac()).isEqualTo(hmac(key, 2, "login:peer-7".getBytes(StandardCharsets.UTF_8)));
    }

    // ------------------------------------------------------------------ the formulas, JDK only

    static BigInteger x(byte[] salt, byte[] hardened) throws GeneralSecurityException {
        byte[] inner = sha256(USER.getBytes(StandardCharsets.UTF_8), ":".getBytes(StandardCharsets.US_ASCII), hardened);
        return new BigInteger(1, sha256(salt, inner));
    }

    static byte[] jdkPbkdf2(String password, byte[] salt, int iterations) throws GeneralSecurityException {
        char[] chars = Normalizer.normalize(password, Normalizer.Form.NFC).toCharArray();
        SecretKeyFactory kf = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        return kf.generateSecret(new PBEKeySpec(chars, salt, iterations, 256)).getEncoded();
    }

    static byte[] pad(BigInteger v) {
        byte[] raw = v.toByteArray();
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        byte[] out = new byte[256];
        System.arraycopy(raw, start, out, 256 - (raw.length - start), raw.length - start);
        return out;
    }

    static byte[] sha256(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p);
            }
            return md.digest();
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] hmac(byte[] key, long counter, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            in.writeBytes(ByteBuffer.allocate(8).putLong(counter).array());
            in.writeBytes(message);
            return mac.doFinal(in.toByteArray());
        } catch (GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
