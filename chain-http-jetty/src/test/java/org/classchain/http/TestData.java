package org.classchain.http;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.classchain.Account;
import org.classchain.Attachment;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;

/** Deterministic sample values for the transport tests. */
final class TestData {

    static final BlockCodec CODEC = new BlockCodec(new CanonicalJson());
    static final Instant NOW = Instant.ofEpochMilli(1_760_000_000_123L);

    private final Random random;

    TestData(long seed) {
        this.random = new Random(seed);
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    NodeKey nodeKey() {
        return new NodeKey(bytes(NodeKey.LENGTH));
    }

    Hash hash() {
        return new Hash(bytes(Hash.LENGTH));
    }

    List<Command> commands() {
        return List.of(
                Command.create("blackout", Target.all(), Map.of("seconds", "60"), NOW, Duration.ofMinutes(10)),
                Command.create("message", Target.users("alice", "bob"), Map.of("text", "Pens down, \"please\" \u00e9\u4e2d"),
                        NOW, Duration.ofMinutes(5)),
                Command.create("close-browsers", Target.peers("0011223344556677aabb"), Map.of(), NOW, Duration.ofDays(1)));
    }

    Account account() {
        return new Account("teacher.t", Role.TEACHER, List.of(nodeKey(), nodeKey()));
    }

    Grant grant(List<Command> commands, List<Account> accounts) {
        return new Grant("chain-1", "teacher.t", Role.TEACHER, CODEC.json().batchHash(commands, accounts),
                UUID.randomUUID(), NOW, "aabbccddeeff00112233", UUID.randomUUID(), bytes(Grant.SIGNATURE_LENGTH));
    }

    /** A sealed block at {@code height} over a payload with commands and a grant with a dummy signature. */
    Block block(long height, Hash previous) {
        List<Command> commands = commands();
        Payload payload = Payload.granted(commands, grant(commands, List.of()));
        return block(height, previous, payload);
    }

    static Block block(long height, Hash previous, Payload payload) {
        return block(height, previous, payload, CODEC.payloadHash(payload));
    }

    private static Block block(long height, Hash previous, Payload payload, Hash payloadHash) {
        BlockHeader header = new BlockHeader(BlockHeader.CURRENT_VERSION, height, previous,
                NOW.toEpochMilli() + height, payloadHash, 8, height * 31 + 7);
        return CODEC.seal(header, payload);
    }

    /** A chain of {@code n} linked blocks sharing one payload. */
    List<Block> chain(int n) {
        List<Command> commands = commands().subList(0, 1);
        Payload payload = Payload.granted(commands, grant(commands, List.of()));
        Hash payloadHash = CODEC.payloadHash(payload);
        List<Block> out = new ArrayList<>(n);
        Hash prev = Hash.ZERO;
        for (int h = 0; h < n; h++) {
            Block b = block(h, prev, payload, payloadHash);
            out.add(b);
            prev = b.hash();
        }
        return out;
    }

    Receipt receipt(boolean withAttachment) {
        NodeKey key = nodeKey();
        Attachment attachment = withAttachment ? new Attachment("image/png", bytes(Attachment.MAX_BYTES)) : null;
        return new Receipt(UUID.randomUUID(), key.nodeId(), key, ReceiptStatus.EXECUTED, "done in 12 ms", NOW,
                attachment, bytes(64));
    }
}
