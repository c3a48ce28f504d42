package org.classchain.core.validation;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.GenesisConfig;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.HeaderCodec;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.cache.BoundedCache;
import org.classchain.core.identity.Ed25519Verifier;
import org.classchain.core.mining.Difficulty;

/**
 * Checks blocks against every rule of DESIGN sections 3 and 5.
 *
 * <p>{@link #checkIntrinsic} needs nothing but the block and can run on any thread, in
 * parallel. {@link #checkInContext} needs the branch the block extends. Grant signatures are
 * the expensive part: {@link #preverify} checks many in parallel ahead of the sequential pass,
 * and a bounded cache remembers which block hashes carry a signature already verified against
 * which key. Thread-safe.
 */
public final class BlockValidator {

    /** How far in the future a block's timestamp may be, by this peer's clock. */
    public static final Duration MAX_FUTURE = Duration.ofMinutes(2);
    /** The most commands one block may carry. */
    public static final int MAX_COMMANDS = 256;

    private final BlockCodec codec;
    private final Clock clock;
    private final BoundedCache<Hash, NodeKey> verified = BoundedCache.ofSize(200_000);
    /** Grants are signed by the teacher's hosts: a handful of keys, each decoded once. */
    private final Ed25519Verifier signatures = new Ed25519Verifier(64);

    /** A validator using {@code clock} for the future-timestamp rule. */
    public BlockValidator(BlockCodec codec, Clock clock) {
        this.codec = codec;
        this.clock = clock;
    }

    /**
     * The cheapest rules, checked first on a block from anyone: version, hash, and proof of work at
     * the chain's difficulty ({@code chainBits}), not at whatever difficulty the header claims.
     */
    public void checkWork(Block block, int chainBits) throws ValidationException {
        BlockHeader h = block.header();
        if (h.version() != BlockHeader.CURRENT_VERSION) {
            throw new ValidationException(Rule.VERSION, "header version " + h.version() + ", this peer knows "
                    + BlockHeader.CURRENT_VERSION);
        }
        if (h.difficultyBits() != chainBits) {
            throw new ValidationException(Rule.DIFFICULTY, "difficulty " + h.difficultyBits() + " bits is not the chain's "
                    + chainBits);
        }
        Hash computed = HeaderCodec.hash(h);
        if (!computed.equals(block.hash())) {
            throw new ValidationException(Rule.HASH, "hash " + block.hash().shortHex() + " is not the header's ("
                    + computed.shortHex() + ")");
        }
        if (!Difficulty.meets(computed.bytes(), chainBits)) {
            throw new ValidationException(Rule.PROOF_OF_WORK, "hash " + computed.shortHex() + " has "
                    + Difficulty.leadingZeroBits(computed.bytes()) + " leading zero bits, needs " + chainBits);
        }
    }

