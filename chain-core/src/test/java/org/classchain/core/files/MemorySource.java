package org.classchain.core.files;

import java.io.IOException;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source in memory with switches: which chunks it holds, which it corrupts, and when it goes
 * away (after serving a number of chunks, or at once).
 */
final class MemorySource implements ChunkSource {
    private final String id;
    private final byte[] file;
    private final Manifest manifest;
    private final BitSet have;
    final Set<Integer> corrupt = ConcurrentHashMap.newKeySet();
    volatile boolean gone;
    volatile boolean badManifest;
    final AtomicInteger goneAfter = new AtomicInteger(Integer.MAX_VALUE);
    final AtomicLong servedBytes = new AtomicLong();
    final AtomicInteger served = new AtomicInteger();

    MemorySource(String id, byte[] file, Manifest manifest, BitSet have) {
        this.id = id;
        this.file = file;
        this.manifest = manifest;
        this.have = (BitSet) have.clone();
    }

    static MemorySource full(String id, byte[] file, Manifest manifest) {
        BitSet all = new BitSet();
        all.set(0, manifest.ref().chunkCount());
        return new MemorySource(id, file, manifest, all);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public byte[] manifest(FileRef ref) throws IOException {
        check();
        byte[] m = manifest.encode();
        if (badManifest && m.length > 0) {
            m[0] ^= 1;
        }
        return m;
    }

    @Override
    public BitSet have(FileRef ref) throws IOException {
        check();
        return (BitSet) have.clone();
    }

    @Override
    public byte[] chunk(FileRef ref, int index) throws IOException {
        check();
        if (!have.get(index)) {
            throw new IOException(id + " does not hold chunk " + index);
        }
        if (goneAfter.getAndDecrement() <= 0) {
            gone = true;
            check();
        }
        int from = index * ref.chunkSize();
        byte[] out = java.util.Arrays.copyOfRange(file, from, from + ref.chunkLength(index));
        if (corrupt.contains(index)) {
            out[out.length / 2] ^= 0x5a;
        }
        servedBytes.addAndGet(out.length);
        served.incrementAndGet();
        return out;
    }

    private void check() throws IOException {
        if (gone) {
            throw new IOException("Connection refused");
        }
    }
}
