package org.classchain.core.block;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.UUID;

/**
 * The strict JSON every codec here reads with, and its limits: a duplicate key, nesting deeper
 * than {@value #MAX_NESTING_DEPTH}, trailing content or an empty document is refused, with a
 * {@link CodecException} that says which. Also the typed field readers the codecs share.
 *
 * <p>Immutable and thread-safe.
 */
public final class StrictJson {

    /** The deepest nesting a document may have; a payload needs 5. */
    public static final int MAX_NESTING_DEPTH = 32;

    private static final JsonFactory FACTORY = factory();
    private static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private StrictJson() {
    }

    private static JsonFactory factory() {
        JsonFactory f = JsonFactory.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
                .build();
        f.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return f;
    }

    /**
     * Parses one document with these limits.
     *
     * @throws CodecException when the bytes are not exactly one well-formed document within the limits
     */
    public static JsonNode parse(byte[] bytes) throws CodecException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonNode node = MAPPER.readTree(p);
            if (node == null) {
                throw new CodecException("empty document");
            }
            if (p.nextToken() != null) {
                throw new CodecException("trailing content after the JSON document");
            }
            return node;
        } catch (JacksonException e) {
            throw new CodecException("malformed JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new CodecException("malformed JSON: " + e.getMessage(), e);
        }
    }

    /** The mapper, configured like the parser. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Writes through a generator. */
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** What {@code w} writes, as bytes: compact, UTF-8, keys in the order written. */
    static byte[] write(Writer w) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            w.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A tree of bytes this process wrote. */
    static JsonNode tree(byte[] bytes) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode field(ObjectNode o, String name) throws CodecException {
        JsonNode n = o.get(name);
        if (n == null) {
            throw new CodecException("missing field '" + name + "'");
        }
        return n;
    }

    static ObjectNode object(JsonNode n, String what) throws CodecException {
        if (!(n instanceof ObjectNode o)) {
            throw new CodecException("'" + what + "' is not an object");
        }
        return o;
    }

    static ArrayNode array(JsonNode n, String what) throws CodecException {
        if (!(n instanceof ArrayNode a)) {
            throw new CodecException("'" + what + "' is not an array");
        }
        return a;
    }

    static String text(JsonNode n, String what) throws CodecException {
        if (!n.isTextual()) {
            throw new CodecException("'" + what + "' is not a string");
        }
        return n.textValue();
    }

    static long number(JsonNode n, String what) throws CodecException {
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new CodecException("'" + what + "' is not a 64-bit whole number");
        }
        return n.longValue();
    }

    static UUID uuid(JsonNode n, String what) throws CodecException {
        String s = text(n, what);
        try {
            UUID u = UUID.fromString(s);
            if (!u.toString().equals(s)) {
                throw new CodecException("'" + what + "' is not a canonical UUID");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new CodecException("'" + what + "' is not a UUID");
        }
    }
}
