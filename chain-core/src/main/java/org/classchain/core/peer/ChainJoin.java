package org.classchain.core.peer;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.GenesisConfig;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.Role;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.chain.ChainState;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.mining.Miner;
import org.classchain.core.validation.BlockValidator;
import org.classchain.core.validation.ValidationException;
import org.classchain.spi.BlockStore;
import org.classchain.wire.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a starting peer comes to follow a chain (DESIGN section 1, "Joining, exactly"): it resumes
 * the chain of its data dir, or downloads the chain a seed serves, or, with no seed, creates the
 * genesis block and becomes the TEACHER. A seed that does not answer, or answers without a chain,
 * is retried until the join timeout; a student never becomes the TEACHER of a chain of its own
 * unless told to. A seed, or a data dir, that holds another chain than the expected one is refused
 * at once. The chain it joins becomes the peer's before the download catches up on it. Used once,
 * by the starting thread.
 */
final class ChainJoin {

    private static final Logger LOG = LoggerFactory.getLogger(ChainJoin.class);

    private final PeerConfig config;
    private final NodeIdentity identity;
    private final BlockCodec codec;
    private final BlockStore store;
    private final BlockValidator validator;
    private final Random random;
    private final Handshakes handshakes;
    private final PeerBook book;
    private final CatchUp catchUp;
    private final Consumer<ChainState> follow;
    private final String name;

    /**
     * @param book the peers a resumed peer verified before its restart, greeted at once
     * @param catchUp downloads the chain a seed serves
     * @param follow makes a chain the peer's, before the download catches up on it
     */
    ChainJoin(PeerConfig config, NodeIdentity identity, BlockCodec codec, BlockStore store, BlockValidator validator,
              Random random, Handshakes handshakes, PeerBook book, CatchUp catchUp, Consumer<ChainState> follow,
              String name) {
        this.config = config;
        this.identity = identity;
        this.codec = codec;
        this.store = store;
        this.validator = validator;
        this.random = random;
        this.handshakes = handshakes;
        this.book = book;
        this.catchUp = catchUp;
        this.follow = follow;
        this.name = name;
    }

    /**
     * The chain this peer follows: {@code stored} (the data dir's) when there is one, else the
     * chain a seed serves, else a new one.
     *
     * @throws IOException when the data dir or a seed holds another chain than the expected one, a
     *                     seed refused this peer, or no seed served a chain in time
     */
    ChainState join(ChainState stored) throws IOException {
        if (stored != null) {
            return resume(stored);
        }
        if (config.seeds.isEmpty()) {
            if (config.expectedChain != null) { // told which class to join: never a new one in its place
                throw new IOException("this peer must join chain " + config.expectedChain + " but its data dir "
                        + "holds no chain and it has no seed to download it from");
            }
            return genesis();
        }
        long deadline = System.nanoTime() + config.joinTimeout.toNanos();
        long backoff = 250;
        int attempt = 0;
        boolean answeredWithoutChain = false;
        while (true) {
            for (String seed : config.seeds) {
                try {
                    Message.Welcome w = handshakes.greet(seed).get(10, TimeUnit.SECONDS);
                    if (w.chainId() == null) {
                        if (config.genesisIfUnreachable && config.expectedChain == null) {
                            LOG.info("seed {} answers but hosts no chain: creating the genesis block as asked", seed);
                            return genesis();
                        }
                        // a fresh peer (a classmate's, say): never a reason to become the TEACHER of a chain
                        LOG.info("seed {} hosts no chain yet: waiting for the teacher's chain (try {})", seed, ++attempt);
                        answeredWithoutChain = true;
                        continue;
                    }
                    if (!expected(w.chainId(), w.genesisHash())) {
                        throw new IOException("seed " + seed + " serves " + describe(w.chainId(), w.genesisHash())
                                + ", not the expected chain " + config.expectedChain);
                    }
                    ChainState c = download(seed, w);
                    if (!expected(c.chainId(), c.genesis().hash())) {
                        throw new IOException("seed " + seed + " serves " + describe(c.chainId(), c.genesis().hash())
                                + ", not the expected chain " + config.expectedChain);
                    }
                    return c;
                } catch (ExecutionException | TimeoutException e) {
                    Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                    if (cause instanceof Handshakes.Refused refused) {
                        throw new IOException("seed " + seed + " refused this peer: " + refused.getMessage());
                    }
                    if (cause instanceof IllegalArgumentException) { // not an address this transport can call
                        throw new IOException("seed " + seed + " cannot be called: " + cause.getMessage());
                    }
                    LOG.warn("seed {} does not answer yet ({}); try {}; retrying in {} ms", seed, cause.toString(),
                            ++attempt, backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while joining", e);
                }
            }
            if (System.nanoTime() > deadline) {
                if (answeredWithoutChain) {
                    throw new IOException("no seed served a chain within " + seconds(config.joinTimeout) + " ("
                            + config.seeds + "), still waiting for the teacher's chain: start the teacher's peer first, "
                            + "check the address, or pass --genesis-if-unreachable to create a new chain");
                }
                if (config.genesisIfUnreachable && config.expectedChain == null) {
                    LOG.warn("no seed answered within {}; creating a new chain as asked", seconds(config.joinTimeout));
                    return genesis();
                }
                throw new IOException("no seed answered within " + seconds(config.joinTimeout) + " (" + config.seeds
                        + "). A student never starts a chain of its own: start the teacher's peer first, check the "
                        + "address, or pass --genesis-if-unreachable to create a new chain");
            }
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while joining", e);
            }
            backoff = Math.min(backoff * 2, 5000);
        }
    }

