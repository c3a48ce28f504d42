package org.classchain.core.peer;

import java.time.Clock;
import java.util.function.Supplier;
import org.classchain.Block;
import org.classchain.Grant;
import org.classchain.core.chain.ChainState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far this machine's clock is off the teacher's host (DESIGN section 4): judged from the time
 * a host of the teacher's account signed the grant of a block that just became the head by
 * announcement, a time no student can forge (a header timestamp is whatever its miner chose, up
 * to two minutes ahead). A relay that holds a grant back only makes this clock look ahead, and the
 * host mines the batch itself after a few seconds. The skew is shown and logged; nothing of the
 * peer's (expiry, stamps, timers) uses it. Thread-safe.
 */
final class ClockSkew {

    /** A skew past this is logged, once, and again when it comes back. */
    static final long TOLERATED_MILLIS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(ClockSkew.class);

    private final Clock clock;
    private final Supplier<ChainState> chain;
    private final String name;
    private volatile long millis;

    ClockSkew(Clock clock, Supplier<ChainState> chain, String name) {
        this.clock = clock;
        this.chain = chain;
        this.name = name;
    }

    /** The latest skew judged, in milliseconds: positive when this clock is ahead. */
    long millis() {
        return millis;
    }

    /** Judges this clock against the grant of {@code head}, a block that just became the head by announcement. */
    void judge(Block head) {
        Grant grant = head.payload().grant();
        if (grant == null || !chain.get().head().hash().equals(head.hash())) {
            return;
        }
        long skew = clock.millis() - grant.issuedAt().toEpochMilli();
        boolean wasOff = Math.abs(millis) > TOLERATED_MILLIS;
        millis = skew;
        if (Math.abs(skew) > TOLERATED_MILLIS && !wasOff) {
            LOG.warn("peer {}: this machine's clock is {} s off the teacher's host (its latest grant); commands "
                    + "expire by this clock", name, skew / 1000);
        } else if (Math.abs(skew) <= TOLERATED_MILLIS && wasOff) {
            LOG.info("peer {}: this machine's clock agrees with the teacher's host again", name);
        }
    }
}
