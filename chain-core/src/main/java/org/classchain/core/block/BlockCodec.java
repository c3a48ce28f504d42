package org.classchain.core.block;

import java.util.Arrays;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Hash;
import org.classchain.Payload;

/**
 * A block as bytes, for the store and the wire: the 96-byte header followed by the canonical
 * payload. The hash is always recomputed from the header bytes, never read.
 *
 * <p>Thread-safe.
 */
public final class BlockCodec {

    /** The largest encoded block accepted (header + payload). */
    public static final int MAX_BLOCK_BYTES = 512 * 1024;

    private final CanonicalJson json;

    /** A codec over the given canonical JSON codec. */
    public BlockCodec(CanonicalJson json) {
        this.json = json;
    }

    /** The canonical JSON codec this one uses. */
    public CanonicalJson json() {
        return json;
    }

    /** Header bytes then payload bytes. */
    public byte[] encode(Block block) {
        byte[] header = HeaderCodec.encode(block.header());
        byte[] payload = json.encodePayload(block.payload());
        byte[] out = Arrays.copyOf(header, header.length + payload.length);
        System.arraycopy(payload, 0, out, header.length, payload.length);
        return out;
    }

    /**
     * Decodes a block and recomputes its hash from the header bytes. Checks the form only (size,
     * canonical payload); the chain rules are the validator's.
     */
    public Block decode(byte[] bytes) throws CodecException {
        if (bytes.length > MAX_BLOCK_BYTES) {
            throw new CodecException("block of " + bytes.length + " bytes exceeds the limit of " + MAX_BLOCK_BYTES);
        }
        BlockHeader header = HeaderCodec.decode(bytes, 0);
        byte[] payloadBytes = Arrays.copyOfRange(bytes, BlockHeader.ENCODED_LENGTH, bytes.length);
        Payload payload = json.decodePayload(payloadBytes);
        Hash hash = Sha256.of(Arrays.copyOf(bytes, BlockHeader.ENCODED_LENGTH));
        return new Block(header, payload, hash);
    }

    /** A block whose payload hash and block hash are computed from the given parts. */
    public Block seal(BlockHeader header, Payload payload) {
        return new Block(header, payload, HeaderCodec.hash(header));
    }

    /** SHA-256 of the payload's canonical bytes. */
    public Hash payloadHash(Payload payload) {
        return Sha256.of(json.encodePayload(payload));
    }
}
