package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import org.classchain.Hash;
import org.classchain.NodeKey;

/**
 * Strict readers of JSON fields. Each failure is a 400 {@link HttpProblem} naming the field and
 * what it should have been, so a caller can fix the request from the message alone.
 */
final class JsonFields {

    private static final HexFormat HEX = HexFormat.of();

    private JsonFields() {
    }

    static ObjectNode object(JsonNode node, String what) throws HttpProblem {
        if (!(node instanceof ObjectNode o)) {
            throw HttpProblem.badRequest("'" + what + "' must be a JSON object");
        }
        return o;
    }

    static boolean has(ObjectNode o, String name) {
        JsonNode n = o.get(name);
        return n != null && !n.isNull();
    }

    static JsonNode required(ObjectNode o, String name) throws HttpProblem {
        JsonNode n = o.get(name);
        if (n == null || n.isNull()) {
            throw HttpProblem.badRequest("missing field '" + name + "'");
        }
        return n;
    }

    static String text(ObjectNode o, String name) throws HttpProblem {
        JsonNode n = required(o, name);
        if (!n.isTextual()) {
            throw HttpProblem.badRequest("field '" + name + "' must be a string");
        }
        return n.textValue();
    }

    /** A string field that may be absent or null. */
    static String optionalText(ObjectNode o, String name) throws HttpProblem {
        return has(o, name) ? text(o, name) : null;
    }

    static long whole(ObjectNode o, String name) throws HttpProblem {
        JsonNode n = required(o, name);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw HttpProblem.badRequest("field '" + name + "' must be a whole number");
        }
        return n.longValue();
    }

    /** A whole-number field that may be absent or null. */
    static Long optionalWhole(ObjectNode o, String name) throws HttpProblem {
        return has(o, name) ? whole(o, name) : null;
    }

    static int wholeInt(ObjectNode o, String name) throws HttpProblem {
        long v = whole(o, name);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw HttpProblem.badRequest("field '" + name + "' is out of range");
        }
        return (int) v;
    }

    static boolean bool(ObjectNode o, String name) throws HttpProblem {
        JsonNode n = required(o, name);
        if (!n.isBoolean()) {
            throw HttpProblem.badRequest("field '" + name + "' must be true or false");
        }
        return n.booleanValue();
    }

    static byte[] hex(ObjectNode o, String name) throws HttpProblem {
        String s = text(o, name);
        if ((s.length() & 1) != 0) {
            throw HttpProblem.badRequest("field '" + name + "' must be hex (an even number of hex digits)");
        }
        try {
            return HEX.parseHex(s);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("field '" + name + "' must be hex");
        }
    }

    static byte[] base64(ObjectNode o, String name) throws HttpProblem {
        String s = text(o, name);
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("field '" + name + "' must be base64");
        }
    }

    static UUID uuid(ObjectNode o, String name) throws HttpProblem {
        String s = text(o, name);
        try {
            return UUID.fromString(s);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("field '" + name + "' must be a UUID");
        }
    }

    static Hash hash(ObjectNode o, String name) throws HttpProblem {
        byte[] bytes = hex(o, name);
        if (bytes.length != Hash.LENGTH) {
            throw HttpProblem.badRequest("field '" + name + "' must be " + 2 * Hash.LENGTH + " hex digits");
        }
        return new Hash(bytes);
    }

    /** A hash field that may be absent or null. */
    static Hash optionalHash(ObjectNode o, String name) throws HttpProblem {
        return has(o, name) ? hash(o, name) : null;
    }

    static NodeKey nodeKey(ObjectNode o, String name) throws HttpProblem {
        byte[] bytes = hex(o, name);
        if (bytes.length != NodeKey.LENGTH) {
            throw HttpProblem.badRequest("field '" + name + "' must be " + 2 * NodeKey.LENGTH + " hex digits");
        }
        return new NodeKey(bytes);
    }

    static ArrayNode array(ObjectNode o, String name) throws HttpProblem {
        JsonNode n = required(o, name);
        if (!(n instanceof ArrayNode a)) {
            throw HttpProblem.badRequest("field '" + name + "' must be an array");
        }
        return a;
    }

    static List<String> texts(ObjectNode o, String name) throws HttpProblem {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array(o, name)) {
            if (!n.isTextual()) {
                throw HttpProblem.badRequest("field '" + name + "' must be an array of strings");
            }
            out.add(n.textValue());
        }
        return out;
    }

    static <E extends Enum<E>> E enumValue(ObjectNode o, String name, Class<E> type) throws HttpProblem {
        String s = text(o, name);
        try {
            return Enum.valueOf(type, s);
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest("field '" + name + "' must be one of " + List.of(type.getEnumConstants()));
        }
    }

    static String hex(byte[] bytes) {
        return HEX.formatHex(bytes);
    }
}
