package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Base64;
import java.util.HexFormat;
import org.classchain.Hash;

/**
 * Strict readers of JSON fields, for the block form that {@link BlockWire} reads by hand (its
 * {@code data} is the block codec's bytes). Each failure is a 400 {@link HttpProblem} naming the field and
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

    static long whole(ObjectNode o, String name) throws HttpProblem {
        JsonNode n = required(o, name);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw HttpProblem.badRequest("field '" + name + "' must be a whole number");
        }
        return n.longValue();
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

    static Hash hash(ObjectNode o, String name) throws HttpProblem {
        byte[] bytes = hex(o, name);
        if (bytes.length != Hash.LENGTH) {
            throw HttpProblem.badRequest("field '" + name + "' must be " + 2 * Hash.LENGTH + " hex digits");
        }
        return new Hash(bytes);
    }
}