    /** Whether the block's hash meets the chain's difficulty and its header claims it (no exception). */
    public boolean meetsWork(Block block, int chainBits) {
        try {
            checkWork(block, chainBits);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    /**
     * The grant rules that hold whatever the block's parent, for a block kept before its parent is
     * known: a TEACHER grant for this chain that covers exactly this batch, signed by
     * {@code teacherHost} (a host of the teacher's account as far as this peer knows).
     *
     * @return false when the grant's host is not one this peer knows (nothing could be checked)
     */
    public boolean checkGrantAlone(Block block, GenesisConfig genesis, Function<String, Optional<NodeKey>> teacherHost)
            throws ValidationException {
        Payload p = block.payload();
        Grant g = p.grant();
        if (!g.chainId().equals(genesis.chainId())) {
            throw new ValidationException(Rule.GRANT_CHAIN, "grant is for chain '" + g.chainId() + "', this is '"
                    + genesis.chainId() + "'");
        }
        if (g.role() != Role.TEACHER || !g.username().equals(genesis.teacher().username())) {
            throw new ValidationException(Rule.GRANT_ROLE, "only a grant of the teacher's account adds a block, not '"
                    + g.username() + "' (" + g.role() + ")");
        }
        if (!codec.json().batchHash(p.commands(), p.accounts()).equals(g.commandsHash())) {
            throw new ValidationException(Rule.GRANT_COMMANDS, "grant " + g.grantId() + " does not cover this batch");
        }
        Optional<NodeKey> key = teacherHost.apply(g.hostNodeId());
        if (key.isEmpty()) {
            return false;
        }
        if (!key.get().equals(verified.get(block.hash()))) {
            if (!signatures.verify(key.get(), SigningBytes.grant(g), g.signature())) {
                throw new ValidationException(Rule.GRANT_SIGNATURE, "grant signature does not verify with host "
                        + g.hostNodeId() + "'s key");
            }
            verified.put(block.hash(), key.get());
        }
        return true;
    }

    /** Rules that need only the block: version, hash, proof of work, payload hash, shape. */
    public void checkIntrinsic(Block block) throws ValidationException {
        BlockHeader h = block.header();
        if (h.version() != BlockHeader.CURRENT_VERSION) {
            throw new ValidationException(Rule.VERSION, "header version " + h.version() + ", this peer knows "
                    + BlockHeader.CURRENT_VERSION);
        }
        Hash computed = HeaderCodec.hash(h);
        if (!computed.equals(block.hash())) {
            throw new ValidationException(Rule.HASH, "hash " + block.hash().shortHex() + " is not the header's ("
                    + computed.shortHex() + ")");
        }
        if (h.difficultyBits() < 1 || h.difficultyBits() > GenesisConfig.MAX_DIFFICULTY_BITS) {
            throw new ValidationException(Rule.DIFFICULTY, "difficulty " + h.difficultyBits() + " bits is out of range");
        }
        if (!Difficulty.meets(computed.bytes(), h.difficultyBits())) {
            throw new ValidationException(Rule.PROOF_OF_WORK, "hash " + computed.shortHex() + " has "
                    + Difficulty.leadingZeroBits(computed.bytes()) + " leading zero bits, needs " + h.difficultyBits());
        }
        Payload p = block.payload();
        if (p.commands().size() > MAX_COMMANDS) {
            throw new ValidationException(Rule.SIZE, p.commands().size() + " commands, at most " + MAX_COMMANDS);
        }
        int size = encodedSize(block);
        if (size > BlockCodec.MAX_BLOCK_BYTES) {
            throw new ValidationException(Rule.SIZE, "block of " + size + " bytes, at most " + BlockCodec.MAX_BLOCK_BYTES);
        }
        if (!codec.payloadHash(p).equals(h.payloadHash())) {
            throw new ValidationException(Rule.PAYLOAD_HASH, "the header's payload hash does not match the payload");
        }
        if ((h.height() == 0) != p.isGenesis()) {
            throw new ValidationException(Rule.GENESIS, h.height() == 0
                    ? "a block at height 0 must carry the genesis configuration"
                    : "only the block at height 0 may carry a genesis configuration");
        }
        if (p.isGenesis()) {
            if (!h.previousHash().equals(Hash.ZERO)) {
                throw new ValidationException(Rule.GENESIS, "a genesis block's previous hash is zero");
            }
            if (h.difficultyBits() != p.genesis().difficultyBits()) {
                throw new ValidationException(Rule.DIFFICULTY, "genesis header difficulty differs from its configuration");
            }
        }
    }

    /** The block's encoded size in bytes (header and canonical payload): what it costs to keep. */
    public int encodedSize(Block block) {
        return codec.json().encodePayload(block.payload()).length + BlockHeader.ENCODED_LENGTH;
    }

    /**
     * Verifies, in parallel on the common pool, the grant signatures of blocks ahead of
     * {@link #checkInContext}, looking host keys up with {@code keyOf}. Failures are not reported
     * here: the sequential pass finds them.
     */
    public void preverify(List<Block> blocks, Function<String, Optional<NodeKey>> keyOf) {
        blocks.parallelStream().forEach(b -> {
            Grant g = b.payload().grant();
            if (g == null || verified.get(b.hash()) != null) {
                return;
            }
            keyOf.apply(g.hostNodeId()).ifPresent(key -> {
                if (signatures.verify(key, SigningBytes.grant(g), g.signature())) {
                    verified.put(b.hash(), key);
                }
            });
        });
    }

    /** Rules that need the branch: link, height, time, difficulty, grant, uniqueness, accounts. */
    public void checkInContext(Block block, BranchContext ctx) throws ValidationException {
        BlockHeader h = block.header();
        Block parent = ctx.parent();
        if (!h.previousHash().equals(parent.hash())) {
            throw new ValidationException(Rule.UNKNOWN_PARENT, "previous hash is not the given parent");
        }
        if (h.height() != parent.height() + 1) {
            throw new ValidationException(Rule.HEIGHT, "height " + h.height() + " does not follow the parent's "
                    + parent.height());
        }
        GenesisConfig genesis = ctx.genesis();
        if (h.difficultyBits() != genesis.difficultyBits()) {
            throw new ValidationException(Rule.DIFFICULTY, "difficulty " + h.difficultyBits() + " bits is "
                    + (h.difficultyBits() < genesis.difficultyBits() ? "below" : "above") + " the genesis difficulty "
                    + genesis.difficultyBits());
        }
        long now = clock.millis();
        if (h.timestampMillis() > now + MAX_FUTURE.toMillis()) {
            throw new ValidationException(Rule.TIMESTAMP, "timestamp is " + (h.timestampMillis() - now)
                    + " ms in the future (at most " + MAX_FUTURE.toMillis() + ")");
        }
        if (h.timestampMillis() < parent.header().timestampMillis()) {
            throw new ValidationException(Rule.TIMESTAMP, "timestamp is before the parent's");
        }
        checkGrant(block, ctx, genesis);
    }

    private void checkGrant(Block block, BranchContext ctx, GenesisConfig genesis) throws ValidationException {
        Payload p = block.payload();
        Grant g = p.grant();
        if (!g.chainId().equals(genesis.chainId())) {
            throw new ValidationException(Rule.GRANT_CHAIN, "grant is for chain '" + g.chainId() + "', this is '"
                    + genesis.chainId() + "'");
        }
        Map<String, Account> accounts = ctx.accounts();
        Account account = accounts.get(g.username());
        if (account == null) {
            throw new ValidationException(Rule.GRANT_ROLE, "grant names unknown account '" + g.username() + "'");
        }
        if (account.role() != Role.TEACHER || g.role() != Role.TEACHER) {
            throw new ValidationException(Rule.GRANT_ROLE, "only a TEACHER grant adds a block; '" + g.username()
                    + "' is " + account.role() + (g.role() != account.role() ? " but the grant says " + g.role() : ""));
        }
        NodeKey hostKey = account.hostKeys().stream().filter(k -> k.nodeId().equals(g.hostNodeId())).findFirst()
                .orElseThrow(() -> new ValidationException(Rule.GRANT_HOST, "node " + g.hostNodeId()
                        + " does not host account '" + g.username() + "'"));
        if (!g.isLegacy() && ctx.retiredTeacherHosts().contains(g.hostNodeId())) {
            throw new ValidationException(Rule.GRANT_HOST, "node " + g.hostNodeId() + " became a host of '"
                    + g.username() + "' by a sign-in at that computer, not by enrollment: it signs no grant now");
        }
        checkOrder(g, ctx.parent());
        if (!hostKey.equals(verified.get(block.hash()))) {
            if (!signatures.verify(hostKey, SigningBytes.grant(g), g.signature())) {
                throw new ValidationException(Rule.GRANT_SIGNATURE, "grant signature does not verify with host "
                        + g.hostNodeId() + "'s key");
            }
            verified.put(block.hash(), hostKey);
        }
        if (!codec.json().batchHash(p.commands(), p.accounts()).equals(g.commandsHash())) {
            throw new ValidationException(Rule.GRANT_COMMANDS, "grant " + g.grantId() + " does not cover this batch");
        }
        if (ctx.grantUsed(g.grantId())) {
            throw new ValidationException(Rule.GRANT_REPLAYED, "grant " + g.grantId() + " is already on this chain");
        }
        Set<UUID> seen = new HashSet<>();
        for (Command c : p.commands()) {
            if (!seen.add(c.id()) || ctx.commandUsed(c.id())) {
                throw new ValidationException(Rule.COMMAND, "command " + c.id() + " is already on this chain");
            }
            if (c.notAfter().isAfter(g.issuedAt().plus(Command.MAX_TTL).plus(MAX_FUTURE))) {
                throw new ValidationException(Rule.COMMAND, "command " + c.id() + " stays valid longer than "
                        + Command.MAX_TTL + " after its grant");
            }
        }
        checkAccounts(p.accounts(), accounts);
    }

    /** A grant follows the parent's grant: the one sequence the hosts issued. */
    private static void checkOrder(Grant g, Block parent) throws ValidationException {
        Grant before = parent.payload().grant();
        if (g.isLegacy()) {
            if (before != null && !before.isLegacy()) {
                throw new ValidationException(Rule.GRANT_ORDER, "grant " + g.grantId()
                        + " names no grant it follows, after the ordered grant " + before.grantId());
            }
            return;
        }
        UUID expected = before == null ? Grant.FIRST : before.grantId();
        if (!g.previousGrantId().equals(expected)) {
            throw new ValidationException(Rule.GRANT_ORDER, "grant " + g.grantId() + " follows "
                    + describe(g.previousGrantId()) + ", but this block's parent #" + parent.height() + " carries "
                    + describe(expected) + ": a granted batch goes only where its host put it");
        }
    }

    private static String describe(UUID grantId) {
        return Grant.FIRST.equals(grantId) ? "the genesis block" : "grant " + grantId;
    }

    private static void checkAccounts(List<Account> updates, Map<String, Account> accounts) throws ValidationException {
        Set<String> names = new HashSet<>();
        for (Account a : updates) {
            if (!names.add(a.username())) {
                throw new ValidationException(Rule.ACCOUNT, "account '" + a.username() + "' updated twice in one block");
            }
            Account old = accounts.get(a.username());
            Role oldRole = old == null ? Role.STUDENT : old.role();
            if (a.role() != oldRole) {
                throw new ValidationException(Rule.ACCOUNT, "account '" + a.username() + "' cannot become " + a.role());
            }
        }
    }
}
