package org.classchain.core.block;

import static org.classchain.core.block.StrictJson.array;
import static org.classchain.core.block.StrictJson.field;
import static org.classchain.core.block.StrictJson.number;
import static org.classchain.core.block.StrictJson.object;
import static org.classchain.core.block.StrictJson.text;
import static org.classchain.core.block.StrictJson.uuid;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.classchain.Account;
import org.classchain.Command;
import org.classchain.GenesisConfig;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.Target;

/**
 * The payload codec: the one canonical JSON form of payloads, batches, commands, accounts and
 * grants (DESIGN section 3): object keys in ascending order, no insignificant whitespace, UTF-8,
 * instants as epoch milliseconds, byte strings as lower-case hex. What is signed is
 * {@link SigningBytes}; how a receipt is stored, {@link ReceiptCodec}; the parser's limits,
 * {@link StrictJson}.
 *
 * <p>Decoding is strict: a document that is not exactly what {@link #encodePayload} would write
 * for the decoded value is rejected, so one payload has one encoding and one hash.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class CanonicalJson {

    private static final HexFormat HEX = HexFormat.of();

    /** A codec; it reads with {@link StrictJson}'s limits. */
    public CanonicalJson() {
    }

    // ------------------------------------------------------------------ encoding

    /** The canonical bytes of a payload. */
    public byte[] encodePayload(Payload p) {
        return StrictJson.write(g -> {
            g.writeStartObject();
            g.writeFieldName("accounts");
            writeAccounts(g, p.accounts());
            g.writeFieldName("commands");
            writeCommands(g, p.commands());
            if (p.genesis() != null) {
                g.writeFieldName("genesis");
                writeGenesis(g, p.genesis());
            }
            if (p.grant() != null) {
                g.writeFieldName("grant");
                writeGrant(g, p.grant(), true);
            }
            g.writeEndObject();
        });
    }

    /**
     * The canonical bytes of a batch, {@code {"accounts":[..],"commands":[..]}}: what a grant's
     * {@code commandsHash} and a session's MAC cover.
     */
    public byte[] encodeBatch(List<Command> commands, List<Account> accounts) {
        return StrictJson.write(g -> {
            g.writeStartObject();
            g.writeFieldName("accounts");
            writeAccounts(g, accounts);
            g.writeFieldName("commands");
            writeCommands(g, commands);
            g.writeEndObject();
        });
    }

    /** SHA-256 of {@link #encodeBatch}. */
    public Hash batchHash(List<Command> commands, List<Account> accounts) {
        return Sha256.of(encodeBatch(commands, accounts));
    }

    /** The canonical bytes of one command list, e.g. for a client request body. */
    public byte[] encodeCommands(List<Command> commands) {
        return StrictJson.write(g -> writeCommands(g, commands));
    }

    private static void writeCommands(JsonGenerator g, List<Command> commands) throws IOException {
        g.writeStartArray();
        for (Command c : commands) {
            g.writeStartObject();
            g.writeObjectFieldStart("args");
            for (Map.Entry<String, String> e : c.args().entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("id", c.id().toString());
            g.writeStringField("module", c.module());
            g.writeNumberField("notAfter", c.notAfter().toEpochMilli());
            g.writeObjectFieldStart("target");
            g.writeStringField("kind", c.target().kind().name());
            g.writeArrayFieldStart("values");
            for (String v : c.target().values()) {
                g.writeString(v);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeAccounts(JsonGenerator g, List<Account> accounts) throws IOException {
        g.writeStartArray();
        for (Account a : accounts) {
            writeAccount(g, a);
        }
        g.writeEndArray();
    }

    private static void writeAccount(JsonGenerator g, Account a) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("hostKeys");
        for (NodeKey k : a.hostKeys()) {
            g.writeString(k.hex());
        }
        g.writeEndArray();
        g.writeStringField("role", a.role().name());
        g.writeStringField("username", a.username());
        g.writeEndObject();
    }

    private static void writeGenesis(JsonGenerator g, GenesisConfig c) throws IOException {
        g.writeStartObject();
        g.writeStringField("chainId", c.chainId());
        g.writeNumberField("difficultyBits", c.difficultyBits());
        g.writeArrayFieldStart("fingerprints");
        for (String f : c.fingerprints()) {
            g.writeString(f);
        }
        g.writeEndArray();
        g.writeFieldName("teacher");
        writeAccount(g, c.teacher());
        g.writeEndObject();
    }

    static void writeGrant(JsonGenerator g, Grant grant, boolean withSignature) throws IOException {
        g.writeStartObject();
        g.writeStringField("chainId", grant.chainId());
        g.writeStringField("commandsHash", grant.commandsHash().hex());
        g.writeStringField("grantId", grant.grantId().toString());
        g.writeStringField("hostNodeId", grant.hostNodeId());
        g.writeNumberField("issuedAt", grant.issuedAt().toEpochMilli());
        if (grant.previousGrantId() != null) { // absent in grants issued before grants were ordered
            g.writeStringField("previousGrantId", grant.previousGrantId().toString());
        }
        g.writeStringField("role", grant.role().name());
        if (withSignature) {
            g.writeStringField("signature", HEX.formatHex(grant.signature()));
        }
        g.writeStringField("username", grant.username());
        g.writeEndObject();
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes a payload and checks that the bytes are its canonical form.
     *
     * @throws CodecException naming the first problem found
     */
    public Payload decodePayload(byte[] bytes) throws CodecException {
        JsonNode root = StrictJson.parse(bytes);
        Payload p;
        try {
            ObjectNode o = object(root, "payload");
            List<Command> commands = readCommands(field(o, "commands"));
            List<Account> accounts = new ArrayList<>();
            for (JsonNode a : array(field(o, "accounts"), "accounts")) {
                accounts.add(readAccount(a));
            }
            GenesisConfig genesis = o.has("genesis") ? readGenesis(o.get("genesis")) : null;
            Grant grant = o.has("grant") ? readGrant(o.get("grant")) : null;
            p = new Payload(commands, accounts, grant, genesis);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CodecException("bad payload: " + e.getMessage(), e);
        }
        if (!Arrays.equals(bytes, encodePayload(p))) {
            throw new CodecException("payload is not in canonical form (sorted keys, no whitespace, known fields only)");
        }
        return p;
    }

    /** Decodes a JSON array of commands (any key order or whitespace). */
    public List<Command> readCommands(JsonNode node) throws CodecException {
        List<Command> out = new ArrayList<>();
        try {
            for (JsonNode c : array(node, "commands")) {
                ObjectNode o = object(c, "command");
                Map<String, String> args = new LinkedHashMap<>();
                ObjectNode argsNode = object(field(o, "args"), "args");
                for (Iterator<Map.Entry<String, JsonNode>> it = argsNode.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    args.put(e.getKey(), text(e.getValue(), "args." + e.getKey()));
                }
                ObjectNode t = object(field(o, "target"), "target");
                List<String> values = new ArrayList<>();
                for (JsonNode v : array(field(t, "values"), "target.values")) {
                    values.add(text(v, "target.values[]"));
                }
                Target target = new Target(Target.Kind.valueOf(text(field(t, "kind"), "target.kind")), values);
                out.add(new Command(uuid(field(o, "id"), "id"), text(field(o, "module"), "module"), target, args,
                        Instant.ofEpochMilli(number(field(o, "notAfter"), "notAfter"))));
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new CodecException("bad command: " + e.getMessage(), e);
        }
        return out;
    }

    /** Decodes an account object. */
    public Account readAccount(JsonNode node) throws CodecException {
        ObjectNode o = object(node, "account");
        List<NodeKey> keys = new ArrayList<>();
        for (JsonNode k : array(field(o, "hostKeys"), "hostKeys")) {
            keys.add(NodeKey.fromHex(text(k, "hostKeys[]")));
        }
        return new Account(text(field(o, "username"), "username"), Role.valueOf(text(field(o, "role"), "role")), keys);
    }

    private GenesisConfig readGenesis(JsonNode node) throws CodecException {
        ObjectNode o = object(node, "genesis");
        List<String> fingerprints = new ArrayList<>();
        for (JsonNode f : array(field(o, "fingerprints"), "fingerprints")) {
            fingerprints.add(text(f, "fingerprints[]"));
        }
        long bits = number(field(o, "difficultyBits"), "difficultyBits");
        if (bits < 0 || bits > GenesisConfig.MAX_DIFFICULTY_BITS) {
            throw new CodecException("difficultyBits out of range: " + bits);
        }
        return new GenesisConfig(text(field(o, "chainId"), "chainId"), (int) bits, readAccount(field(o, "teacher")),
                fingerprints);
    }

    /** Decodes a grant object (with its signature). */
    public Grant readGrant(JsonNode node) throws CodecException {
        ObjectNode o = object(node, "grant");
        try {
            return new Grant(text(field(o, "chainId"), "chainId"), text(field(o, "username"), "username"),
                    Role.valueOf(text(field(o, "role"), "role")),
                    Hash.fromHex(text(field(o, "commandsHash"), "commandsHash")),
                    uuid(field(o, "grantId"), "grantId"),
                    Instant.ofEpochMilli(number(field(o, "issuedAt"), "issuedAt")),
                    text(field(o, "hostNodeId"), "hostNodeId"),
                    o.has("previousGrantId") ? uuid(o.get("previousGrantId"), "previousGrantId") : null,
                    HEX.parseHex(text(field(o, "signature"), "signature")));
        } catch (IllegalArgumentException e) {
            throw new CodecException("bad grant: " + e.getMessage(), e);
        }
    }

    /** Writes a grant as a tree, e.g. for a REST body. */
    public JsonNode grantTree(Grant grant) {
        return StrictJson.tree(StrictJson.write(g -> writeGrant(g, grant, true)));
    }

    /** Writes commands as a tree, e.g. for a REST body. */
    public JsonNode commandsTree(List<Command> commands) {
        return StrictJson.tree(encodeCommands(commands));
    }

    /** Writes an account as a tree. */
    public JsonNode accountTree(Account account) {
        return StrictJson.tree(StrictJson.write(g -> writeAccount(g, account)));
    }

    /**
     * Parses bytes into a tree with {@link StrictJson}'s limits.
     *
     * @throws CodecException when the bytes are not one well-formed document within the limits
     */
    public JsonNode parse(byte[] bytes) throws CodecException {
        return StrictJson.parse(bytes);
    }

    /** The shared mapper, configured like the parser ({@link StrictJson#mapper()}). */
    public ObjectMapper mapper() {
        return StrictJson.mapper();
    }
}
