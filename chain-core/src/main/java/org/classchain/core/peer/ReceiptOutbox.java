package org.classchain.core.peer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.classchain.Receipt;
import org.classchain.wire.Message;

/**
 * The outbox of a peer that does not host the teacher's account: the receipts it sends to a host,
 * until one took them (issue 23, property 4). Its own receipts wait in a queue of their own and
 * always go first; receipts of classmates it forwards wait behind them, at most
 * {@value #MAX_PER_ORIGIN} and {@value #MAX_PER_ORIGIN_BYTES} bytes per computer and
 * {@value #MAX_FORWARDED} and {@value #MAX_FORWARDED_BYTES} bytes in all (refused past that, so
 * their sender keeps them). Batches hold at most {@value #BATCH} receipts and about
 * {@value #BATCH_BYTES} bytes of JSON, far under a host's body limit.
 *
 * <p>What the host answers decides what becomes of a batch ({@link #outcome}): taken (2xx, or 409
 * known already) and refused for good (any other 4xx: a forged or misdirected receipt is never
 * sent again) leave the outbox; too big (413) is sent again in halves, and a single receipt too
 * big is dropped; refused for now (503) goes to the back of its queue, until its lifetime ends;
 * busy (429, 5xx, no answer) stays at the front. A queue refused for now or busy rests until the
 * next {@link #newPass}, so one stuck queue never holds up the other.
 *
 * <p>Thread-safe. The {@link ReceiptCourier} hands out one batch at a time.
 */
final class ReceiptOutbox {

    static final int MAX_OWN = 20_000;
    static final long MAX_OWN_BYTES = 16L << 20;
    static final int MAX_FORWARDED = 1_000;
    static final long MAX_FORWARDED_BYTES = 4L << 20;
    static final int MAX_PER_ORIGIN = 64;
    static final long MAX_PER_ORIGIN_BYTES = 256L << 10;
    static final int BATCH = 200;
    static final long BATCH_BYTES = 256L << 10;
    /** How long a receipt of this peer waits before it is given up. */
    static final Duration OWN_LIFETIME = Duration.ofHours(1);
    /** How long a forwarded receipt waits before it is given up. */
    static final Duration FORWARDED_LIFETIME = Duration.ofMinutes(10);

    /** What a host's answer means for the batch it answered. */
    enum Outcome {
        /** Kept, or known already: done. */
        TAKEN,
        /** Refused for good: dropped. */
        REFUSED,
        /** Refused for now: sent again later, behind the rest. */
        LATER,
        /** Over the host's body limit: sent again in smaller batches. */
        TOO_BIG,
        /** No answer, or the host is busy: sent again later, first. */
        BUSY
    }

    /** Whether {@link #forward} took a receipt. */
    enum Forwarding {
        /** Queued. */
        QUEUED,
        /** Queued already. */
        KNOWN,
        /** Over a bound: the sender keeps it. */
        FULL
    }

    private static final class Item {
        final Receipt receipt;
        final long bytes;
        final Instant queuedAt;
        final boolean own;

        Item(Receipt receipt, Instant queuedAt, boolean own) {
            this.receipt = receipt;
            this.bytes = estimate(receipt);
            this.queuedAt = queuedAt;
            this.own = own;
        }
    }

    /** Receipts handed out to be sent, to {@link #settle} with the host's answer. */
    static final class Batch {
        private final List<Item> items;
        private final boolean own;

        private Batch(List<Item> items, boolean own) {
            this.items = items;
            this.own = own;
        }

        List<Receipt> receipts() {
            return items.stream().map(i -> i.receipt).toList();
        }

        boolean own() {
            return own;
        }
    }

    private record Key(UUID commandId, String peerId, Instant at) {
        static Key of(Receipt r) {
            return new Key(r.commandId(), r.peerId(), r.at());
        }
    }

    private final Deque<Item> own = new ArrayDeque<>();
    private final Deque<Item> forwarded = new ArrayDeque<>();
    // counts include the batch in flight
    private int ownCount;
    private long ownBytes;
    private int forwardedCount;
    private long forwardedBytes;
    private final Map<String, long[]> perOrigin = new HashMap<>(); // {count, bytes}
    private final Set<Key> forwardedKeys = new HashSet<>();
    private boolean ownResting;
    private boolean forwardedResting;
    private int batchLimit = BATCH;

    /** Queues a receipt of this peer; past the bounds its oldest waiting receipts are given up. */
    synchronized void addOwn(Receipt r, Instant now) {
        Item item = new Item(r, now, true);
        own.addLast(item);
        ownCount++;
        ownBytes += item.bytes;
        while ((ownCount > MAX_OWN || ownBytes > MAX_OWN_BYTES) && own.size() > 1) {
            Item gone = own.pollFirst();
            ownCount--;
            ownBytes -= gone.bytes;
        }
    }

    /** Queues a classmate's receipt to forward, within its computer's share and the total. */
    synchronized Forwarding forward(Receipt r, Instant now) {
        Key key = Key.of(r);
        if (forwardedKeys.contains(key)) {
            return Forwarding.KNOWN;
        }
        Item item = new Item(r, now, false);
        long[] mine = perOrigin.getOrDefault(r.peerId(), new long[2]);
        if (mine[0] + 1 > MAX_PER_ORIGIN || mine[1] + item.bytes > MAX_PER_ORIGIN_BYTES
                || forwardedCount + 1 > MAX_FORWARDED || forwardedBytes + item.bytes > MAX_FORWARDED_BYTES) {
            return Forwarding.FULL;
        }
        forwarded.addLast(item);
        forwardedKeys.add(key);
        forwardedCount++;
        forwardedBytes += item.bytes;
        perOrigin.computeIfAbsent(r.peerId(), k -> new long[2]);
        perOrigin.get(r.peerId())[0]++;
        perOrigin.get(r.peerId())[1] += item.bytes;
        return Forwarding.QUEUED;
    }

