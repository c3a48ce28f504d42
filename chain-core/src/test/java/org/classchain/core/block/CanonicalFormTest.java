package org.classchain.core.block;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Attachment;
import org.classchain.Command;
import org.classchain.GenesisConfig;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.junit.jupiter.api.Test;

/**
 * The bytes that are hashed, signed and stored: every object each codec writes has its keys in
 * ascending order, and the bytes are exactly those written before {@code CanonicalJson} was split
 * by job (taken from that code's output), so chains and signatures made before still verify.
 */
class CanonicalFormTest {
    private static final String KEY_HEX = "11".repeat(32);
    private static final String ZEROS_64 = "00".repeat(64);

    private final CanonicalJson json = new CanonicalJson();
    private final NodeKey key = NodeKey.fromHex(KEY_HEX);
    private final Account alice = new Account("alice", Role.STUDENT, List.of(key));
    private final Account teacher = new Account("teacher", Role.TEACHER, List.of(key));
    private final Command command = new Command(new UUID(0, 1), "message", Target.users("alice", "bob"), args(),
            Instant.ofEpochMilli(1_700_000_000_000L));
    private final Grant grant = new Grant("class-1", "teacher", Role.TEACHER, Hash.fromHex("ab".repeat(32)),
            new UUID(0, 2), Instant.ofEpochMilli(1_700_000_000_001L), "node-1", Grant.FIRST, new byte[64]);
    private final Receipt receipt = new Receipt(new UUID(0, 1), "peer-1", key, ReceiptStatus.EXECUTED, "ok",
            Instant.ofEpochMilli(1_700_000_000_002L), new Attachment("image/png", new byte[] {1, 2, 3}), new byte[64]);
    private final Payload genesis = Payload.genesis(new GenesisConfig("class-1", 17, teacher, List.of("fp-1")));

    private static Map<String, String> args() {
        Map<String, String> args = new LinkedHashMap<>(); // given out of order: the command sorts them
        args.put("text", "h\u00e9llo \"x\"");
        args.put("b", "2");
        return args;
    }

    @Test
    void everyObjectEveryCodecWritesHasItsKeysInAscendingOrder() throws IOException {
        Receipt bare = new Receipt(receipt.commandId(), receipt.peerId(), key, ReceiptStatus.FAILED, "", receipt.at(),
                null, new byte[64]);
        Grant unordered = new Grant("class-1", "teacher", Role.TEACHER, grant.commandsHash(), grant.grantId(),
                grant.issuedAt(), "node-1", null, new byte[64]);
        List<byte[]> written = List.of(json.encodePayload(genesis),
                json.encodePayload(Payload.granted(List.of(command), grant)),
                json.encodePayload(Payload.granted(List.of(command), unordered)),
                json.encodeBatch(List.of(command), List.of(alice)), json.encodeCommands(List.of(command)),
                json.accountTree(alice).toString().getBytes(StandardCharsets.UTF_8),
                json.grantTree(grant).toString().getBytes(StandardCharsets.UTF_8),
                body(SigningBytes.grant(grant), SigningBytes.GRANT), body(SigningBytes.grant(unordered), SigningBytes.GRANT),
                body(SigningBytes.receipt(receipt), SigningBytes.RECEIPT),
                body(SigningBytes.receipt(bare), SigningBytes.RECEIPT), ReceiptCodec.encode(receipt),
                ReceiptCodec.encode(bare));
        for (byte[] bytes : written) {
            assertThat(keysOutOfOrder(bytes)).as(new String(bytes, StandardCharsets.UTF_8)).isEmpty();
        }
    }

    @Test
    void thePayloadBytesAreThoseOfBeforeTheSplit() {
        assertThat(utf8(json.encodePayload(genesis))).isEqualTo("{\"accounts\":[],\"commands\":[],\"genesis\":"
                + "{\"chainId\":\"class-1\",\"difficultyBits\":17,\"fingerprints\":[\"fp-1\"],\"teacher\":{\"hostKeys\":[\""
                + KEY_HEX + "\"],\"role\":\"TEACHER\",\"username\":\"teacher\"}}}");
        assertThat(utf8(json.encodePayload(Payload.granted(List.of(command), grant))))
                .isEqualTo("{\"accounts\":[],\"commands\":[" + COMMAND + "],\"grant\":" + GRANT_FIELDS
                        .replace(",\"username\"", ",\"signature\":\"" + ZEROS_64 + "\",\"username\"") + "}");
        assertThat(utf8(json.encodeBatch(List.of(command), List.of(alice)))).isEqualTo("{\"accounts\":[{\"hostKeys\":[\""
                + KEY_HEX + "\"],\"role\":\"STUDENT\",\"username\":\"alice\"}],\"commands\":[" + COMMAND + "]}");
    }

