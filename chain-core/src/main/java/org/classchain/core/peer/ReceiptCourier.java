package org.classchain.core.peer;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.classchain.Command;
import org.classchain.Receipt;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.chain.ChainState;
import org.classchain.core.dispatch.Dispatcher;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.store.RecordStore;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries receipts from the peer whose {@link Dispatcher} made them to the hosts of the teacher's
 * account that keep them (DESIGN section 4; issue 23, property 4). At a host a receipt goes
 * straight into its {@link ReceiptBook}, and receipts sent here are kept when their
 * {@link ReceiptAdmission} admits them: stored before they are acknowledged, then shown to the
 * listeners. Elsewhere this peer's own receipts wait in its {@link ReceiptOutbox} until a host took
 * them, ahead of the receipts it forwards for a sender that took it for a host (only of computers
 * it verified, within each one's share). One batch is on its way at a time; what the host answers
 * decides what becomes of it ({@link ReceiptOutbox#outcome}). Thread-safe.
 */
final class ReceiptCourier {

    /** When a sender should try again receipts refused for now. */
    static final long RECEIPT_RETRY_SECONDS = 1;
    /** When a sender should try again receipts a student's peer had no room to forward. */
    static final long FORWARD_RETRY_SECONDS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptCourier.class);

    private final String nodeId;
    private final Transport transport;
    private final PeerDirectory directory;
    private final Handshakes handshakes;
    private final ChainState chain;
    private final ReceiptAdmission admission;
    private final ReceiptBook book;
    private final RecordStore<Receipt> store;
    private final PeerListeners listeners;
    private final CanonicalJson json;
    private final Clock clock;
    private final String name;
    private final ReceiptWatch watch;
    private final ReceiptOutbox outbox = new ReceiptOutbox();
    private final AtomicBoolean sending = new AtomicBoolean();

    /**
     * @param store the data dir's receipts, kept at a host; null keeps them in memory only
     * @param watch told when a host took (or this peer, a host, kept) one of this peer's own receipts
     */
    ReceiptCourier(String nodeId, Transport transport, PeerDirectory directory, Handshakes handshakes, ChainState chain,
                   ReceiptAdmission admission, ReceiptBook book, RecordStore<Receipt> store, PeerListeners listeners,
                   CanonicalJson json, Clock clock, String name, ReceiptWatch watch) {
        this.nodeId = nodeId;
        this.transport = transport;
        this.directory = directory;
        this.handshakes = handshakes;
        this.chain = chain;
        this.admission = admission;
        this.book = book;
        this.store = store;
        this.listeners = listeners;
        this.json = json;
        this.clock = clock;
        this.name = name;
        this.watch = watch;
    }

    private boolean hostHere() {
        return chain.teacherAccount().isHostedBy(nodeId);
    }

    /** A command of a block ran here (the {@link Dispatcher}'s receipts): its receipt goes to the teacher's hosts. */
    void dispatched(Command command, Receipt receipt) {
        LOG.info("peer {}: {} {} -> {}{}", name, command.module(), command.id(), receipt.status(),
                receipt.detail().isEmpty() ? "" : " (" + receipt.detail() + ")");
        listeners.tell(l -> l.commandDispatched(command, receipt));
        if (hostHere()) {
            Message kept = keep(List.of(receipt));
            if (!(kept instanceof Message.Rejected r) || r.code() == 409) {
                watch.taken(receipt.commandId());
            }
            return;
        }
        outbox.addOwn(receipt, clock.instant());
        send();
    }

    /** Answers receipts another peer sent: kept at a host, else forwarded to one. */
    Message onReceipts(Message.Receipts msg) {
        return hostHere() ? keep(msg.receipts()) : forward(msg.receipts());
    }

    /** At each tick: what rested is tried again, what outlived its lifetime is given up. */
    void newPass() {
        outbox.newPass(clock.instant());
        send();
    }

    /** Keeps, at a host, what the admission admits; the answer says what became of the others. */
    private Message keep(List<Receipt> receipts) {
        List<Receipt> kept = new ArrayList<>();
        ReceiptAdmission.Judgement later = null;
        ReceiptAdmission.Judgement forged = null;
        for (Receipt r : receipts) {
            ReceiptAdmission.Judgement j = admission.judge(r);
            if (j.verdict() == ReceiptAdmission.Verdict.KEEP) {
                if (book.add(r)) {
                    kept.add(r);
                }
            } else if (j.verdict() == ReceiptAdmission.Verdict.LATER) {
                later = j;
            } else {
                forged = j;
            }
        }
        if (store != null && !kept.isEmpty()) {
            try {
                synchronized (book) {
                    store.append(kept);
                }
            } catch (IOException e) {
                LOG.warn("peer {}: could not store {} receipt(s): {}", name, kept.size(), e.toString());
                return Message.Rejected.of(503, "could not store the receipts");
            }
        }
        for (Receipt r : kept) {
            listeners.tell(l -> l.receiptReceived(r));
        }
        // 503: send again later (kept ones then count as known); 422: drop; 409: nothing new
        if (later != null) {
            return new Message.Rejected(503, kept.size() + " receipt(s) kept; others refused for now: " + later.reason(),
                    RECEIPT_RETRY_SECONDS);
        }
        if (kept.isEmpty() && forged != null) {
            return Message.Rejected.of(422, "receipt refused: " + forged.reason());
        }
        return kept.isEmpty() && !receipts.isEmpty()
                ? Message.Rejected.of(409, "no new valid receipt") : new Message.Ack(kept.size() + " receipt(s) kept");
    }

    /**
     * Receipts sent here, a peer that does not host the teacher's account, by a sender that takes
     * it for a host (its chain is ahead of ours, or behind): forwarded to a host, behind this peer's
     * own, only for computers this peer verified and within each one's share.
     */
    private Message forward(List<Receipt> list) {
        int queued = 0;
        int full = 0;
        int unknown = 0;
        Instant now = clock.instant();
        for (Receipt r : list) {
            if (!ReceiptSigner.verify(r) || nodeId.equals(r.peerId())
                    || directory.keyOf(r.peerId()).filter(r.peerKey()::equals).isEmpty()) {
                unknown++;
            } else if (outbox.forward(r, now) == ReceiptOutbox.Forwarding.FULL) {
                full++;
            } else {
                queued++;
            }
        }
        if (queued > 0) {
            send();
        }
        if (full > 0) {
            return new Message.Rejected(429, queued + " receipt(s) forwarded; " + full + " refused: at most "
                    + ReceiptOutbox.MAX_PER_ORIGIN + " receipts (" + ReceiptOutbox.MAX_PER_ORIGIN_BYTES / 1024
                    + " KiB) of one computer wait here to be forwarded", FORWARD_RETRY_SECONDS);
        }
        if (queued == 0 && unknown > 0) {
            return Message.Rejected.of(422, "this peer does not host the teacher's account and forwards receipts "
                    + "only of computers it knows: send them to the teacher's host");
        }
        return new Message.Ack(queued + " receipt(s) forwarded");
    }

    /**
     * Sends the outbox to a host of the teacher's account, one batch at a time, this peer's own
     * receipts first. A host whose address is unknown is looked for among known peers.
     */
    private void send() {
        if (outbox.isEmpty() || !sending.compareAndSet(false, true)) {
            return;
        }
        Optional<String> host = directory.addressOfHost(chain.teacherAccount());
        if (host.isEmpty()) {
            sending.set(false);
            handshakes.lookForPeers();
            return;
        }
        ReceiptOutbox.Batch batch = outbox.next();
        if (batch == null) {
            sending.set(false); // what waits rests until the next tick
            return;
        }
        transport.send(host.get(), new Message.Receipts(batch.receipts())).whenComplete((reply, err) -> {
            ReceiptOutbox.Outcome outcome = ReceiptOutbox.outcome(reply, err);
            if (err != null) {
                directory.failed(host.get());
            } else if (outcome == ReceiptOutbox.Outcome.LATER) {
                handshakes.introduceAgain(); // it may not know this computer yet
            } else if (outcome == ReceiptOutbox.Outcome.REFUSED || outcome == ReceiptOutbox.Outcome.TOO_BIG) {
                LOG.debug("peer {}: {} {} receipt(s) refused by {}: {}", name, batch.receipts().size(),
                        batch.own() ? "own" : "forwarded", host.get(), reply);
            }
            outbox.settle(batch, outcome, err != null, clock.instant());
            if (outcome == ReceiptOutbox.Outcome.TAKEN && batch.own()) {
                batch.receipts().forEach(r -> watch.taken(r.commandId()));
            }
            sending.set(false);
            send();
        });
    }
}
