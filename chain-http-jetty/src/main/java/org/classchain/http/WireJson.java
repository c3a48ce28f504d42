package org.classchain.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Attachment;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.Grant;
import org.classchain.Head;
import org.classchain.ModuleInfo;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.CodecException;
import org.classchain.spi.ArgumentSpec;
import org.classchain.spi.ArgumentType;
import org.classchain.wire.Message;
import org.classchain.wire.Message.Ack;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthRelay;
import org.classchain.wire.Message.AuthRequest;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.BlockAnnouncement;
import org.classchain.wire.Message.CommandReply;
import org.classchain.wire.Message.GrantIssued;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.Hello;
import org.classchain.wire.Message.LoginRequest;
import org.classchain.wire.Message.ModulesReply;
import org.classchain.wire.Message.PeersReply;
import org.classchain.wire.Message.Receipts;
import org.classchain.wire.Message.StatusReply;
import org.classchain.wire.Message.Submitted;
import org.classchain.wire.Message.Welcome;

import static org.classchain.http.JsonFields.array;
import static org.classchain.http.JsonFields.base64;
import static org.classchain.http.JsonFields.bool;
import static org.classchain.http.JsonFields.enumValue;
import static org.classchain.http.JsonFields.has;
import static org.classchain.http.JsonFields.hash;
import static org.classchain.http.JsonFields.hex;
import static org.classchain.http.JsonFields.nodeKey;
import static org.classchain.http.JsonFields.object;
import static org.classchain.http.JsonFields.optionalHash;
import static org.classchain.http.JsonFields.optionalText;
import static org.classchain.http.JsonFields.optionalWhole;
import static org.classchain.http.JsonFields.required;
import static org.classchain.http.JsonFields.text;
import static org.classchain.http.JsonFields.texts;
import static org.classchain.http.JsonFields.uuid;
import static org.classchain.http.JsonFields.whole;
import static org.classchain.http.JsonFields.wholeInt;

/**
 * The JSON shape of every {@link Message} on the REST routes, both ways: the server reads
 * requests and writes replies with it, the client writes requests and reads replies. One
 * method pair per shape keeps the two sides from drifting apart.
 *
 * <p>Conventions: byte strings are lower-case hex (base64 for block data and attachments),
 * instants are epoch milliseconds, absent optional values are {@code null}; commands, grants and
 * accounts use {@link CanonicalJson}'s form. Readers throw a 400 {@link HttpProblem} naming the
 * field at fault.
 *
 * <p>Thread-safe.
 */
