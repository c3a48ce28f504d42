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
import org.classchain.core.peer.ReceiptCourier.Batch;
import org.classchain.core.peer.ReceiptCourier.Forwarding;
import org.classchain.core.peer.ReceiptCourier.Outcome;
import org.classchain.spi.Message;
import org.junit.jupiter.api.Test;

/** Issue 23, property 4, the rule alone: what the outbox sends, in what order, and what it gives up. */
class ReceiptCourierTest {

    final SecureRandom random = new SecureRandom();
    final CanonicalJson json = new CanonicalJson();
    final ReceiptSigner me = new ReceiptSigner(NodeIdentity.generate(random), json);
    final ReceiptSigner classmate = new ReceiptSigner(NodeIdentity.generate(random), json);
    final Instant now = Instant.now();
    final ReceiptCourier courier = new ReceiptCourier();

    private Receipt receipt(ReceiptSigner by, int attachmentBytes) {
        return by.sign(UUID.randomUUID(), ReceiptStatus.EXECUTED, "", now,
                attachmentBytes == 0 ? null : new Attachment("image/png", new byte[attachmentBytes]));
    }

    @Test
    void ownReceiptsGoFirstWhateverWaitsToBeForwarded() {
        for (int i = 0; i < 50; i++) {
            assertThat(courier.forward(receipt(classmate, 0), now)).isEqualTo(Forwarding.QUEUED);
        }
        Receipt mine = receipt(me, 0);
        courier.addOwn(mine, now);
        Batch first = courier.next();
        assertThat(first.own()).isTrue();
        assertThat(first.receipts()).containsExactly(mine);
        courier.settle(first, Outcome.TAKEN, false, now);
        assertThat(courier.next().own()).isFalse();
    }

    @Test
    void aQueueRefusedForNowOrBusyRestsAndTheOtherGoesOn() {
        courier.forward(receipt(classmate, 0), now);
        courier.addOwn(receipt(me, 0), now);
        Batch own = courier.next();
        courier.settle(own, Outcome.LATER, false, now);
        Batch forwarded = courier.next();
        assertThat(forwarded.own()).isFalse();
        courier.settle(forwarded, Outcome.BUSY, true, now);
        assertThat(courier.next()).as("both rest until the next pass").isNull();
        courier.newPass(now);
        assertThat(courier.next().own()).isTrue();
    }

    @Test
    void refusedForGoodIsDroppedAndRefusedForNowGoesBehindTheRest() {
        Receipt a = receipt(me, 0);
        courier.addOwn(a, now);
        Batch b = courier.next();
        courier.settle(b, ReceiptCourier.outcome(Message.Rejected.of(422, "not for you"), null), false, now);
        assertThat(courier.isEmpty()).isTrue();
        assertThat(courier.ownWaiting()).isZero();

        Receipt later = receipt(me, 0);
        courier.addOwn(later, now);
        Batch l = courier.next();
        Receipt next = receipt(me, 0);
        courier.addOwn(next, now);
        courier.settle(l, ReceiptCourier.outcome(Message.Rejected.of(503, "not yet"), null), false, now);
        courier.newPass(now);
        assertThat(courier.next().receipts()).containsExactly(next, later);
        assertThat(ReceiptCourier.outcome(new Message.Rejected(429, "busy", 1), null)).isEqualTo(Outcome.BUSY);
        assertThat(ReceiptCourier.outcome(Message.Rejected.of(409, "known"), null)).isEqualTo(Outcome.TAKEN);
        assertThat(ReceiptCourier.outcome(null, new java.io.IOException("gone"))).isEqualTo(Outcome.BUSY);
    }

    @Test
    void batchesStayUnderTheBodyLimitAndA413IsSplitThenDropped() {
        List<Receipt> big = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Receipt r = receipt(me, Attachment.MAX_BYTES);
            big.add(r);
            courier.addOwn(r, now);
        }
        Batch b = courier.next();
        long bytes = b.receipts().stream().mapToLong(ReceiptCourier::estimate).sum();
        assertThat(bytes).isLessThanOrEqualTo(ReceiptCourier.BATCH_BYTES);
        assertThat(b.receipts()).hasSizeGreaterThan(1);
        courier.settle(b, Outcome.TOO_BIG, false, now);
        Batch half = courier.next();
        assertThat(half.receipts()).hasSize(b.receipts().size() / 2).containsExactlyElementsOf(
                big.subList(0, b.receipts().size() / 2));
        // a host with an even smaller limit: down to one receipt, which is then given up
        while (half.receipts().size() > 1) {
            courier.settle(half, Outcome.TOO_BIG, false, now);
            half = courier.next();
        }
        courier.settle(half, Outcome.TOO_BIG, false, now);
        assertThat(courier.ownWaiting()).isEqualTo(9);
        assertThat(courier.next().receipts().get(0)).isEqualTo(big.get(1));
    }

    @Test
    void forwardingIsBoundedPerComputerInCountAndBytes() {
        int queued = 0;
        for (int i = 0; i < 200; i++) {
            Forwarding f = courier.forward(receipt(classmate, 0), now);
            queued += f == Forwarding.QUEUED ? 1 : 0;
        }
        assertThat(queued).isEqualTo(ReceiptCourier.MAX_PER_ORIGIN);
        ReceiptSigner other = new ReceiptSigner(NodeIdentity.generate(random), json);
        int bigQueued = 0;
        for (int i = 0; i < 20; i++) {
            bigQueued += courier.forward(receipt(other, Attachment.MAX_BYTES), now) == Forwarding.QUEUED ? 1 : 0;
        }
        assertThat(bigQueued * ReceiptCourier.estimate(receipt(other, Attachment.MAX_BYTES)))
                .isLessThanOrEqualTo(ReceiptCourier.MAX_PER_ORIGIN_BYTES);
        Receipt again = receipt(new ReceiptSigner(NodeIdentity.generate(random), json), 0);
        assertThat(courier.forward(again, now)).isEqualTo(Forwarding.QUEUED);
        assertThat(courier.forward(again, now)).isEqualTo(Forwarding.KNOWN);
        assertThat(courier.forwardedWaiting()).isEqualTo(queued + bigQueued + 1);
    }

    @Test
    void ownReceiptsAreBoundedAndOutliveNothingButTheirLifetime() {
        for (int i = 0; i < ReceiptCourier.MAX_OWN + 10; i++) {
            courier.addOwn(receipt(me, 0), now);
        }
        assertThat(courier.ownWaiting()).isEqualTo(ReceiptCourier.MAX_OWN);
        courier.newPass(now.plus(ReceiptCourier.OWN_LIFETIME).plus(Duration.ofSeconds(1)));
        assertThat(courier.ownWaiting()).isZero();
        assertThat(courier.isEmpty()).isTrue();
    }
}