    /** Downloads the chain a seed serves: its genesis block, then a catch-up from the seed. */
    private ChainState download(String seed, Message.Welcome w) throws IOException {
        Block genesis = catchUp.genesis(seed);
        if (!genesis.hash().equals(w.genesisHash())) {
            throw new IOException("seed " + seed + " sent a genesis block that is not the one it announced");
        }
        ChainState chain;
        try {
            chain = ChainState.create(genesis, store, validator);
        } catch (ValidationException e) {
            throw new IOException("seed " + seed + " sent an invalid genesis block: " + e.getMessage(), e);
        }
        LOG.info("peer {} joins chain {} through {} (its height {})", name, chain.chainId(), seed,
                w.head() == null ? 0 : w.head().height());
        follow.accept(chain);
        catchUp.run(seed, w.head());
        return chain;
    }

    private ChainState resume(ChainState stored) throws IOException {
        if (!expected(stored.chainId(), stored.genesis().hash())) {
            throw new IOException("the data dir " + config.dataDir + " holds " + describe(stored.chainId(),
                    stored.genesis().hash()) + ", not the expected chain " + config.expectedChain
                    + "; this peer keeps it and does not start");
        }
        LOG.info("peer {} resumes chain {} at height {} from {}", name, stored.chainId(), stored.headInfo().height(),
                config.dataDir);
        config.seeds.forEach(handshakes::greetQuietly);
        book.load().forEach(k -> handshakes.greetQuietly(k.address())); // the room it knew, greeted at once
        return stored;
    }

    private ChainState genesis() throws IOException {
        if (config.username == null || config.password == null) {
            throw new IOException("this peer would create a new chain and become its TEACHER, but no teacher username "
                    + "and password were given");
        }
        byte[] id = new byte[8];
        config.random.nextBytes(id);
        GenesisConfig gc = new GenesisConfig(HexFormat.of().formatHex(id), config.difficultyBits,
                new Account(config.username, Role.TEACHER, List.of(identity.publicKey())), config.pinnedFingerprints);
        Payload payload = Payload.genesis(gc);
        BlockHeader template = new BlockHeader(BlockHeader.CURRENT_VERSION, 0, Hash.ZERO, config.clock.millis(),
                codec.payloadHash(payload), config.difficultyBits, random.nextLong());
        Block genesis = codec.seal(new Miner().mine(template, () -> false).orElseThrow(), payload);
        ChainState created;
        try {
            created = ChainState.create(genesis, store, validator);
        } catch (ValidationException e) {
            throw new IllegalStateException("our own genesis block is invalid: " + e.getMessage(), e);
        }
        LOG.info("peer {} created chain {} (genesis {}) as TEACHER '{}'", name, gc.chainId(), genesis.hash().shortHex(),
                config.username);
        return created;
    }

    /** Whether a chain is the one this peer was told to join (any, when it was told none). */
    private boolean expected(String chainId, Hash genesisHash) {
        String e = config.expectedChain;
        return e == null || e.equalsIgnoreCase(chainId) || genesisHash != null && e.equalsIgnoreCase(genesisHash.hex());
    }

    /** {@code 60 s}, {@code 0.5 s}. */
    private static String seconds(Duration d) {
        return BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private static String describe(String chainId, Hash genesisHash) {
        return "chain " + chainId + (genesisHash == null ? "" : " (genesis " + genesisHash.hex() + ")");
    }
}