final class WireJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Writes trees; reading goes through the canonical codec's stricter parser. */
    private static final ObjectMapper WRITER = new ObjectMapper();

    private final CanonicalJson canonical;
    private final BlockWire blocks;

    WireJson(CanonicalJson canonical, BlockWire blocks) {
        this.canonical = canonical;
        this.blocks = blocks;
    }

    BlockWire blocks() {
        return blocks;
    }

    /** Parses a body with the canonical codec's limits (duplicate keys, nesting depth). */
    JsonNode parse(byte[] body) throws HttpProblem {
        try {
            return canonical.parse(body);
        } catch (CodecException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
    }

    /** The UTF-8 bytes of a tree. */
    static byte[] bytes(JsonNode node) {
        try {
            return WRITER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error body {@code {"error": message, "status": status}}. */
    static ObjectNode error(int status, String message) {
        ObjectNode o = NODES.objectNode();
        o.put("error", message);
        o.put("status", status);
        return o;
    }

    // ------------------------------------------------------------------ handshake

    /** {@code {"nodeId", "publicKey" (hex), "address", "fingerprint"}}. */
    ObjectNode hello(Hello h) {
        ObjectNode o = NODES.objectNode();
        o.put("nodeId", h.nodeId());
        o.put("publicKey", h.publicKey().hex());
        o.put("address", h.address());
        o.put("fingerprint", h.fingerprint());
        o.put("signature", h.signature());
        return o;
    }

    Hello readHello(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new Hello(text(o, "nodeId"), nodeKey(o, "publicKey"), text(o, "address"), optionalText(o, "fingerprint"),
                optionalText(o, "signature"));
    }

    /**
     * {@code {"nodeId", "chainId", "genesisHash", "head": HEAD|null, "neighbour", "peers": [address],
     * "publicKey", "address", "signature"}}.
     */
    ObjectNode welcome(Welcome w) {
        ObjectNode o = NODES.objectNode();
        o.put("nodeId", w.nodeId());
        o.put("chainId", w.chainId());
        o.put("genesisHash", w.genesisHash() == null ? null : w.genesisHash().hex());
        o.set("head", w.head() == null ? NODES.nullNode() : head(w.head()));
        o.put("neighbour", w.neighbour());
        ArrayNode peers = o.putArray("peers");
        w.peers().forEach(peers::add);
        o.put("publicKey", w.publicKey() == null ? null : w.publicKey().hex());
        o.put("address", w.address());
        o.put("signature", w.signature());
        return o;
    }

    Welcome readWelcome(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        Head head = has(o, "head") ? readHead(object(o.get("head"), "head")) : null;
        String key = optionalText(o, "publicKey");
        org.classchain.NodeKey publicKey = null;
        if (key != null) {
            try {
                publicKey = org.classchain.NodeKey.fromHex(key);
            } catch (IllegalArgumentException e) {
                throw new HttpProblem(400, "field 'publicKey' is not " + org.classchain.NodeKey.LENGTH + " bytes of hex");
            }
        }
        return new Welcome(text(o, "nodeId"), optionalText(o, "chainId"), optionalHash(o, "genesisHash"), head,
                bool(o, "neighbour"), texts(o, "peers"), publicKey, optionalText(o, "address"),
                optionalText(o, "signature"));
    }

    /** {@code {"height", "hash", "cumulativeWork"}}, all null when there is no head. */
    ObjectNode head(Head h) {
        ObjectNode o = NODES.objectNode();
        if (h == null) {
            o.putNull("height");
            o.putNull("hash");
            o.putNull("cumulativeWork");
        } else {
            o.put("height", h.height());
            o.put("hash", h.hash().hex());
            o.put("cumulativeWork", h.cumulativeWork());
        }
        return o;
    }

    /** A head, or null when its hash is null. */
    Head readHead(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "head");
        if (!has(o, "hash")) {
            return null;
        }
        return new Head(whole(o, "height"), hash(o, "hash"), whole(o, "cumulativeWork"));
    }

    // ------------------------------------------------------------------ blocks, receipts, acks

    /** {@code {"block": BLOCK, "senderAddress"}}. */
    ObjectNode announcement(BlockAnnouncement a) {
        ObjectNode o = NODES.objectNode();
        o.set("block", blocks.toJson(a.block()));
        o.put("senderAddress", a.senderAddress());
        return o;
    }

    BlockAnnouncement readAnnouncement(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new BlockAnnouncement(blocks.fromJson(required(o, "block")), optionalText(o, "senderAddress"));
    }

    /** {@code {"detail"}}. */
    static ObjectNode ack(Ack a) {
        ObjectNode o = NODES.objectNode();
        o.put("detail", a.detail());
        return o;
    }

    static Ack readAck(JsonNode node) throws HttpProblem {
        return new Ack(optionalText(object(node, "body"), "detail"));
    }

    /** {@code {"receipts": [RECEIPT]}}. */
    ObjectNode receipts(Receipts r) {
        ObjectNode o = NODES.objectNode();
        ArrayNode arr = o.putArray("receipts");
        r.receipts().forEach(x -> arr.add(receipt(x)));
        return o;
    }

    Receipts readReceipts(JsonNode node) throws HttpProblem {
        return new Receipts(readReceiptList(object(node, "body")));
    }

    private List<Receipt> readReceiptList(ObjectNode o) throws HttpProblem {
        List<Receipt> out = new ArrayList<>();
        for (JsonNode r : array(o, "receipts")) {
            out.add(readReceipt(r));
        }
        return out;
    }

    /**
     * {@code {"commandId", "peerId", "peerKey" (hex), "status", "detail", "at" (epoch ms),
     * "attachment": {"contentType", "base64"} or absent, "signature" (hex)}}.
     */
    static ObjectNode receipt(Receipt r) {
        return receipt(r, true);
    }

    /**
     * As {@link #receipt(Receipt)}; without {@code withAttachment} an attachment is only described,
     * {@code {"contentType", "size"}}, for a client that is not the signed-in teacher.
     */
    static ObjectNode receipt(Receipt r, boolean withAttachment) {
        ObjectNode o = NODES.objectNode();
        o.put("commandId", r.commandId().toString());
        o.put("peerId", r.peerId());
        o.put("peerKey", r.peerKey().hex());
        o.put("status", r.status().name());
        o.put("detail", r.detail());
        o.put("at", r.at().toEpochMilli());
        if (r.attachment() != null) {
            ObjectNode a = o.putObject("attachment");
            a.put("contentType", r.attachment().contentType());
            if (withAttachment) {
                a.put("base64", Base64.getEncoder().encodeToString(r.attachment().content()));
            } else {
                a.put("size", r.attachment().content().length);
            }
        }
        o.put("signature", JsonFields.hex(r.signature()));
        return o;
    }

    static Receipt readReceipt(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "receipt");
        Attachment attachment = null;
        if (has(o, "attachment") && has(object(o.get("attachment"), "attachment"), "base64")) {
            // an attachment only described (no "base64": a report for a client that is not the teacher) reads as none
            ObjectNode a = object(o.get("attachment"), "attachment");
            byte[] content = base64(a, "base64");
            if (content.length > Attachment.MAX_BYTES) {
                throw HttpProblem.badRequest("an attachment holds at most " + Attachment.MAX_BYTES + " bytes");
            }
            attachment = new Attachment(text(a, "contentType"), content);
        }
        return new Receipt(uuid(o, "commandId"), text(o, "peerId"), nodeKey(o, "peerKey"),
                enumValue(o, "status", ReceiptStatus.class), optionalText(o, "detail"),
                Instant.ofEpochMilli(whole(o, "at")), attachment, has(o, "signature") ? hex(o, "signature") : null);
    }

    // ------------------------------------------------------------------ delegated authentication

    /** {@code {"username", "A" (hex)}}. */
    static ObjectNode authStart(AuthStart s) {
        ObjectNode o = NODES.objectNode();
        o.put("username", s.username());
        o.put("A", JsonFields.hex(s.clientPublic()));
        return o;
    }

    static AuthStart readAuthStart(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new AuthStart(text(o, "username"), hex(o, "A"));
    }

    /** {@code {"username" (may be null), "session", "M1" (hex)}}. */
    static ObjectNode authFinish(AuthFinish f) {
        ObjectNode o = NODES.objectNode();
        o.put("username", f.username());
        o.put("session", f.session());
        o.put("M1", JsonFields.hex(f.clientEvidence()));
        return o;
    }

    static AuthFinish readAuthFinish(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new AuthFinish(optionalText(o, "username"), text(o, "session"), hex(o, "M1"));
    }

    /** {@code {"username", "session", "counter", "peerNodeId" (may be null), "mac" (hex)}}. */
    static ObjectNode login(LoginRequest l) {
        ObjectNode o = NODES.objectNode();
        o.put("username", l.username());
        o.put("session", l.session());
        o.put("counter", l.counter());
        o.put("peerNodeId", l.peerNodeId());
        o.put("mac", JsonFields.hex(l.mac()));
        return o;
    }

    /** {@code {"username", "hostKey" (hex), "signature" (hex)}}: a student account to record. */
    static ObjectNode register(org.classchain.wire.Message.RegisterAccount r) {
        ObjectNode o = NODES.objectNode();
        o.put("username", r.username());
        o.put("hostKey", r.hostKey().hex());
        o.put("signature", JsonFields.hex(r.signature()));
        return o;
    }

    static org.classchain.wire.Message.RegisterAccount readRegister(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        byte[] key = hex(o, "hostKey");
        if (key.length != org.classchain.NodeKey.LENGTH) {
            throw new HttpProblem(400, "field 'hostKey' must be " + org.classchain.NodeKey.LENGTH + " bytes of hex");
        }
        return new org.classchain.wire.Message.RegisterAccount(text(o, "username"), new org.classchain.NodeKey(key),
                hex(o, "signature"));
    }

    /** {@code {"username", "requesterKey", "ephemeralKey", "signature"}} (hex). */
    static ObjectNode credentialRequest(org.classchain.wire.Message.CredentialRequest r) {
        ObjectNode o = NODES.objectNode();
        o.put("username", r.username());
        o.put("requesterKey", r.requesterKey().hex());
        o.put("ephemeralKey", JsonFields.hex(r.ephemeralKey()));
        o.put("signature", JsonFields.hex(r.signature()));
        return o;
    }

    static org.classchain.wire.Message.CredentialRequest readCredentialRequest(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new org.classchain.wire.Message.CredentialRequest(text(o, "username"), nodeKey(o, "requesterKey"),
                hex(o, "ephemeralKey"), hex(o, "signature"));
    }

    /** {@code {"hostKey", "ephemeralKey", "nonce", "ciphertext", "signature"}} (hex). */
    static ObjectNode credentialTransfer(org.classchain.wire.Message.CredentialTransfer t) {
        ObjectNode o = NODES.objectNode();
        o.put("hostKey", t.hostKey().hex());
        o.put("ephemeralKey", JsonFields.hex(t.ephemeralKey()));
        o.put("nonce", JsonFields.hex(t.nonce()));
        o.put("ciphertext", JsonFields.hex(t.ciphertext()));
        o.put("signature", JsonFields.hex(t.signature()));
        return o;
    }

    static org.classchain.wire.Message.CredentialTransfer readCredentialTransfer(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new org.classchain.wire.Message.CredentialTransfer(nodeKey(o, "hostKey"), hex(o, "ephemeralKey"),
                hex(o, "nonce"), hex(o, "ciphertext"), hex(o, "signature"));
    }

    private static org.classchain.NodeKey nodeKey(ObjectNode o, String field) throws HttpProblem {
        byte[] key = hex(o, field);
        if (key.length != org.classchain.NodeKey.LENGTH) {
            throw new HttpProblem(400, "field '" + field + "' must be " + org.classchain.NodeKey.LENGTH + " bytes of hex");
        }
        return new org.classchain.NodeKey(key);
    }

    /** {@code {"username", "session", "counter", "deviceKey" (hex), "mac" (hex)}}: a device to enroll. */
    static ObjectNode enroll(org.classchain.wire.Message.EnrollRequest e) {
        ObjectNode o = NODES.objectNode();
        o.put("username", e.username());
        o.put("session", e.session());
        o.put("counter", e.counter());
        o.put("deviceKey", e.deviceKey().hex());
        o.put("mac", JsonFields.hex(e.mac()));
        return o;
    }

    static org.classchain.wire.Message.EnrollRequest readEnroll(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new org.classchain.wire.Message.EnrollRequest(text(o, "username"), text(o, "session"), whole(o, "counter"),
                nodeKey(o, "deviceKey"), hex(o, "mac"));
    }

    /**
     * {@code {"accounts": [{"username", "role", "hostKeys": [hex], "retired"}]}}: the chain's
     * accounts; {@code retired} when the teacher freed the name (no host key).
     */
    ObjectNode accounts(org.classchain.wire.Message.AccountsReply r) {
        ObjectNode o = NODES.objectNode();
        ArrayNode list = o.putArray("accounts");
        for (Account a : r.accounts()) {
            ObjectNode tree = (ObjectNode) canonical.accountTree(a).deepCopy();
            tree.put("retired", a.isRetired());
            list.add(tree);
        }
        return o;
    }

    org.classchain.wire.Message.AccountsReply readAccounts(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        List<Account> accounts = new ArrayList<>();
        for (JsonNode a : array(o, "accounts")) {
            ObjectNode copy = object(a, "account").deepCopy();
            copy.remove("retired");
            try {
                accounts.add(canonical.readAccount(copy));
            } catch (CodecException | IllegalArgumentException e) {
                throw HttpProblem.badRequest("field 'accounts': " + e.getMessage());
            }
        }
        return new org.classchain.wire.Message.AccountsReply(accounts);
    }

    static LoginRequest readLogin(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new LoginRequest(text(o, "username"), text(o, "session"), whole(o, "counter"),
                optionalText(o, "peerNodeId"), hex(o, "mac"));
    }

    /**
     * {@code {"username", "session", "counter", "commands": [canonical command], "accounts":
     * [canonical account] (may be absent), "mac" (hex), "force" (may be absent: false)}}: a batch,
     * at POST /commands and in relays.
     */
    ObjectNode grantRequest(GrantRequest g) {
        ObjectNode o = NODES.objectNode();
        o.put("username", g.username());
        o.put("session", g.session());
        o.put("counter", g.counter());
        o.set("commands", canonical.commandsTree(g.commands()));
        ArrayNode accounts = o.putArray("accounts");
        for (Account a : g.accounts()) {
            accounts.add(canonical.accountTree(a));
        }
        o.put("mac", JsonFields.hex(g.mac()));
        if (g.force()) {
            o.put("force", true);
        }
        return o;
    }

    GrantRequest readGrantRequest(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        List<Command> commands;
        try {
            commands = canonical.readCommands(array(o, "commands"));
        } catch (CodecException e) {
            throw HttpProblem.badRequest("field 'commands': " + e.getMessage());
        }
        List<Account> accounts = new ArrayList<>();
        if (has(o, "accounts")) {
            for (JsonNode a : array(o, "accounts")) {
                try {
                    accounts.add(canonical.readAccount(a));
                } catch (CodecException | IllegalArgumentException e) {
                    throw HttpProblem.badRequest("field 'accounts': " + e.getMessage());
                }
            }
        }
        return new GrantRequest(text(o, "username"), text(o, "session"), whole(o, "counter"), commands, accounts,
                hex(o, "mac"), has(o, "force") && bool(o, "force"));
    }

    /** {@code {"session", "salt" (hex), "iterations", "B" (hex)}}. */
    static ObjectNode challenge(AuthChallenge c) {
        ObjectNode o = NODES.objectNode();
        o.put("session", c.session());
        o.put("salt", JsonFields.hex(c.salt()));
        o.put("iterations", c.iterations());
        o.put("B", JsonFields.hex(c.serverPublic()));
        return o;
    }

    static AuthChallenge readChallenge(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new AuthChallenge(text(o, "session"), hex(o, "salt"), wholeInt(o, "iterations"), hex(o, "B"));
    }

    /** {@code {"M2" (hex), "role" (may be null), "expiresAt" (epoch ms, may be null)}}. */
    static ObjectNode confirmed(AuthConfirmed c) {
        ObjectNode o = NODES.objectNode();
        o.put("M2", JsonFields.hex(c.serverEvidence()));
        o.put("role", c.role() == null ? null : c.role().name());
        if (c.expiresAt() == null) {
            o.putNull("expiresAt");
        } else {
            o.put("expiresAt", c.expiresAt().toEpochMilli());
        }
        return o;
    }

    static AuthConfirmed readConfirmed(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        Role role = has(o, "role") ? enumValue(o, "role", Role.class) : null;
        Long expires = optionalWhole(o, "expiresAt");
        return new AuthConfirmed(hex(o, "M2"), role, expires == null ? null : Instant.ofEpochMilli(expires));
    }

    /** {@code {"grant": canonical grant}}. */
    ObjectNode grantIssued(GrantIssued g) {
        ObjectNode o = NODES.objectNode();
        o.set("grant", canonical.grantTree(g.grant()));
        return o;
    }

    GrantIssued readGrantIssued(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        try {
            Grant grant = canonical.readGrant(required(o, "grant"));
            return new GrantIssued(grant);
        } catch (CodecException | IllegalArgumentException e) {
            throw HttpProblem.badRequest("field 'grant': " + e.getMessage());
        }
    }

    /** {@code {"relayId", "hostNodeId", "hopsLeft", "request": AUTH_REQUEST with "type", "origin" (optional)}}. */
    ObjectNode relay(AuthRelay r) {
        ObjectNode o = NODES.objectNode();
        o.put("relayId", r.relayId().toString());
        o.put("hostNodeId", r.hostNodeId());
        o.put("hopsLeft", r.hopsLeft());
        o.set("request", typedAuthRequest(r.request()));
        if (r.origin() != null) {
            o.put("origin", r.origin());
        }
        return o;
    }

    AuthRelay readRelay(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        return new AuthRelay(uuid(o, "relayId"), text(o, "hostNodeId"), wholeInt(o, "hopsLeft"),
                readTypedAuthRequest(required(o, "request")), optionalText(o, "origin"));
    }

    /** An auth request with a {@code "type"} of AuthStart, AuthFinish, GrantRequest, LoginRequest or EnrollRequest. */
    ObjectNode typedAuthRequest(AuthRequest r) {
        ObjectNode o;
        if (r instanceof AuthStart s) {
            o = authStart(s);
        } else if (r instanceof AuthFinish f) {
            o = authFinish(f);
        } else if (r instanceof GrantRequest g) {
            o = grantRequest(g);
        } else if (r instanceof org.classchain.wire.Message.EnrollRequest e) {
            o = enroll(e);
        } else {
            o = login((LoginRequest) r);
        }
        o.put("type", r.getClass().getSimpleName());
        return o;
    }

    AuthRequest readTypedAuthRequest(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "request");
        String type = text(o, "type");
        return switch (type) {
            case "AuthStart" -> readAuthStart(o);
            case "AuthFinish" -> readAuthFinish(o);
            case "GrantRequest" -> readGrantRequest(o);
            case "LoginRequest" -> readLogin(o);
            case "EnrollRequest" -> readEnroll(o);
            default -> throw HttpProblem.badRequest("field 'type' must be AuthStart, AuthFinish, GrantRequest, "
                    + "LoginRequest or EnrollRequest, not '" + type + "'");
        };
    }

    /**
     * A relayed reply: its own shape plus {@code "type"}: AuthChallenge, AuthConfirmed,
     * GrantIssued or Ack.
     *
     * @throws IllegalArgumentException for a reply no relay carries
     */
    ObjectNode typedReply(Message reply) {
        ObjectNode o;
        if (reply instanceof AuthChallenge c) {
            o = challenge(c);
        } else if (reply instanceof AuthConfirmed c) {
            o = confirmed(c);
        } else if (reply instanceof GrantIssued g) {
            o = grantIssued(g);
        } else if (reply instanceof Ack a) {
            o = ack(a);
        } else {
            throw new IllegalArgumentException("a relay cannot carry a " + reply.getClass().getSimpleName());
        }
        o.put("type", reply.getClass().getSimpleName());
        return o;
    }

    Message readTypedReply(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        String type = text(o, "type");
        return switch (type) {
            case "AuthChallenge" -> readChallenge(o);
            case "AuthConfirmed" -> readConfirmed(o);
            case "GrantIssued" -> readGrantIssued(o);
            case "Ack" -> readAck(o);
            default -> throw HttpProblem.badRequest("unknown relayed reply type '" + type + "'");
        };
    }

    // ------------------------------------------------------------------ client views

    /** {@code {"ids": [uuid], "grantId"}}. */
    static ObjectNode submitted(Submitted s) {
        ObjectNode o = NODES.objectNode();
        ArrayNode ids = o.putArray("ids");
        s.commandIds().forEach(id -> ids.add(id.toString()));
        o.put("grantId", s.grantId() == null ? null : s.grantId().toString());
        return o;
    }

    static Submitted readSubmitted(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        List<UUID> ids = new ArrayList<>();
        for (String s : texts(o, "ids")) {
            try {
                ids.add(UUID.fromString(s));
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest("field 'ids' must hold UUIDs");
            }
        }
        return new Submitted(ids, has(o, "grantId") ? uuid(o, "grantId") : null);
    }

    /**
     * {@code {"role", "nodeId", "address", "chainId", "height", "headHash", "neighbours",
     * "users", "clockSkewMillis", "modules", "macs"}} ({@code modules}, {@code macs} absent: none named).
     */
    static ObjectNode status(PeerStatus s) {
        ObjectNode o = NODES.objectNode();
        o.put("role", s.role().name());
        o.put("nodeId", s.nodeId());
        o.put("publicKey", s.publicKey().hex());
        o.put("address", s.address());
        o.put("chainId", s.chainId());
        o.put("height", s.height());
        o.put("headHash", s.headHash() == null ? null : s.headHash().hex());
        ArrayNode n = o.putArray("neighbours");
        s.neighbours().forEach(n::add);
        ArrayNode u = o.putArray("users");
        s.users().forEach(u::add);
        o.put("clockSkewMillis", s.clockSkewMillis());
        ArrayNode m = o.putArray("modules");
        s.modules().forEach(m::add);
        ArrayNode macs = o.putArray("macs");
        s.macs().forEach(macs::add);
        return o;
    }

    static StatusReply readStatus(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        byte[] key = hex(o, "publicKey");
        if (key.length != org.classchain.NodeKey.LENGTH) {
            throw new HttpProblem(400, "field 'publicKey' must be " + org.classchain.NodeKey.LENGTH + " bytes of hex");
        }
        return new StatusReply(new PeerStatus(enumValue(o, "role", Role.class), text(o, "nodeId"),
                new org.classchain.NodeKey(key), optionalText(o, "address"), optionalText(o, "chainId"), whole(o, "height"),
                optionalHash(o, "headHash"), texts(o, "neighbours"), texts(o, "users"),
                has(o, "clockSkewMillis") ? whole(o, "clockSkewMillis") : 0,
                has(o, "modules") ? texts(o, "modules") : List.of(), has(o, "macs") ? texts(o, "macs") : List.of()));
    }

    /**
     * {@code {"id", "module", "height" (null while pending), "receipts": [RECEIPT], "offline": [nodeId]}}:
     * {@code offline} names the targets known to be offline that have sent no receipt.
     */
    static ObjectNode commandReport(CommandReport r) {
        return commandReport(r, true);
    }

    /** As {@link #commandReport(CommandReport)}; attachments only described unless {@code withAttachments}. */
    static ObjectNode commandReport(CommandReport r, boolean withAttachments) {
        ObjectNode o = NODES.objectNode();
        o.put("id", r.id().toString());
        o.put("module", r.module());
        if (r.height() == null) {
            o.putNull("height");
        } else {
            o.put("height", r.height());
        }
        ArrayNode arr = o.putArray("receipts");
        r.receipts().forEach(x -> arr.add(receipt(x, withAttachments)));
        ArrayNode offline = o.putArray("offline");
        r.offline().forEach(offline::add);
        return o;
    }

    static CommandReply readCommandReport(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        List<Receipt> receipts = new ArrayList<>();
        for (JsonNode r : array(o, "receipts")) {
            receipts.add(readReceipt(r));
        }
        return new CommandReply(new CommandReport(uuid(o, "id"), optionalText(o, "module"),
                optionalWhole(o, "height"), receipts, has(o, "offline") ? texts(o, "offline") : List.of()));
    }

    /**
     * {@code {"modules": [{"name", "description", "arguments": [{"name", "type", "required",
     * "default", "description"}], "source", "allowed"}]}}.
     */
    static ObjectNode modules(ModulesReply m) {
        ObjectNode o = NODES.objectNode();
        ArrayNode arr = o.putArray("modules");
        for (ModuleInfo info : m.modules()) {
            ObjectNode mo = arr.addObject();
            mo.put("name", info.name());
            mo.put("description", info.description());
            ArrayNode args = mo.putArray("arguments");
            for (ArgumentSpec a : info.arguments()) {
                ObjectNode ao = args.addObject();
                ao.put("name", a.name());
                ao.put("type", a.type().name());
                ao.put("required", a.required());
                ao.put("default", a.defaultValue());
                ao.put("description", a.description());
            }
            mo.put("source", info.source());
            mo.put("allowed", info.allowed());
        }
        return o;
    }

    static ModulesReply readModules(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        List<ModuleInfo> out = new ArrayList<>();
        for (JsonNode m : array(o, "modules")) {
            ObjectNode mo = object(m, "module");
            List<ArgumentSpec> args = new ArrayList<>();
            for (JsonNode a : array(mo, "arguments")) {
                ObjectNode ao = object(a, "argument");
                args.add(new ArgumentSpec(text(ao, "name"), enumValue(ao, "type", ArgumentType.class),
                        bool(ao, "required"), optionalText(ao, "default"), optionalText(ao, "description")));
            }
            out.add(new ModuleInfo(text(mo, "name"), optionalText(mo, "description"), args,
                    optionalText(mo, "source"), bool(mo, "allowed")));
        }
        return new ModulesReply(out);
    }

    /**
     * {@code {"peers": [{"nodeId", "address", "neighbour", "users", "lastSeen" (epoch ms or null), "modules",
     * "role" (null when unknown), "macs"}]}}.
     */
    static ObjectNode peers(PeersReply p) {
        ObjectNode o = NODES.objectNode();
        ArrayNode arr = o.putArray("peers");
        for (PeerInfo info : p.peers()) {
            ObjectNode po = arr.addObject();
            po.put("nodeId", info.nodeId());
            po.put("address", info.address());
            po.put("neighbour", info.neighbour());
            ArrayNode users = po.putArray("users");
            info.users().forEach(users::add);
            if (info.lastSeen() == null) {
                po.putNull("lastSeen");
            } else {
                po.put("lastSeen", info.lastSeen().toEpochMilli());
            }
            ArrayNode modules = po.putArray("modules");
            info.modules().forEach(modules::add);
            po.put("role", info.role() == null ? null : info.role().name());
            ArrayNode macs = po.putArray("macs");
            info.macs().forEach(macs::add);
        }
        return o;
    }

    static PeersReply readPeers(JsonNode node) throws HttpProblem {
        ObjectNode o = object(node, "body");
        List<PeerInfo> out = new ArrayList<>();
        for (JsonNode p : array(o, "peers")) {
            ObjectNode po = object(p, "peer");
            Long seen = optionalWhole(po, "lastSeen");
            out.add(new PeerInfo(optionalText(po, "nodeId"), text(po, "address"), bool(po, "neighbour"),
                    texts(po, "users"), seen == null ? null : Instant.ofEpochMilli(seen),
                    has(po, "modules") ? texts(po, "modules") : List.of(),
                    optionalText(po, "role") == null ? null : enumValue(po, "role", Role.class),
                    has(po, "macs") ? texts(po, "macs") : List.of()));
        }
        return new PeersReply(out);
    }
}
