package org.classchain.core.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.Chain;
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.NodeKey;
import org.classchain.core.validation.BlockValidator;
import org.classchain.core.validation.Rule;
import org.classchain.core.validation.ValidationException;
import org.classchain.spi.BlockStore;

/**
 * The chain a peer follows: every accepted block, validated against its branch and stored
 * durably before anyone hears of it, with fork choice over the whole tree.
 *
 * <p>Thread-safe: writers and readers synchronize on the instance; a call to
 * {@link #accept} returns only after the accepted blocks are fsync'd.
 */
public final class ChainState implements Chain {

    /** What became of a received block. */
    public enum Status {
        /** Validated, stored and in the tree (possibly with orphans it connected). */
        ADDED,
        /** Already known. */
        DUPLICATE,
        /** Parent unknown; kept aside until the parent arrives. */
        ORPHAN,
        /** Broke a rule; not stored. */
        INVALID
    }

    /**
     * The outcome of {@link #accept} or {@link #acceptAll}.
     *
     * @param status for a single block, what became of it; for a batch, INVALID if any block was
     * @param rule the rule broken, or null
     * @param reason the rejection's detail, or null
     * @param added every block newly stored, in the order added
     * @param reorgs the best-chain changes, in order
     */
    public record Result(Status status, Rule rule, String reason, List<Block> added, List<Reorg> reorgs) {
        static Result of(Status s) {
            return new Result(s, null, null, List.of(), List.of());
        }
    }

    private static final int MAX_ORPHANS = 2048;

    private final BlockValidator validator;
    private final BlockStore store;
    private final BlockTree tree;
    private final Map<Hash, Block> orphans = new LinkedHashMap<>();

    private ChainState(BlockTree tree, BlockValidator validator, BlockStore store) {
        this.tree = tree;
        this.validator = validator;
        this.store = store;
    }

    /** A new chain from a genesis block, which is validated and stored. */
    public static ChainState create(Block genesis, BlockStore store, BlockValidator validator)
            throws IOException, ValidationException {
        validator.checkIntrinsic(genesis);
        if (!genesis.payload().isGenesis()) {
            throw new ValidationException(Rule.GENESIS, "the first block must be a genesis block");
        }
        store.append(List.of(genesis));
        return new ChainState(new BlockTree(genesis), validator, store);
    }

    /**
     * The chain stored in {@code store}, every block validated again; empty when the store holds
     * nothing.
     *
     * @throws IOException when a stored block fails validation, naming its position and rule
     */
    public static Optional<ChainState> load(BlockStore store, BlockValidator validator) throws IOException {
        List<Block> blocks = new ArrayList<>();
        store.load(blocks::add);
        if (blocks.isEmpty()) {
            return Optional.empty();
        }
        Block genesis = blocks.get(0);
        try {
            validator.checkIntrinsic(genesis);
            if (!genesis.payload().isGenesis()) {
                throw new ValidationException(Rule.GENESIS, "the first stored block is not a genesis block");
            }
        } catch (ValidationException e) {
            throw new IOException("stored block 0 (" + genesis.hash().shortHex() + ") is invalid: " + e.getMessage(), e);
        }
        ChainState state = new ChainState(new BlockTree(genesis), validator, store);
        List<Block> rest = blocks.subList(1, blocks.size());
        state.preverify(rest);
        for (int i = 0; i < rest.size(); i++) {
            Block b = rest.get(i);
            try {
                state.validateAndAdd(b, new ArrayList<>(), new ArrayList<>());
            } catch (ValidationException e) {
                throw new IOException("stored block " + (i + 1) + " (#" + b.height() + " " + b.hash().shortHex()
                        + ") is invalid: " + e.getMessage(), e);
            }
        }
        return Optional.of(state);
    }

    /** Validates, stores and adds one block (and any orphans it connects). */
    public synchronized Result accept(Block block) {
        if (tree.contains(block.hash())) {
            return Result.of(Status.DUPLICATE);
        }
        return acceptAll(List.of(block));
    }

    /**
     * Validates, stores (one fsync) and adds blocks in order, grant signatures checked in parallel
     * first. Stops at the first invalid block; those before it stay added.
     */
    public synchronized Result acceptAll(List<Block> blocks) {
        preverify(blocks);
        List<Block> added = new ArrayList<>();
        List<Reorg> reorgs = new ArrayList<>();
        Status last = Status.DUPLICATE;
        try {
            for (Block b : blocks) {
                if (tree.contains(b.hash())) {
                    continue;
                }
                if (!tree.contains(b.previousHash())) {
                    validator.checkIntrinsic(b);
                    if (b.height() == 0) {
                        throw new ValidationException(Rule.GENESIS, "genesis " + b.hash().shortHex()
                                + " belongs to another chain; this one starts at " + tree.root().block.hash().shortHex());
                    }
                    keepOrphan(b);
                    last = Status.ORPHAN;
                    continue;
                }
                validateAndAdd(b, added, reorgs);
                last = Status.ADDED;
            }
        } catch (ValidationException e) {
            persist(added);
            return new Result(Status.INVALID, e.rule(), e.getMessage(), added, reorgs);
        }
        persist(added);
        return new Result(added.isEmpty() ? last : Status.ADDED, null, null, added, reorgs);
    }

    private void persist(List<Block> added) {
        if (added.isEmpty()) {
            return;
        }
        try {
            store.append(added);
        } catch (IOException e) {
            throw new UncheckedIOException("could not store blocks: " + e.getMessage(), e);
        }
    }

    private void validateAndAdd(Block b, List<Block> added, List<Reorg> reorgs) throws ValidationException {
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
        connectOrphans(b, added, reorgs);
    }

