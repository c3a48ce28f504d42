package org.classchain.core.chain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.Hash;
import org.classchain.NodeKey;
import org.classchain.core.chain.ChainState.Result;
import org.classchain.core.chain.ChainState.Source;
import org.classchain.core.chain.ChainState.Status;
import org.classchain.core.mining.Difficulty;
import org.classchain.core.validation.BlockValidator;
import org.classchain.core.validation.Rule;
import org.classchain.core.validation.ValidationException;

/**
 * One batch of blocks from one {@link Source} on its way into a {@link ChainState}'s tree (DESIGN
 * section 3, "A granted batch occupies one block; cheap checks first"): each block's proof of work
 * at the chain's difficulty and its size are checked before anything else; a block whose parent is
 * unknown, or a copy of a granted block that cannot be on the best chain, is kept aside
 * ({@link AsidePool}) once its grant checks out; the others are validated against their branch and
 * added, connecting what waited aside for them. Then what the batch added off the best chain is
 * settled: copies taken out again, side blocks charged to their sender ({@link SideShares}). Used
 * once, under the chain state's lock.
 */
final class BlockAdmission {

    private final BlockTree tree;
    private final BlockValidator validator;
    private final AsidePool aside;
    private final SideShares sideShares;
    private final Map<Hash, Boolean> refusedCopies;
    private final Source source;
    private final int bits;
    private final List<Block> added = new ArrayList<>();
    private final List<Reorg> reorgs = new ArrayList<>();
    /** Blocks added although another block carries their grant. */
    private final Set<Hash> copies = new HashSet<>();
    /** Blocks kept aside that this batch connected, by the source that sent them. */
    private final Map<Hash, String> connectedFrom = new HashMap<>();
    private Map<String, NodeKey> teacherHosts;

    /** @param refusedCopies where the copies refused are remembered, so that a head that is one is not fetched again */
    BlockAdmission(BlockTree tree, BlockValidator validator, AsidePool aside, SideShares sideShares,
                   Map<Hash, Boolean> refusedCopies, Source source) {
        this.tree = tree;
        this.validator = validator;
        this.aside = aside;
        this.sideShares = sideShares;
        this.refusedCopies = refusedCopies;
        this.source = source;
        this.bits = tree.genesis().difficultyBits();
    }

    /**
     * Takes {@code blocks} in order, stopping at the first invalid one (those before it stay
     * added). The caller stores what the result says was added.
     */
    Result admit(List<Block> blocks) {
        int n = blocks.size();
        int[] run = new int[n]; // how many blocks of this batch, from i on, chain onto block i
        for (int i = n - 1; i >= 0; i--) {
            boolean next = i + 1 < n && blocks.get(i + 1).previousHash().equals(blocks.get(i).hash());
            run[i] = 1 + (next ? run[i + 1] : 0);
        }
        Status last = Status.DUPLICATE;
        Rule lastRule = null;
        String lastReason = null;
        try {
            for (int i = 0; i < n; i++) {
                Block b = blocks.get(i);
                if (tree.contains(b.hash())) {
                    continue;
                }
                validator.checkWork(b, bits);
                validator.checkIntrinsic(b);
                Optional<BlockTree.Node> parent = tree.node(b.previousHash());
                if (parent.isEmpty()) {
                    if (b.height() == 0) {
                        throw new ValidationException(Rule.GENESIS, "genesis " + b.hash().shortHex()
                                + " belongs to another chain; this one starts at " + tree.root().block.hash().shortHex());
                    }
                    last = keepAside(b, Status.ORPHAN);
                    lastRule = null;
                    lastReason = reasonFor(last, b);
                    continue;
                }
                if (tree.grantHeld(b.payload().grant().grantId())) {
                    // with the blocks after it here and those kept aside that build on it
                    long reach = parent.get().work + (run[i] + aside.depthOn(b.hash())) * Difficulty.work(bits);
                    if (reach <= tree.head().work && !source.page()) {
                        // it cannot be on the best chain now: copies of one grant never win a tie
                        refusedCopies.put(b.hash(), Boolean.TRUE);
                        last = keepAside(b, Status.COPY);
                        lastRule = null;
                        lastReason = reasonFor(last, b);
                        continue;
                    }
                    copies.add(b.hash());
                }
                add(b);
                last = Status.ADDED;
            }
        } catch (ValidationException e) {
            settle();
            return new Result(Status.INVALID, e.rule(), e.getMessage(), added, reorgs);
        }
        Status refused = settle();
        if (refused != null) {
            last = refused;
            lastRule = null;
            lastReason = refused == Status.COPY ? "another block carries its grant, and this one is not on the best chain"
                    : "the sender's share of side branches is full";
        }
        return added.isEmpty() || refused != null ? new Result(last, lastRule, lastReason, added, reorgs)
                : new Result(Status.ADDED, null, null, added, reorgs);
    }

