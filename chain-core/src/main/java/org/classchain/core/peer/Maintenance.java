package org.classchain.core.peer;

import java.util.Random;
import org.classchain.core.chain.ChainState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A peer's periodic work, one {@link #tick} at a time on its tick lane: re-mining batches no block
 * carries after the grace, answering Hellos whose call-back took too long, sending waiting
 * receipts, registering this computer's account and introducing it to the teacher's host, fetching
 * and dropping credentials, keeping the verified peers' addresses ({@link PeerBook}), granting
 * collected registrations, polling the roster, filling the neighbour set, and comparing heads.
 * Not thread-safe: one tick at a time.
 */
final class Maintenance {

    /** How often, in ticks, a peer short of neighbours tries again the peers that failed. */
    static final int RETRY_FAILING_TICKS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    private final PeerConfig config;
    private final String nodeId;
    private final ChainState chain;
    private final BlockProducer producer;
    private final Handshakes handshakes;
    private final ReceiptCourier courier;
    private final OwnAccount ownAccount;
    private final BackupHosts backups;
    private final Accounts accounts;
    private final Roster roster;
    private final PeerDirectory directory;
    private final PeerBook book;
    private final HeadCheck headCheck;
    private final Random random;
    private final String name;
    private long ticks;

    Maintenance(PeerConfig config, String nodeId, ChainState chain, BlockProducer producer, Handshakes handshakes,
                ReceiptCourier courier, OwnAccount ownAccount, BackupHosts backups, Accounts accounts, Roster roster,
                PeerDirectory directory, PeerBook book, HeadCheck headCheck, Random random, String name) {
        this.config = config;
        this.nodeId = nodeId;
        this.chain = chain;
        this.producer = producer;
        this.handshakes = handshakes;
        this.courier = courier;
        this.ownAccount = ownAccount;
        this.backups = backups;
        this.accounts = accounts;
        this.roster = roster;
        this.directory = directory;
        this.book = book;
        this.headCheck = headCheck;
        this.random = random;
        this.name = name;
    }

    /** One round of the periodic work; a part that fails is logged and the next tick comes anyway. */
    void tick() {
        try {
            producer.sweep(config.remineAfter.toMillis());
            handshakes.expire();
            courier.newPass();
            ticks++;
            if (ticks % 5 == 1) {
                ownAccount.register();
                handshakes.introduce();
                backups.fetchCredentials();
                ownAccount.dropStaleCredentials();
                book.save(directory.infos());
            }
            accounts.flush();
            if (ticks % 3 == 0 && chain.teacherAccount().isHostedBy(nodeId)) {
                roster.poll();
            }
            // peers that failed (gone, perhaps for good) are tried again only now and then
            boolean retryFailing = ticks % RETRY_FAILING_TICKS == 0;
            if (directory.hasRoom()) {
                directory.candidates(random, retryFailing).stream().limit(2).forEach(handshakes::greetQuietly);
            }
            headCheck.run(ticks, retryFailing);
        } catch (RuntimeException e) {
            LOG.warn("peer {}: maintenance failed: {}", name, e.toString());
        }
    }
}