    /** Lets queues that rested (refused for now, busy) be tried again; drops what outlived its lifetime. */
    synchronized void newPass(Instant now) {
        ownResting = false;
        forwardedResting = false;
        expire(own, now);
        expire(forwarded, now);
    }

    /** The next batch to send: this peer's own receipts first; null when nothing is to be sent now. */
    synchronized Batch next() {
        Deque<Item> q;
        if (!own.isEmpty() && !ownResting) {
            q = own;
        } else if (!forwarded.isEmpty() && !forwardedResting) {
            q = forwarded;
        } else {
            return null;
        }
        List<Item> items = new ArrayList<>();
        long bytes = 0;
        while (!q.isEmpty() && items.size() < batchLimit
                && (items.isEmpty() || bytes + q.peekFirst().bytes <= BATCH_BYTES)) {
            Item i = q.pollFirst();
            items.add(i);
            bytes += i.bytes;
        }
        return new Batch(items, q == own);
    }

    /** What the host's answer (or failure to answer) to a batch means. */
    static Outcome outcome(Message reply, Throwable error) {
        if (error != null) {
            return Outcome.BUSY;
        }
        if (reply instanceof Message.Ack) {
            return Outcome.TAKEN;
        }
        if (reply instanceof Message.Rejected r) {
            int c = r.code();
            if (c == 409) {
                return Outcome.TAKEN;
            } else if (c == 503) {
                return Outcome.LATER;
            } else if (c == 413) {
                return Outcome.TOO_BIG;
            } else if (c == 408 || c == 429 || c >= 500) {
                return Outcome.BUSY;
            }
            return Outcome.REFUSED;
        }
        return Outcome.BUSY;
    }

    /**
     * Settles a batch with what became of it.
     *
     * @param failed whether the host could not be reached (a batch too big may show as that)
     */
    synchronized void settle(Batch b, Outcome o, boolean failed, Instant now) {
        Deque<Item> q = b.own ? own : forwarded;
        switch (o) {
            case TAKEN, REFUSED -> {
                b.items.forEach(this::uncount);
                if (o == Outcome.TAKEN) {
                    batchLimit = BATCH;
                }
            }
            case TOO_BIG -> {
                if (b.items.size() == 1) {
                    uncount(b.items.get(0)); // one receipt the host will never take
                } else {
                    batchLimit = Math.max(1, b.items.size() / 2);
                    putBack(q, b.items);
                }
            }
            case LATER -> {
                for (Item i : b.items) {
                    if (alive(i, now)) {
                        q.addLast(i);
                    } else {
                        uncount(i);
                    }
                }
                rest(b.own);
            }
            default -> { // BUSY
                if (failed && b.items.size() > 1) {
                    batchLimit = Math.max(1, b.items.size() / 2);
                }
                putBack(q, b.items);
                rest(b.own);
            }
        }
    }

    synchronized boolean isEmpty() {
        return own.isEmpty() && forwarded.isEmpty();
    }

    /** Receipts of this peer waiting, in flight included. */
    synchronized int ownWaiting() {
        return ownCount;
    }

    /** Receipts of classmates waiting, in flight included. */
    synchronized int forwardedWaiting() {
        return forwardedCount;
    }

    private void rest(boolean ownQueue) {
        if (ownQueue) {
            ownResting = true;
        } else {
            forwardedResting = true;
        }
    }

    private static void putBack(Deque<Item> q, List<Item> items) {
        for (int i = items.size() - 1; i >= 0; i--) {
            q.addFirst(items.get(i));
        }
    }

    private void expire(Deque<Item> q, Instant now) {
        q.removeIf(i -> {
            if (alive(i, now)) {
                return false;
            }
            uncount(i);
            return true;
        });
    }

    private static boolean alive(Item i, Instant now) {
        return i.own ? i.receipt.at().isAfter(now.minus(OWN_LIFETIME))
                : i.queuedAt.isAfter(now.minus(FORWARDED_LIFETIME));
    }

    private void uncount(Item i) {
        if (i.own) {
            ownCount--;
            ownBytes -= i.bytes;
            return;
        }
        forwardedCount--;
        forwardedBytes -= i.bytes;
        forwardedKeys.remove(Key.of(i.receipt));
        long[] mine = perOrigin.get(i.receipt.peerId());
        if (mine != null) {
            mine[0]--;
            mine[1] -= i.bytes;
            if (mine[0] <= 0) {
                perOrigin.remove(i.receipt.peerId());
            }
        }
    }

    /** About the size of a receipt in the JSON of {@code POST /receipts}, at worst. */
    static long estimate(Receipt r) {
        long bytes = 512 + 6L * r.detail().length();
        if (r.attachment() != null) {
            bytes += 64 + 6L * r.attachment().contentType().length() + (r.attachment().content().length + 2L) / 3 * 4;
        }
        return bytes;
    }

    @Override
    public synchronized String toString() {
        return "ReceiptOutbox[" + ownCount + " own, " + forwardedCount + " forwarded]";
    }
}
