package org.classchain.http;

import java.util.HashMap;
import java.util.Map;

/**
 * The request bodies a peer holds at once, in bytes: in all, and per remote address. Each body is
 * reserved (its declared length, or its route's limit when chunked) before it is read and
 * released once the request is answered, so a flood of large bodies, however many connections
 * carry it, cannot hold more than the budget in memory while they are read, decoded and handled.
 * A body that does not fit is refused before it is read: 429 when its address already holds its
 * share, 503 when the peer holds its whole budget; both with a {@code Retry-After}. A body is
 * always admitted when its address holds nothing and the peer holds nothing else, so that one
 * maximal block gets through whatever the budget.
 *
 * <p>Thread-safe. The table holds only addresses with a body in flight.
 */
final class BodyBudget {

    private final long total;
    private final long perAddress;
    private final Map<String, Long> byAddress = new HashMap<>();
    private long used;

    /**
     * @param total the bytes of bodies held at once, in all
     * @param perAddress the bytes one remote address may hold at once
     */
    BodyBudget(long total, long perAddress) {
        if (total < 1 || perAddress < 1) {
            throw new IllegalArgumentException("a body budget needs positive limits");
        }
        this.total = total;
        this.perAddress = Math.min(perAddress, total);
    }

    /**
     * Reserves {@code bytes} for a body from {@code from}.
     *
     * @return 0 when reserved (release it with {@link #release}), else the status to refuse it with
     *         (429: the address holds its share; 503: the peer holds its budget)
     */
    synchronized int reserve(String from, long bytes) {
        long mine = byAddress.getOrDefault(from, 0L);
        if (mine > 0 && mine + bytes > perAddress) {
            return 429;
        }
        if (used > 0 && used + bytes > total) {
            return 503;
        }
        byAddress.put(from, mine + bytes);
        used += bytes;
        return 0;
    }

    /** Gives back what {@link #reserve} took. */
    synchronized void release(String from, long bytes) {
        long left = byAddress.getOrDefault(from, 0L) - bytes;
        if (left > 0) {
            byAddress.put(from, left);
        } else {
            byAddress.remove(from);
        }
        used = Math.max(0, used - bytes);
    }

    /** The bytes held now, in all. */
    synchronized long used() {
        return used;
    }

    /** The addresses holding a body now. */
    synchronized int addresses() {
        return byAddress.size();
    }

    long total() {
        return total;
    }

    long perAddress() {
        return perAddress;
    }
}