    private String sourceOf(Block b) {
        return connectedFrom.getOrDefault(b.hash(), source.key());
    }

    /**
     * Takes out again what this batch added off the best chain and may not keep: copies of
     * granted blocks (from an announcement), and side blocks past their sender's share; charges
     * the rest to their senders. Returns the refusal, or null when everything stays.
     */
    private Status settle() {
        Set<Hash> wasBest = new HashSet<>();
        for (Reorg r : reorgs) {
            for (Block b : r.attached()) {
                wasBest.add(b.hash());
                sideShares.release(b.hash());
            }
        }
        Set<Hash> removed = new HashSet<>();
        Set<Hash> backAside = new HashSet<>();
        Status refused = null;
        for (Block b : added) { // parents before children
            if (wasBest.contains(b.hash()) || tree.onBestChain(tree.node(b.hash()).orElseThrow())) {
                continue;
            }
            if (removed.contains(b.previousHash())) {
                removed.add(b.hash());
                if (backAside.contains(b.previousHash())) {
                    backAside.add(b.hash());
                }
            } else if (copies.contains(b.hash()) && !source.page()) {
                removed.add(b.hash());
                backAside.add(b.hash());
                refusedCopies.put(b.hash(), Boolean.TRUE);
                refused = Status.COPY;
            } else if (!sideShares.charge(sourceOf(b), b.hash(), validator.encodedSize(b))) {
                removed.add(b.hash());
                refused = refused == null ? Status.OVER_SHARE : refused;
            }
        }
        if (!removed.isEmpty()) {
            for (int i = added.size() - 1; i >= 0; i--) {
                Hash h = added.get(i).hash();
                if (removed.contains(h)) {
                    tree.remove(h);
                }
            }
            for (Block b : added) {
                if (backAside.contains(b.hash())) {
                    aside.put(b, sourceOf(b)); // back aside: a later block may still make its branch the best
                }
            }
            added.removeIf(b -> removed.contains(b.hash()));
        }
        return refused;
    }

    /** Validates a block whose parent is in the tree, adds it, and connects what waited aside for it. */
    void add(Block b) throws ValidationException {
        validator.checkIntrinsic(b);
        BlockTree.Node parent = tree.node(b.previousHash())
                .orElseThrow(() -> new ValidationException(Rule.UNKNOWN_PARENT, "parent " + b.previousHash().shortHex()
                        + " is unknown"));
        validator.checkInContext(b, tree.context(parent));
        Reorg r = tree.add(b);
        added.add(b);
        if (r.headChanged()) {
            reorgs.add(r);
        }
        connectOrphans(b);
    }

    private void connectOrphans(Block parent) {
        Deque<Block> ready = new ArrayDeque<>();
        ready.add(parent);
        while (!ready.isEmpty()) {
            Hash p = ready.poll().hash();
            for (AsidePool.Kept o : aside.takeChildrenOf(p)) {
                Block b = o.block();
                try {
                    validator.checkInContext(b, tree.context(tree.node(p).orElseThrow()));
                    if (tree.grantHeld(b.payload().grant().grantId())) {
                        copies.add(b.hash());
                    }
                    Reorg r = tree.add(b);
                    added.add(b);
                    connectedFrom.put(b.hash(), o.source());
                    if (r.headChanged()) {
                        reorgs.add(r);
                    }
                    ready.add(b);
                } catch (ValidationException e) {
                    // an invalid orphan is dropped like any invalid block
                }
            }
        }
    }

