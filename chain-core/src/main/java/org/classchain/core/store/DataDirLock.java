package org.classchain.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An exclusive lock on a data dir (file {@value #FILE_NAME}), so two peers never write the same
 * chain, journal or identity. Held from {@link #acquire} to {@link #close}; the operating system
 * drops it if the process dies.
 *
 * <p>Excludes other processes and other acquisitions in this JVM alike. Thread-safe.
 */
public final class DataDirLock implements AutoCloseable {

    /** The lock file's name inside the data dir. */
    public static final String FILE_NAME = ".lock";

    private final Path dataDir;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
        this.dataDir = dataDir;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dataDir}, creating it if missing. Never blocks.
     *
     * @throws IOException "data dir X is in use by another peer" if another process or another
     *     holder in this JVM has it, or if the lock file cannot be opened
     */
    public static DataDirLock acquire(Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        FileChannel channel = FileChannel.open(dataDir.resolve(FILE_NAME),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("data dir " + dataDir.toAbsolutePath() + " is in use by another peer");
        }
        return new DataDirLock(dataDir, channel, lock);
    }

    /** The locked directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Releases the lock. Idempotent. */
    @Override
    public void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            channel.close();
        }
    }

    @Override
    public String toString() {
        return "DataDirLock[" + dataDir + "]";
    }
}
