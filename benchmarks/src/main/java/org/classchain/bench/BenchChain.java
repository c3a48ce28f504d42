package org.classchain.bench;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
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
 * Valid blocks without the sign-in protocol, for the benchmarks: a teacher host identity signs
 * grants directly, exactly as a host does after a valid MAC, and a miner seals them at the
 * genesis difficulty. Not thread-safe (one miner).
 */
final class BenchChain {

    final CanonicalJson json = new CanonicalJson();
    final BlockCodec codec = new BlockCodec(json);
    final NodeIdentity teacherHost;
    final String chainId;
    final int difficultyBits;
    final Block genesis;
    private final Miner miner = new Miner();

    /**
     * A chain whose genesis (timestamp {@code genesisMillis}) names a TEACHER hosted by a fresh
     * identity drawn from {@code random}.
     */
    BenchChain(SecureRandom random, int difficultyBits, long genesisMillis) {
        this.teacherHost = NodeIdentity.generate(random);
        byte[] id = new byte[6];
        random.nextBytes(id);
        this.chainId = "bench-" + java.util.HexFormat.of().formatHex(id);
        this.difficultyBits = difficultyBits;
        Account teacher = new Account("teacher", Role.TEACHER, List.of(teacherHost.publicKey()));
        this.genesis = mine(0, Hash.ZERO, genesisMillis,
                Payload.genesis(new GenesisConfig(chainId, difficultyBits, teacher, List.of())));
    }

    /** A command for every student, valid for {@code ttl} after {@code now}. */
    static Command command(Instant now, Duration ttl) {
        return new Command(UUID.randomUUID(), NoopModule.NAME, Target.all(), Map.of(), now.plus(ttl));
    }

    /** A teacher-granted payload of these commands, signed by the teacher's host, for a block after genesis. */
    Payload granted(List<Command> commands, Instant issuedAt) {
        return granted(genesis, commands, issuedAt);
    }

    /** A teacher-granted payload of these commands, signed by the teacher's host, for a child of {@code parent}. */
    Payload granted(Block parent, List<Command> commands, Instant issuedAt) {
        UUID previous = parent.payload().grant() == null ? Grant.FIRST : parent.payload().grant().grantId();
        Grant unsigned = new Grant(chainId, "teacher", Role.TEACHER, json.batchHash(commands, List.of()),
                UUID.randomUUID(), issuedAt, teacherHost.nodeId(), previous, new byte[Grant.SIGNATURE_LENGTH]);
        return Payload.granted(commands, unsigned.withSignature(teacherHost.sign(SigningBytes.grant(unsigned))));
    }

    /** A mined child of {@code parent}, {@code stepMillis} later, with one command for all of {@code ttl}. */
    Block child(Block parent, long stepMillis, Duration ttl) {
        return child(parent, stepMillis, ttl, Target.all());
    }

    /** A mined child of {@code parent}, {@code stepMillis} later, with one command for {@code target}. */
    Block child(Block parent, long stepMillis, Duration ttl, Target target) {
        long t = parent.header().timestampMillis() + stepMillis;
        Instant at = Instant.ofEpochMilli(t);
        Command c = new Command(UUID.randomUUID(), NoopModule.NAME, target, Map.of(), at.plus(ttl));
        return mine(parent.height() + 1, parent.hash(), t, granted(parent, List.of(c), at));
    }

    /** Mines a block with the given fields at this chain's difficulty. */
    Block mine(long height, Hash previous, long timestamp, Payload payload) {
        BlockHeader template = new BlockHeader(BlockHeader.CURRENT_VERSION, height, previous, timestamp,
                codec.payloadHash(payload), difficultyBits, 0);
        return codec.seal(miner.mine(template, () -> false).orElseThrow(), payload);
    }
}
