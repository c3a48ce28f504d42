package org.classchain.core.chain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.GenesisConfig;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.NodeKey;
import org.classchain.Role;
import org.classchain.core.mining.Difficulty;
import org.classchain.core.validation.BranchContext;

/**
 * Every block a peer accepted, as a tree rooted at genesis, and the best chain through it.
 *
 * <p>Fork choice: the branch with the most cumulative work. Between two branches of equal work
 * the one already held stays, unless the two carry different grants (two hosts of the teacher's
 * account granted at once, each on its side of a partition): then, at the first place where their
 * grants differ, the grant of the host listed first in the teacher's account wins, then the lower
 * grant id. Only hosts make grants, so nothing a student mines (re-mined copies of granted
 * blocks, whatever their hashes) ever replaces the chain a peer holds, and every peer that sees
 * both branches of a host conflict picks the same one. Keeps, for the best chain, an index of
 * command and grant ids by height, so that branch-aware uniqueness checks cost a walk from the
 * parent back to the best chain only.
 *
 * <p>Not thread-safe; {@link ChainState} guards it.
 */
final class BlockTree {

    /** A block in the tree with what is derived from its ancestry. */
    static final class Node {
        final Block block;
        final Node parent;
        final long work;
        final Map<String, Account> accounts;
        /** Teacher hosts added by legacy grants on this branch: see {@link BranchContext#retiredTeacherHosts()}. */
        final Set<String> retiredTeacherHosts;

        Node(Block block, Node parent, long work, Map<String, Account> accounts, Set<String> retiredTeacherHosts) {
            this.block = block;
            this.parent = parent;
            this.work = work;
            this.accounts = accounts;
            this.retiredTeacherHosts = retiredTeacherHosts;
        }

        /** The id of this block's grant; {@link Grant#FIRST} for the genesis block. */
        UUID grantId() {
            Grant g = block.payload().grant();
            return g == null ? Grant.FIRST : g.grantId();
        }

        long height() {
            return block.height();
        }

        Head head() {
            return new Head(block.height(), block.hash(), work);
        }
    }

    private final GenesisConfig genesis;
    private final Map<Hash, Node> nodes = new HashMap<>();
    private final List<Node> best = new ArrayList<>();
    private final Map<UUID, Long> commandHeights = new HashMap<>();
    private final Map<UUID, Long> grantHeights = new HashMap<>();
    /** How many blocks of the whole tree, side branches included, carry each grant. */
    private final Map<UUID, Integer> grantBlocks = new HashMap<>();

    BlockTree(Block genesisBlock) {
        this.genesis = genesisBlock.payload().genesis();
        Account teacher = genesis.teacher();
        Node root = new Node(genesisBlock, null, Difficulty.work(genesisBlock.header().difficultyBits()),
                Map.of(teacher.username(), teacher), Set.of());
        nodes.put(genesisBlock.hash(), root);
        best.add(root);
    }

    GenesisConfig genesis() {
        return genesis;
    }

    Node root() {
        return best.get(0);
    }

    Node head() {
        return best.get(best.size() - 1);
    }

    Optional<Node> node(Hash hash) {
        return Optional.ofNullable(nodes.get(hash));
    }

    boolean contains(Hash hash) {
        return nodes.containsKey(hash);
    }

    int size() {
        return nodes.size();
    }

    Optional<Node> bestAt(long height) {
        return height >= 0 && height < best.size() ? Optional.of(best.get((int) height)) : Optional.empty();
    }

    /** Whether a block anywhere in the tree, side branches included, carries this grant. */
    boolean grantHeld(UUID id) {
        return grantBlocks.containsKey(id);
    }

    /**
     * Takes out a block added by the batch being accepted that ended off the best chain and has no
     * child left in the tree (the caller removes children first).
     */
    void remove(Hash hash) {
        Node n = nodes.get(hash);
        if (n == null || n.parent == null || onBestChain(n)) {
            throw new IllegalStateException("only a block off the best chain can be taken out: " + hash.shortHex());
        }
        nodes.remove(hash);
        Grant g = n.block.payload().grant();
        if (g != null) {
            grantBlocks.computeIfPresent(g.grantId(), (k, c) -> c == 1 ? null : c - 1);
        }
    }

    /** The blocks not on the best chain. */
    List<Block> sideBlocks() {
        return nodes.values().stream().filter(n -> !onBestChain(n)).map(n -> n.block).toList();
    }

    Optional<Long> heightOfCommand(UUID id) {
        return Optional.ofNullable(commandHeights.get(id));
    }

    Optional<Long> heightOfGrant(UUID id) {
        return Optional.ofNullable(grantHeights.get(id));
    }

    boolean onBestChain(Node n) {
        return n.height() < best.size() && best.get((int) n.height()) == n;
    }

