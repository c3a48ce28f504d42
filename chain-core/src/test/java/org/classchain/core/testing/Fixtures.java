package org.classchain.core.testing;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.GenesisConfig;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.SigningBytes;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.mining.Miner;

/**
 * Builds valid chains for tests without the sign-in protocol: a teacher identity signs grants
 * directly, exactly as a host does after a valid MAC.
 */
public final class Fixtures {
    public final CanonicalJson json = new CanonicalJson();
    public final BlockCodec codec = new BlockCodec(json);
    public final NodeIdentity teacherHost;
    public final String chainId;
    public final int difficultyBits;
    public final Block genesis;
    private final Miner miner = new Miner();

    public Fixtures(long seed, int difficultyBits) {
        SecureRandom random = deterministic(seed);
        this.teacherHost = NodeIdentity.generate(random);
        this.chainId = "test-" + Long.toHexString(seed);
        this.difficultyBits = difficultyBits;
        Account teacher = new Account("teacher", Role.TEACHER, List.of(teacherHost.publicKey()));
        this.genesis = mine(0, Hash.ZERO, 1_700_000_000_000L,
                Payload.genesis(new GenesisConfig(chainId, difficultyBits, teacher, List.of())));
    }

    /** A SecureRandom that repeats for a seed (SHA1PRNG seeded before first use). */
    public static SecureRandom deterministic(long seed) {
        try {
            SecureRandom r = SecureRandom.getInstance("SHA1PRNG");
            r.setSeed(seed);
            return r;
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A command for all students, valid for ten minutes after {@code now}. */
    public static Command command(String module, Instant now, Map<String, String> args) {
        return new Command(UUID.randomUUID(), module, Target.all(), args, now.plus(Duration.ofMinutes(10)));
    }

    /**
     * A grant for this batch signed by {@code host} for account {@code username} with {@code role},
     * for a block right after genesis.
     */
    public Grant grant(NodeIdentity host, String username, Role role, List<Command> commands, List<Account> accounts,
                       Instant issuedAt, String forChain) {
        return grant(host, username, role, commands, accounts, issuedAt, forChain, Grant.FIRST);
    }

    /** A grant for this batch signed by {@code host}, following the grant {@code previous}. */
    public Grant grant(NodeIdentity host, String username, Role role, List<Command> commands, List<Account> accounts,
                       Instant issuedAt, String forChain, UUID previous) {
        Grant unsigned = new Grant(forChain, username, role, json.batchHash(commands, accounts), UUID.randomUUID(),
                issuedAt, host.nodeId(), previous, new byte[Grant.SIGNATURE_LENGTH]);
        return unsigned.withSignature(host.sign(SigningBytes.grant(unsigned)));
    }

    /** The id of the grant a child of {@code parent} follows. */
    public static UUID grantOf(Block parent) {
        return parent.payload().grant() == null ? Grant.FIRST : parent.payload().grant().grantId();
    }

    /** A teacher-granted payload of these commands, for a block right after genesis. */
    public Payload granted(List<Command> commands, Instant issuedAt) {
        return Payload.granted(commands, grant(teacherHost, "teacher", Role.TEACHER, commands, List.of(), issuedAt, chainId));
    }

    /** A teacher-granted payload of these commands, for a child of {@code parent}. */
    public Payload granted(Block parent, List<Command> commands, Instant issuedAt) {
        return Payload.granted(commands, grant(teacherHost, "teacher", Role.TEACHER, commands, List.of(), issuedAt,
                chainId, grantOf(parent)));
    }

    /** A mined child of {@code parent} carrying {@code payload}. */
    public Block child(Block parent, Payload payload) {
        return mine(parent.height() + 1, parent.hash(), parent.header().timestampMillis() + 1000, payload);
    }

    /** A mined child of {@code parent} with one fresh command. */
    public Block child(Block parent) {
        Instant t = Instant.ofEpochMilli(parent.header().timestampMillis() + 1000);
        return child(parent, granted(parent, List.of(command("message", t, Map.of("text", "hi"))), t));
    }

    /** A linear chain of {@code n} blocks after genesis (genesis included, n+1 blocks). */
    public List<Block> chain(int n) {
        List<Block> out = new ArrayList<>();
        out.add(genesis);
        for (int i = 0; i < n; i++) {
            out.add(child(out.get(out.size() - 1)));
        }
        return out;
    }

    /** Mines a block with the given fields. */
    public Block mine(long height, Hash previous, long timestamp, Payload payload) {
        BlockHeader template = new BlockHeader(BlockHeader.CURRENT_VERSION, height, previous, timestamp,
                codec.payloadHash(payload), difficultyBits, 0);
        BlockHeader mined = miner.mine(template, () -> false).orElseThrow();
        return codec.seal(mined, payload);
    }
}
