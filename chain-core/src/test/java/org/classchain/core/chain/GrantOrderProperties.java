package org.classchain.core.chain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.testing.Fixtures;
import org.classchain.core.validation.BlockValidator;

/**
 * The order of the teacher's commands is the order a host of the teacher's account granted them,
 * whatever a student does with the granted blocks: re-mines them on other parents, in another
 * order, leaves some out, grinds their hashes, and delivers all that in any order.
 */
class GrantOrderProperties {

    static final Fixtures FX = new Fixtures(29, 2);
    static final Instant T0 = Instant.ofEpochMilli(FX.genesis.header().timestampMillis());

    private static ChainState fresh() throws Exception {
        return ChainState.create(FX.genesis, new MemoryBlockStore(),
                new BlockValidator(FX.codec, Clock.fixed(Instant.ofEpochMilli(1_800_000_000_000L), ZoneOffset.UTC)));
    }

    /** The honest chain: {@code n} batches granted in a row by the teacher's host, each mined on the one before. */
    private static List<Block> honest(int n, Random r) {
        List<Block> chain = new ArrayList<>(List.of(FX.genesis));
        for (int i = 0; i < n; i++) {
            Block parent = chain.get(chain.size() - 1);
            Instant t = T0.plusSeconds(i + 1);
            List<Command> commands = List.of(Fixtures.command("message", t, Map.of("text", "#" + i + " " + r.nextInt())));
            chain.add(FX.child(parent, FX.granted(parent, commands, t)));
        }
        return chain;
    }

    /** What a student can make of the honest blocks: their payloads re-arranged and re-mined from any block. */
    private static List<Block> hostile(List<Block> honest, Random r, int count) {
        List<Block> known = new ArrayList<>(honest);
        List<Block> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Block parent = known.get(r.nextInt(known.size()));
            Payload payload = honest.get(1 + r.nextInt(honest.size() - 1)).payload();
            long ts = parent.header().timestampMillis() + r.nextInt(5000);
            Block b = FX.mine(parent.height() + 1, parent.hash(), ts, payload);
            out.add(b);
            known.add(b); // later hostile blocks may build on earlier ones
        }
        return out;
    }

    private static List<UUID> grants(ChainState c) {
        return c.range(1, Integer.MAX_VALUE).stream().map(b -> b.payload().grant().grantId()).toList();
    }

    private static List<UUID> grantsOf(List<Block> chain) {
        return chain.subList(1, chain.size()).stream().map(b -> b.payload().grant().grantId()).toList();
    }

    @Property(tries = 80)
    void noBranchWithoutAHostKeyReordersDropsOrMovesAGrantedBatch(@ForAll long seed,
                                                                   @ForAll @IntRange(min = 1, max = 8) int n) throws Exception {
        Random r = new Random(seed);
        List<Block> honest = honest(n, r);
        List<UUID> order = grantsOf(honest);
        List<Block> all = new ArrayList<>(honest.subList(1, honest.size()));
        all.addAll(hostile(honest, r, 3 * n));
        Collections.shuffle(all, r);

        ChainState chain = fresh();
        for (Block b : all) {
            ChainState.Result result = chain.accept(b);
            for (Block added : result.added()) {
                // whatever was kept carries the grant the host put at that height
                assertThat(added.payload().grant().grantId()).isEqualTo(order.get((int) added.height() - 1));
            }
            // at every moment, the best chain is the start of the host's order
            List<UUID> now = grants(chain);
            assertThat(order.subList(0, now.size())).isEqualTo(now);
        }
        assertThat(grants(chain)).isEqualTo(order);
    }

    @Property(tries = 60)
    void aPeerNeverAbandonsAGrantItHoldsForBlocksAStudentSends(@ForAll long seed,
                                                              @ForAll @IntRange(min = 1, max = 8) int n) throws Exception {
        Random r = new Random(seed);
        List<Block> honest = honest(n, r);
        ChainState chain = fresh();
        honest.subList(1, honest.size()).forEach(chain::accept);
        Block head = chain.head();
        for (Block b : hostile(honest, r, 4 * n)) {
            ChainState.Result result = chain.accept(b);
            assertThat(result.reorgs()).as("a student's block moved the head").isEmpty();
        }
        assertThat(chain.head()).isEqualTo(head);
        assertThat(grants(chain)).isEqualTo(grantsOf(honest));
    }

    /**
     * Two hosts of the teacher's account grant at once from the same block (a partition between
     * them): every peer that sees both branches, in any order, follows the same one — the longer,
     * or at equal length the one whose first grant is the primary host's.
     */
    @Property(tries = 60)
    void twoHostsGrantingAtOnceConvergeOnOneBranch(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int primary,
                                                   @ForAll @IntRange(min = 1, max = 4) int backup) throws Exception {
        Random r = new Random(seed);
        NodeIdentity backupHost = NodeIdentity.generate(Fixtures.deterministic(seed));
        Account teacher = new Account("teacher", Role.TEACHER, List.of(FX.teacherHost.publicKey(), backupHost.publicKey()));
        Grant enroll = FX.grant(FX.teacherHost, "teacher", Role.TEACHER, List.of(), List.of(teacher), T0, FX.chainId);
        Block enrolled = FX.child(FX.genesis, new Payload(List.of(), List.of(teacher), enroll, null));
        List<Block> p = branch(enrolled, FX.teacherHost, primary, r);
        List<Block> b = branch(enrolled, backupHost, backup, r);
        List<Block> all = new ArrayList<>(p);
        all.addAll(b);
        List<Block> winner = primary >= backup ? p : b;

        for (int peer = 0; peer < 3; peer++) {
            Collections.shuffle(all, r);
            ChainState chain = fresh();
            chain.accept(enrolled);
            all.forEach(chain::accept);
            assertThat(chain.head()).isEqualTo(winner.get(winner.size() - 1));
        }
    }

    private static List<Block> branch(Block from, NodeIdentity host, int n, Random r) {
        List<Block> out = new ArrayList<>();
        Block parent = from;
        for (int i = 0; i < n; i++) {
            Instant t = T0.plusSeconds(10 + i);
            List<Command> commands = List.of(Fixtures.command("message", t, Map.of("text", host.nodeId() + i + r.nextInt())));
            Grant g = FX.grant(host, "teacher", Role.TEACHER, commands, List.of(), t, FX.chainId, Fixtures.grantOf(parent));
            Block b = FX.child(parent, Payload.granted(commands, g));
            out.add(b);
            parent = b;
        }
        return out;
    }
}
