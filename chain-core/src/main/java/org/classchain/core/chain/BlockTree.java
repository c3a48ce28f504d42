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
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.core.mining.Difficulty;
import org.classchain.core.validation.BranchContext;

/**
 * Every block a peer accepted, as a tree rooted at genesis, and the best chain through it:
 * most cumulative work, ties to the lower block hash. Keeps, for the best chain, an index of
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

        Node(Block block, Node parent, long work, Map<String, Account> accounts) {
            this.block = block;
            this.parent = parent;
            this.work = work;
            this.accounts = accounts;
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

    BlockTree(Block genesisBlock) {
        this.genesis = genesisBlock.payload().genesis();
        Account teacher = genesis.teacher();
        Node root = new Node(genesisBlock, null, Difficulty.work(genesisBlock.header().difficultyBits()),
                Map.of(teacher.username(), teacher));
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
        if (!block.payload().accounts().isEmpty()) {
            Map<String, Account> updated = new HashMap<>(accounts);
            for (Account a : block.payload().accounts()) {
                updated.put(a.username(), a);
            }
            accounts = Collections.unmodifiableMap(updated);
        }
        Node node = new Node(block, parent, Math.addExact(parent.work, Difficulty.work(block.header().difficultyBits())),
                accounts);
        nodes.put(block.hash(), node);
        if (!node.head().isBetterThan(head().head())) {
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
