package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.agreement.srp.SRP6Server;
import org.bouncycastle.crypto.agreement.srp.SRP6StandardGroups;
import org.bouncycastle.crypto.agreement.srp.SRP6VerifierGenerator;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.params.SRP6GroupParameters;
import org.bouncycastle.util.BigIntegers;
import org.classchain.Command;
import org.classchain.Target;
import org.classchain.core.auth.PasswordHardening;
import org.classchain.core.block.CanonicalJson;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The console's own JavaScript crypto, in a real browser, on both paths: with WebCrypto, and
 * with {@code crypto.subtle} removed before the page loads (as on a plain-http LAN address), so
 * that the page's pure SHA-256, HMAC and PBKDF2 run. Checked against the NIST SHA-256 examples,
 * RFC 4231 (HMAC-SHA256), RFC 7914 §11 (PBKDF2-HMAC-SHA256), the RFC 5054 SRP-6a vector, and
 * against the Java side on random inputs: Bouncy Castle's SRP-6a host verifies the page's M1, the
 * page verifies the host's M2, and the page's canonical batch and MACs are byte for byte those of
 * {@link CanonicalJson#encodeBatch} and the JDK's HMAC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ConsoleCryptoBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private static final SRP6GroupParameters GROUP = SRP6StandardGroups.rfc5054_2048;

    private JettyTransport server;
    private Browser.Binaries binaries;
    private final CanonicalJson canonical = new CanonicalJson();

    @BeforeAll
    void start() throws Exception {
        binaries = Browser.locate(getClass());
        if (!binaries.found()) {
            return;
        }
        // only the page is needed: every API call is refused
        server = JettyTransport.builder().host("127.0.0.1").port(0).build();
        server.start((from, m) -> CompletableFuture.completedFuture(Message.Rejected.of(503, "no peer here")));
    }

    @BeforeEach
    void browserFound() {
        Browser.assumeFound(binaries);
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @ParameterizedTest(name = "WebCrypto hidden: {0}")
    @ValueSource(booleans = {false, true})
    void thePagesCryptoMatchesTheStandardsAndTheJavaSide(boolean hideWebCrypto, @TempDir Path profile) throws Exception {
        try (Browser browser = new Browser(binaries, profile, hideWebCrypto, 1000, 800)) {
            ChromeDriver d = browser.driver;
            d.get(server.localAddress() + "/");
            assertThat(d.executeScript("return window.ClassChainCrypto.mode;"))
                    .isEqualTo(hideWebCrypto ? "fallback" : "webcrypto");
            assertThat(d.executeScript("return typeof crypto.subtle;")).isEqualTo(hideWebCrypto ? "undefined" : "object");
            knownAnswers(d);
            digestsAgreeWithTheJdk(d);
            rfc5054(d);
            long seed = new SecureRandom().nextLong();
            System.out.println("random SRP rounds, seed " + seed);
            Random random = new Random(seed);
            for (int round = 0; round < 4; round++) {
                againstJava(d, random, round);
            }
            aWrongM2IsRefused(d);
        }
    }

    // ------------------------------------------------------------------ known answers

    private static final String HASHES = """
            var C = window.ClassChainCrypto, u = C.utf8, h = C.hex, x = C.fromHex;
            function rep(b, n) { var a = new Uint8Array(n); a.fill(b); return a; }
            var out = {};
            var sha = [['', ''], ['abc', 'abc'],
              ['448', 'abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'],
              ['896', 'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu']];
            var hm = [['1', rep(0x0b, 20), u('Hi There')], ['2', u('Jefe'), u('what do ya want for nothing?')],
              ['3', rep(0xaa, 20), rep(0xdd, 50)], ['4', x('0102030405060708090a0b0c0d0e0f10111213141516171819'), rep(0xcd, 50)],
              ['5', rep(0x0c, 20), u('Test With Truncation')],
              ['6', rep(0xaa, 131), u('Test Using Larger Than Block-Size Key - Hash Key First')],
              ['7', rep(0xaa, 131), u('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.')]];
            var kdf = [['passwd', 'salt', 1, 64], ['Password', 'NaCl', 80000, 64], ['password', 'salt', 1, 32],
              ['password', 'salt', 4096, 32]];
            sha.forEach(function (t) { out['sha256 pure ' + t[0]] = h(C.pure.sha256(u(t[1]))); });
            out['sha256 pure million a'] = h(C.pure.sha256(rep(0x61, 1000000)));
            out['sha1 pure abc'] = h(C.pure.sha1(u('abc')));
            hm.forEach(function (t) { out['hmac pure ' + t[0]] = h(C.pure.hmacSha256(t[1], t[2])); });
            kdf.forEach(function (t) { out['pbkdf2 pure ' + t.join(' ')] = h(C.pure.pbkdf2Sha256(u(t[0]), u(t[1]), t[2], t[3])); });
            var jobs = [];
            sha.forEach(function (t) { jobs.push(C.sha256(u(t[1])).then(function (r) { out['sha256 ' + t[0]] = h(r); })); });
            jobs.push(C.sha1(u('abc')).then(function (r) { out['sha1 abc'] = h(r); }));
            hm.forEach(function (t) { jobs.push(C.hmacSha256(t[1], t[2]).then(function (r) { out['hmac ' + t[0]] = h(r); })); });
            kdf.forEach(function (t) { jobs.push(C.pbkdf2Sha256(u(t[0]), u(t[1]), t[2], t[3]).then(function (r) { out['pbkdf2 ' + t.join(' ')] = h(r); })); });
            Promise.all(jobs).then(function () { done(JSON.stringify(out)); },
              function (e) { done(JSON.stringify({error: String(e)})); });
            """;

    /** Runs {@code body} as an async script: it calls {@code done(result)}. */
    private static Object async(ChromeDriver d, String body, Object... args) {
        Object[] all = new Object[args.length];
        System.arraycopy(args, 0, all, 0, args.length);
        return d.executeAsyncScript("var done = arguments[arguments.length - 1]; var args = arguments;\n" + body, all);
    }

    private void knownAnswers(ChromeDriver d) throws Exception {
        JsonNode got = JSON.readTree((String) async(d, HASHES));
        assertThat(got.has("error")).as(String.valueOf(got.get("error"))).isFalse();
        Map<String, String> expected = new LinkedHashMap<>();
        // FIPS 180-4 / NIST CSRC examples
        expected.put("sha256 ", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        expected.put("sha256 abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        expected.put("sha256 448", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        expected.put("sha256 896", "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
        expected.put("sha256 pure million a", "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        expected.put("sha1 abc", "a9993e364706816aba3e25717850c26c9cd0d89d");
        // RFC 4231 test cases 1-7 (case 5 is truncated to 128 bits there)
        expected.put("hmac 1", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
        expected.put("hmac 2", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        expected.put("hmac 3", "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
        expected.put("hmac 4", "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
        expected.put("hmac 5", "a3b6167473100ee06e0c796c2955552b");
        expected.put("hmac 6", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
        expected.put("hmac 7", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
        // RFC 7914 section 11, and the usual PBKDF2-HMAC-SHA256 answers
        expected.put("pbkdf2 passwd salt 1 64", "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                + "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
        expected.put("pbkdf2 Password NaCl 80000 64", "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                + "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
        expected.put("pbkdf2 password salt 1 32", "120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
        expected.put("pbkdf2 password salt 4096 32", "c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            String key = e.getKey();
            if (!key.contains("pure")) {
                String active = got.get(key).asText();
                String pure = got.get(key.replaceFirst(" ", " pure ")).asText();
                assertThat(key.equals("hmac 5") ? active.substring(0, 32) : active).as("active path: " + key)
                        .isEqualTo(e.getValue());
                assertThat(key.equals("hmac 5") ? pure.substring(0, 32) : pure).as("pure JS: " + key)
                        .isEqualTo(e.getValue());
            } else {
                assertThat(got.get(key).asText()).as(key).isEqualTo(e.getValue());
            }
        }
        // the answers above are the JDK's too, so a typo in them could not hide a bug
        byte[] aa = new byte[131];
        java.util.Arrays.fill(aa, (byte) 0xaa);
        assertThat(HEX.formatHex(hmac(aa, ("This is a test using a larger than block-size key and a larger than block-size data."
                + " The key needs to be hashed before being used by the HMAC algorithm.").getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo(expected.get("hmac 7"));
        assertThat(HEX.formatHex(hmac(aa, "Test Using Larger Than Block-Size Key - Hash Key First"
                .getBytes(StandardCharsets.US_ASCII)))).isEqualTo(expected.get("hmac 6"));
        assertThat(HEX.formatHex(hmac("Jefe".getBytes(StandardCharsets.US_ASCII), "what do ya want for nothing?"
                .getBytes(StandardCharsets.US_ASCII)))).isEqualTo(expected.get("hmac 2"));
        assertThat(HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
                        .getBytes(StandardCharsets.US_ASCII)))).isEqualTo(expected.get("sha256 896"));
        assertThat(HEX.formatHex(javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                new javax.crypto.spec.PBEKeySpec("Password".toCharArray(), "NaCl".getBytes(StandardCharsets.US_ASCII),
                        80000, 512)).getEncoded())).isEqualTo(expected.get("pbkdf2 Password NaCl 80000 64"));
    }

    /** Every message length across the padding boundaries, hashed and MAC'd on both sides. */
    private void digestsAgreeWithTheJdk(ChromeDriver d) throws Exception {
        Random r = new Random(7);
        List<String> messages = new ArrayList<>();
        for (int len = 0; len <= 200; len++) {
            byte[] m = new byte[len];
            r.nextBytes(m);
            messages.add(HEX.formatHex(m));
        }
        byte[] key = new byte[32];
        r.nextBytes(key);
        String result = (String) async(d, """
                var C = window.ClassChainCrypto, ms = JSON.parse(args[0]), key = C.fromHex(args[1]);
                Promise.all(ms.map(function (m) {
                  var b = C.fromHex(m);
                  return Promise.all([C.sha256(b), C.hmacSha256(key, b)]).then(function (r) {
                    return [C.hex(r[0]), C.hex(C.pure.sha256(b)), C.hex(r[1]), C.hex(C.pure.hmacSha256(key, b))];
                  });
                })).then(function (all) { done(JSON.stringify(all)); }, function (e) { done('error ' + e); });
                """, JSON.writeValueAsString(messages), HEX.formatHex(key));
        JsonNode all = JSON.readTree(result);
        for (int i = 0; i < messages.size(); i++) {
            byte[] m = HEX.parseHex(messages.get(i));
            String sha = HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(m));
            String mac = HEX.formatHex(hmac(key, m));
            JsonNode row = all.get(i);
            assertThat(row.get(0).asText()).as("sha256 of %d bytes", i).isEqualTo(sha);
            assertThat(row.get(1).asText()).as("pure sha256 of %d bytes", i).isEqualTo(sha);
            assertThat(row.get(2).asText()).as("hmac of %d bytes", i).isEqualTo(mac);
            assertThat(row.get(3).asText()).as("pure hmac of %d bytes", i).isEqualTo(mac);
        }
    }

    // ------------------------------------------------------------------ SRP-6a

    /** RFC 5054 Appendix B: 1024-bit group, SHA-1, fixed a and b; the page's formulas with that group and hash. */
    private void rfc5054(ChromeDriver d) throws Exception {
        String result = (String) async(d, """
                var S = window.ClassChainSrp, C = window.ClassChainCrypto;
                var G = {N: BigInt('0x' + args[0]), g: 2n, length: 128};
                var a = BigInt('0x60975527035CF2AD1989806F0407210BC81EDC04E2762A56AFD529DDDA2D4393');
                var b = BigInt('0xE487CB59D31AC550471E81F00F6928E01DDA08E974A004F49E61F5D105284D20');
                var out = {};
                Promise.all([S.computeK(G, C.sha1),
                    S.computeX(C.sha1, C.fromHex('BEB25379D1A8581EB5A727673A2441EE'), C.utf8('alice'), C.utf8('password123'))])
                  .then(function (r) {
                    var k = r[0], x = r[1];
                    var v = S.modPow(G.g, x, G.N);
                    var A = S.modPow(G.g, a, G.N);
                    var B = (k * v + S.modPow(G.g, b, G.N)) % G.N;
                    out.k = k.toString(16); out.x = x.toString(16); out.v = v.toString(16);
                    out.A = A.toString(16); out.B = B.toString(16);
                    return S.computeU(G, C.sha1, A, B).then(function (u) {
                      out.u = u.toString(16);
                      out.S = S.clientSecret(G, k, x, a, u, B).toString(16);
                    });
                  }).then(function () { done(JSON.stringify(out)); }, function (e) { done('error ' + e); });
                """, SRP6StandardGroups.rfc5054_1024.getN().toString(16));
        JsonNode got = JSON.readTree(result);
        assertThat(got.get("k").asText()).isEqualTo("7556aa045aef2cdd07abaf0f665c3e818913186f");
        assertThat(got.get("x").asText()).isEqualTo("94b7555aabe9127cc58ccf4993db6cf84d16c124");
        assertThat(got.get("v").asText()).isEqualTo(("7E273DE8696FFC4F4E337D05B4B375BEB0DDE1569E8FA00A9886D8129BADA1F1822223CA"
                + "1A605B530E379BA4729FDC59F105B4787E5186F5C671085A1447B52A48CF1970B4FB6F8400BBF4CEBFBB168152E08AB5EA53D15C"
                + "1AFF87B2B9DA6E04E058AD51CC72BFC9033B564E26480D78E955A5E29E7AB245DB2BE315E2099AFB").toLowerCase());
        assertThat(got.get("A").asText()).isEqualTo(("61D5E490F6F1B79547B0704C436F523DD0E560F0C64115BB72557EC44352E8903211C046"
                + "92272D8B2D1A5358A2CF1B6E0BFCF99F921530EC8E39356179EAE45E42BA92AEACED825171E1E8B9AF6D9C03E1327F44BE087EF0"
                + "6530E69F66615261EEF54073CA11CF5858F0EDFDFE15EFEAB349EF5D76988A3672FAC47B0769447B").toLowerCase());
        assertThat(got.get("B").asText()).isEqualTo(("BD0C61512C692C0CB6D041FA01BB152D4916A1E77AF46AE105393011BAF38964DC46A067"
                + "0DD125B95A981652236F99D9B681CBF87837EC996C6DA04453728610D0C6DDB58B318885D7D82C7F8DEB75CE7BD4FBAA37089E6F"
                + "9C6059F388838E7A00030B331EB76840910440B1B27AAEAEEB4012B7D7665238A8E3FB004B117B58").toLowerCase());
        assertThat(got.get("u").asText()).isEqualTo("ce38b9593487da98554ed47d70a7ae5f462ef019");
        assertThat(got.get("S").asText()).isEqualTo(("B0DC82BABCF30674AE450C0287745E7990A3381F63B387AAF271A10D233861E359B48220"
                + "F7C4693C9AE12B0A6F67809F0876E2D013800D6C41BB59B6D5979B5C00A172B4A2A5903A0BDCAF8A709585EB2AFAFA8F3499B200"
                + "210DCC1F10EB33943CD67FC88A2F39A4BE5BEC4EC0A3212DC346D7E474B29EDE8A469FFECA686E5A").toLowerCase());
    }

    /** One sign-in with random inputs: Bouncy Castle's host against the page's client, then the MACs. */
    private void againstJava(ChromeDriver d, Random random, int round) throws Exception {
        String user = randomUsername(random);
        String password = randomText(random, 1 + random.nextInt(24), round == 0);
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        int iterations = 1000 + random.nextInt(2000);
        BigInteger a = new BigInteger(256, random).setBit(255);

        byte[] hardened = PasswordHardening.harden(password, salt, iterations);
        SRP6VerifierGenerator gen = new SRP6VerifierGenerator();
        gen.init(GROUP, SHA256Digest.newInstance());
        BigInteger v = gen.generateVerifier(salt, user.getBytes(StandardCharsets.UTF_8), hardened);
        SRP6Server host = new SRP6Server();
        host.init(GROUP, v, SHA256Digest.newInstance(), new SecureRandom());
        BigInteger bigB = host.generateServerCredentials();

        Map<String, Object> in = new LinkedHashMap<>();
        in.put("user", user);
        in.put("password", password);
        in.put("a", a.toString(16));
        in.put("challenge", Map.of("session", "host.s" + round, "salt", HEX.formatHex(salt), "iterations", iterations,
                "B", HEX.formatHex(BigIntegers.asUnsignedByteArray(bigB))));
        String first = (String) async(d, """
                var i = JSON.parse(args[0]);
                var c = new window.ClassChainSrp.Client(i.user, {a: BigInt('0x' + i.a)});
                window.__client = c;
                c.respond(i.challenge, i.password).then(function (m1) { done(JSON.stringify({A: c.A, M1: m1})); },
                  function (e) { done(JSON.stringify({error: String(e)})); });
                """, utf8Json(in));
        JsonNode r1 = JSON.readTree(first);
        assertThat(r1.has("error")).as(String.valueOf(r1.get("error"))).isFalse();
        BigInteger bigA = GROUP.getG().modPow(a, GROUP.getN());
        assertThat(r1.get("A").asText()).isEqualTo(HEX.formatHex(BigIntegers.asUnsignedByteArray(bigA)));
        host.calculateSecret(new BigInteger(1, HEX.parseHex(r1.get("A").asText())));
        assertThat(host.verifyClientEvidenceMessage(new BigInteger(1, HEX.parseHex(r1.get("M1").asText()))))
                .as("the host accepts the page's M1 (round %d, password %s)", round, escape(password)).isTrue();
        byte[] m2 = BigIntegers.asUnsignedByteArray(32, host.calculateServerEvidenceMessage());
        byte[] key = BigIntegers.asUnsignedByteArray(32, host.calculateSessionKey());

        List<Command> commands = randomCommands(random);
        byte[] batch = canonical.encodeBatch(commands, List.of());
        String second = (String) async(d, """
                var c = window.__client, S = window.ClassChainSrp, C = window.ClassChainCrypto;
                var confirmed = c.confirm(args[0]);
                var cmds = JSON.parse(args[1]);
                // shuffle what the canonical form must sort: argument keys and target values
                cmds.forEach(function (cmd) {
                  var keys = Object.keys(cmd.args).reverse(), args2 = {};
                  keys.forEach(function (k) { args2[k] = cmd.args[k]; });
                  cmd.args = args2;
                  cmd.target.values = cmd.target.values.slice().reverse();
                });
                var text = S.canonicalBatch(cmds, []);
                c.batch(cmds, []).then(function (body) {
                  return c.login('peer-' + args[2]).then(function (login) {
                    done(JSON.stringify({confirmed: confirmed, canonical: C.hex(C.utf8(text)), body: body, login: login}));
                  });
                }).catch(function (e) { done(JSON.stringify({error: String(e)})); });
                """, HEX.formatHex(m2), new String(canonical.encodeCommands(commands), StandardCharsets.UTF_8), round);
        JsonNode r2 = JSON.readTree(second);
        assertThat(r2.has("error")).as(String.valueOf(r2.get("error"))).isFalse();
        assertThat(r2.get("confirmed").asBoolean()).as("the page accepts the host's M2").isTrue();
        assertThat(r2.get("canonical").asText()).as("canonical batch bytes").isEqualTo(HEX.formatHex(batch));
        JsonNode body = r2.get("body");
        assertThat(body.get("counter").asLong()).isEqualTo(1);
        assertThat(body.get("session").asText()).isEqualTo("host.s" + round);
        assertThat(body.get("mac").asText()).isEqualTo(HEX.formatHex(hmac(key, concat(counter(1), batch))));
        // what the page sends decodes to the very same commands
        assertThat(canonical.readCommands(canonical.parse(JSON.writeValueAsBytes(body.get("commands")))))
                .isEqualTo(commands);
        JsonNode login = r2.get("login");
        assertThat(login.get("counter").asLong()).isEqualTo(2);
        assertThat(login.get("mac").asText()).isEqualTo(HEX.formatHex(hmac(key, concat(counter(2),
                ("login:peer-" + round).getBytes(StandardCharsets.UTF_8)))));
    }

    private void aWrongM2IsRefused(ChromeDriver d) {
        Object result = async(d, """
                var S = window.ClassChainSrp;
                var c = new S.Client('zoe');
                var B = S.modPow(2n, 12345n, S.GROUP_2048.N);
                c.respond({session: 'h.s', salt: '00112233445566778899aabbccddeeff', iterations: 1000,
                    B: B.toString(16).padStart(512, '0')}, 'pw')
                  .then(function () {
                    var ok = c.confirm('00'.repeat(32));
                    return c.batch([], []).then(function () { done('sent ' + ok); }, function (e) { done('refused ' + ok); });
                  }).catch(function (e) { done('error ' + e); });
                """);
        assertThat(result).isEqualTo("refused false");
        Object badChallenge = async(d, """
                var S = window.ClassChainSrp, results = [];
                var N = S.GROUP_2048.N.toString(16);
                var tries = [{session: 's', salt: '00', iterations: 20000000, B: '02'},
                             {session: 's', salt: '00', iterations: 1000, B: N},
                             {session: 's', salt: '', iterations: 1000, B: '02'}];
                Promise.all(tries.map(function (t) {
                  return new S.Client('zoe').respond(t, 'pw').then(function () { return 'accepted'; },
                    function (e) { return 'refused'; });
                })).then(function (r) { done(r.join(',')); });
                """);
        assertThat(badChallenge).isEqualTo("refused,refused,refused");
    }

    // ------------------------------------------------------------------ random inputs

    private static final String[] NASTY = {"\"", "\\", "/", "\u0000", "\u0001", "\b", "\t", "\n", "\u000b", "\f", "\r",
        "\u001f", "\u007f", "é", "e\u0308", "ß", "€", "\u2028", "\u2029", "\uD83D\uDE00", "\uD800", "\uDFFF", "\uFFFF",
        "\uFEFF", "漢", "<", ">", "&", "'", " "};

    private static String randomText(Random r, int length, boolean nasty) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) {
            if (r.nextInt(3) == 0 || nasty) {
                sb.append(NASTY[r.nextInt(NASTY.length)]);
            } else {
                sb.append((char) (0x20 + r.nextInt(0x5f)));
            }
        }
        return sb.toString();
    }

    /** An argument name: nasty, but well-formed Unicode (a lone surrogate is refused as a name, see Command). */
    private static String randomName(Random r) {
        while (true) {
            String s = randomText(r, 1 + r.nextInt(6), false);
            if (s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)) {
                return s;
            }
        }
    }

    private static String randomUsername(Random r) {
        String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-";
        StringBuilder sb = new StringBuilder();
        int n = 1 + r.nextInt(20);
        for (int i = 0; i < n; i++) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    private static List<Command> randomCommands(Random r) {
        List<Command> out = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            Map<String, String> args = new LinkedHashMap<>();
            int k = r.nextInt(5);
            for (int j = 0; j < k; j++) {
                args.put(randomName(r), randomText(r, r.nextInt(30), false));
            }
            Target target = switch (r.nextInt(3)) {
                case 0 -> Target.all();
                case 1 -> new Target(Target.Kind.PEERS, List.of(randomUsername(r), randomUsername(r), randomUsername(r)));
                default -> new Target(Target.Kind.USERS, List.of(randomText(r, 5, false), "zoë", "Zoe"));
            };
            out.add(new Command(UUID.randomUUID(), "message", target, args,
                    Instant.ofEpochMilli(1_700_000_000_000L + r.nextInt(1_000_000_000))));
        }
        return out;
    }

    // ------------------------------------------------------------------ helpers

    /** JSON text with every surrogate escaped (Jackson's UTF-8 writer), safe through WebDriver's own JSON. */
    private static String utf8Json(Object value) throws Exception {
        return new String(JSON.writeValueAsBytes(value), StandardCharsets.UTF_8);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.toString();
    }

    private static byte[] counter(long c) {
        return ByteBuffer.allocate(8).putLong(c).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (java.security.GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }
}
