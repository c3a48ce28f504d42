package org.classchain.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import org.classchain.Hash;
import org.classchain.NodeKey;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.CodecException;

/**
 * The JSON of every {@link org.classchain.wire.Message} on the REST routes, both ways, through
 * Jackson's record binding: a message is written as its record components (renamed or flattened
 * where {@link WireModule} says so) and read back through its canonical constructor, so the
 * server and the client cannot drift apart and a new message needs no codec of its own.
 *
 * <p>Reading is strict: the body is parsed with the canonical codec's limits (duplicate keys,
 * nesting depth, trailing content), every field is required unless {@link WireModule} lists it
 * as optional, no scalar is coerced into another type (a number is not a string, {@code "1"} not
 * a number, {@code 1.5} not a whole number), and every failure is a 400 {@link HttpProblem}
 * naming the field at fault. Unknown fields are ignored, as before the binding, so that a newer
 * peer's extra field does not break an older one.
 *
 * <p>Thread-safe.
 */
final class WireJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Writes trees; reading goes through the canonical codec's stricter parser. */
    private static final ObjectMapper WRITER = new ObjectMapper();

    private final CanonicalJson canonical;
    private final BlockWire blocks;
    private final ObjectMapper mapper;
    private final ObjectWriter described;

    WireJson(CanonicalJson canonical, BlockWire blocks) {
        this.canonical = canonical;
        this.blocks = blocks;
        this.mapper = JsonMapper.builder()
                .annotationIntrospector(new WireModule.Introspector())
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .withCoercionConfig(LogicalType.Textual, c -> c
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(new WireModule(canonical, blocks))
                .build();
        this.described = mapper.writer().withAttribute(WireModule.DESCRIBE_ATTACHMENTS, Boolean.TRUE);
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

    /** Parses and binds a body. */
    <T> T read(byte[] body, Class<T> type) throws HttpProblem {
        return read(parse(body), type);
    }

    /**
     * Binds a tree to {@code type}.
     *
     * @throws HttpProblem 400 naming the field at fault (422 for a block that does not decode)
     */
    <T> T read(JsonNode node, Class<T> type) throws HttpProblem {
        if (!(node instanceof ObjectNode)) {
            throw HttpProblem.badRequest("the body must be a JSON object");
        }
        try {
            return mapper.treeToValue(node, type);
        } catch (JacksonException | IllegalArgumentException e) {
            throw problem(e);
        }
    }

    /** A value as its wire tree. */
    ObjectNode tree(Object value) {
        return (ObjectNode) mapper.valueToTree(value);
    }

    /** A value as its wire bytes. */
    byte[] write(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A value as its wire tree, each attachment only described ({@code {"contentType", "size"}}),
     * for a client that is not the signed-in teacher.
     */
    ObjectNode describedTree(Object value) {
        try {
            return (ObjectNode) WRITER.readTree(described.writeValueAsBytes(value));
        } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
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

    // ------------------------------------------------------------------ errors a person can act on

    /** Turns a binding failure into a 400 (or the status a codec chose) naming the field at fault. */
    private static HttpProblem problem(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof HttpProblem p) {
                return p;
            }
        }
        String field = e instanceof JsonMappingException m ? path(m.getPath()) : "";
        if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause() == null ? v : v.getCause();
            return HttpProblem.badRequest(cause.getMessage() == null ? "a required value is missing" : cause.getMessage());
        }
        if (e instanceof InvalidTypeIdException t) {
            return HttpProblem.badRequest("field '" + (field.isEmpty() ? "" : field + ".") + "type' is not one this route takes: '"
                    + t.getTypeId() + "'");
        }
        if (e instanceof InvalidNullException || (e instanceof MismatchedInputException m
                && String.valueOf(m.getOriginalMessage()).startsWith("Missing required"))) {
            return HttpProblem.badRequest("missing field '" + field + "'");
        }
        if (field.isEmpty()) {
            return HttpProblem.badRequest("malformed body: " + firstLine(e));
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return HttpProblem.badRequest("field '" + field + "' must be " + describe(m.getTargetType()));
        }
        return HttpProblem.badRequest("field '" + field + "': " + firstLine(e));
    }

    private static String firstLine(Exception e) {
        String m = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }

    /** {@code a.b[2].c} from a reference chain. */
    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    /** What a value of {@code type} looks like on the wire, for an error message. */
    static String describe(Class<?> type) {
        if (type == String.class) {
            return "a string";
        } else if (type == long.class || type == int.class || type == Long.class || type == Integer.class) {
            return "a whole number";
        } else if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        } else if (type == Instant.class) {
            return "a whole number (epoch ms)";
        } else if (type == byte[].class) {
            return "hex (an even number of hex digits)";
        } else if (type == Hash.class) {
            return 2 * Hash.LENGTH + " hex digits";
        } else if (type == NodeKey.class) {
            return 2 * NodeKey.LENGTH + " hex digits";
        } else if (type == UUID.class) {
            return "a UUID";
        } else if (type.isEnum()) {
            return "one of " + List.of(type.getEnumConstants());
        } else if (type.isArray() || Collection.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "a JSON object";
    }
}
