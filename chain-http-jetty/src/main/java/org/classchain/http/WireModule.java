package org.classchain.http;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.AnnotatedMember;
import com.fasterxml.jackson.databind.introspect.AnnotatedParameter;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.classchain.Account;
import org.classchain.Attachment;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.DesktopHealth;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.ModuleInfo;
import org.classchain.NodeKey;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.CodecException;
import org.classchain.spi.ArgumentSpec;
import org.classchain.wire.Message;
import org.classchain.wire.Message.AuthChallenge;
import org.classchain.wire.Message.AuthConfirmed;
import org.classchain.wire.Message.AuthFinish;
import org.classchain.wire.Message.AuthRelay;
import org.classchain.wire.Message.AuthRequest;
import org.classchain.wire.Message.AuthStart;
import org.classchain.wire.Message.CommandReply;
import org.classchain.wire.Message.EnrollRequest;
import org.classchain.wire.Message.GrantRequest;
import org.classchain.wire.Message.HeadReply;
import org.classchain.wire.Message.LoginRequest;
import org.classchain.wire.Message.StatusReply;
import org.classchain.wire.Message.SubmitBatch;
import org.classchain.wire.Message.Submitted;

/**
 * What Jackson's record binding needs to write and read ClassChain's wire JSON: the value types
 * ({@link Hash}, {@link NodeKey} and byte strings as lower-case hex, {@link Instant} as epoch
 * milliseconds, {@link Attachment} as {@code {"contentType", "base64"}}), the types whose JSON is
 * the canonical codec's ({@link Command}, {@link Account}, {@link Grant}) or the block codec's
 * ({@link Block}), the few fields whose wire name is not the record component's, the replies
 * written as the one value they carry, and which fields may be left out.
 *
 * <p>A new message whose components are of these types needs nothing here.
 */
final class WireModule extends SimpleModule {

    /** A writer attribute: when set, attachments are only described, {@code {"contentType", "size"}}. */
    static final String DESCRIBE_ATTACHMENTS = "classchain.describeAttachments";

    private static final HexFormat HEX = HexFormat.of();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * The fields a reader may find absent or null, by record; every other field is required
     * (a missing or null one is a 400 naming it). An absent optional list reads as empty.
     */
    static final Map<Class<?>, Set<String>> OPTIONAL = Map.ofEntries(
            Map.entry(Message.Hello.class, Set.of("fingerprint", "signature")),
            Map.entry(Message.Welcome.class, Set.of("chainId", "genesisHash", "head", "publicKey", "address", "signature")),
            Map.entry(Message.BlockAnnouncement.class, Set.of("senderAddress", "pushedTo")),
            Map.entry(Message.Ack.class, Set.of("detail")),
            Map.entry(Receipt.class, Set.of("detail", "attachment", "signature")),
            Map.entry(AuthFinish.class, Set.of("username")),
            Map.entry(LoginRequest.class, Set.of("peerNodeId")),
            Map.entry(GrantRequest.class, Set.of("accounts", "force")),
            Map.entry(AuthConfirmed.class, Set.of("role", "expiresAt")),
            Map.entry(AuthRelay.class, Set.of("origin")),
            Map.entry(Submitted.class, Set.of("grantId")),
            Map.entry(PeerStatus.class, Set.of("address", "chainId", "headHash", "clockSkewMillis", "modules", "macs",
                    "desktop", "transfers")),
            Map.entry(DesktopHealth.class, Set.of("lastAgentRestart", "note")),
            Map.entry(Message.ScreenFrame.class, Set.of("signerKey", "signature")),
            Map.entry(CommandReport.class, Set.of("module", "height", "offline")),
            Map.entry(ModuleInfo.class, Set.of("description", "source")),
            Map.entry(ArgumentSpec.class, Set.of("defaultValue", "description")),
            Map.entry(PeerInfo.class, Set.of("nodeId", "lastSeen", "modules", "role", "macs")));

