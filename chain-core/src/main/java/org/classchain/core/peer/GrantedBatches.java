package org.classchain.core.peer;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.classchain.Grant;
import org.classchain.Payload;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.chain.ChainState;
import org.classchain.core.store.RecordStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches a host of the teacher's account granted (DESIGN section 3, "No granted command is
 * lost"): each stored in {@code granted.log} before anyone is told it was accepted, mined again
 * after a restart unless already on the chain, and granted again at the end of the chain when
 * another host's grants took its place for good. Thread-safe.
 */
final class GrantedBatches implements BlockProducer.Regrants {

    private static final Logger LOG = LoggerFactory.getLogger(GrantedBatches.class);

    private final RecordStore<Payload> store;
    private final String nodeId;
    private final AccountHost accountHost;
    private final GrantOrder order;
    private final ChainState chain;
    private final String name;

    /** @param store the data dir's {@code granted.log}; null keeps nothing (a peer without a data dir) */
    GrantedBatches(RecordStore<Payload> store, String nodeId, AccountHost accountHost, GrantOrder order,
                   ChainState chain, String name) {
        this.store = store;
        this.nodeId = nodeId;
        this.accountHost = accountHost;
        this.order = order;
        this.chain = chain;
        this.name = name;
    }

    /** Stores a batch granted here, durably; false when it could not be stored. */
    boolean keep(Payload batch) {
        if (store == null) {
            return true;
        }
        try {
            synchronized (store) {
                store.append(List.of(batch));
            }
            return true;
        } catch (IOException e) {
            LOG.warn("peer {}: could not store granted batch {}: {}", name, batch.grant().grantId(), e.toString());
            return false;
        }
    }

    /**
     * Hands {@code producer} the batches granted here before a stop that are not on the chain: mined
     * again after the grace. The next grant follows them, in the order they were issued.
     */
    void restore(BlockProducer producer) throws IOException {
        if (store == null) {
            return;
        }
        store.load(p -> {
            if (chain.heightOfGrant(p.grant().grantId()).isEmpty()) {
                producer.remember(p);
                if (grantedHere(p.grant()) && !p.grant().isLegacy()) {
                    order.issued(p.grant());
                }
            }
        });
    }

    @Override
    public boolean grantedHere(Grant grant) {
        return grant.hostNodeId().equals(nodeId);
    }

    /** Grants again, at the end of the chain, a batch this host granted whose place another host's grants took. */
    @Override
    public Optional<Payload> regrant(Payload old) {
        if (!grantedHere(old.grant()) || !accountHost.hosts(old.grant().username())) {
            return Optional.empty();
        }
        order.lostPlace(old.grant().grantId());
        Optional<AccountHost.Regranted> again = accountHost.regrant(old.grant(), old.commands(), old.accounts(),
                id -> chain.heightOfCommand(id).isPresent());
        if (again.isEmpty()) {
            return Optional.empty();
        }
        Payload batch = new Payload(again.get().commands(), again.get().accounts(), again.get().grant(), null);
        keep(batch);
        return Optional.of(batch);
    }

    @Override
    public Optional<Payload> refused(Payload batch) {
        order.lostPlace(batch.grant().grantId());
        boolean retried = batch.commands().stream().anyMatch(c -> chain.heightOfCommand(c.id()).isPresent());
        return retried ? regrant(batch) : Optional.empty();
    }
}