    /** The branch ending at {@code parent}, for validating a child of it. */
    BranchContext context(Node parent) {
        Set<UUID> sideCommands = new HashSet<>();
        Set<UUID> sideGrants = new HashSet<>();
        Node n = parent;
        while (!onBestChain(n)) {
            for (Command c : n.block.payload().commands()) {
                sideCommands.add(c.id());
            }
            sideGrants.add(n.block.payload().grant().grantId());
            n = n.parent;
        }
        long forkHeight = n.height();
        return new BranchContext() {
            @Override
            public Block parent() {
                return parent.block;
            }

            @Override
            public GenesisConfig genesis() {
                return genesis;
            }

            @Override
            public Map<String, Account> accounts() {
                return parent.accounts;
            }

            @Override
            public boolean grantUsed(UUID grantId) {
                Long h = grantHeights.get(grantId);
                return sideGrants.contains(grantId) || (h != null && h <= forkHeight);
            }

            @Override
            public boolean commandUsed(UUID commandId) {
                Long h = commandHeights.get(commandId);
                return sideCommands.contains(commandId) || (h != null && h <= forkHeight);
            }

            @Override
            public Set<String> retiredTeacherHosts() {
                return parent.retiredTeacherHosts;
            }
        };
    }

    /**
     * Adds a validated block whose parent is in the tree, and moves the best chain if the block
     * now heads the branch with the most work.
     */
    Reorg add(Block block) {
        Node parent = nodes.get(block.previousHash());
        if (parent == null) {
            throw new IllegalStateException("parent of " + block + " is not in the tree");
        }
        if (nodes.containsKey(block.hash())) {
            return Reorg.NONE;
        }
        Map<String, Account> accounts = parent.accounts;
        Set<String> retired = parent.retiredTeacherHosts;
        if (!block.payload().accounts().isEmpty()) {
            Map<String, Account> updated = new HashMap<>(accounts);
            for (Account a : block.payload().accounts()) {
                Account old = updated.put(a.username(), a);
                if (a.role() == Role.TEACHER && block.payload().grant().isLegacy() && old != null) {
                    retired = withAddedHosts(retired, old, a);
                }
            }
            accounts = Collections.unmodifiableMap(updated);
        }
        Node node = new Node(block, parent, Math.addExact(parent.work, Difficulty.work(block.header().difficultyBits())),
                accounts, retired);
        nodes.put(block.hash(), node);
        if (block.payload().grant() != null) {
            grantBlocks.merge(block.payload().grant().grantId(), 1, Integer::sum);
        }
        if (!better(node, head())) {
            return Reorg.NONE;
        }
        Deque<Node> attached = new ArrayDeque<>();
        Node fork = node;
        while (!onBestChain(fork)) {
            attached.addFirst(fork);
            fork = fork.parent;
        }
        List<Block> detached = new ArrayList<>();
        while (best.size() > fork.height() + 1) {
            Node gone = best.remove(best.size() - 1);
            unindex(gone);
            detached.add(0, gone.block);
        }
        List<Block> joined = new ArrayList<>(attached.size());
        for (Node n : attached) {
            best.add(n);
            index(n);
            joined.add(n.block);
        }
        return new Reorg(detached, joined);
    }

    /** Host node ids that {@code updated} adds to {@code old}, joined to {@code retired}. */
    private static Set<String> withAddedHosts(Set<String> retired, Account old, Account updated) {
        Set<String> out = new HashSet<>(retired);
        for (NodeKey k : updated.hostKeys()) {
            if (!old.isHostedBy(k.nodeId())) {
                out.add(k.nodeId());
            }
        }
        return out.size() == retired.size() ? retired : Set.copyOf(out);
    }

    /** Fork choice (see the class comment): whether {@code candidate} should replace {@code current} as head. */
    static boolean better(Node candidate, Node current) {
        if (candidate.work != current.work) {
            return candidate.work > current.work;
        }
        if (candidate == current) {
            return false;
        }
        // equal work at a fixed difficulty: equal heights. Walk both back to where they meet.
        Deque<Node> mine = new ArrayDeque<>();
        Deque<Node> theirs = new ArrayDeque<>();
        Node a = candidate;
        Node b = current;
        while (a != b) {
            if (a.height() >= b.height()) {
                mine.addFirst(a);
                a = a.parent;
            } else {
                theirs.addFirst(b);
                b = b.parent;
            }
        }
        while (!mine.isEmpty() && !theirs.isEmpty()) {
            Node x = mine.pollFirst();
            Node y = theirs.pollFirst();
            Grant gx = x.block.payload().grant();
            Grant gy = y.block.payload().grant();
            if (gx.grantId().equals(gy.grantId())) {
                continue; // copies of one granted block: the same place, the same commands
            }
            List<NodeKey> hosts = x.parent.accounts.get(gx.username()) == null ? List.of()
                    : x.parent.accounts.get(gx.username()).hostKeys();
            int rx = rank(hosts, gx.hostNodeId());
            int ry = rank(hosts, gy.hostNodeId());
            if (rx != ry) {
                return rx < ry;
            }
            return gx.grantId().compareTo(gy.grantId()) < 0;
        }
        return false;
    }

    private static int rank(List<NodeKey> hosts, String nodeId) {
        for (int i = 0; i < hosts.size(); i++) {
            if (hosts.get(i).nodeId().equals(nodeId)) {
                return i;
            }
        }
        return hosts.size();
    }

    private void index(Node n) {
        for (Command c : n.block.payload().commands()) {
            commandHeights.put(c.id(), n.height());
        }
        if (n.block.payload().grant() != null) {
            grantHeights.put(n.block.payload().grant().grantId(), n.height());
        }
    }

    private void unindex(Node n) {
        for (Command c : n.block.payload().commands()) {
            commandHeights.remove(c.id());
        }
        if (n.block.payload().grant() != null) {
            grantHeights.remove(n.block.payload().grant().grantId());
        }
    }
}