    /**
     * Keeps aside, within the sender's share, a block whose parent is unknown (an orphan) or a copy
     * of a granted block that cannot be on the best chain yet, after the checks that need no
     * parent: its grant is the teacher's, covers its batch, and is signed by a host of the
     * teacher's account known here (a copy, whose parent is known, is validated in full). It joins
     * the tree when its parent arrives, or, for a copy, when blocks built on it make a branch with
     * more work. A page's blocks are not kept aside (the catch-up asks again lower down).
     *
     * @param as what the block is: ORPHAN or COPY
     */
    private Status keepAside(Block b, Status as) throws ValidationException {
        if (source.page() || aside.contains(b.hash())) {
            return as;
        }
        Optional<BlockTree.Node> parent = tree.node(b.previousHash());
        if (parent.isPresent()) {
            validator.checkInContext(b, tree.context(parent.get()));
        } else if (!validator.checkGrantAlone(b, tree.genesis(), id -> Optional.ofNullable(teacherHosts().get(id)))) {
            return Status.NOT_KEPT;
        }
        aside.dropStale(tree.head().height());
        String sender = source.key();
        if (!sender.equals(Source.LOCAL.key()) && aside.holdsGrant(sender, b.payload().grant().grantId())) {
            return Status.COPY; // one block of a grant aside per sender
        }
        if (!aside.put(b, sender)) {
            return Status.OVER_SHARE;
        }
        if (parent.isEmpty() && aside.contains(b.hash())) {
            joinWhenHeavier(b);
        }
        return as;
    }

    /**
     * An orphan kept aside may complete a branch that starts at a copy kept aside: when that branch
     * has more work than the best chain, it joins the tree.
     */
    private void joinWhenHeavier(Block b) {
        AsidePool.Kept root = aside.get(b.hash());
        int depth = 1 + aside.depthOn(b.hash());
        for (AsidePool.Kept up = aside.get(root.block().previousHash()); up != null; up = aside.get(up.block().previousHash())) {
            root = up;
            depth++;
        }
        Optional<BlockTree.Node> parent = tree.node(root.block().previousHash());
        long work = Difficulty.work(tree.genesis().difficultyBits());
        if (parent.isEmpty() || parent.get().work + depth * work <= tree.head().work) {
            return;
        }
        Block first = root.block();
        aside.take(first.hash());
        try {
            if (tree.grantHeld(first.payload().grant().grantId())) {
                copies.add(first.hash());
            }
            connectedFrom.put(first.hash(), root.source());
            add(first);
        } catch (ValidationException e) {
            // it was valid when kept; an invalid one is dropped like any invalid block
        }
    }

    /** The hosts of the teacher's account as far as known: the best chain's, and those this batch adds. */
    private Map<String, NodeKey> teacherHosts() {
        if (teacherHosts == null) {
            Map<String, NodeKey> keys = new HashMap<>();
            String teacher = tree.genesis().teacher().username();
            tree.genesis().teacher().hostKeys().forEach(k -> keys.put(k.nodeId(), k));
            Account current = tree.head().accounts.get(teacher);
            if (current != null) {
                current.hostKeys().forEach(k -> keys.put(k.nodeId(), k));
            }
            teacherHosts = keys;
        }
        return teacherHosts;
    }

    private static String reasonFor(Status s, Block b) {
        return switch (s) {
            case COPY -> "grant " + b.payload().grant().grantId() + " is carried by another block here, and this one "
                    + "would not be on the best chain";
            case OVER_SHARE -> "the sender's share of kept orphan blocks is full";
            case NOT_KEPT -> "parent unknown, and grant " + b.payload().grant().grantId() + " is signed by node "
                    + b.payload().grant().hostNodeId() + ", not a host of the teacher's account known here";
            default -> null;
        };
    }
}