    private void connectOrphans(Block parent, List<Block> added, List<Reorg> reorgs) {
        Deque<Block> ready = new ArrayDeque<>();
        ready.add(parent);
        while (!ready.isEmpty()) {
            Hash p = ready.poll().hash();
            List<Block> children = new ArrayList<>();
            for (Iterator<Block> it = orphans.values().iterator(); it.hasNext(); ) {
                Block o = it.next();
                if (o.previousHash().equals(p)) {
                    children.add(o);
                    it.remove();
                }
            }
            for (Block o : children) {
                try {
                    validator.checkInContext(o, tree.context(tree.node(p).orElseThrow()));
                    Reorg r = tree.add(o);
                    added.add(o);
                    if (r.headChanged()) {
                        reorgs.add(r);
                    }
                    ready.add(o);
                } catch (ValidationException e) {
                    // an invalid orphan is dropped like any invalid block
                }
            }
        }
    }

    private void keepOrphan(Block b) {
        orphans.put(b.hash(), b);
        if (orphans.size() > MAX_ORPHANS) {
            Iterator<Hash> eldest = orphans.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private void preverify(List<Block> blocks) {
        Map<String, NodeKey> keys = new HashMap<>();
        for (Account a : tree.head().accounts.values()) {
            for (NodeKey k : a.hostKeys()) {
                keys.put(k.nodeId(), k);
            }
        }
        for (Block b : blocks) {
            for (Account a : b.payload().accounts()) {
                for (NodeKey k : a.hostKeys()) {
                    keys.putIfAbsent(k.nodeId(), k);
                }
            }
        }
        Function<String, Optional<NodeKey>> keyOf = id -> Optional.ofNullable(keys.get(id));
        validator.preverify(blocks, keyOf);
    }

    /** The parents of kept orphans that are still unknown: what to fetch. */
    public synchronized Set<Hash> missingParents() {
        return orphans.values().stream().map(Block::previousHash).filter(h -> !tree.contains(h) && !orphans.containsKey(h))
                .collect(Collectors.toSet());
    }

    /** Whether this block is known (in the tree; orphans do not count). */
    public synchronized boolean contains(Hash hash) {
        return tree.contains(hash);
    }

    /** The number of blocks in the tree, side branches included. */
    public synchronized int blockCount() {
        return tree.size();
    }

    /** The blocks kept aside until their parent arrives. */
    public synchronized int orphanCount() {
        return orphans.size();
    }

    /** The encoded bytes of the blocks kept aside until their parent arrives. */
    public synchronized long orphanBytes() {
        return orphans.values().stream().mapToLong(validator::encodedSize).sum();
    }

    /** The encoded bytes of the blocks in the tree that are not on the best chain. */
    public synchronized long sideBranchBytes() {
        return tree.sideBlocks().stream().mapToLong(validator::encodedSize).sum();
    }

    /** The height of the best-chain block carrying this grant, if any. */
    public synchronized Optional<Long> heightOfGrant(UUID grantId) {
        return tree.heightOfGrant(grantId);
    }

    /** Whether this block is on the best chain. */
    public synchronized boolean onBestChain(Hash hash) {
        return tree.node(hash).map(tree::onBestChain).orElse(false);
    }

    @Override
    public String chainId() {
        return tree.genesis().chainId();
    }

    /** The genesis configuration. */
    public org.classchain.GenesisConfig genesisConfig() {
        return tree.genesis();
    }

    @Override
    public synchronized Block genesis() {
        return tree.root().block;
    }

    @Override
    public synchronized Block head() {
        return tree.head().block;
    }

    @Override
    public synchronized Head headInfo() {
        return tree.head().head();
    }

    @Override
    public synchronized Optional<Block> blockAt(long height) {
        return tree.bestAt(height).map(n -> n.block);
    }

    @Override
    public synchronized Optional<Block> block(Hash hash) {
        return tree.node(hash).map(n -> n.block);
    }

    @Override
    public synchronized List<Block> range(long from, int limit) {
        List<Block> out = new ArrayList<>();
        for (long h = Math.max(0, from); out.size() < limit; h++) {
            Optional<BlockTree.Node> n = tree.bestAt(h);
            if (n.isEmpty()) {
                break;
            }
            out.add(n.get().block);
        }
        return out;
    }

    @Override
    public synchronized Optional<Long> heightOfCommand(UUID commandId) {
        return tree.heightOfCommand(commandId);
    }

    /**
     * The accounts as the best chain records them, without the teacher hosts that only a
     * legacy sign-in made hosts (they host nothing now: see {@link BlockTree}).
     */
    @Override
    public synchronized Map<String, Account> accounts() {
        BlockTree.Node head = tree.head();
        if (head.retiredTeacherHosts.isEmpty()) {
            return head.accounts;
        }
        Map<String, Account> out = new HashMap<>(head.accounts);
        out.replaceAll((name, a) -> a.role() != org.classchain.Role.TEACHER ? a : new Account(a.username(), a.role(),
                a.hostKeys().stream().filter(k -> !head.retiredTeacherHosts.contains(k.nodeId())).toList()));
        return Map.copyOf(out);
    }

    /** Node ids that a legacy sign-in made hosts of the teacher's account: they sign no grant now. */
    public synchronized Set<String> retiredTeacherHosts() {
        return tree.head().retiredTeacherHosts;
    }

    /** The id of the best chain head's grant: what the next grant follows ({@link org.classchain.Grant#FIRST} at genesis). */
    public synchronized UUID headGrantId() {
        return tree.head().grantId();
    }

    /** Every block of the best chain from {@code from} upwards, for dispatch after a restart. */
    public synchronized List<Block> bestFrom(long from) {
        return range(from, Integer.MAX_VALUE);
    }
}
