package org.classchain.core.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.BitSet;
import java.util.Optional;
import org.classchain.Hash;
import org.classchain.core.store.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file in the {@link ChunkStore}, whole or in part: the bytes at their place in a sparse
 * {@code data.part}, and an append-only log of the chunks it holds ({@code have.log}), so a peer
 * restarted mid-transfer keeps what it had. A chunk is logged once its bytes matched the
 * manifest and were written; the data and then the log are fsync'd together at most every
 * {@link #SYNC_PERIOD_MILLIS} ms and on {@link #close()}, not per chunk (two fsyncs per 1 MiB
 * chunk were most of a transfer's time). A machine that loses power may so come back with a few
 * logged chunks whose bytes never reached the disk: they are not trusted, since a chunk is
 * checked against the manifest again before it is served ({@link #read}) and the whole file
 * before it is complete ({@link #finish}), and whatever fails is forgotten and fetched again.
 * When every chunk is in, {@link #finish()} checks the whole file's SHA-256, fsyncs it and
 * renames it to {@code data}; only then is {@link #completeFile()} present.
 *
 * <p>Thread-safe: chunks may be written and read from several threads at once.
 */
public final class StoredFile implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(StoredFile.class);
    static final String REF = "ref";
    static final String MANIFEST = "manifest";
    static final String PARTIAL = "data.part";
    static final String COMPLETE = "data";
    static final String HAVE = "have.log";
    static final String ORDER = "order";
    /** At most how long written chunks wait for their fsync (data first, then the have-log). */
    static final long SYNC_PERIOD_MILLIS = 1000;

    private final Path dir;
    private final FileRef ref;
    private final BitSet have = new BitSet();
    /** Chunks read back and checked since this entry was opened: served without hashing again. */
    private final BitSet verified = new BitSet();
    private final Object syncing = new Object();
    private long lastSync = System.nanoTime();
    private boolean unsynced;
    private Manifest manifest;
    private FileChannel data;
    private FileChannel haveLog;
    private boolean complete;
    private boolean closed;

    private StoredFile(Path dir, FileRef ref) {
        this.dir = dir;
        this.ref = ref;
    }

    /** Opens (creating when new) the entry in {@code dir} for {@code ref}. */
    static StoredFile open(Path dir, FileRef ref) throws IOException {
        StoredFile f = new StoredFile(dir, ref);
        f.load();
        return f;
    }

    private void load() throws IOException {
        Files.createDirectories(dir);
        Path refFile = dir.resolve(REF);
        if (!Files.exists(refFile)) {
            AtomicFile.replace(refFile, RefText.encode(ref).getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
        }
        Path manifestFile = dir.resolve(MANIFEST);
        if (Files.exists(manifestFile)) {
            try {
                manifest = Manifest.decode(ref, Files.readAllBytes(manifestFile));
            } catch (IllegalArgumentException e) {
                LOG.warn("{}: dropping a manifest that does not match: {}", dir, e.getMessage());
                Files.delete(manifestFile);
            }
        } else if (ref.chunkCount() == 0) {
            manifest = Manifest.decode(ref, new byte[0]);
        }
        Path whole = dir.resolve(COMPLETE);
        if (Files.exists(whole) && manifest != null) {
            complete = true;
            have.set(0, ref.chunkCount());
            data = FileChannel.open(whole, StandardOpenOption.READ);
            return;
        }
        Path part = dir.resolve(PARTIAL);
        data = FileChannel.open(part, StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE);
        if (data.size() != ref.size()) {
            data.truncate(Math.min(data.size(), ref.size()));
            if (data.size() < ref.size() && ref.size() > 0) {
                data.write(ByteBuffer.allocate(1), ref.size() - 1); // sparse: no disk used for the gap
            }
        }
        haveLog = FileChannel.open(dir.resolve(HAVE), StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE);
        ByteBuffer all = ByteBuffer.allocate((int) Math.min(haveLog.size(), 64L << 20));
        while (all.hasRemaining() && haveLog.read(all) > 0) {
            // read it all
        }
        all.flip();
        while (all.remaining() >= Integer.BYTES) {
            int entry = all.getInt();
            if (entry >= 0 && entry < ref.chunkCount()) {
                have.set(entry);
            } else if (entry < 0 && -1 - entry < ref.chunkCount()) {
                have.clear(-1 - entry);
            }
        }
        long whole4 = haveLog.size() - haveLog.size() % Integer.BYTES;
        haveLog.truncate(whole4); // a torn last entry from a crash
        haveLog.position(whole4);
    }

    /** {@return the file this entry holds} */
    public FileRef ref() {
        return ref;
    }

    /** {@return the manifest, once it has been fetched and checked} */
    public synchronized Optional<Manifest> manifest() {
        return Optional.ofNullable(manifest);
    }

    /**
     * Keeps a checked manifest (fsync'd).
     *
     * @param checked a manifest whose reference is this file's
     * @throws IOException when it cannot be written
     */
    public synchronized void putManifest(Manifest checked) throws IOException {
        if (!checked.ref().root().equals(ref.root())) {
            throw new IllegalArgumentException("not this file's manifest");
        }
        if (manifest == null) {
            AtomicFile.replace(dir.resolve(MANIFEST), checked.encode(), false);
            manifest = checked;
        }
    }

    /** {@return which chunks this entry holds, a copy} */
    public synchronized BitSet have() {
        return (BitSet) have.clone();
    }

    /** {@return how many bytes of the file this entry holds} */
    public synchronized long bytesHeld() {
        if (complete) {
            return ref.size();
        }
        long n = 0;
        for (int i = have.nextSetBit(0); i >= 0; i = have.nextSetBit(i + 1)) {
            n += ref.chunkLength(i);
        }
        return n;
    }

    /** {@return whether every chunk is in: {@link #finish()} can be called} */
    public synchronized boolean hasAllChunks() {
        return have.cardinality() == ref.chunkCount();
    }

    /** {@return whether the whole file was checked: {@link #completeFile()} is present} */
    public synchronized boolean isComplete() {
        return complete;
    }

    /**
     * Stores chunk {@code index} if its bytes match the manifest: written, then logged; both are
     * fsync'd with the chunks of the same period (see the class comment).
     *
     * @param index the chunk's index
     * @param bytes what arrived for it
     * @return false, storing nothing, when the bytes do not match (wrong length or digest)
     * @throws IOException when the disk fails
     * @throws IllegalStateException when the manifest is not known yet
     */
    public boolean put(int index, byte[] bytes) throws IOException {
        Manifest m = manifest().orElseThrow(() -> new IllegalStateException("no manifest yet"));
        if (index < 0 || index >= ref.chunkCount() || !m.matches(index, bytes, bytes.length)) {
            return false;
        }
        FileChannel ch;
        synchronized (this) {
            if (have.get(index) || complete) {
                return true;
            }
            ensureOpen();
            ch = data;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long at = (long) index * ref.chunkSize();
        while (buf.hasRemaining()) {
            at += ch.write(buf, at);
        }
        boolean due;
        synchronized (this) {
            if (!have.get(index)) {
                appendLog(index);
                have.set(index);
                verified.set(index); // these very bytes were just checked
                unsynced = true;
            }
            due = System.nanoTime() - lastSync > SYNC_PERIOD_MILLIS * 1_000_000L;
        }
        if (due) {
            sync();
        }
        return true;
    }

    /**
     * Makes what was put so far durable: the data first, then the log that names it. Runs
     * outside the entry's lock, so serving and other puts go on meanwhile.
     */
    private void sync() throws IOException {
        synchronized (syncing) {
            FileChannel d;
            FileChannel log;
            synchronized (this) {
                if (!unsynced || complete || closed) {
                    return;
                }
                unsynced = false;
                lastSync = System.nanoTime();
                d = data;
                log = haveLog;
            }
            d.force(false);
            log.force(false);
        }
    }

    /**
     * Reads chunk {@code index} for another peer, checking it the first time it is read since
     * the entry was opened (or, for a chunk put since, on its arrival): a chunk whose bytes
     * changed on disk is forgotten rather than served. A chunk changed after that check is still
     * caught by the peer that fetches it, which checks every byte.
     *
     * @param index the chunk's index
     * @return its bytes, or empty when this entry does not hold it (any more)
     * @throws IOException when the disk fails
     */
    public Optional<byte[]> read(int index) throws IOException {
        Manifest m;
        FileChannel ch;
        boolean checked;
        synchronized (this) {
            if (index < 0 || index >= ref.chunkCount() || !have.get(index) || manifest == null) {
                return Optional.empty();
            }
            ensureOpen();
            m = manifest;
            ch = data;
            checked = verified.get(index);
        }
        byte[] bytes = new byte[ref.chunkLength(index)];
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        long at = (long) index * ref.chunkSize();
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        if (buf.hasRemaining() || !checked && !m.matches(index, bytes, bytes.length)) {
            forget(index);
            return Optional.empty();
        }
        if (!checked) {
            synchronized (this) {
                verified.set(index);
            }
        }
        return Optional.of(bytes);
    }

    /**
     * Once every chunk is in, checks the whole file's SHA-256 and, when it matches, renames the
     * file to its final name ({@link #completeFile()}) atomically. Chunks that no longer match
     * (changed on disk since) are forgotten, to be fetched again.
     *
     * @return whether the file is now complete
     * @throws IOException when the disk fails
     */
    public boolean finish() throws IOException {
        synchronized (this) {
            if (complete) {
                return true;
            }
            if (!hasAllChunks() || manifest == null) {
                return false;
            }
            ensureOpen();
        }
        MessageDigest whole = Manifest.digest();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        long at = 0;
        while (at < ref.size()) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), ref.size() - at));
            int n = data.read(buffer, at); // positional: the channel stays open for serving
            if (n < 0) {
                break;
            }
            whole.update(buffer.array(), 0, n);
            at += n;
        }
        if (!new Hash(whole.digest()).equals(ref.sha256())) {
            synchronized (this) {
                verified.clear(); // check every chunk again, from the disk
            }
            for (int i = 0; i < ref.chunkCount(); i++) {
                read(i); // forgets the ones that changed
            }
            LOG.warn("{}: the assembled file's SHA-256 does not match; chunks to fetch again: {}", dir,
                    ref.chunkCount() - have().cardinality());
            return false;
        }
        synchronized (syncing) { // not while a sync of the have-log closed here runs
            return completeNow();
        }
    }

    /** Makes the checked file durable, then gives it its final name. */
    private synchronized boolean completeNow() throws IOException {
        if (complete) {
            return true;
        }
        data.force(true);
        Path whole = dir.resolve(COMPLETE);
        try {
            Files.move(dir.resolve(PARTIAL), whole, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(dir.resolve(PARTIAL), whole);
        }
        AtomicFile.fsyncDirectory(dir);
        complete = true;
        haveLog.close();
        Files.deleteIfExists(dir.resolve(HAVE));
        return true;
    }

    /**
     * Keeps (fsync'd) what to do with the file once complete, so a restarted peer can finish the
     * job: a few lines of the caller's choosing.
     *
     * @param order the text to keep, or null to forget it (the job is done)
     * @throws IOException when it cannot be written
     */
    public synchronized void keepOrder(String order) throws IOException {
        if (order == null) {
            Files.deleteIfExists(dir.resolve(ORDER));
            AtomicFile.fsyncDirectory(dir);
        } else {
            AtomicFile.replace(dir.resolve(ORDER), order.getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
        }
    }

    /**
     * {@return the order kept by {@link #keepOrder}, if any}
     *
     * @throws IOException when it cannot be read
     */
    public synchronized Optional<String> order() throws IOException {
        Path f = dir.resolve(ORDER);
        return Files.exists(f) ? Optional.of(Files.readString(f, java.nio.charset.StandardCharsets.UTF_8))
                : Optional.empty();
    }

    /** {@return the whole, checked file, once {@link #isComplete()}; do not write to it} */
    public synchronized Optional<Path> completeFile() {
        return complete ? Optional.of(dir.resolve(COMPLETE)) : Optional.empty();
    }

    /** Marks the entry complete after the store wrote {@code data} itself (an imported file). */
    synchronized void markImported() {
        complete = true;
        have.set(0, ref.chunkCount());
    }

    private synchronized void forget(int index) throws IOException {
        if (!have.get(index)) {
            return;
        }
        LOG.warn("{}: chunk {} no longer matches its digest; forgetting it", dir, index);
        have.clear(index);
        verified.clear(index);
        if (complete) {
            return; // a complete file changed under us: it will be refused whole by finish elsewhere
        }
        appendLog(-1 - index);
    }

    /** Appends to the have-log; {@link #sync()} or {@link #close()} makes it durable. */
    private void appendLog(int entry) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(Integer.BYTES).putInt(entry).flip();
        while (b.hasRemaining()) {
            haveLog.write(b);
        }
    }

    private void ensureOpen() throws IOException {
        if (closed) {
            throw new IOException("the chunk store is closed");
        }
    }

    /** Makes the chunks put so far durable (see the class comment), then closes the files. */
    @Override
    public void close() throws IOException {
        try {
            sync();
        } catch (IOException e) {
            LOG.warn("{}: the last chunks could not be fsync'd; they are checked again on the next start: {}",
                    dir, e.toString());
        }
        synchronized (this) {
            closeFiles();
        }
    }

    private void closeFiles() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            data.close();
        } finally {
            if (haveLog != null) {
                haveLog.close();
            }
        }
    }
}
