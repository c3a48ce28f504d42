package org.classchain.core.block;

import java.nio.ByteBuffer;
import org.classchain.BlockHeader;
import org.classchain.Hash;

/** The fixed 96-byte big-endian header layout of DESIGN section 3. */
public final class HeaderCodec {
    private HeaderCodec() {
    }

    /** Encodes a header into a new 96-byte array. */
    public static byte[] encode(BlockHeader h) {
        ByteBuffer buf = ByteBuffer.allocate(BlockHeader.ENCODED_LENGTH);
        buf.putInt(h.version());
        buf.putLong(h.height());
        buf.put(h.previousHash().bytes());
        buf.putLong(h.timestampMillis());
        buf.put(h.payloadHash().bytes());
        buf.putInt(h.difficultyBits());
        buf.putLong(h.nonce());
        return buf.array();
    }

    /** Decodes exactly 96 bytes starting at {@code offset}. */
    public static BlockHeader decode(byte[] bytes, int offset) throws CodecException {
        if (bytes.length - offset < BlockHeader.ENCODED_LENGTH) {
            throw new CodecException("a header is " + BlockHeader.ENCODED_LENGTH + " bytes, got " + (bytes.length - offset));
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes, offset, BlockHeader.ENCODED_LENGTH);
        int version = buf.getInt();
        long height = buf.getLong();
        byte[] prev = new byte[Hash.LENGTH];
        buf.get(prev);
        long ts = buf.getLong();
        byte[] payloadHash = new byte[Hash.LENGTH];
        buf.get(payloadHash);
        int bits = buf.getInt();
        long nonce = buf.getLong();
        if (height < 0) {
            throw new CodecException("negative height " + height);
        }
        return new BlockHeader(version, height, new Hash(prev), ts, new Hash(payloadHash), bits, nonce);
    }

    /** The block hash: SHA-256 of the encoded header. */
    public static Hash hash(BlockHeader h) {
        return Sha256.of(encode(h));
    }
}
