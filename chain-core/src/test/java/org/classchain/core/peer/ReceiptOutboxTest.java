package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.classchain.Attachment;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.peer.ReceiptOutbox.Batch;
import org.classchain.core.peer.ReceiptOutbox.Forwarding;
import org.classchain.core.peer.ReceiptOutbox.Outcome;
import org.classchain.wire.Message;
import org.junit.jupiter.api.Test;

/** Issue 23, property 4, the rule alone: what the outbox sends, in what order, and what it gives up. */
class ReceiptOutboxTest {

    final SecureRandom random = new SecureRandom();
    final CanonicalJson json = new CanonicalJson();
    final ReceiptSigner me = new ReceiptSigner(NodeIdentity.generate(random));
    final ReceiptSigner classmate = new ReceiptSigner(NodeIdentity.generate(random));
    final Instant now = Instant.now();
    final ReceiptOutbox outbox = new ReceiptOutbox();

    private Receipt receipt(ReceiptSigner by, int attachmentBytes) {
        return by.sign(UUID.randomUUID(), ReceiptStatus.EXECUTED, "", now,
                attachmentBytes == 0 ? null : new Attachment("image/png", new byte[attachmentBytes]));
    }

    @Test
    void ownReceiptsGoFirstWhateverWaitsToBeForwarded() {
        for (int i = 0; i < 50; i++) {
            assertThat(outbox.forward(receipt(classmate, 0), now)).isEqualTo(Forwarding.QUEUED);
        }
        Receipt mine = receipt(me, 0);
        outbox.addOwn(mine, now);
        Batch first = outbox.next();
        assertThat(first.own()).isTrue();
        assertThat(first.receipts()).containsExactly(mine);
        outbox.settle(first, Outcome.TAKEN, false, now);
        assertThat(outbox.next().own()).isFalse();
    }

    @Test
    void aQueueRefusedForNowOrBusyRestsAndTheOtherGoesOn() {
        outbox.forward(receipt(classmate, 0), now);
        outbox.addOwn(receipt(me, 0), now);
        Batch own = outbox.next();
        outbox.settle(own, Outcome.LATER, false, now);
        Batch forwarded = outbox.next();
        assertThat(forwarded.own()).isFalse();
        outbox.settle(forwarded, Outcome.BUSY, true, now);
        assertThat(outbox.next()).as("both rest until the next pass").isNull();
        outbox.newPass(now);
        assertThat(outbox.next().own()).isTrue();
    }

    @Test
    void refusedForGoodIsDroppedAndRefusedForNowGoesBehindTheRest() {
        Receipt a = receipt(me, 0);
        outbox.addOwn(a, now);
        Batch b = outbox.next();
        outbox.settle(b, ReceiptOutbox.outcome(Message.Rejected.of(422, "not for you"), null), false, now);
        assertThat(outbox.isEmpty()).isTrue();
        assertThat(outbox.ownWaiting()).isZero();

        Receipt later = receipt(me, 0);
        outbox.addOwn(later, now);
        Batch l = outbox.next();
        Receipt next = receipt(me, 0);
        outbox.addOwn(next, now);
        outbox.settle(l, ReceiptOutbox.outcome(Message.Rejected.of(503, "not yet"), null), false, now);
        outbox.newPass(now);
        assertThat(outbox.next().receipts()).containsExactly(next, later);
        assertThat(ReceiptOutbox.outcome(new Message.Rejected(429, "busy", 1), null)).isEqualTo(Outcome.BUSY);
        assertThat(ReceiptOutbox.outcome(Message.Rejected.of(409, "known"), null)).isEqualTo(Outcome.TAKEN);
        assertThat(ReceiptOutbox.outcome(null, new java.io.IOException("gone"))).isEqualTo(Outcome.BUSY);
    }

    @Test
    void batchesStayUnderTheBodyLimitAndA413IsSplitThenDropped() {
        List<Receipt> big = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Receipt r = receipt(me, Attachment.MAX_BYTES);
            big.add(r);
            outbox.addOwn(r, now);
        }
        Batch b = outbox.next();
        long bytes = b.receipts().stream().mapToLong(ReceiptOutbox::estimate).sum();
        assertThat(bytes).isLessThanOrEqualTo(ReceiptOutbox.BATCH_BYTES);
        assertThat(b.receipts()).hasSizeGreaterThan(1);
        outbox.settle(b, Outcome.TOO_BIG, false, now);
        Batch half = outbox.next();
        assertThat(half.receipts()).hasSize(b.receipts().size() / 2).containsExactlyElementsOf(
                big.subList(0, b.receipts().size() / 2));
        // a host with an even smaller limit: down to one receipt, which is then given up
        while (half.receipts().size() > 1) {
            outbox.settle(half, Outcome.TOO_BIG, false, now);
            half = outbox.next();
        }
        outbox.settle(half, Outcome.TOO_BIG, false, now);
        assertThat(outbox.ownWaiting()).isEqualTo(9);
        assertThat(outbox.next().receipts().get(0)).isEqualTo(big.get(1));
    }

    @Test
    void forwardingIsBoundedPerComputerInCountAndBytes() {
        int queued = 0;
        for (int i = 0; i < 200; i++) {
            Forwarding f = outbox.forward(receipt(classmate, 0), now);
            queued += f == Forwarding.QUEUED ? 1 : 0;
        }
        assertThat(queued).isEqualTo(ReceiptOutbox.MAX_PER_ORIGIN);
        ReceiptSigner other = new ReceiptSigner(NodeIdentity.generate(random));
        int bigQueued = 0;
        for (int i = 0; i < 20; i++) {
            bigQueued += outbox.forward(receipt(other, Attachment.MAX_BYTES), now) == Forwarding.QUEUED ? 1 : 0;
        }
        assertThat(bigQueued * ReceiptOutbox.estimate(receipt(other, Attachment.MAX_BYTES)))
                .isLessThanOrEqualTo(ReceiptOutbox.MAX_PER_ORIGIN_BYTES);
        Receipt again = receipt(new ReceiptSigner(NodeIdentity.generate(random)), 0);
        assertThat(outbox.forward(again, now)).isEqualTo(Forwarding.QUEUED);
        assertThat(outbox.forward(again, now)).isEqualTo(Forwarding.KNOWN);
        assertThat(outbox.forwardedWaiting()).isEqualTo(queued + bigQueued + 1);
    }

    @Test
    void ownReceiptsAreBoundedAndOutliveNothingButTheirLifetime() {
        for (int i = 0; i < ReceiptOutbox.MAX_OWN + 10; i++) {
            outbox.addOwn(receipt(me, 0), now);
        }
        assertThat(outbox.ownWaiting()).isEqualTo(ReceiptOutbox.MAX_OWN);
        outbox.newPass(now.plus(ReceiptOutbox.OWN_LIFETIME).plus(Duration.ofSeconds(1)));
        assertThat(outbox.ownWaiting()).isZero();
        assertThat(outbox.isEmpty()).isTrue();
    }
}
