package org.classchain.core.block;

import static org.classchain.core.block.StrictJson.field;
import static org.classchain.core.block.StrictJson.number;
import static org.classchain.core.block.StrictJson.object;
import static org.classchain.core.block.StrictJson.text;
import static org.classchain.core.block.StrictJson.uuid;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import org.classchain.Attachment;
import org.classchain.NodeKey;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;

/**
 * How a host stores a receipt: the whole receipt, signature and attachment (base64) included,
 * as JSON with sorted keys. Not consensus: what a receipt's signature covers is
 * {@link SigningBytes#receipt}.
 */
public final class ReceiptCodec {
    private static final HexFormat HEX = HexFormat.of();

    private ReceiptCodec() {
    }

    /** A whole receipt, for a host's receipt store. */
    public static byte[] encode(Receipt r) {
        return StrictJson.write(g -> {
            g.writeStartObject();
            g.writeNumberField("at", r.at().toEpochMilli());
            if (r.attachment() != null) {
                g.writeObjectFieldStart("attachment");
                g.writeStringField("base64", Base64.getEncoder().encodeToString(r.attachment().content()));
                g.writeStringField("contentType", r.attachment().contentType());
                g.writeEndObject();
            }
            g.writeStringField("commandId", r.commandId().toString());
            g.writeStringField("detail", r.detail());
            g.writeStringField("peerId", r.peerId());
            g.writeStringField("peerKey", r.peerKey().hex());
            g.writeStringField("signature", HEX.formatHex(r.signature()));
            g.writeStringField("status", r.status().name());
            g.writeEndObject();
        });
    }

    /**
     * Reads what {@link #encode} wrote.
     *
     * @throws CodecException naming the first problem found
     */
    public static Receipt decode(byte[] bytes) throws CodecException {
        ObjectNode o = object(StrictJson.parse(bytes), "receipt");
        try {
            Attachment attachment = null;
            if (o.has("attachment")) {
                ObjectNode a = object(o.get("attachment"), "attachment");
                attachment = new Attachment(text(field(a, "contentType"), "contentType"),
                        Base64.getDecoder().decode(text(field(a, "base64"), "base64")));
            }
            return new Receipt(uuid(field(o, "commandId"), "commandId"), text(field(o, "peerId"), "peerId"),
                    NodeKey.fromHex(text(field(o, "peerKey"), "peerKey")),
                    ReceiptStatus.valueOf(text(field(o, "status"), "status")),
                    text(field(o, "detail"), "detail"), Instant.ofEpochMilli(number(field(o, "at"), "at")), attachment,
                    HEX.parseHex(text(field(o, "signature"), "signature")));
        } catch (IllegalArgumentException e) {
            throw new CodecException("bad receipt: " + e.getMessage(), e);
        }
    }
}