    WireModule(CanonicalJson canonical, BlockWire blocks) {
        super("classchain-wire");
        addSerializer(byte[].class, stringSerializer(HEX::formatHex));
        addDeserializer(byte[].class, stringDeserializer(byte[].class, WireModule::hex));
        addSerializer(Hash.class, stringSerializer(Hash::hex));
        addDeserializer(Hash.class, stringDeserializer(Hash.class, s -> {
            byte[] b = hex(s);
            return b.length == Hash.LENGTH ? new Hash(b) : null;
        }));
        addSerializer(NodeKey.class, stringSerializer(NodeKey::hex));
        addDeserializer(NodeKey.class, stringDeserializer(NodeKey.class, s -> {
            byte[] b = hex(s);
            return b.length == NodeKey.LENGTH ? new NodeKey(b) : null;
        }));
        addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeNumber(value.toEpochMilli());
            }
        });
        addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
                    throw MismatchedInputException.from(p, Instant.class, "not a whole number");
                }
                return Instant.ofEpochMilli(p.getLongValue());
            }
        });
        addSerializer(Attachment.class, new JsonSerializer<>() {
            @Override
            public void serialize(Attachment a, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeStartObject();
                g.writeStringField("contentType", a.contentType());
                if (Boolean.TRUE.equals(p.getAttribute(DESCRIBE_ATTACHMENTS))) {
                    g.writeNumberField("size", a.content().length);
                } else {
                    g.writeStringField("base64", Base64.getEncoder().encodeToString(a.content()));
                }
                g.writeEndObject();
            }
        });
        addDeserializer(Attachment.class, treeDeserializer(Attachment.class, (o, p) -> {
            // an attachment only described (no "base64") reads as none
            JsonNode data = o.get("base64");
            if (data == null || data.isNull()) {
                return null;
            }
            JsonNode type = o.get("contentType");
            if (!data.isTextual() || type == null || !type.isTextual()) {
                throw JsonMappingException.from(p, "an attachment is {\"contentType\": string, \"base64\": string}");
            }
            byte[] content;
            try {
                content = Base64.getDecoder().decode(data.textValue());
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, "'base64' must be base64");
            }
            if (content.length > Attachment.MAX_BYTES) {
                throw JsonMappingException.from(p, "an attachment holds at most " + Attachment.MAX_BYTES + " bytes");
            }
            return new Attachment(type.textValue(), content);
        }));

        // the canonical codec's forms
        addSerializer(Command.class, treeSerializer(c -> canonical.commandsTree(List.of(c)).get(0)));
        addDeserializer(Command.class, treeDeserializer(Command.class,
                (o, p) -> canonical(p, () -> canonical.readCommands(NODES.arrayNode().add(o)).get(0))));
        addSerializer(Account.class, treeSerializer(a -> {
            ObjectNode tree = ((ObjectNode) canonical.accountTree(a)).deepCopy();
            tree.put("retired", a.isRetired());
            return tree;
        }));
        addDeserializer(Account.class, treeDeserializer(Account.class, (o, p) -> {
            ObjectNode copy = o.deepCopy();
            copy.remove("retired");
            return canonical(p, () -> canonical.readAccount(copy));
        }));
        addSerializer(Grant.class, treeSerializer(canonical::grantTree));
        addDeserializer(Grant.class, treeDeserializer(Grant.class, (o, p) -> canonical(p, () -> canonical.readGrant(o))));

        // the block codec's form
        addSerializer(Block.class, treeSerializer(blocks::toJson));
        addDeserializer(Block.class, new JsonDeserializer<>() {
            @Override
            public Block deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode node = ctxt.readTree(p);
                try {
                    return blocks.fromJson(node);
                } catch (HttpProblem e) {
                    throw JsonMappingException.from(p, e.getMessage(), e);
                }
            }
        });

        // a head reply is the head itself, all null when there is none
        addSerializer(HeadReply.class, new JsonSerializer<>() {
            @Override
            public void serialize(HeadReply h, JsonGenerator g, SerializerProvider p) throws IOException {
                if (h.head() != null) {
                    p.defaultSerializeValue(h.head(), g);
                    return;
                }
                g.writeStartObject();
                g.writeNullField("height");
                g.writeNullField("hash");
                g.writeNullField("cumulativeWork");
                g.writeEndObject();
            }
        });
        addDeserializer(HeadReply.class, new JsonDeserializer<>() {
            @Override
            public HeadReply deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode node = ctxt.readTree(p);
                if (node instanceof ObjectNode o && (o.get("hash") == null || o.get("hash").isNull())) {
                    return new HeadReply(null);
                }
                return new HeadReply(ctxt.readTreeAsValue(node, org.classchain.Head.class));
            }
        });

        setMixInAnnotation(AuthStart.class, AuthStartWire.class);
        setMixInAnnotation(AuthFinish.class, AuthFinishWire.class);
        setMixInAnnotation(AuthChallenge.class, AuthChallengeWire.class);
        setMixInAnnotation(AuthConfirmed.class, AuthConfirmedWire.class);
        setMixInAnnotation(Submitted.class, SubmittedWire.class);
        setMixInAnnotation(ArgumentSpec.class, ArgumentSpecWire.class);
        setMixInAnnotation(GrantRequest.class, GrantRequestWire.class);
        setMixInAnnotation(Receipt.class, ReceiptWire.class);
        setMixInAnnotation(Message.BlockAnnouncement.class, BlockAnnouncementWire.class);
        setMixInAnnotation(AuthRelay.class, AuthRelayWire.class);
        setMixInAnnotation(StatusReply.class, StatusReplyWire.class);
        setMixInAnnotation(CommandReply.class, CommandReplyWire.class);
        setMixInAnnotation(SubmitBatch.class, SubmitBatchWire.class);
    }

    // ------------------------------------------------------------------ names and shapes that differ

    /** SRP's names: {@code A}. */
    abstract static class AuthStartWire {
        @JsonProperty("A")
        abstract byte[] clientPublic();
    }

    /** {@code M1}. */
    abstract static class AuthFinishWire {
        @JsonProperty("M1")
        abstract byte[] clientEvidence();
    }

    /** {@code B}. */
    abstract static class AuthChallengeWire {
        @JsonProperty("B")
        abstract byte[] serverPublic();
    }

    /** {@code M2}. */
    abstract static class AuthConfirmedWire {
        @JsonProperty("M2")
        abstract byte[] serverEvidence();
    }

    /** {@code ids}. */
    abstract static class SubmittedWire {
        @JsonProperty("ids")
        abstract List<java.util.UUID> commandIds();
    }

    /** {@code default}. */
    abstract static class ArgumentSpecWire {
        @JsonProperty("default")
        abstract String defaultValue();
    }

    /** {@code force} only when set. */
    abstract static class GrantRequestWire {
        @JsonInclude(JsonInclude.Include.NON_DEFAULT)
        abstract boolean force();
    }

    /** No {@code attachment} when there is none. */
    abstract static class ReceiptWire {
        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract Attachment attachment();
    }

    /**
     * No {@code pushedTo} when it names nobody: the body a peer before it sent (and reads: an unknown
     * field is ignored, an absent one reads as empty).
     */
    abstract static class BlockAnnouncementWire {
        @JsonInclude(JsonInclude.Include.NON_EMPTY)
        abstract List<String> pushedTo();
    }

    /** The relayed request names its type; no {@code origin} when there is none. */
    abstract static class AuthRelayWire {
        @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
        @JsonSubTypes({@JsonSubTypes.Type(value = AuthStart.class, name = "AuthStart"),
                @JsonSubTypes.Type(value = AuthFinish.class, name = "AuthFinish"),
                @JsonSubTypes.Type(value = GrantRequest.class, name = "GrantRequest"),
                @JsonSubTypes.Type(value = LoginRequest.class, name = "LoginRequest"),
                @JsonSubTypes.Type(value = Message.LogoutRequest.class, name = "LogoutRequest"),
                @JsonSubTypes.Type(value = EnrollRequest.class, name = "EnrollRequest")})
        abstract AuthRequest request();

        @JsonInclude(JsonInclude.Include.NON_NULL)
        abstract String origin();
    }

    /** The status itself. */
    abstract static class StatusReplyWire {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        StatusReplyWire(PeerStatus status) {
        }

        @JsonValue
        abstract PeerStatus status();
    }

    /** The report itself. */
    abstract static class CommandReplyWire {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        CommandReplyWire(CommandReport report) {
        }

        @JsonValue
        abstract CommandReport report();
    }

    /** The batch itself. */
    abstract static class SubmitBatchWire {
        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        SubmitBatchWire(GrantRequest request) {
        }

        @JsonValue
        abstract GrantRequest request();
    }

    // ------------------------------------------------------------------ required unless listed

    /** Every record field required unless {@link #OPTIONAL} lists it; nulls in required fields refused. */
    static final class Introspector extends JacksonAnnotationIntrospector {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasRequiredMarker(AnnotatedMember m) {
            Class<?> owner = owner(m);
            if (owner == null || !owner.isRecord()) {
                return super.hasRequiredMarker(m);
            }
            return !OPTIONAL.getOrDefault(owner, Set.of()).contains(name(m));
        }

        @Override
        public JsonSetter.Value findSetterInfo(Annotated a) {
            Class<?> owner = owner(a);
            if (owner == null || !owner.isRecord() || !(a instanceof AnnotatedMember)) {
                return super.findSetterInfo(a);
            }
            if (!OPTIONAL.getOrDefault(owner, Set.of()).contains(name(a))) {
                return JsonSetter.Value.forValueNulls(Nulls.FAIL);
            }
            return Collection.class.isAssignableFrom(a.getRawType()) ? JsonSetter.Value.forValueNulls(Nulls.AS_EMPTY)
                    : super.findSetterInfo(a);
        }

        private static Class<?> owner(Annotated a) {
            if (a instanceof AnnotatedParameter p) {
                return p.getOwner().getDeclaringClass();
            }
            return a instanceof AnnotatedMember m ? m.getDeclaringClass() : null;
        }

        /** The record component a member stands for (a constructor parameter has no name of its own here). */
        private static String name(Annotated a) {
            if (a instanceof AnnotatedParameter p && p.getOwner().getDeclaringClass().isRecord()) {
                var components = p.getOwner().getDeclaringClass().getRecordComponents();
                return p.getIndex() < components.length ? components[p.getIndex()].getName() : "";
            }
            return a.getName();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static byte[] hex(String s) {
        return (s.length() & 1) != 0 ? null : HEX.parseHex(s);
    }

    private static <T> JsonSerializer<T> stringSerializer(Function<T, String> text) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(text.apply(value));
            }
        };
    }

    /** Reads a string into {@code type}; {@code parse} returns null or throws for a bad one. */
    private static <T> JsonDeserializer<T> stringDeserializer(Class<T> type, Function<String, T> parse) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                if (p.currentToken() != JsonToken.VALUE_STRING) {
                    throw MismatchedInputException.from(p, type, "not a string");
                }
                T value;
                try {
                    value = parse.apply(p.getText());
                } catch (IllegalArgumentException e) {
                    value = null;
                }
                if (value == null) {
                    throw MismatchedInputException.from(p, type, "malformed");
                }
                return value;
            }
        };
    }

    private static <T> JsonSerializer<T> treeSerializer(Function<T, JsonNode> tree) {
        return new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeTree(tree.apply(value));
            }
        };
    }

    /** Reads an object node with {@code read}. */
    private static <T> JsonDeserializer<T> treeDeserializer(Class<T> type, TreeReader<T> read) {
        return new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                JsonNode node = ctxt.readTree(p);
                if (!(node instanceof ObjectNode o)) {
                    throw MismatchedInputException.from(p, type, "not an object");
                }
                return read.read(o, p);
            }
        };
    }

    private interface TreeReader<T> {
        T read(ObjectNode node, JsonParser p) throws IOException;
    }

    private interface CanonicalRead<T> {
        T read() throws CodecException;
    }

    /** Runs a canonical codec read, its refusal becoming a binding failure at the current field. */
    private static <T> T canonical(JsonParser p, CanonicalRead<T> read) throws JsonMappingException {
        try {
            return read.read();
        } catch (CodecException | IllegalArgumentException | NullPointerException e) {
            throw JsonMappingException.from(p, String.valueOf(e.getMessage()), e);
        }
    }
}