    @Test
    void theSignedBytesAreThoseOfBeforeTheSplit() {
        assertThat(utf8(SigningBytes.grant(grant))).isEqualTo("classchain-grant-v1\n" + GRANT_FIELDS);
        assertThat(utf8(SigningBytes.receipt(receipt))).isEqualTo("classchain-receipt-v1\n{\"at\":1700000000002,"
                + "\"attachment\":{\"contentType\":\"image/png\",\"sha256\":"
                + "\"039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81\"},"
                + "\"commandId\":\"00000000-0000-0000-0000-000000000001\",\"detail\":\"ok\",\"peerId\":\"peer-1\","
                + "\"peerKey\":\"" + KEY_HEX + "\",\"status\":\"EXECUTED\"}");
        assertThat(utf8(SigningBytes.hello("http://a:1", "fp"))).isEqualTo("classchain-hello-v1\nhttp://a:1\nfp");
        assertThat(utf8(SigningBytes.welcome("http://a:1"))).isEqualTo("classchain-welcome-v1\nhttp://a:1");
        assertThat(utf8(SigningBytes.registration("class-1", "alice", key)))
                .isEqualTo("classchain-register-v1\nclass-1\nalice\n" + KEY_HEX);
        assertThat(utf8(SigningBytes.credentialRequest("class-1", "alice", new byte[] {10, 11})))
                .isEqualTo("classchain-credential-request-v1\nclass-1\nalice\n0a0b");
        assertThat(SigningBytes.credentialTransfer(new byte[] {1}, new byte[] {2}, new byte[] {3}, new byte[] {4}))
                .isEqualTo(concat("classchain-credential-transfer-v1\n", 1, 2, 3, 4));
        assertThat(SigningBytes.credentialKeyInput(new byte[] {1}, new byte[] {2}, new byte[] {3}))
                .isEqualTo(concat("classchain-credential-key-v1", 1, 2, 3));
        assertThat(utf8(SigningBytes.login("n1"))).isEqualTo("login:n1");
        assertThat(utf8(SigningBytes.enroll(key))).isEqualTo("enroll:" + KEY_HEX);
        assertThat(utf8(SigningBytes.view("n1"))).isEqualTo("view:n1");
    }

    @Test
    void aStoredReceiptIsReadBackAsWritten() throws CodecException {
        String stored = "{\"at\":1700000000002,\"attachment\":{\"base64\":\"AQID\",\"contentType\":\"image/png\"},"
                + "\"commandId\":\"00000000-0000-0000-0000-000000000001\",\"detail\":\"ok\",\"peerId\":\"peer-1\","
                + "\"peerKey\":\"" + KEY_HEX + "\",\"signature\":\"" + ZEROS_64 + "\",\"status\":\"EXECUTED\"}";
        assertThat(utf8(ReceiptCodec.encode(receipt))).isEqualTo(stored);
        Receipt read = ReceiptCodec.decode(stored.getBytes(StandardCharsets.UTF_8));
        assertThat(read.commandId()).isEqualTo(receipt.commandId());
        assertThat(read.attachment().content()).containsExactly(1, 2, 3);
        assertThat(read.signature()).isEqualTo(receipt.signature());
    }

    private static final String COMMAND = "{\"args\":{\"b\":\"2\",\"text\":\"h\u00e9llo \\\"x\\\"\"},"
            + "\"id\":\"00000000-0000-0000-0000-000000000001\",\"module\":\"message\",\"notAfter\":1700000000000,"
            + "\"target\":{\"kind\":\"USERS\",\"values\":[\"alice\",\"bob\"]}}";
    private static final String GRANT_FIELDS = "{\"chainId\":\"class-1\",\"commandsHash\":\"" + "ab".repeat(32) + "\","
            + "\"grantId\":\"00000000-0000-0000-0000-000000000002\",\"hostNodeId\":\"node-1\",\"issuedAt\":1700000000001,"
            + "\"previousGrantId\":\"00000000-0000-0000-0000-000000000000\",\"role\":\"TEACHER\",\"username\":\"teacher\"}";

    /** Each key that does not sort after the one before it in its object, as "previous > key". */
    private static List<String> keysOutOfOrder(byte[] bytes) throws IOException {
        List<String> out = new ArrayList<>();
        Deque<String> lastKey = new ArrayDeque<>();
        try (JsonParser p = StrictJson.mapper().getFactory().createParser(bytes)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT -> lastKey.push("");
                    case END_OBJECT -> lastKey.pop();
                    case FIELD_NAME -> {
                        String previous = lastKey.pop();
                        if (!previous.isEmpty() && previous.compareTo(p.currentName()) >= 0) {
                            out.add(previous + " > " + p.currentName());
                        }
                        lastKey.push(p.currentName());
                    }
                    default -> {
                    }
                }
            }
        }
        return out;
    }

    private static byte[] body(byte[] signed, String tag) {
        assertThat(utf8(signed)).startsWith(tag);
        return java.util.Arrays.copyOfRange(signed, tag.length(), signed.length);
    }

    private static String utf8(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static byte[] concat(String tag, int... bytes) {
        byte[] t = tag.getBytes(StandardCharsets.US_ASCII);
        byte[] out = java.util.Arrays.copyOf(t, t.length + bytes.length);
        for (int i = 0; i < bytes.length; i++) {
            out[t.length + i] = (byte) bytes[i];
        }
        return out;
    }
}
