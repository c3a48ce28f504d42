package org.classchain.core.peer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.classchain.Payload;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.dispatch.ExecutionLog;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.store.DataDirLock;
import org.classchain.core.store.FileBlockStore;
import org.classchain.core.store.Journal;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.store.RecordStore;
import org.classchain.spi.BlockStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a peer keeps in its data dir, opened together under the dir's lock: its node key, its
 * blocks, the journal of the commands it ran, the receipts it holds as a teacher's host, the
 * batches it granted, and the credentials it hosts. A peer without a data dir keeps a new key,
 * its blocks and credentials in memory, and nothing else. {@link #close()} closes each on its own
 * (the lock last), including after a failed {@link #open}; what a failed start created in the dir
 * is removed again ({@link #removeCreated}). Used by the starting and the closing thread of a peer.
 */
final class DataDir implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DataDir.class);

    private DataDirLock lock;
    private NodeIdentity identity;
    private BlockStore blocks;
    private Journal journal;
    private RecordStore<Receipt> receipts;
    private RecordStore<Payload> granted;
    private CredentialStore credentials;

    /** The entries of {@code dir}, or null when it does not exist: what a failed start leaves ({@link #removeCreated}). */
    static Set<Path> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.collect(Collectors.toSet());
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes what a failed start added to {@code dir} besides {@code existing}: all of it when it did not exist. */
    static void removeCreated(Path dir, Set<Path> existing) {
        if (existing != null && existing.isEmpty() && !Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                boolean kept = existing != null && (f.equals(dir) || existing.stream().anyMatch(f::startsWith));
                if (!kept) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not remove what this failed start created in {}: {}", dir, e.toString());
        }
    }

    /**
     * Opens what {@code config} names: its data dir (whose stored receipts go to {@code book}), or
     * memory. What was opened before a failure is closed by {@link #close()}.
     */
    void open(PeerConfig config, BlockCodec codec, CanonicalJson json, ReceiptBook book) throws IOException {
        Path dir = config.dataDir;
        PasswordPolicy policy = config.passwordPolicy != null ? config.passwordPolicy : PasswordPolicy.DEFAULT;
        SecureRandom random = config.random;
        if (dir == null) {
            identity = NodeIdentity.generate(random);
            blocks = config.blockStore != null ? config.blockStore : new MemoryBlockStore();
            credentials = CredentialStore.inMemory(policy, random);
            return;
        }
        lock = DataDirLock.acquire(dir);
        identity = NodeIdentity.loadOrCreate(dir, random);
        blocks = config.blockStore != null ? config.blockStore : FileBlockStore.open(dir, codec);
        journal = Journal.open(dir);
        receipts = RecordStore.open(dir, RecordStore.RECEIPTS, RecordStore.receipts());
        receipts.load(book::add);
        granted = RecordStore.open(dir, RecordStore.GRANTED, RecordStore.batches(json));
        credentials = CredentialStore.open(dir, policy, random);
    }

    NodeIdentity identity() {
        return identity;
    }

    BlockStore blocks() {
        return blocks;
    }

    CredentialStore credentials() {
        return credentials;
    }

    /** The receipts a teacher's host stores; null without a data dir. */
    RecordStore<Receipt> receipts() {
        return receipts;
    }

    /** The batches this peer granted ({@code granted.log}); null without a data dir. */
    RecordStore<Payload> granted() {
        return granted;
    }

    /** Where the dispatcher notes what ran: the journal, durable across restarts; without a data dir, this run only. */
    ExecutionLog executionLog() {
        Journal j = journal;
        return j == null ? new MemoryExecutionLog() : new ExecutionLog() {
            @Override
            public boolean begin(UUID commandId) throws IOException {
                return j.begin(commandId);
            }

            @Override
            public void complete(UUID commandId, ReceiptStatus status) throws IOException {
                j.complete(commandId, status);
            }
        };
    }

    @Override
    public void close() {
        // each on its own, so that one that fails does not keep the others (the lock last) open
        closeQuietly(blocks);
        closeQuietly(journal);
        closeQuietly(receipts);
        closeQuietly(granted);
        closeQuietly(lock);
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("peer {}: closing {} failed: {}", identity == null ? "?" : identity.nodeId().substring(0, 8),
                    c.getClass().getSimpleName(), e.toString());
        }
    }
}
