package org.classchain.samples;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.GenesisConfig;
import org.classchain.Grant;
import org.classchain.Receipt;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.chain.ChainState;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.store.FileBlockStore;
import org.classchain.core.store.RecordStore;
import org.classchain.core.validation.BlockValidator;
import picocli.CommandLine.Option;

/**
 * {@code classchain verify}: the audit log. Re-validates a stored chain from genesis with no
 * network and prints who granted what, when, to whom, and the receipts this peer holds; a data
 * dir altered by hand is pinpointed at its first bad block. Reads only: nothing is repaired.
 */
@picocli.CommandLine.Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Re-validate a peer's stored chain from genesis (no network) and print the command history.")
final class VerifyCommand implements Callable<Integer> {

    @Option(names = "--data-dir", required = true, description = "the peer's data dir")
    Path dataDir;

    @Option(names = "--quiet", description = "print only the verdict")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        if (!Files.exists(dataDir.resolve(FileBlockStore.FILE_NAME))) {
            throw new IOException("no chain in " + dataDir + " (no " + FileBlockStore.FILE_NAME + ")");
        }
        CanonicalJson json = new CanonicalJson();
        BlockCodec codec = new BlockCodec(json);
        ChainState chain;
        Optional<String> damage;
        try (FileBlockStore store = FileBlockStore.openReadOnly(dataDir, codec)) {
            try {
                chain = ChainState.load(new ReadOnly(store), new BlockValidator(codec, Clock.systemUTC()))
                        .orElseThrow(() -> new IOException("the chain file is empty"));
            } catch (IOException e) {
                out.println("INVALID: " + e.getMessage());
                return 2;
            }
            damage = store.damage();
        }
        Map<UUID, List<Receipt>> receipts = new HashMap<>();
        int forged = 0;
        Optional<RecordStore<Receipt>> rs = RecordStore.openReadOnly(dataDir, RecordStore.RECEIPTS,
                RecordStore.receipts());
        if (rs.isPresent()) {
            try (RecordStore<Receipt> r = rs.get()) {
                List<Receipt> all = new ArrayList<>();
                r.load(all::add);
                for (Receipt x : all) {
                    if (ReceiptSigner.verify(x)) {
                        receipts.computeIfAbsent(x.commandId(), k -> new ArrayList<>()).add(x);
                    } else {
                        forged++;
                    }
                }
            }
        }
        GenesisConfig g = chain.genesisConfig();
        Block head = chain.head();
        if (!quiet) {
            out.println("chain " + g.chainId() + ", genesis " + chain.genesis().hash().shortHex() + " at "
                    + Instant.ofEpochMilli(chain.genesis().header().timestampMillis()) + ", difficulty "
                    + g.difficultyBits() + " bits, teacher '" + g.teacher().username() + "'");
            for (Block b : chain.range(1, Integer.MAX_VALUE)) {
                Grant grant = b.payload().grant();
                out.println("#" + b.height() + " " + b.hash().shortHex() + " " + Instant.ofEpochMilli(
                        b.header().timestampMillis()) + " granted to '" + grant.username() + "' by host "
                        + grant.hostNodeId() + " at " + grant.issuedAt());
                for (Account a : b.payload().accounts()) {
                    out.println("    account " + a.username() + " (" + a.role() + ") hosted by "
                            + a.hostKeys().stream().map(k -> k.nodeId()).toList());
                }
                for (Command c : b.payload().commands()) {
                    out.println("    " + c.module() + " " + c.id() + " -> " + c.target() + " " + c.args()
                            + " until " + c.notAfter());
                    for (Receipt r : receipts.getOrDefault(c.id(), List.of())) {
                        out.println("        " + r.peerId() + " " + r.status() + " at " + r.at()
                                + (r.detail().isEmpty() ? "" : ": " + r.detail()));
                    }
                }
            }
        }
        out.println("OK: " + (head.height() + 1) + " blocks on the best chain (" + chain.blockCount()
                + " stored) validate from genesis; head #" + head.height() + " " + head.hash().shortHex()
                + "; " + receipts.values().stream().mapToInt(List::size).sum() + " receipts held");
        if (forged > 0) {
            out.println("WARNING: " + forged + " stored receipt(s) do not verify and were left out");
        }
        if (damage.isPresent()) {
            out.println("DAMAGED: " + damage.get() + " (a crash mid-write, or an edit by hand; the peer drops it "
                    + "at its next start and fetches the blocks again from its neighbours)");
        }
        return forged > 0 || damage.isPresent() ? 2 : 0;
    }

    /** Hands the stored blocks to the chain and refuses writes: verify changes nothing. */
    private record ReadOnly(FileBlockStore store) implements org.classchain.spi.BlockStore {
        @Override
        public void append(List<Block> blocks) throws IOException {
            throw new IOException("verify does not write");
        }

        @Override
        public void load(java.util.function.Consumer<Block> sink) throws IOException {
            store.load(sink);
        }

        @Override
        public void close() {
        }
    }
}
