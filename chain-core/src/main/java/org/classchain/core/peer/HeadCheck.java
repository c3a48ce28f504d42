package org.classchain.core.peer;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.classchain.core.chain.ChainState;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;

/**
 * The head comparison (DESIGN section 7): at a tick, this peer asks a neighbour for its head, and
 * catches up from it when that head is better than its own (or when blocks kept aside still miss
 * their parents). Gossip brings blocks; the comparison only catches what it lost, so it runs every
 * tick after anything happened (a block, a better head, a failure) and backs off to one tick in
 * {@value #MAX_HEAD_CHECK_TICKS} while the heads agree: an idle classroom computer should cost next
 * to no CPU. Thread-safe.
 */
final class HeadCheck {

    /** The longest interval, in ticks, between two head comparisons while nothing happens. */
    static final int MAX_HEAD_CHECK_TICKS = 4;

    private final Transport transport;
    private final PeerDirectory directory;
    private final Supplier<ChainState> chain;
    private final CatchUp catchUp;
    private final Random random;
    /** Heads are compared every {@code every} ticks, at the tick {@code next} at the earliest. */
    private volatile int every = 1;
    private volatile long next;

    /** @param catchUp catches up from a neighbour whose head is better */
    HeadCheck(Transport transport, PeerDirectory directory, Supplier<ChainState> chain, CatchUp catchUp, Random random) {
        this.transport = transport;
        this.directory = directory;
        this.chain = chain;
        this.catchUp = catchUp;
        this.random = random;
    }

    /** Something happened (a block, a better head, a failure): compare heads at every tick again. */
    void activity() {
        every = 1;
        next = 0;
    }

    /**
     * Compares heads with a neighbour when due: a random one, or, with none left, anyone known; not
     * one the {@link CatchUp} is catching up from or has backed off.
     *
     * @param ticks the ticks so far
     * @param retryFailing whether peers that failed may be asked
     */
    void run(long ticks, boolean retryFailing) {
        if (ticks < next) {
            return;
        }
        List<String> neighbours = directory.neighbours();
        if (neighbours.isEmpty()) {
            // no neighbour left: compare heads with anyone we know
            neighbours = directory.reachable(retryFailing);
            if (neighbours.isEmpty()) {
                return;
            }
        }
        neighbours = catchUp.idle(neighbours); // not caught up from now, nor backed off
        if (neighbours.isEmpty()) {
            return;
        }
        String n = neighbours.get(random.nextInt(neighbours.size()));
        next = ticks + every;
        transport.send(n, new Message.GetHead()).whenComplete((reply, err) -> {
            if (err != null) {
                directory.failed(n);
                activity();
                return;
            }
            directory.seen(n);
            ChainState chain = this.chain.get();
            if (reply instanceof Message.HeadReply h && h.head() != null
                    && (h.head().mayBeBetterThan(chain.headInfo()) && !chain.contains(h.head().hash())
                        && !chain.refusedCopy(h.head().hash()) || !chain.missingParents().isEmpty())) {
                activity();
                catchUp.start(n, h.head());
            } else {
                // the same head (or a worse one): nothing was missed, ask less often while it stays so
                every = Math.min(every * 2, MAX_HEAD_CHECK_TICKS);
            }
        });
    }
}
