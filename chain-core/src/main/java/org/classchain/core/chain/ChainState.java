package org.classchain.core.chain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
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
import org.classchain.core.mining.Difficulty;
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

    /** Blocks kept aside (orphans, and copies): at most this many blocks and bytes, of which one source holds a share. */
    static final int MAX_ORPHANS = 256;
    static final long MAX_ORPHAN_BYTES = 8L << 20;
    static final int MAX_ORPHANS_PER_SOURCE = 32;
    static final long MAX_ORPHAN_BYTES_PER_SOURCE = 2L << 20;
    /** Blocks kept off the best chain that a source sent: at most this many blocks and bytes, and a share each. */
    static final int MAX_SIDE_BLOCKS = 8192;
    static final long MAX_SIDE_BYTES = 32L << 20;
    static final int MAX_SIDE_BLOCKS_PER_SOURCE = 2048;
    static final long MAX_SIDE_BYTES_PER_SOURCE = 8L << 20;
    /** How many refused copies are remembered, so that a head that is one is not fetched again and again. */
    private static final int REMEMBERED_COPIES = 1024;

    private record Orphan(Block block, String source, int bytes) {
    }

    private record Charge(String source, int bytes) {
    }

    /** What one call of {@link #acceptAll} did so far. */
    private static final class Batch {
        final Source source;
        final List<Block> added = new ArrayList<>();
        final List<Reorg> reorgs = new ArrayList<>();
        /** Blocks added although another block carries their grant. */
        final Set<Hash> copies = new HashSet<>();
        /** Orphans this batch connected, by the source that sent them. */
        final Map<Hash, String> connectedFrom = new HashMap<>();
        Map<String, NodeKey> teacherHosts;

        Batch(Source source) {
            this.source = source;
        }

        String sourceOf(Block b) {
            return connectedFrom.getOrDefault(b.hash(), source.key());
        }
    }

    private final BlockValidator validator;
    private final BlockStore store;
    private final BlockTree tree;
    private final Map<Hash, Orphan> orphans = new LinkedHashMap<>();
    private long orphanBytes;
    /** The side-branch blocks charged to a source, until they join the best chain. */
    private final Map<Hash, Charge> sideCharges = new HashMap<>();
    private final Map<String, long[]> sideShares = new HashMap<>();
    private long sideBytes;
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
        Batch batch = new Batch(Source.LOCAL);
        for (int i = 0; i < rest.size(); i++) {
            Block b = rest.get(i);
            try {
                state.validateAndAdd(b, batch);
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
        Batch batch = new Batch(source);
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
                    last = keepAside(b, batch, Status.ORPHAN);
                    lastRule = null;
                    lastReason = reasonFor(last, b);
                    continue;
                }
                if (tree.grantHeld(b.payload().grant().grantId())) {
                    // with the blocks after it here and those kept aside that build on it
                    long reach = parent.get().work + (run[i] + depthAside(b.hash())) * Difficulty.work(bits);
                    if (reach <= tree.head().work && !source.page()) {
                        // it cannot be on the best chain now: copies of one grant never win a tie
                        refusedCopies.put(b.hash(), Boolean.TRUE);
                        last = keepAside(b, batch, Status.COPY);
                        lastRule = null;
                        lastReason = reasonFor(last, b);
                        continue;
                    }
                    batch.copies.add(b.hash());
                }
                validateAndAdd(b, batch);
                last = Status.ADDED;
            }
        } catch (ValidationException e) {
            settle(batch);
            persist(batch.added);
            return new Result(Status.INVALID, e.rule(), e.getMessage(), batch.added, batch.reorgs);
        }
        Status refused = settle(batch);
        if (refused != null) {
            last = refused;
            lastRule = null;
            lastReason = refused == Status.COPY ? "another block carries its grant, and this one is not on the best chain"
                    : "the sender's share of side branches is full";
        }
        persist(batch.added);
        return batch.added.isEmpty() || refused != null ? new Result(last, lastRule, lastReason, batch.added, batch.reorgs)
                : new Result(Status.ADDED, null, null, batch.added, batch.reorgs);
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

    /**
     * Takes out again what this batch added off the best chain and may not keep: copies of
     * granted blocks (from an announcement), and side blocks past their sender's share; charges
     * the rest to their senders. Returns the refusal, or null when everything stays.
     */
    private Status settle(Batch batch) {
        Set<Hash> wasBest = new HashSet<>();
        for (Reorg r : batch.reorgs) {
            for (Block b : r.attached()) {
                wasBest.add(b.hash());
                release(b.hash());
            }
        }
        Set<Hash> removed = new HashSet<>();
        Set<Hash> aside = new HashSet<>();
        Status refused = null;
        for (Block b : batch.added) { // parents before children
            if (wasBest.contains(b.hash()) || tree.onBestChain(tree.node(b.hash()).orElseThrow())) {
                continue;
            }
            if (removed.contains(b.previousHash())) {
                removed.add(b.hash());
                if (aside.contains(b.previousHash())) {
                    aside.add(b.hash());
                }
            } else if (batch.copies.contains(b.hash()) && !batch.source.page()) {
                removed.add(b.hash());
                aside.add(b.hash());
                refusedCopies.put(b.hash(), Boolean.TRUE);
                refused = Status.COPY;
            } else if (!charge(batch.sourceOf(b), b)) {
                removed.add(b.hash());
                refused = refused == null ? Status.OVER_SHARE : refused;
            }
        }
        if (!removed.isEmpty()) {
            for (int i = batch.added.size() - 1; i >= 0; i--) {
                Hash h = batch.added.get(i).hash();
                if (removed.contains(h)) {
                    tree.remove(h);
                }
            }
            for (Block b : batch.added) {
                if (aside.contains(b.hash())) {
                    pool(b, batch.sourceOf(b)); // back aside: a later block may still make its branch the best
                }
            }
            batch.added.removeIf(b -> removed.contains(b.hash()));
        }
        return refused;
    }

    /** Charges a block kept off the best chain to its sender; false when its share (or the whole) is full. */
    private boolean charge(String source, Block b) {
        int bytes = validator.encodedSize(b);
        long[] share = sideShares.computeIfAbsent(source, k -> new long[2]);
        if (sideCharges.size() >= MAX_SIDE_BLOCKS || sideBytes + bytes > MAX_SIDE_BYTES
                || share[0] >= MAX_SIDE_BLOCKS_PER_SOURCE || share[1] + bytes > MAX_SIDE_BYTES_PER_SOURCE) {
            if (share[0] == 0) {
                sideShares.remove(source);
            }
            return false;
        }
        share[0]++;
        share[1] += bytes;
        sideBytes += bytes;
        sideCharges.put(b.hash(), new Charge(source, bytes));
        return true;
    }

    /** A charged block joined the best chain: it no longer counts against its sender. */
    private void release(Hash hash) {
        Charge c = sideCharges.remove(hash);
        if (c == null) {
            return;
        }
        sideBytes -= c.bytes();
        long[] share = sideShares.get(c.source());
        share[0]--;
        share[1] -= c.bytes();
        if (share[0] == 0) {
            sideShares.remove(c.source());
        }
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

    private void validateAndAdd(Block b, Batch batch) throws ValidationException {
        validator.checkIntrinsic(b);
        BlockTree.Node parent = tree.node(b.previousHash())
                .orElseThrow(() -> new ValidationException(Rule.UNKNOWN_PARENT, "parent " + b.previousHash().shortHex()
                        + " is unknown"));
        validator.checkInContext(b, tree.context(parent));
        Reorg r = tree.add(b);
        batch.added.add(b);
        if (r.headChanged()) {
            batch.reorgs.add(r);
        }
        connectOrphans(b, batch);
    }

    private void connectOrphans(Block parent, Batch batch) {
        Deque<Block> ready = new ArrayDeque<>();
        ready.add(parent);
        while (!ready.isEmpty()) {
            Hash p = ready.poll().hash();
            List<Orphan> children = new ArrayList<>();
            for (Iterator<Orphan> it = orphans.values().iterator(); it.hasNext(); ) {
                Orphan o = it.next();
                if (o.block().previousHash().equals(p)) {
                    children.add(o);
                    it.remove();
                    orphanBytes -= o.bytes();
                }
            }
            for (Orphan o : children) {
                Block b = o.block();
                try {
                    validator.checkInContext(b, tree.context(tree.node(p).orElseThrow()));
                    if (tree.grantHeld(b.payload().grant().grantId())) {
                        batch.copies.add(b.hash());
                    }
                    Reorg r = tree.add(b);
                    batch.added.add(b);
                    batch.connectedFrom.put(b.hash(), o.source());
                    if (r.headChanged()) {
                        batch.reorgs.add(r);
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
    private Status keepAside(Block b, Batch batch, Status as) throws ValidationException {
        if (batch.source.page() || orphans.containsKey(b.hash())) {
            return as;
        }
        Optional<BlockTree.Node> parent = tree.node(b.previousHash());
        if (parent.isPresent()) {
            validator.checkInContext(b, tree.context(parent.get()));
        } else if (!validator.checkGrantAlone(b, tree.genesis(), id -> Optional.ofNullable(teacherHosts(batch).get(id)))) {
            return Status.NOT_KEPT;
        }
        long stale = tree.head().height() - STALE_DEPTH;
        for (Iterator<Orphan> it = orphans.values().iterator(); it.hasNext(); ) {
            Orphan o = it.next();
            if (o.block().height() < stale) {
                orphanBytes -= o.bytes();
                it.remove();
            }
        }
        String source = batch.source.key();
        UUID grantId = b.payload().grant().grantId();
        if (!source.equals(Source.LOCAL.key()) && orphans.values().stream()
                .anyMatch(o -> o.source().equals(source) && o.block().payload().grant().grantId().equals(grantId))) {
            return Status.COPY; // one block of a grant aside per sender
        }
        if (!pool(b, source)) {
            return Status.OVER_SHARE;
        }
        if (parent.isEmpty() && orphans.containsKey(b.hash())) {
            joinWhenHeavier(b, batch);
        }
        return as;
    }

    /** Puts a block in the pool within its source's share (the oldest go when the pool is full); false past the share. */
    private boolean pool(Block b, String source) {
        int bytes = validator.encodedSize(b);
        if (!source.equals(Source.LOCAL.key())) {
            int count = 0;
            long held = 0;
            for (Orphan o : orphans.values()) {
                if (o.source().equals(source)) {
                    count++;
                    held += o.bytes();
                }
            }
            if (count >= MAX_ORPHANS_PER_SOURCE || held + bytes > MAX_ORPHAN_BYTES_PER_SOURCE) {
                return false;
            }
        }
        orphans.put(b.hash(), new Orphan(b, source, bytes));
        orphanBytes += bytes;
        // the pool is full: the oldest go (the catch-up fetches what they were waiting for anyway)
        for (Iterator<Orphan> it = orphans.values().iterator(); it.hasNext()
                && (orphans.size() > MAX_ORPHANS || orphanBytes > MAX_ORPHAN_BYTES); ) {
            orphanBytes -= it.next().bytes();
            it.remove();
        }
        return true;
    }

    /**
     * An orphan kept aside may complete a branch that starts at a copy kept aside: when that branch
     * has more work than the best chain, it joins the tree.
     */
    private void joinWhenHeavier(Block b, Batch batch) {
        Orphan root = orphans.get(b.hash());
        int depth = 1 + depthAside(b.hash());
        for (Orphan up = orphans.get(root.block().previousHash()); up != null; up = orphans.get(up.block().previousHash())) {
            root = up;
            depth++;
        }
        Optional<BlockTree.Node> parent = tree.node(root.block().previousHash());
        long work = Difficulty.work(tree.genesis().difficultyBits());
        if (parent.isEmpty() || parent.get().work + depth * work <= tree.head().work) {
            return;
        }
        Block first = root.block();
        orphans.remove(first.hash());
        orphanBytes -= root.bytes();
        try {
            if (tree.grantHeld(first.payload().grant().grantId())) {
                batch.copies.add(first.hash());
            }
            batch.connectedFrom.put(first.hash(), root.source());
            validateAndAdd(first, batch);
        } catch (ValidationException e) {
            // it was valid when kept; an invalid one is dropped like any invalid block
        }
    }

    /** The number of blocks past the head's height below which a block kept aside is let go. */
    static final int STALE_DEPTH = 64;

    /** The longest run of blocks kept aside that chains onto {@code b}. */
    private int depthAside(Hash b) {
        int deepest = 0;
        for (Orphan o : orphans.values()) {
            if (o.block().previousHash().equals(b)) {
                deepest = Math.max(deepest, 1 + depthAside(o.block().hash()));
            }
        }
        return deepest;
    }

    /** The hosts of the teacher's account as far as known: the best chain's, and those this batch adds. */
    private Map<String, NodeKey> teacherHosts(Batch batch) {
        if (batch.teacherHosts == null) {
            Map<String, NodeKey> keys = new HashMap<>();
            String teacher = tree.genesis().teacher().username();
            tree.genesis().teacher().hostKeys().forEach(k -> keys.put(k.nodeId(), k));
            Account current = tree.head().accounts.get(teacher);
            if (current != null) {
                current.hostKeys().forEach(k -> keys.put(k.nodeId(), k));
            }
            batch.teacherHosts = keys;
        }
        return batch.teacherHosts;
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
        return orphans.values().stream().map(o -> o.block().previousHash()).filter(h -> !tree.contains(h) && !orphans.containsKey(h))
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

    /** The blocks kept aside: orphans waiting for their parent, copies waiting for a branch with more work. */
    public synchronized int orphanCount() {
        return orphans.size();
    }

    /** The encoded bytes of the blocks kept aside ({@link #orphanCount}). */
    public synchronized long orphanBytes() {
        return orphanBytes;
    }

    /** The encoded bytes of the blocks in the tree that are not on the best chain. */
    public synchronized long sideBranchBytes() {
        return tree.sideBlocks().stream().mapToLong(validator::encodedSize).sum();
    }

    /** The encoded bytes of side-branch blocks kept and charged to {@code source}, and its share's count. */
    synchronized long[] sideShare(String source) {
        long[] share = sideShares.get(source);
        return share == null ? new long[2] : share.clone();
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

    /** The teacher's account as the best chain records it now (backup hosts included, retired ones left out). */
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
