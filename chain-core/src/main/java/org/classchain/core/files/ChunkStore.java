package org.classchain.core.files;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.classchain.Hash;
import org.classchain.core.store.AtomicFile;

/**
 * The files a peer holds off the chain, one folder per file (named by its manifest root) under
 * the peer's data dir. A file enters only two ways: {@link #importFile} (the teacher's own file)
 * and {@link #open} (a file a teacher's command on the chain referenced): nobody else can make a
 * peer store anything. At most {@link #MAX_FILES} files are kept; {@link #open} first checks the
 * free disk.
 *
 * <p>Thread-safe.
 */
public final class ChunkStore implements Closeable {

    /** The most files kept at once; more are refused. */
    public static final int MAX_FILES = 256;

    private final Path dir;
    private final ToLongFunction<Path> freeSpace;
    private final Map<Hash, StoredFile> open = new HashMap<>();
    private boolean closed;

    /**
     * A store in {@code dir} (created when missing).
     *
     * @param dir a folder of the peer's data dir, e.g. {@code files}
     */
    public ChunkStore(Path dir) {
        this(dir, ChunkStore::usableSpace);
    }

    ChunkStore(Path dir, ToLongFunction<Path> freeSpace) {
        this.dir = dir.toAbsolutePath();
        this.freeSpace = freeSpace;
    }

    /**
     * Opens the entry that receives {@code ref}, creating it when new.
     *
     * @param ref a reference from a teacher's command on the chain
     * @return the entry, maybe already holding chunks (or complete)
     * @throws IOException "too big for free disk: needs X, has Y", too many files, a different
     *     file under the same root, or a disk failure
     */
    public synchronized StoredFile open(FileRef ref) throws IOException {
        StoredFile existing = find(ref.root()).orElse(null);
        if (existing != null) {
            if (!sameFile(existing.ref(), ref)) {
                throw new IOException("another file with the same manifest root is stored ("
                        + existing.ref().size() + " bytes, SHA-256 " + existing.ref().sha256().shortHex() + ")");
            }
            checkFreeDisk(ref.size() - existing.bytesHeld());
            return existing;
        }
        if (count() >= MAX_FILES) {
            throw new IOException("the peer already keeps " + MAX_FILES + " sent files; delete some from "
                    + dir + " first");
        }
        checkFreeDisk(ref.size());
        StoredFile f = StoredFile.open(entry(ref.root()), ref);
        open.put(ref.root(), f);
        return f;
    }

