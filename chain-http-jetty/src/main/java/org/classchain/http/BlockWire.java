package org.classchain.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.classchain.Block;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CodecException;
import org.classchain.wire.Message;

/**
 * Blocks on the wire. The authoritative form is {@link BlockCodec#encode}; JSON carries it as
 * base64 in {@code data} beside a readable copy of the header fields:
 * {@code {"hash", "height", "previousHash", "timestamp" (epoch ms), "data"}}. The octet-stream
 * form of a page ({@code Accept: application/octet-stream}) is each encoded block preceded by
 * its length as a big-endian u32.
 *
 * <p>A page stops early once it holds {@link #PAGE_BUDGET_BYTES} encoded bytes (always at least
 * one block), so a page of large blocks cannot exhaust either side's memory; a caller pages on
 * from the last height it received.
 *
 * <p>Thread-safe.
 */
final class BlockWire {

    /** Media type of the length-prefixed page form. */
    static final String OCTETS = "application/octet-stream";
    /** Encoded bytes after which a page stops. */
    static final int PAGE_BUDGET_BYTES = 8 * 1024 * 1024;
    /**
     * The largest JSON body that can carry one block of {@link BlockCodec#MAX_BLOCK_BYTES}, its
     * sender's address and a full {@code pushedTo} list of the longest addresses (each quoted, a
     * comma between).
     */
    static final int MAX_BLOCK_BODY_BYTES = (BlockCodec.MAX_BLOCK_BYTES + 2) / 3 * 4 + 4096
            + (Message.BlockAnnouncement.MAX_PUSHED + 1) * (Message.Hello.MAX_ADDRESS + 3);
    /** The largest page a client accepts: the budget plus one maximal block, base64-expanded, plus slack. */
    static final int MAX_PAGE_RESPONSE_BYTES = (PAGE_BUDGET_BYTES + BlockCodec.MAX_BLOCK_BYTES) / 3 * 4 + 1024 * 1024;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BlockCodec codec;

    BlockWire(BlockCodec codec) {
        this.codec = codec;
    }

    /** The blocks that fit one page, each with its encoded bytes. */
    List<byte[]> encodePage(List<Block> blocks) {
        List<byte[]> out = new ArrayList<>(blocks.size());
        long total = 0;
        for (Block b : blocks) {
            if (!out.isEmpty() && total >= PAGE_BUDGET_BYTES) {
                break;
            }
            byte[] bytes = codec.encode(b);
            out.add(bytes);
            total += bytes.length;
        }
        return out;
    }

    /** One block as its JSON object. */
    ObjectNode toJson(Block block) {
        return toJson(block, codec.encode(block));
    }

    ObjectNode toJson(Block block, byte[] encoded) {
        ObjectNode o = NODES.objectNode();
        o.put("hash", block.hash().hex());
        o.put("height", block.height());
        o.put("previousHash", block.previousHash().hex());
        o.put("timestamp", block.header().timestampMillis());
        o.put("data", Base64.getEncoder().encodeToString(encoded));
        return o;
    }

    /** The JSON page {@code {"blocks": [...]}} of blocks already cut to a page. */
    ObjectNode pageJson(List<Block> blocks, List<byte[]> encoded) {
        ObjectNode o = NODES.objectNode();
        ArrayNode arr = o.putArray("blocks");
        for (int i = 0; i < encoded.size(); i++) {
            arr.add(toJson(blocks.get(i), encoded.get(i)));
        }
        return o;
    }

    /**
     * Reads a block object: {@code data} is decoded (recomputing the hash); the readable fields,
     * when present, must agree with it.
     *
     * @throws HttpProblem 400 when {@code data} is missing or not base64, 422 when it does not
     *                     decode or disagrees with the readable fields
     */
    Block fromJson(JsonNode node) throws HttpProblem {
        ObjectNode o = JsonFields.object(node, "block");
        byte[] data = JsonFields.base64(o, "data");
        Block block;
        try {
            block = codec.decode(data);
        } catch (CodecException | RuntimeException e) {
            throw new HttpProblem(422, "block data does not decode: " + e.getMessage());
        }
        if (JsonFields.has(o, "hash") && !JsonFields.hash(o, "hash").equals(block.hash())) {
            throw new HttpProblem(422, "field 'hash' does not match the hash of the block's header ("
                    + block.hash().hex() + ")");
        }
        if (JsonFields.has(o, "height") && JsonFields.whole(o, "height") != block.height()) {
            throw new HttpProblem(422, "field 'height' does not match the block's header (" + block.height() + ")");
        }
        return block;
    }

    /** Length-prefixed encoded blocks. */
    static byte[] frames(List<byte[]> encoded) {
        int total = 0;
        for (byte[] b : encoded) {
            total += 4 + b.length;
        }
        ByteBuffer buf = ByteBuffer.allocate(total);
        for (byte[] b : encoded) {
            buf.putInt(b.length).put(b);
        }
        return buf.array();
    }

    /** Decodes a length-prefixed page. */
    List<Block> fromFrames(byte[] bytes) throws IOException {
        List<Block> out = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
            if (buf.remaining() < 4) {
                throw new IOException("truncated block frame: " + buf.remaining() + " stray bytes");
            }
            int len = buf.getInt();
            if (len < 0 || len > BlockCodec.MAX_BLOCK_BYTES || len > buf.remaining()) {
                throw new IOException("bad block frame length " + len + " with " + buf.remaining() + " bytes left");
            }
            byte[] one = new byte[len];
            buf.get(one);
            try {
                out.add(codec.decode(one));
            } catch (CodecException | RuntimeException e) {
                throw new IOException("block " + out.size() + " of the page does not decode: " + e.getMessage(), e);
            }
        }
        return out;
    }
}
