package org.classchain.core.store;

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
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.block.Sha256;

/** Real, well-formed blocks for store tests; the store does not validate, so grants carry a dummy signature. */
final class TestBlocks {

    static final BlockCodec CODEC = new BlockCodec(new CanonicalJson());
    static final String CHAIN_ID = "store-test-chain";
    private static final Instant T0 = Instant.parse("2025-01-06T08:00:00Z");
    private static final NodeKey HOST = new NodeKey(new byte[NodeKey.LENGTH]);

    private TestBlocks() {
    }

    /** A chain of {@code count} blocks: a genesis and then granted blocks of 1-3 commands each. */
    static List<Block> chain(int count) {
        List<Block> blocks = new ArrayList<>(count);
        Account teacher = new Account("teacher", Role.TEACHER, List.of(HOST));
        Payload genesis = Payload.genesis(new GenesisConfig(CHAIN_ID, 8, teacher, List.of()));
        Block previous = CODEC.seal(header(0, Hash.ZERO, genesis), genesis);
        blocks.add(previous);
        for (int h = 1; h < count; h++) {
            previous = next(previous);
            blocks.add(previous);
        }
        return blocks;
    }

    /** A granted block extending {@code parent}. */
    static Block next(Block parent) {
        long h = parent.height() + 1;
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i <= h % 3; i++) {
            commands.add(new Command(new UUID(h, i), "message", Target.all(),
                    Map.of("text", "block " + h + " command " + i), T0.plus(Duration.ofMinutes(10 + h))));
        }
        byte[] signature = new byte[Grant.SIGNATURE_LENGTH];
        signature[0] = (byte) h;
        Grant grant = new Grant(CHAIN_ID, "teacher", Role.TEACHER, Sha256.of(("batch " + h).getBytes()),
                new UUID(0, h), T0.plusSeconds(h), HOST.nodeId(), new UUID(0, h - 1), signature);
        Payload payload = Payload.granted(commands, grant);
        return CODEC.seal(header(h, parent.hash(), payload), payload);
    }

    private static BlockHeader header(long height, Hash previous, Payload payload) {
        return new BlockHeader(BlockHeader.CURRENT_VERSION, height, previous, T0.toEpochMilli() + 1000 * height,
                CODEC.payloadHash(payload), 8, height * 7919);
    }
}