    /**
     * The entry of a file this peer holds or is receiving, for serving it to others.
     *
     * @param root the file's manifest root
     * @return the entry, or empty when this peer never stored that file
     * @throws IOException when the entry on disk cannot be opened
     */
    public synchronized Optional<StoredFile> find(Hash root) throws IOException {
        if (closed) {
            throw new IOException("the chunk store is closed");
        }
        StoredFile f = open.get(root);
        if (f != null) {
            return Optional.of(f);
        }
        Path entry = entry(root);
        FileRef ref;
        try {
            ref = RefText.decode(Files.readString(entry.resolve(StoredFile.REF), StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            throw new IOException(entry + ": " + e.getMessage(), e);
        }
        if (!ref.root().equals(root)) {
            throw new IOException(entry + " holds another file");
        }
        f = StoredFile.open(entry, ref);
        open.put(root, f);
        return Optional.of(f);
    }

    /**
     * Copies a file of this machine into the store, describing it in the same pass: what a
     * teacher's peer does before the command that references it is sent.
     *
     * @param source the file to send
     * @param name the name it is sent under
     * @param chunkSize bytes per chunk ({@link FileRef#DEFAULT_CHUNK} unless testing)
     * @return the complete entry; its {@link StoredFile#ref()} goes into the command
     * @throws IOException when the file is missing or unreadable ("cannot read ..."), too big for
     *     the free disk, or the disk fails
     */
    public StoredFile importFile(Path source, String name, int chunkSize) throws IOException {
        long size;
        try {
            size = Files.size(source);
        } catch (IOException e) {
            throw new IOException("cannot read " + source + ": " + describe(e), e);
        }
        try (InputStream in = Files.newInputStream(source)) {
            return importStream(in, name, chunkSize, size);
        } catch (IOException e) {
            if (e instanceof FetchException || e.getMessage() != null && e.getMessage().startsWith("too big")) {
                throw e;
            }
            throw new IOException("cannot read " + source + ": " + describe(e), e);
        }
    }

    /**
     * As {@link #importFile}, from a stream: a teacher's upload.
     *
     * @param in the file's bytes, read to their end (not closed)
     * @param name the name it is sent under
     * @param chunkSize bytes per chunk
     * @param size how many bytes {@code in} holds
     * @return the complete entry
     * @throws IOException when the stream fails or holds another number of bytes, the file is
     *     too big for the free disk, or the disk fails
     */
    public StoredFile importStream(InputStream in, String name, int chunkSize, long size) throws IOException {
        if (size < 0 || size > FileRef.MAX_SIZE) {
            throw new IOException("a file is at most " + bytes(FileRef.MAX_SIZE));
        }
        synchronized (this) {
            checkFreeDisk(size);
        }
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "import-", ".tmp");
        try {
            Manifest manifest;
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE)) {
                manifest = Manifest.of(new Tee(in, out, size), name, chunkSize);
            }
            if (manifest.ref().size() != size) {
                throw new IOException("the file has " + manifest.ref().size() + " bytes, not the " + size + " announced");
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            FileRef ref = manifest.ref();
            synchronized (this) {
                Optional<StoredFile> had = find(ref.root());
                if (had.isPresent() && had.get().isComplete() && sameFile(had.get().ref(), ref)) {
                    return had.get();
                }
                if (had.isPresent()) {
                    had.get().close();
                    open.remove(ref.root());
                    deleteTree(entry(ref.root()));
                }
                Path entry = entry(ref.root());
                Files.createDirectories(entry);
                AtomicFile.replace(entry.resolve(StoredFile.REF), RefText.encode(ref).getBytes(StandardCharsets.UTF_8), false);
                AtomicFile.replace(entry.resolve(StoredFile.MANIFEST), manifest.encode(), false);
                try {
                    Files.move(tmp, entry.resolve(StoredFile.COMPLETE), StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, entry.resolve(StoredFile.COMPLETE));
                }
                AtomicFile.fsyncDirectory(entry);
                StoredFile f = StoredFile.open(entry, ref);
                open.put(ref.root(), f);
                return f;
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * {@return every entry in the store, e.g. to resume their orders after a restart}
     *
     * @throws IOException when the store cannot be listed
     */
    public synchronized java.util.List<StoredFile> all() throws IOException {
        java.util.List<StoredFile> out = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        java.util.List<Path> dirs;
        try (Stream<Path> s = Files.list(dir)) {
            dirs = s.filter(Files::isDirectory).toList();
        }
        for (Path d : dirs) {
            try {
                find(Hash.fromHex(d.getFileName().toString())).ifPresent(out::add);
            } catch (IllegalArgumentException | IOException e) {
                // not an entry (or a broken one): skipped
            }
        }
        return out;
    }

    /** Closes every open entry; later calls fail. */
    @Override
    public synchronized void close() throws IOException {
        closed = true;
        IOException first = null;
        for (StoredFile f : open.values()) {
            try {
                f.close();
            } catch (IOException e) {
                first = first == null ? e : first;
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    /**
     * {@return a byte count for people: {@code 52.4 MB (52428800 bytes)}}
     *
     * @param bytes a count of bytes
     */
    public static String bytes(long bytes) {
        if (bytes < 1000) {
            return bytes + " bytes";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%d bytes)", v, units[u], bytes);
    }

    private void checkFreeDisk(long needs) throws IOException {
        if (needs <= 0) {
            return;
        }
        long has = freeSpace.applyAsLong(existingAncestor(dir));
        if (needs > has) {
            throw new IOException("too big for free disk: needs " + bytes(needs) + ", has " + bytes(has));
        }
    }

    private int count() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dir)) {
            return (int) s.filter(Files::isDirectory).count();
        }
    }

    private Path entry(Hash root) {
        return dir.resolve(root.hex());
    }

    private static boolean sameFile(FileRef a, FileRef b) {
        return a.size() == b.size() && a.sha256().equals(b.sha256()) && a.chunkSize() == b.chunkSize();
    }

    private static Path existingAncestor(Path p) {
        Path q = p;
        while (q != null && !Files.exists(q)) {
            q = q.getParent();
        }
        return q == null ? p : q;
    }

    private static long usableSpace(Path p) {
        try {
            return Files.getFileStore(p).getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE; // cannot tell: let the write itself fail
        }
    }

    private static String describe(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }

    /** Copies what is read to a second stream, and fails past a byte count. */
    private static final class Tee extends FilterInputStream {
        private final OutputStream copy;
        private long left;

        Tee(InputStream in, OutputStream copy, long limit) {
            super(in);
            this.copy = copy;
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                left -= n;
                if (left < 0) {
                    throw new IOException("the file has more bytes than the " + "announced size");
                }
                copy.write(b, off, n);
            }
            return n;
        }
    }
}
