package org.classchain.bench;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.classchain.Block;
import org.classchain.Target;
import org.classchain.core.chain.ChainState;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.validation.BlockValidator;

/**
 * The chain layer of catch-up in isolation: {@link ChainState#acceptAll} over pages of 500
 * valid blocks (as a catching-up peer hands them over), in memory, no network, no fsync; each
 * round a fresh validator and chain state, so no signature is cached. Paired per round with
 * Bouncy Castle Ed25519 verifies/s on every core (the bound DESIGN names), so that load from
 * other processes hits both alike.
 *
 * <p>Usage: {@code ChainAccept [blocks] [rounds]} (default 20000 7).
 */
public final class ChainAccept {

    private ChainAccept() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        BenchChain chain = new BenchChain(new SecureRandom(), 1,
                System.currentTimeMillis() - Duration.ofSeconds(n).toMillis() - Duration.ofHours(1).toMillis());
        List<Block> blocks = new ArrayList<>();
        Block last = chain.genesis;
        Target nobody = Target.peers("00000000000000000000");
        for (int i = 0; i < n; i++) {
            last = chain.child(last, 1000, Duration.ofMinutes(10), nobody);
            blocks.add(last);
        }
        double[] rates = new double[rounds];
        double[] ratios = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            ChainState state = ChainState.create(chain.genesis, new MemoryBlockStore(),
                    new BlockValidator(chain.codec, Clock.systemUTC()));
            long t = System.nanoTime();
            for (int from = 0; from < n; from += 500) {
                ChainState.Result res = state.acceptAll(blocks.subList(from, Math.min(n, from + 500)));
                if (res.status() != ChainState.Status.ADDED) {
                    throw new IllegalStateException("page at " + from + ": " + res.status() + " " + res.reason());
                }
            }
            double rate = n / ((System.nanoTime() - t) / 1e9);
            double limit = CatchUp.verifiesPerSecondAllCores(chain, Duration.ofMillis(1500));
            if (r >= 0) {
                rates[r] = rate;
                ratios[r] = rate / limit;
            }
            System.out.printf("  round %d: %,.0f blocks/s accepted, Ed25519 verify on all cores %,.0f/s, ratio %.2f%n",
                    r + 1, rate, limit, rate / limit);
        }
        Results.detail("catch-up", Results.f("chain layer alone (ChainState.acceptAll, pages of 500, in memory, %,d "
                + "blocks, %d rounds): median %,.0f blocks/s, median ratio to Ed25519 verify on all cores %.2f", n, rounds,
                Results.quantile(rates, 0.5), Results.quantile(ratios, 0.5)));
    }
}
