package org.classchain.core.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
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
 * <p>Blocks come in through a {@code BlockAdmission}, cheap checks first; those that cannot join
 * the tree yet wait in its {@code AsidePool}, and blocks kept off the best chain are charged to
 * their senders' {@code SideShares}.
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
        /** Parent unknown; kept aside until the parent arrives (or, from a page, not kept). */
        ORPHAN,
        /** Broke a rule; not stored. */
        INVALID,
        /**
         * Another block carries its grant, and this one would not be on the best chain: a granted
         * batch occupies one block; not kept.
         */
        COPY,
        /** The sender's share of the orphan pool or of the side branches is full; not kept. */
        OVER_SHARE,
        /** Parent unknown, and its grant is signed by no host this peer knows: nothing checked, not kept. */
        NOT_KEPT
    }

    /**
     * Who sent blocks: the key their shares of the orphan pool and side branches count under (an
     * address, or a node key), and how they came. An announcement's orphans are kept within the
     * sender's share, and its copies of granted blocks only if they end on the best chain; a page
     * this peer fetched keeps no orphan (the catch-up asks again lower down), and keeps copies off
     * the best chain within the sender's side-branch share (the next page may make them best).
     *
     * @param key the sender
     * @param page whether the blocks are a page of a catch-up
     */
    public record Source(String key, boolean page) {
        /** Blocks this peer made itself. */
        public static final Source LOCAL = new Source("", false);

        /** Checks the key. */
        public Source {
            java.util.Objects.requireNonNull(key, "key");
        }
    }

    /**
     * The outcome of {@link #accept} or {@link #acceptAll}.
     *
     * @param status for a single block, what became of it; for a batch, INVALID if any block was,
     *               COPY or OVER_SHARE if blocks it added were taken out again, ADDED if any was
     *               added, else what became of the last block not known already
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

    /** How many refused copies are remembered, so that a head that is one is not fetched again and again. */
    private static final int REMEMBERED_COPIES = 1024;

    private final BlockValidator validator;
    private final BlockStore store;
    private final BlockTree tree;
    private final AsidePool aside;
    private final SideShares sideShares = new SideShares();
    private final Map<Hash, Boolean> refusedCopies = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Hash, Boolean> eldest) {
            return size() > REMEMBERED_COPIES;
        }
    };

    private ChainState(BlockTree tree, BlockValidator validator, BlockStore store) {
        this.tree = tree;
        this.validator = validator;
        this.store = store;
        this.aside = new AsidePool(validator::encodedSize, Source.LOCAL.key());
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
        BlockAdmission admission = new BlockAdmission(state.tree, validator, state.aside, state.sideShares,
                state.refusedCopies, Source.LOCAL);
        for (int i = 0; i < rest.size(); i++) {
            Block b = rest.get(i);
            try {
                admission.add(b);
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

    /** As {@link #acceptAll(List, Source)} for blocks this peer made itself. */
    public synchronized Result acceptAll(List<Block> blocks) {
        return acceptAll(blocks, Source.LOCAL);
    }

    /**
     * Validates, stores (one fsync) and adds blocks in order, grant signatures checked in parallel
     * first. Stops at the first invalid block; those before it stay added.
     *
     * <p>Cheap checks come first: nothing is kept before its proof of work at the chain's
     * difficulty, its size, and its grant (signed by a host of the teacher's account) are checked.
     * A block whose grant another block already carries is kept only if it ends on the best chain
     * (with the blocks after it in this batch), or, from a page, within the sender's side share;
     * orphans and side-branch blocks are kept within the sender's share ({@link Source}).
     */
    public synchronized Result acceptAll(List<Block> blocks, Source source) {
        int bits = tree.genesis().difficultyBits();
        preverify(blocks.stream().filter(b -> validator.meetsWork(b, bits)).toList());
        BlockAdmission admission = new BlockAdmission(tree, validator, aside, sideShares, refusedCopies, source);
        Result r = admission.admit(blocks);
        persist(r.added());
        return r;
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
        return aside.missingParents(tree::contains);
    }

    /** Whether this block is known (in the tree; orphans do not count). */
    public synchronized boolean contains(Hash hash) {
        return tree.contains(hash);
    }

    /** The number of blocks in the tree, side branches included. */
    public synchronized int blockCount() {
        return tree.size();
    }

    /** The blocks kept aside: orphans waiting for their parent, copies waiting for a branch with more work. */
    public synchronized int orphanCount() {
        return aside.count();
    }

    /** The encoded bytes of the blocks kept aside ({@link #orphanCount}). */
    public synchronized long orphanBytes() {
        return aside.bytes();
    }

    /** The encoded bytes of the blocks in the tree that are not on the best chain. */
    public synchronized long sideBranchBytes() {
        return tree.sideBlocks().stream().mapToLong(validator::encodedSize).sum();
    }

    /** The encoded bytes of side-branch blocks kept and charged to {@code source}, and its share's count. */
    synchronized long[] sideShare(String source) {
        return sideShares.share(source);
    }

    /**
     * Whether this block was refused as a copy of a granted block that another block here
     * carries: a head that is one need not be fetched.
     */
    public synchronized boolean refusedCopy(Hash hash) {
        return refusedCopies.containsKey(hash);
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

    /** The teacher's account as the best chain records it now: enrolled hosts in, retired ones out. */
    public Account teacherAccount() {
        Account genesisTeacher = genesisConfig().teacher();
        return accounts().getOrDefault(genesisTeacher.username(), genesisTeacher);
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
