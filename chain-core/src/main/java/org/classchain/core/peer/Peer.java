package org.classchain.core.peer;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.classchain.Account;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Chain;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.GenesisConfig;
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.NodeKey;
import org.classchain.Payload;
import org.classchain.PeerInfo;
import org.classchain.PeerListener;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.Role;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.chain.ChainState;
import org.classchain.core.chain.Reorg;
import org.classchain.core.dispatch.Dispatcher;
import org.classchain.core.dispatch.ExecutionLog;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.exec.Lane;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.mining.Miner;
import org.classchain.core.store.DataDirLock;
import org.classchain.core.store.FileBlockStore;
import org.classchain.core.store.Journal;
import org.classchain.core.store.MemoryBlockStore;
import org.classchain.core.store.RecordStore;
import org.classchain.core.validation.BlockValidator;
import org.classchain.spi.BlockStore;
import org.classchain.spi.Message;
import org.classchain.spi.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A classroom peer: follows one chain, validates and relays blocks, mines granted batches,
 * hosts accounts (the teacher's on the genesis creator), relays sign-ins to account hosts and
 * executes the commands that target it.
 *
 * <p>Embedding takes a transport and a data dir:
 * <pre>{@code
 * Peer peer = Peer.builder().dataDir(dir).transport(transport).seed("http://teacher:8080").build();
 * peer.start();
 * }</pre>
 * {@link #start()} joins (or creates) the chain and returns when the peer serves; {@link #close()}
 * stops every thread it started. Thread-safe.
 */
public final class Peer implements AutoCloseable {

    /** The default proof-of-work difficulty: a mean of about 15 ms on one core here. */
    public static final int DEFAULT_DIFFICULTY_BITS = 17;
    /** How many hops a relayed sign-in may take. */
    static final int RELAY_HOPS = 6;
    /** The longest interval, in ticks, between two head comparisons while nothing happens. */
    static final int MAX_HEAD_CHECK_TICKS = 4;
    /** How often, in ticks, a peer short of neighbours tries again the peers that failed. */
    static final int RETRY_FAILING_TICKS = 10;
    /** Module names an unknown-module refusal lists at most (a student may say it has hundreds). */
    static final int MODULES_NAMED = 40;

    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

    private final PeerConfig config;
    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private final Clock clock;
    private final Random random;
    private final List<PeerListener> listeners;
    private final Set<String> signedInUsers = ConcurrentHashMap.newKeySet();
    private final ReceiptBook receipts = new ReceiptBook();
    private final ReceiptCourier outbox = new ReceiptCourier();
    private final AtomicBoolean flushing = new AtomicBoolean();
    private final Cache<Hash, Boolean> relayed = CacheBuilder.newBuilder().maximumSize(50_000).build();
    private long ticks;
    /**
     * Heads are compared with a neighbour every {@code headCheckEvery} ticks: every tick after
     * anything happened, backing off to {@link #MAX_HEAD_CHECK_TICKS} while they agree. Gossip
     * brings blocks; the comparison only catches what it lost, and an idle classroom computer should
     * cost next to no CPU.
     */
    private volatile int headCheckEvery = 1;
    private volatile long nextHeadCheck;
    private final Cache<UUID, Boolean> relaysSeen = CacheBuilder.newBuilder().maximumSize(50_000)
            .expireAfterWrite(Duration.ofMinutes(10)).build();
    private final Object acceptLock = new Object();
    private final Penalties penalties;
    private final GrantOrder grantOrder = new GrantOrder(() -> this.chain);

    private DataDirLock lock;
    private NodeIdentity identity;
    private BlockStore store;
    private BlockValidator validator;
    private volatile ChainState chain;
    private Journal journal;
    private RecordStore<Receipt> receiptStore;
    private RecordStore<Payload> grantedStore;
    private CredentialStore credentials;
    private AccountHost accountHost;
    private volatile Dispatcher dispatcher;
    private volatile BlockProducer producer;
    private volatile Accounts accounts;
    private PeerDirectory directory;
    private PeerBook book;
    private Handshakes handshakes;
    private ReceiptAdmission admission;
    private CatchUp catchUp;
    /** The teacher's host this student last greeted successfully (so that it knows this computer). */
    private volatile String introducedAt;
    private PeerThreads threads;
    private Lane events;
    private Lane ticker;
    private String name;
    private volatile long clockSkewMillis;
    private volatile boolean closed;

    private Peer(PeerConfig config) {
        this.config = config;
        this.clock = config.clock;
        this.random = new Random(config.random.nextLong());
        this.listeners = List.copyOf(config.listeners);
        this.penalties = new Penalties(config.clock);
    }

    /** A builder with classroom defaults. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Opens the data dir, starts the transport, and joins the chain through the seeds (or creates
     * the genesis block and becomes the TEACHER when there is no seed, or when told to by
     * {@link Builder#genesisIfUnreachable}). A seed that hosts no chain is waited for, like one that
     * does not answer; a seed of another chain than the {@link Builder#expectChain expected} one is
     * refused at once. A failed start removes the data dir if it created it.
     *
     * @throws IOException when the data dir cannot be used or holds another chain than the expected
     *                     one, a seed serves another chain, or no seed served a chain in time (a
     *                     student never silently starts a chain of its own)
     */
    public synchronized void start() throws IOException {
        Path dir = config.dataDir;
        Set<Path> existing = dir == null ? Set.of() : entries(dir);
        try {
            startUp();
        } catch (IOException | RuntimeException e) {
            close(); // what was opened or started so far: the data dir's lock, the transport, threads
            if (dir != null) {
                removeCreated(dir, existing); // a refused class leaves no half-made peer behind
            }
            throw e;
        }
    }

    /** The entries of {@code dir}, or null when it does not exist. */
    private static Set<Path> entries(Path dir) {
        if (!Files.isDirectory(dir)) {
            return null;
        }
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes what a failed start added to {@code dir}: the whole dir when it did not exist before. */
    private void removeCreated(Path dir, Set<Path> existing) {
        if (existing != null && existing.isEmpty() && !Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                boolean kept = existing != null && (f.equals(dir) || existing.stream().anyMatch(f::startsWith));
                if (!kept) {
                    Files.deleteIfExists(f);
                }
            }
        } catch (IOException e) {
            LOG.warn("could not remove what this failed start created in {}: {}", dir, e.toString());
        }
    }

    /** Whether a chain is the one this peer was told to join (any, when it was told none). */
    private boolean expected(String chainId, Hash genesisHash) {
        String e = config.expectedChain;
        return e == null || e.equalsIgnoreCase(chainId) || genesisHash != null && e.equalsIgnoreCase(genesisHash.hex());
    }

    private static String describe(String chainId, Hash genesisHash) {
        return "chain " + chainId + (genesisHash == null ? "" : " (genesis " + genesisHash.hex() + ")");
    }

    private void startUp() throws IOException {
        Path dir = config.dataDir;
        PasswordPolicy policy = config.passwordPolicy != null ? config.passwordPolicy : PasswordPolicy.DEFAULT;
        if (dir != null) {
            lock = DataDirLock.acquire(dir);
            identity = NodeIdentity.loadOrCreate(dir, config.random);
            store = config.blockStore != null ? config.blockStore : FileBlockStore.open(dir, codec);
            journal = Journal.open(dir);
            receiptStore = RecordStore.open(dir, RecordStore.RECEIPTS, RecordStore.receipts(json));
            receiptStore.load(receipts::add);
            grantedStore = RecordStore.open(dir, RecordStore.GRANTED, RecordStore.batches(json));
            credentials = CredentialStore.open(dir, policy, config.random);
        } else {
            identity = NodeIdentity.generate(config.random);
            store = config.blockStore != null ? config.blockStore : new MemoryBlockStore();
            credentials = CredentialStore.inMemory(policy, config.random);
        }
        name = identity.nodeId().substring(0, 8);
        warnOfUnknownPolicyNames();
        validator = new BlockValidator(codec, clock);
        chain = ChainState.load(store, validator).orElse(null);
        accountHost = new AccountHost(credentials, identity, json, clock, config.random,
                () -> chain == null ? null : chain.chainId(), this::onSignIn, grantOrder);
        threads = config.threads != null ? config.threads : PeerThreads.dedicated();
        events = threads.lane("events", name, false);
        config.transport.start(this::handle);
        directory = new PeerDirectory(config.transport.localAddress(), config.maxNeighbours, clock);
        handshakes = new Handshakes(identity, config.transport, directory, config.fingerprint, random, () -> chain, name);
        admission = new ReceiptAdmission(json, () -> chain, directory, () -> Set.copyOf(signedInUsers), identity.nodeId());
        catchUp = new CatchUp(config.transport, directory, () -> chain,
                (blocks, from) -> accept(blocks, new ChainState.Source(from, true), from, false), clock, threads, name);
        config.seeds.forEach(directory::learn);
        book = new PeerBook(dir);
        if (chain == null) {
            join();
        } else {
            if (!expected(chain.chainId(), chain.genesis().hash())) {
                throw new IOException("the data dir " + dir + " holds " + describe(chain.chainId(), chain.genesis().hash())
                        + ", not the expected chain " + config.expectedChain + "; this peer keeps it and does not start");
            }
            LOG.info("peer {} resumes chain {} at height {} from {}", name, chain.chainId(), chain.headInfo().height(), dir);
            for (String seed : config.seeds) {
                hello(seed).exceptionally(e -> null);
            }
            book.load().forEach(a -> hello(a).exceptionally(e -> null)); // the room it knew, greeted at once
        }
        producer = new BlockProducer(chain, codec, clock, this::acceptMined, new BlockProducer.Regrants() {
            @Override
            public boolean grantedHere(org.classchain.Grant grant) {
                return grant.hostNodeId().equals(identity.nodeId());
            }

            @Override
            public Optional<Payload> regrant(Payload batch) {
                return Peer.this.regrant(batch);
            }

            @Override
            public Optional<Payload> refused(Payload batch) {
                grantOrder.lostPlace(batch.grant().grantId());
                boolean retried = batch.commands().stream().anyMatch(c -> chain.heightOfCommand(c.id()).isPresent());
                return retried ? Peer.this.regrant(batch) : Optional.empty();
            }
        },
                threads.lane("miner", name, true)); // a search holds its thread for its whole length
        accounts = new Accounts(config, identity, chain, credentials, accountHost, producer, directory, signedInUsers,
                this::teacherHostAddress, this::lookForPeers, name);
        ensureTeacherCredential();
        accounts.ensureOwnAccount();
        warnOfRetiredTeacherHosts();
        if (grantedStore != null) {
            // batches granted here before a stop: mined again after the grace unless already on the chain
            grantedStore.load(p -> {
                if (chain.heightOfGrant(p.grant().grantId()).isEmpty()) {
                    producer.remember(p);
                    if (p.grant().hostNodeId().equals(identity.nodeId()) && !p.grant().isLegacy()) {
                        grantOrder.issued(p.grant()); // the next grant follows these, in the order they were issued
                    }
                }
            });
        }
        producer.start();
        dispatcher = buildDispatcher();
        dispatcher.submit(chain.range(1, Integer.MAX_VALUE).stream().flatMap(b -> b.payload().commands().stream()).toList());
        ticker = threads.every(config.tick, "tick", name, this::tick);
        LOG.info("peer {} started as {} on chain {} at {} (height {})", name, role(), chain.chainId(), address(),
                chain.headInfo().height());
    }

    /** A deny or allow list naming a module not installed here is most likely a typo: it refuses or allows nothing. */
    private void warnOfUnknownPolicyNames() {
        List<String> installed = modules().names();
        Set<String> unknown = config.policy.unknownNames(installed);
        if (!unknown.isEmpty()) {
            LOG.warn("peer {}: the local policy ({}) names {}, but there is no module installed here by that name "
                    + "(installed: {})", name, config.policy, String.join(", ", unknown), String.join(", ", installed));
        }
    }

    /**
     * Hosts of the teacher's account that a sign-in at their console made hosts (before devices
     * were enrolled explicitly) sign nothing any more: say so, and drop the teacher's credential
     * if this computer is one of them.
     */
    private void warnOfRetiredTeacherHosts() {
        Set<String> retired = chain.retiredTeacherHosts();
        if (retired.isEmpty()) {
            return;
        }
        String teacher = chain.genesisConfig().teacher().username();
        LOG.warn("peer {}: {} became host(s) of '{}' by a sign-in at their console, not by enrollment; their grants "
                + "are no longer accepted (enroll the teacher's own devices again)", name, retired, teacher);
        if (retired.contains(identity.nodeId()) && credentials.find(teacher).isPresent()) {
            LOG.warn("peer {}: this computer is one of them: it no longer hosts '{}'", name, teacher);
            try {
                credentials.remove(teacher);
            } catch (IOException e) {
                LOG.warn("peer {}: could not remove the credential of '{}': {}", name, teacher, e.toString());
            }
        }
    }

    /** Grants again, at the end of the chain, a batch this host granted whose place another host's grants took. */
    private Optional<Payload> regrant(Payload old) {
        if (!old.grant().hostNodeId().equals(identity.nodeId()) || !accountHost.hosts(old.grant().username())) {
            return Optional.empty();
        }
        grantOrder.lostPlace(old.grant().grantId());
        Optional<AccountHost.Regranted> again = accountHost.regrant(old.grant(), old.commands(), old.accounts(),
                id -> chain.heightOfCommand(id).isPresent());
        if (again.isEmpty()) {
            return Optional.empty();
        }
        Payload batch = new Payload(again.get().commands(), again.get().accounts(), again.get().grant(), null);
        if (grantedStore != null) {
            try {
                synchronized (grantedStore) {
                    grantedStore.append(List.of(batch));
                }
            } catch (IOException e) {
                LOG.warn("peer {}: could not store granted batch {}: {}", name, batch.grant().grantId(), e.toString());
            }
        }
        return Optional.of(batch);
    }

    private Dispatcher buildDispatcher() {
        ExecutionLog log = journal == null ? new MemoryExecutionLog() : new ExecutionLog() {
            @Override
            public boolean begin(UUID commandId) throws IOException {
                return journal.begin(commandId);
            }

            @Override
            public void complete(UUID commandId, org.classchain.ReceiptStatus status) throws IOException {
                journal.complete(commandId, status);
            }
        };
        ModuleRegistry modules = modules();
        Dispatcher.Builder b = Dispatcher.builder().identity(identity).role(this::role)
                .signedInUsers(() -> Set.copyOf(signedInUsers)).registry(modules).policy(config.policy).log(log)
                .clock(clock).signer(new ReceiptSigner(identity, json)).receipts(this::onReceipt).threads(threads);
        for (Map.Entry<Class<?>, Object> e : config.services.entrySet()) {
            addService(b, e.getKey(), e.getValue());
        }
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static <T> void addService(Dispatcher.Builder b, Class<T> type, Object impl) {
        b.service(type, (T) impl);
    }

    private ModuleRegistry modules() {
        if (config.modules == null) {
            config.modules = ModuleRegistry.load(Peer.class.getClassLoader(), config.modsDir);
        }
        return config.modules;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (ticker != null) {
            ticker.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (handshakes != null) {
            handshakes.close();
        }
        config.transport.close();
        if (dispatcher != null) {
            dispatcher.close();
        }
        if (catchUp != null) {
            catchUp.close();
        }
        if (events != null) {
            events.close();
        }
        // each on its own, so that one that fails does not keep the others (the lock last) open
        closeQuietly(store);
        closeQuietly(journal);
        closeQuietly(receiptStore);
        closeQuietly(grantedStore);
        closeQuietly(lock);
        if (name != null) { // null: refused before it had an identity (a locked data dir), nothing ran
            LOG.info("peer {} stopped", name);
        }
    }

    private void closeQuietly(AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("peer {}: closing {} failed: {}", name, c.getClass().getSimpleName(), e.toString());
        }
    }

    // ------------------------------------------------------------------ joining

    private void join() throws IOException {
        if (config.seeds.isEmpty()) {
            genesis();
            return;
        }
        long deadline = System.nanoTime() + config.joinTimeout.toNanos();
        long backoff = 250;
        int attempt = 0;
        boolean answeredWithoutChain = false;
        while (true) {
            for (String seed : config.seeds) {
                try {
                    Message.Welcome w = hello(seed).get(10, TimeUnit.SECONDS);
                    if (w.chainId() == null) {
                        if (config.genesisIfUnreachable && config.expectedChain == null) {
                            LOG.info("seed {} answers but hosts no chain: creating the genesis block as asked", seed);
                            genesis();
                            return;
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
                    download(seed, w);
                    if (!expected(chain.chainId(), chain.genesis().hash())) {
                        throw new IOException("seed " + seed + " serves " + describe(chain.chainId(), chain.genesis().hash())
                                + ", not the expected chain " + config.expectedChain);
                    }
                    return;
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
                    genesis();
                    return;
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

    /** {@code 60 s}, {@code 0.5 s}. */
    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString() + " s";
    }

    private void genesis() throws IOException {
        if (config.username == null || config.password == null) {
            throw new IOException("this peer would create a new chain and become its TEACHER, but no teacher username "
                    + "and password were given");
        }
        byte[] id = new byte[8];
        config.random.nextBytes(id);
        GenesisConfig gc = new GenesisConfig(HexFormat.of().formatHex(id), config.difficultyBits,
                new Account(config.username, Role.TEACHER, List.of(identity.publicKey())), config.pinnedFingerprints);
        Payload payload = Payload.genesis(gc);
        BlockHeader template = new BlockHeader(BlockHeader.CURRENT_VERSION, 0, Hash.ZERO, clock.millis(),
                codec.payloadHash(payload), config.difficultyBits, random.nextLong());
        Block genesis = codec.seal(new Miner().mine(template, () -> false).orElseThrow(), payload);
        try {
            chain = ChainState.create(genesis, store, validator);
        } catch (org.classchain.core.validation.ValidationException e) {
            throw new IllegalStateException("our own genesis block is invalid: " + e.getMessage(), e);
        }
        LOG.info("peer {} created chain {} (genesis {}) as TEACHER '{}'", name, gc.chainId(), genesis.hash().shortHex(),
                config.username);
    }

    private void ensureTeacherCredential() throws IOException {
        Account teacher = chain.genesisConfig().teacher();
        if (teacher.isHostedBy(identity.nodeId()) && credentials.find(teacher.username()).isEmpty()) {
            if (config.password == null) {
                throw new IOException("this peer hosts the TEACHER account '" + teacher.username()
                        + "' but has no credential for it and no password was given");
            }
            credentials.create(teacher.username(), config.password, Role.TEACHER);
        }
    }

    /** Asks a few peers whose node id is unknown who they are (a host's address is looked for). */
    private void lookForPeers() {
        directory.unidentified().stream().limit(3).forEach(a -> hello(a).exceptionally(e -> null));
    }

    /**
     * A student greets a host of the teacher's account until one answered, so that the host calls
     * it back and knows it: its row in the room, and its receipts kept.
     */
    private void introduce() {
        if (role() == Role.TEACHER) {
            return;
        }
        teacherHostAddress().filter(a -> !a.equals(introducedAt)).ifPresent(a -> hello(a).exceptionally(e -> null));
    }

    /**
     * Someone signed in at a peer through a session this peer hosts: the roster, and perhaps a
     * backup of a student's account ({@link Accounts#onSignIn}); never a change of role.
     */
    private void onSignIn(AccountHost.SignIn signIn) {
        Accounts a = accounts;
        if (events != null && a != null) {
            events.execute(() -> a.onSignIn(signIn));
        }
    }

    /** Whether this peer holds the credential of {@code username} (it can host sign-ins for it). */
    boolean holdsCredential(String username) {
        return credentials.find(username).isPresent();
    }

    private void download(String seed, Message.Welcome w) throws IOException {
        Block genesis = catchUp.genesis(seed);
        if (!genesis.hash().equals(w.genesisHash())) {
            throw new IOException("seed " + seed + " sent a genesis block that is not the one it announced");
        }
        try {
            chain = ChainState.create(genesis, store, validator);
        } catch (org.classchain.core.validation.ValidationException e) {
            throw new IOException("seed " + seed + " sent an invalid genesis block: " + e.getMessage(), e);
        }
        LOG.info("peer {} joins chain {} through {} (its height {})", name, chain.chainId(), seed,
                w.head() == null ? 0 : w.head().height());
        catchUp.run(seed, w.head());
    }

    // ------------------------------------------------------------------ chain updates

    /** Accepts blocks under the accept lock and queues their consequences, in chain order. */
    private ChainState.Result accept(List<Block> blocks, ChainState.Source source, String from, boolean relay) {
        ChainState.Result r;
        synchronized (acceptLock) {
            r = chain.acceptAll(blocks, source);
            ChainState.Result result = r;
            if (!r.added().isEmpty()) {
                events.execute(() -> afterAccept(result, from, relay));
            }
        }
        return r;
    }

    private boolean acceptMined(Block block) {
        ChainState.Result r = accept(List.of(block), ChainState.Source.LOCAL, null, true);
        if (r.status() == ChainState.Status.INVALID) {
            if (r.rule() == org.classchain.core.validation.Rule.COMMAND
                    || r.rule() == org.classchain.core.validation.Rule.GRANT_REPLAYED) {
                LOG.info("peer {}: batch {} repeats what the chain already has (a client retried); dropped: {}", name,
                        block.payload().grant().grantId(), r.reason());
            } else {
                LOG.warn("peer {} mined an invalid block, dropping its batch: {}", name, r.reason());
            }
        }
        return r.status() == ChainState.Status.ADDED;
    }

    private void afterAccept(ChainState.Result r, String from, boolean relay) {
        // during the first catch-up of start() there is no producer or dispatcher yet: start()
        // hands the whole chain to the dispatcher once it exists (the journal skips what ran)
        BlockProducer producer = this.producer;
        Dispatcher dispatcher = this.dispatcher;
        for (Reorg reorg : r.reorgs()) {
            for (Block b : reorg.detached()) {
                if (producer != null) {
                    producer.detached(b);
                }
                listeners.forEach(l -> safely(() -> l.blockDetached(b)));
            }
            for (Block b : reorg.attached()) {
                if (relay) {
                    LOG.info("peer {}: block #{} {} with {} command(s){}", name, b.height(), b.hash().shortHex(),
                            b.payload().commands().size(), reorg.detached().isEmpty() ? "" : " (reorg)");
                }
                if (dispatcher != null) {
                    dispatcher.submit(b.payload().commands());
                }
                listeners.forEach(l -> safely(() -> l.blockAppended(b)));
            }
        }
        if (!r.reorgs().isEmpty()) {
            if (producer != null) {
                producer.headChanged();
            }
            headActivity();
            if (relay) {
                List<Block> attached = r.reorgs().get(r.reorgs().size() - 1).attached();
                if (!attached.isEmpty()) {
                    judgeClock(attached.get(attached.size() - 1));
                }
            }
        }
        if (relay) {
            for (Block b : r.added()) {
                announce(b, from);
            }
        }
    }

    /**
     * Judges this machine's clock against the time a host of the teacher's account signed the grant
     * of a block that just became the head by announcement: a time no student can forge (a header
     * timestamp is whatever its miner chose, up to two minutes ahead). A relay that holds a grant
     * back only makes this clock look ahead, and the host mines the batch itself after a few
     * seconds. The skew is shown and logged; nothing of the peer's (expiry, stamps, timers) uses it.
     */
    private void judgeClock(Block head) {
        org.classchain.Grant grant = head.payload().grant();
        if (grant == null || !chain.head().hash().equals(head.hash())) {
            return;
        }
        long skew = clock.millis() - grant.issuedAt().toEpochMilli();
        boolean wasOff = Math.abs(clockSkewMillis) > 60_000;
        clockSkewMillis = skew;
        if (Math.abs(skew) > 60_000 && !wasOff) {
            LOG.warn("peer {}: this machine's clock is {} s off the teacher's host (its latest grant); commands "
                    + "expire by this clock", name, skew / 1000);
        } else if (Math.abs(skew) <= 60_000 && wasOff) {
            LOG.info("peer {}: this machine's clock agrees with the teacher's host again", name);
        }
    }

    private void announce(Block b, String except) {
        if (relayed.asMap().putIfAbsent(b.hash(), Boolean.TRUE) != null) {
            return;
        }
        Message.BlockAnnouncement msg = new Message.BlockAnnouncement(b, address());
        for (String n : directory.neighbours()) {
            if (n.equals(except)) {
                continue;
            }
            config.transport.send(n, msg).whenComplete((reply, err) -> {
                if (err != null) {
                    directory.failed(n);
                } else {
                    directory.seen(n);
                }
            });
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("a peer listener failed: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ maintenance

    private void tick() {
        try {
            producer.sweep(config.remineAfter.toMillis());
            handshakes.expire();
            outbox.newPass(clock.instant());
            flushReceipts();
            ticks++;
            if (ticks % 5 == 1) {
                accounts.registerOwnAccount();
                introduce();
                accounts.fetchCredentials();
                accounts.dropStaleCredentials();
                book.save(directory.infos());
            }
            accounts.flush();
            if (ticks % 3 == 0 && role() == Role.TEACHER) {
                pollRoster();
            }
            // peers that failed (gone, perhaps for good) are tried again only now and then
            boolean retryFailing = ticks % RETRY_FAILING_TICKS == 0;
            if (directory.hasRoom()) {
                for (String c : directory.candidates(random, retryFailing).stream().limit(2).toList()) {
                    hello(c).exceptionally(e -> null);
                }
            }
            if (ticks < nextHeadCheck) {
                return;
            }
            List<String> neighbours = directory.neighbours();
            if (neighbours.isEmpty()) {
                // no neighbour left: compare heads with anyone we know
                neighbours = directory.reachable(retryFailing);
                if (neighbours.isEmpty()) {
                    return;
                }
            }
            neighbours = catchUp.idle(neighbours); // not caught up from now, nor backed off
            if (neighbours.isEmpty()) {
                return;
            }
            String n = neighbours.get(random.nextInt(neighbours.size()));
            nextHeadCheck = ticks + headCheckEvery;
            config.transport.send(n, new Message.GetHead()).whenComplete((reply, err) -> {
                if (err != null) {
                    directory.failed(n);
                    headActivity();
                    return;
                }
                directory.seen(n);
                if (reply instanceof Message.HeadReply h && h.head() != null
                        && (h.head().mayBeBetterThan(chain.headInfo()) && !chain.contains(h.head().hash())
                            && !chain.refusedCopy(h.head().hash()) || !chain.missingParents().isEmpty())) {
                    headActivity();
                    catchUp.start(n, h.head());
                } else {
                    // the same head (or a worse one): nothing was missed, ask less often while it stays so
                    headCheckEvery = Math.min(headCheckEvery * 2, MAX_HEAD_CHECK_TICKS);
                }
            });
        } catch (RuntimeException e) {
            LOG.warn("peer {}: maintenance failed: {}", name, e.toString());
        }
    }

    /** Something happened (a block, a better head, a failure): compare heads at every tick again. */
    private void headActivity() {
        headCheckEvery = 1;
        nextHeadCheck = 0;
    }

    /** The teacher's host asks a few known peers at a time who is signed in there: the roster. */
    private void pollRoster() {
        for (String address : directory.nextToPoll(8)) {
            config.transport.send(address, new Message.GetStatus()).whenComplete((reply, err) -> {
                if (reply instanceof Message.StatusReply st) {
                    directory.seen(address); // a status proves nothing about who answers
                    directory.heard(address, st.status().users(), st.status().modules());
                } else if (err != null) {
                    directory.failed(address);
                }
            });
        }
    }

    /** Greets {@code address} (see {@link Handshakes#greet}), noting when it is a host of the teacher's account. */
    private CompletableFuture<Message.Welcome> hello(String address) {
        return handshakes.greet(address).thenApply(w -> {
            ChainState c = chain;
            if (c != null && teacherAccount(c).isHostedBy(w.nodeId()) && directory.addressOf(w.nodeId()).isPresent()) {
                introducedAt = address;
            }
            return w;
        });
    }

    // ------------------------------------------------------------------ requests

    /**
     * Answers a request from another peer or a client: what the transport calls. Never throws;
     * a refusal is a {@link Message.Rejected}.
     */
    public CompletableFuture<Message> handle(String from, Message request) {
        try {
            if (handshakes == null) {
                return done(Message.Rejected.of(503, "this peer is starting"));
            }
            if (chain == null && !(request instanceof Message.Hello)) {
                return done(Message.Rejected.of(503, "this peer has not joined a chain yet"));
            }
            if (accounts == null && (request instanceof Message.RegisterAccount || request instanceof Message.GetAccounts
                    || request instanceof Message.CredentialRequest)) {
                return done(Message.Rejected.of(503, "this peer is still starting"));
            }
            if (request instanceof Message.BlockAnnouncement a
                    && penalties.banned(Penalties.key(from, a.senderAddress()))) {
                return done(Message.Rejected.of(403, "disconnected for a while: this peer sent invalid blocks"));
            }
            if (request instanceof Message.AuthRelay && !penalties.relayAllowed(Penalties.key(from, null))) {
                return done(new Message.Rejected(429, "too many relays from this peer", 1));
            }
            if (request instanceof Message.Hello h) {
                return onHello(h, from);
            } else if (request instanceof Message.BlockAnnouncement a) {
                return done(onBlock(a, from));
            } else if (request instanceof Message.GetBlocks g) {
                return done(g.from() < 0 || g.limit() < 1
                        ? Message.Rejected.of(400, "from must be >= 0 and limit >= 1")
                        : new Message.Blocks(chain.range(g.from(), Math.min(g.limit(), 1000))));
            } else if (request instanceof Message.GetBlock g) {
                return done(new Message.Blocks(chain.block(g.hash()).stream().toList()));
            } else if (request instanceof Message.GetHead) {
                return done(new Message.HeadReply(chain.headInfo()));
            } else if (request instanceof Message.Receipts r) {
                return done(onReceipts(r));
            } else if (request instanceof Message.AuthRelay r) {
                return onRelay(r, from);
            } else if (request instanceof Message.LoginRequest l) {
                return routeAuth(l, from).thenApply(reply -> {
                    if (reply instanceof Message.Ack && identity.nodeId().equals(l.peerNodeId())) {
                        signedInUsers.add(l.username());
                        LOG.info("peer {}: '{}' signed in here", name, l.username());
                    }
                    return reply;
                });
            } else if (request instanceof Message.AuthRequest a) {
                return routeAuth(a, from);
            } else if (request instanceof Message.SubmitBatch s) {
                return submit(s.request(), from);
            } else if (request instanceof Message.GetStatus) {
                return done(new Message.StatusReply(status()));
            } else if (request instanceof Message.ViewCheck v) {
                return done(onViewCheck(v));
            } else if (request instanceof Message.GetCommand c) {
                return done(new Message.CommandReply(report(c.id())));
            } else if (request instanceof Message.GetModules) {
                return done(new Message.ModulesReply(modules().describe(config.policy)));
            } else if (request instanceof Message.CredentialRequest r) {
                return done(accounts.onCredentialRequest(r));
            } else if (request instanceof Message.RegisterAccount r) {
                return done(accounts.onRegister(r, from));
            } else if (request instanceof Message.GetAccounts) {
                return done(accounts.list());
            } else if (request instanceof Message.GetPeers) {
                return done(new Message.PeersReply(peers()));
            }
            return done(Message.Rejected.of(400, "a peer does not accept " + request.getClass().getSimpleName()
                    + " as a request"));
        } catch (RuntimeException e) {
            LOG.warn("peer {}: request {} failed: {}", name, request.getClass().getSimpleName(), e.toString());
            return done(Message.Rejected.of(500, "internal error"));
        }
    }

    private static CompletableFuture<Message> done(Message m) {
        return CompletableFuture.completedFuture(m);
    }

    private CompletableFuture<Message> onHello(Message.Hello h, String from) {
        if (!h.publicKey().nodeId().equals(h.nodeId())) {
            return done(Message.Rejected.of(400, "node id " + h.nodeId() + " is not derived from the given key"));
        }
        if (!Handshakes.signedBy(h.publicKey(), helloBytes(h.address(), h.fingerprint()), h.signature())) {
            return done(Message.Rejected.of(401, "the handshake is not signed by the node key it names"));
        }
        if (chain != null) {
            List<String> pinned = chain.genesisConfig().fingerprints();
            if (!pinned.isEmpty() && !pinned.contains(h.fingerprint())) {
                LOG.warn("peer {}: refused {} at {}: code fingerprint {} is not pinned by this chain", name, h.nodeId(),
                        h.address(), h.fingerprint());
                return done(Message.Rejected.of(403, "code fingerprint '" + h.fingerprint()
                        + "' is not one this chain accepts (same build everywhere, please)"));
            }
        }
        return handshakes.onHello(h, from);
    }

    static byte[] helloBytes(String address, String fingerprint) {
        return ("classchain-hello-v1\n" + address + "\n" + fingerprint).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static byte[] welcomeBytes(String address) {
        return ("classchain-welcome-v1\n" + address).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    private Message onBlock(Message.BlockAnnouncement a, String from) {
        Block b = a.block();
        if (a.senderAddress() != null) {
            directory.seen(a.senderAddress());
        }
        if (chain.contains(b.hash())) {
            return new Message.Ack("known");
        }
        String sender = Penalties.key(from, a.senderAddress());
        ChainState.Result r = accept(List.of(b), new ChainState.Source(sender, false), a.senderAddress(), true);
        switch (r.status()) {
            case COPY:
            case OVER_SHARE:
            case NOT_KEPT:
                // no honest peer sends these but by a rare race: cheap to refuse, and they count
                LOG.info("peer {}: not kept: block #{} {} from {}: {}", name, b.height(), b.hash().shortHex(),
                        a.senderAddress(), r.reason());
                if (penalties.invalidBlock(sender)) {
                    LOG.warn("peer {}: {} keeps sending blocks it may not; disconnected for {}", name,
                            a.senderAddress(), Penalties.BAN);
                    directory.ban(a.senderAddress());
                }
                return r.status() == ChainState.Status.COPY ? Message.Rejected.of(409, r.reason())
                        : r.status() == ChainState.Status.NOT_KEPT ? Message.Rejected.of(422, r.reason())
                        : new Message.Rejected(429, r.reason(), 60);
            case INVALID:
                LOG.info("peer {}: rejected block #{} {} from {}: {}", name, b.height(), b.hash().shortHex(),
                        a.senderAddress(), r.reason());
                if (r.rule() != org.classchain.core.validation.Rule.TIMESTAMP
                        && penalties.invalidBlock(Penalties.key(from, a.senderAddress()))) {
                    LOG.warn("peer {}: {} keeps sending invalid blocks; disconnected for {}", name, a.senderAddress(),
                            Penalties.BAN);
                    directory.ban(a.senderAddress());
                }
                return Message.Rejected.of(422, r.reason());
            case ORPHAN:
                headActivity(); // and compare heads with a neighbour at the next tick
                return catchUp.onOrphan(a.senderAddress());
            default:
                return new Message.Ack("added");
        }
    }

    private Message onReceipts(Message.Receipts msg) {
        if (!teacherAccount().isHostedBy(identity.nodeId())) {
            return forwardReceipts(msg.receipts());
        }
        List<Receipt> kept = new ArrayList<>();
        ReceiptAdmission.Judgement later = null;
        ReceiptAdmission.Judgement forged = null;
        for (Receipt r : msg.receipts()) {
            ReceiptAdmission.Judgement j = admission.judge(r);
            if (j.verdict() == ReceiptAdmission.Verdict.KEEP) {
                if (receipts.add(r)) {
                    kept.add(r);
                }
            } else if (j.verdict() == ReceiptAdmission.Verdict.LATER) {
                later = j;
            } else {
                forged = j;
            }
        }
        if (receiptStore != null && !kept.isEmpty()) {
            try {
                synchronized (receipts) {
                    receiptStore.append(kept);
                }
            } catch (IOException e) {
                LOG.warn("peer {}: could not store {} receipt(s): {}", name, kept.size(), e.toString());
                return Message.Rejected.of(503, "could not store the receipts");
            }
        }
        for (Receipt r : kept) {
            listeners.forEach(l -> safely(() -> l.receiptReceived(r)));
        }
        // 503: send again later (kept ones then count as known); 422: drop; 409: nothing new
        if (later != null) {
            return new Message.Rejected(503, kept.size() + " receipt(s) kept; others refused for now: " + later.reason(),
                    RECEIPT_RETRY_SECONDS);
        }
        if (kept.isEmpty() && forged != null) {
            return Message.Rejected.of(422, "receipt refused: " + forged.reason());
        }
        return kept.isEmpty() && !msg.receipts().isEmpty()
                ? Message.Rejected.of(409, "no new valid receipt") : new Message.Ack(kept.size() + " receipt(s) kept");
    }

    /** When a sender should try again receipts refused for now. */
    static final long RECEIPT_RETRY_SECONDS = 1;
    /** When a sender should try again receipts a student's peer had no room to forward. */
    static final long FORWARD_RETRY_SECONDS = 10;

    private void onReceipt(Command command, Receipt receipt) {
        LOG.info("peer {}: {} {} -> {}{}", name, command.module(), command.id(), receipt.status(),
                receipt.detail().isEmpty() ? "" : " (" + receipt.detail() + ")");
        listeners.forEach(l -> safely(() -> l.commandDispatched(command, receipt)));
        if (teacherAccount().isHostedBy(identity.nodeId())) {
            onReceipts(new Message.Receipts(List.of(receipt)));
            return;
        }
        outbox.addOwn(receipt, clock.instant());
        flushReceipts();
    }

    /** The address of a host of the teacher's account this peer knows, if any. */
    private Optional<String> teacherHostAddress() {
        return teacherAccount().hostKeys().stream().map(NodeKey::nodeId)
                .map(directory::addressOf).flatMap(Optional::stream).findFirst();
    }

    private Account teacherAccount() {
        return teacherAccount(chain);
    }

    /** The teacher's account as {@code c} records it now (backup hosts included). */
    private static Account teacherAccount(ChainState c) {
        Account genesisTeacher = c.genesisConfig().teacher();
        return c.accounts().getOrDefault(genesisTeacher.username(), genesisTeacher);
    }

    /**
     * Receipts sent here, a peer that does not host the teacher's account, by a sender that takes
     * it for a host (its chain is ahead of ours, or behind): forwarded to a host, behind this peer's
     * own, only for computers this peer verified and within each one's share ({@link ReceiptCourier}).
     */
    private Message forwardReceipts(List<Receipt> list) {
        int queued = 0;
        int full = 0;
        int unknown = 0;
        Instant now = clock.instant();
        for (Receipt r : list) {
            if (!ReceiptSigner.verify(r, json) || identity.nodeId().equals(r.peerId())
                    || directory.keyOf(r.peerId()).filter(r.peerKey()::equals).isEmpty()) {
                unknown++;
            } else if (outbox.forward(r, now) == ReceiptCourier.Forwarding.FULL) {
                full++;
            } else {
                queued++;
            }
        }
        if (queued > 0) {
            flushReceipts();
        }
        if (full > 0) {
            return new Message.Rejected(429, queued + " receipt(s) forwarded; " + full + " refused: at most "
                    + ReceiptCourier.MAX_PER_ORIGIN + " receipts (" + ReceiptCourier.MAX_PER_ORIGIN_BYTES / 1024
                    + " KiB) of one computer wait here to be forwarded", FORWARD_RETRY_SECONDS);
        }
        if (queued == 0 && unknown > 0) {
            return Message.Rejected.of(422, "this peer does not host the teacher's account and forwards receipts "
                    + "only of computers it knows: send them to the teacher's host");
        }
        return new Message.Ack(queued + " receipt(s) forwarded");
    }

    /**
     * Sends the outbox to a host of the teacher's account, one batch at a time, this peer's own
     * receipts first; what the host answers decides what becomes of each batch
     * ({@link ReceiptCourier#outcome}). A host whose address is unknown is looked for among known peers.
     */
    private void flushReceipts() {
        if (outbox.isEmpty() || !flushing.compareAndSet(false, true)) {
            return;
        }
        Optional<String> host = teacherHostAddress();
        if (host.isEmpty()) {
            flushing.set(false);
            directory.unidentified().stream().limit(3).forEach(a -> hello(a).exceptionally(e -> null));
            return;
        }
        ReceiptCourier.Batch batch = outbox.next();
        if (batch == null) {
            flushing.set(false); // what waits rests until the next tick
            return;
        }
        config.transport.send(host.get(), new Message.Receipts(batch.receipts())).whenComplete((reply, err) -> {
            ReceiptCourier.Outcome outcome = ReceiptCourier.outcome(reply, err);
            if (err != null) {
                directory.failed(host.get());
            } else if (outcome == ReceiptCourier.Outcome.LATER) {
                introducedAt = null; // it may not know this computer yet: greet it again
            } else if (outcome == ReceiptCourier.Outcome.REFUSED || outcome == ReceiptCourier.Outcome.TOO_BIG) {
                LOG.debug("peer {}: {} {} receipt(s) refused by {}: {}", name, batch.receipts().size(),
                        batch.own() ? "own" : "forwarded", host.get(), reply);
            }
            outbox.settle(batch, outcome, err != null, clock.instant());
            flushing.set(false);
            flushReceipts();
        });
    }

    // ------------------------------------------------------------------ delegated auth

    private static final String SESSION_SEPARATOR = ".";

    /** The host a request is for: the session's prefix, or the account's first reachable host. */
    private Optional<String> hostFor(Message.AuthRequest req) {
        String session = sessionOf(req);
        if (!(req instanceof Message.AuthStart)) {
            if (session == null) {
                return Optional.empty();
            }
            int dot = session.indexOf(SESSION_SEPARATOR);
            return dot > 0 ? Optional.of(session.substring(0, dot)) : Optional.empty();
        }
        if (accountHost.hosts(req.username())) {
            return Optional.of(identity.nodeId());
        }
        Account account = chain.accounts().get(req.username());
        if (account == null || account.isRetired()) {
            return Optional.empty();
        }
        return account.hostKeys().stream().map(NodeKey::nodeId)
                .filter(id -> directory.addressOf(id).isPresent()).findFirst()
                .or(() -> Optional.of(account.hostKeys().get(0).nodeId()));
    }

    private CompletableFuture<Message> routeAuth(Message.AuthRequest req, String from) {
        if (req instanceof Message.AuthStart && !accountHost.hosts(req.username())) {
            Account account = chain.accounts().get(req.username());
            if (account == null) {
                // a name the chain does not know goes where the teacher's would, and gets a decoy
                // challenge there that fails like a wrong password: no route tells names apart
                account = teacherAccount();
                if (account.isHostedBy(identity.nodeId())) {
                    return done(hostAuth(req, from, null));
                }
            }
            List<String> hosts = account.hostKeys().stream().map(NodeKey::nodeId)
                    .sorted(java.util.Comparator.comparingInt(directory::failuresOf)).toList();
            return startAt(hosts, 0, req, from);
        }
        Optional<String> host = hostFor(req);
        if (host.isEmpty()) {
            return done(Message.Rejected.of(401, req instanceof Message.AuthFinish
                    ? "unknown or expired sign-in: start again" : "unknown or expired session: sign in again"));
        }
        if (host.get().equals(identity.nodeId())) {
            return done(hostAuth(req, from, null));
        }
        Message.AuthRelay relay = new Message.AuthRelay(UUID.randomUUID(), host.get(), RELAY_HOPS, req, from);
        relaysSeen.put(relay.relayId(), Boolean.TRUE);
        return forward(relay, from, true).thenApply(reply -> reply instanceof Message.Rejected r && r.code() == 409
                ? Message.Rejected.of(503, "the host of account '" + req.username() + "' is not reachable") : reply);
    }

    /** Round one of a sign-in goes to the account's hosts in turn until one answers. */
    private CompletableFuture<Message> startAt(List<String> hosts, int i, Message.AuthRequest req, String from) {
        String host = hosts.get(i);
        CompletableFuture<Message> attempt;
        if (host.equals(identity.nodeId())) {
            attempt = done(hostAuth(req, from, null));
        } else {
            Message.AuthRelay relay = new Message.AuthRelay(UUID.randomUUID(), host, RELAY_HOPS, req, from);
            relaysSeen.put(relay.relayId(), Boolean.TRUE);
            attempt = forward(relay, from, true);
        }
        return attempt.thenCompose(reply -> i + 1 < hosts.size() && reply instanceof Message.Rejected r
                && (r.code() == 503 || r.code() == 409) ? startAt(hosts, i + 1, req, from) : done(reply));
    }

    private CompletableFuture<Message> onRelay(Message.AuthRelay r, String from) {
        if (relaysSeen.asMap().putIfAbsent(r.relayId(), Boolean.TRUE) != null) {
            return done(Message.Rejected.of(409, "relay " + r.relayId() + " already seen"));
        }
        if (r.hostNodeId().equals(identity.nodeId())) {
            Message reply = hostAuth(r.request(), from, r.origin());
            if (reply instanceof Message.Rejected rej && rej.code() == 429) {
                relaysSeen.invalidate(r.relayId()); // turned away unprocessed: the same relay may come by another route
            }
            return done(reply);
        }
        if (chain.accounts().values().stream().noneMatch(a -> a.isHostedBy(r.hostNodeId()))) {
            return done(Message.Rejected.of(400, "node " + r.hostNodeId() + " hosts no account on this chain"));
        }
        if (r.hopsLeft() <= 1) {
            return done(Message.Rejected.of(503, "relay hop limit reached"));
        }
        // the next hop learns who handed the relay to us, not what that peer claimed before
        return forward(new Message.AuthRelay(r.relayId(), r.hostNodeId(), r.hopsLeft() - 1, r.request(), from), from);
    }

    /**
     * Sends a relay one hop on: straight to the host when its address is known, else (or when that
     * fails) through up to three neighbours in turn, each of which does the same. Replies travel
     * back along the same calls. A relay that comes back round a loop is refused (409) by the
     * peer that saw it first, and the next neighbour is tried.
     */
    private CompletableFuture<Message> forward(Message.AuthRelay relay, String cameFrom) {
        return forward(relay, cameFrom, false);
    }

    /**
     * As {@link #forward(Message.AuthRelay, String)}; {@code ownRequest} (a client's request that
     * entered here) also moves on after a busy hop (429). A relay received from another peer does
     * not, so a flood entering through one peer cannot spread to the others' allowances.
     */
    private CompletableFuture<Message> forward(Message.AuthRelay relay, String cameFrom, boolean ownRequest) {
        List<String> route = new ArrayList<>();
        directory.addressOf(relay.hostNodeId()).ifPresent(route::add);
        List<String> neighbours = new ArrayList<>(directory.neighbours());
        java.util.Collections.shuffle(neighbours, random);
        neighbours.stream().filter(n -> !n.equals(cameFrom) && !route.contains(n)).limit(3).forEach(route::add);
        return tryRoute(route, 0, relay, ownRequest);
    }

    private CompletableFuture<Message> tryRoute(List<String> route, int i, Message.AuthRelay relay, boolean retryBusy) {
        return tryRoute(route, i, relay, retryBusy, null);
    }

    private CompletableFuture<Message> tryRoute(List<String> route, int i, Message.AuthRelay relay, boolean retryBusy,
                                                Message.Rejected busy) {
        if (i >= route.size()) {
            return done(busy != null ? busy
                    : Message.Rejected.of(503, "host " + relay.hostNodeId() + " is not reachable from this peer"));
        }
        String next = route.get(i);
        return config.transport.send(next, relay).handle((reply, err) -> {
            if (err != null) {
                directory.failed(next);
                return null;
            }
            return reply;
        }).thenCompose(reply -> {
            if (reply instanceof Message.Rejected r && r.code() == 429 && retryBusy) {
                return tryRoute(route, i + 1, relay, true, r); // our own client: that hop is busy, try another
            }
            if (reply == null || reply instanceof Message.Rejected r && (r.code() == 409 || r.code() == 503)) {
                return tryRoute(route, i + 1, relay, retryBusy, busy); // looped or unreachable
            }
            return done(reply);
        });
    }

    /**
     * Handles an auth request for an account hosted here; sessions are prefixed with our node id.
     * {@code origin}: for a relay, where the relaying peer {@code from} got it (sign-in limits).
     */
    private Message hostAuth(Message.AuthRequest req, String from, String origin) {
        String prefix = identity.nodeId() + SESSION_SEPARATOR;
        Message.AuthRequest local = req;
        if (req instanceof Message.AuthFinish f) {
            local = new Message.AuthFinish(f.username(), strip(f.session(), prefix), f.clientEvidence());
        } else if (req instanceof Message.GrantRequest g) {
            local = new Message.GrantRequest(g.username(), strip(g.session(), prefix), g.counter(), g.commands(),
                    g.accounts(), g.mac());
        } else if (req instanceof Message.LoginRequest l) {
            local = new Message.LoginRequest(l.username(), strip(l.session(), prefix), l.counter(), l.peerNodeId(),
                    l.mac());
        } else if (req instanceof Message.EnrollRequest e) {
            local = new Message.EnrollRequest(e.username(), strip(e.session(), prefix), e.counter(), e.deviceKey(),
                    e.mac());
        }
        if (req instanceof Message.GrantRequest g && !g.force()) {
            Optional<Message.Rejected> unknown = unknownModule(g.commands());
            if (unknown.isPresent()) {
                return unknown.get();
            }
        }
        if (req instanceof Message.GrantRequest g && !g.accounts().isEmpty()) {
            Optional<Message.Rejected> refused = accounts.checkTeacherUpdates(g.accounts());
            if (refused.isPresent()) {
                return refused.get();
            }
        }
        Message reply = accountHost.handle(local, from, origin);
        if (reply instanceof Message.Ack && req instanceof Message.EnrollRequest e) {
            return accounts.enroll(e.username(), e.deviceKey()); // the MAC of a TEACHER session is good
        }
        if (reply instanceof Message.AuthChallenge c) {
            return new Message.AuthChallenge(prefix + c.session(), c.salt(), c.iterations(), c.serverPublic());
        }
        if (reply instanceof Message.GrantIssued g && req instanceof Message.GrantRequest gr) {
            Payload batch = new Payload(gr.commands(), gr.accounts(), g.grant(), null);
            if (grantedStore != null) {
                try {
                    synchronized (grantedStore) {
                        grantedStore.append(List.of(batch)); // durable before anyone is told it was accepted
                    }
                } catch (IOException e) {
                    LOG.warn("peer {}: could not store granted batch {}: {}", name, g.grant().grantId(), e.toString());
                    return Message.Rejected.of(503, "this host cannot store the batch; try again");
                }
            }
            producer.remember(batch);
        }
        return reply;
    }

    /**
     * At the teacher's host, before anything is granted: a command whose module neither this peer
     * nor any computer its roster heard from has installed is refused (422), naming what the room
     * has; mined, it would stay on the chain for good and run nowhere (issue 20, item 1).
     */
    private Optional<Message.Rejected> unknownModule(List<Command> commands) {
        Set<String> room = null;
        for (Command c : commands) {
            if (modules().find(c.module()).isPresent()) {
                continue;
            }
            if (room == null) {
                room = directory.modules();
                room.addAll(modules().names());
            }
            if (!room.contains(c.module())) {
                List<String> named = room.stream().limit(MODULES_NAMED).toList();
                return Optional.of(Message.Rejected.of(422, "unknown module '" + c.module() + "'; installed: "
                        + String.join(", ", named) + (room.size() > named.size() ? " and " + (room.size()
                        - named.size()) + " more" : "")));
            }
        }
        return Optional.empty();
    }

    /** A view token is good only for a TEACHER session this peer holds (where its receipts are). */
    private Message onViewCheck(Message.ViewCheck v) {
        String prefix = identity.nodeId() + SESSION_SEPARATOR;
        if (v.session().startsWith(prefix)
                && accountHost.canView(strip(v.session(), prefix), v.until(), v.mac(), identity.nodeId())) {
            return new Message.Ack("the teacher's view");
        }
        return Message.Rejected.of(401, "screens and receipts are the teacher's: sign in as the teacher at this peer");
    }

    private static String sessionOf(Message.AuthRequest req) {
        if (req instanceof Message.AuthFinish f) {
            return f.session();
        } else if (req instanceof Message.GrantRequest g) {
            return g.session();
        } else if (req instanceof Message.LoginRequest l) {
            return l.session();
        } else if (req instanceof Message.EnrollRequest e) {
            return e.session();
        }
        return null;
    }

    private static String strip(String session, String prefix) {
        return session.startsWith(prefix) ? session.substring(prefix.length()) : session;
    }

    private CompletableFuture<Message> submit(Message.GrantRequest req, String from) {
        for (Command c : req.commands()) {
            List<String> problems = Dispatcher.problems(c, modules());
            if (!problems.isEmpty()) {
                return done(Message.Rejected.of(400, "command " + c.module() + ": " + String.join("; ", problems)));
            }
        }
        return routeAuth(req, from).thenApply(reply -> {
            if (reply instanceof Message.GrantIssued g) {
                Payload p = new Payload(req.commands(), req.accounts(), g.grant(), null);
                producer.enqueue(p);
                LOG.info("peer {}: batch {} of {} command(s) granted to '{}', mining", name, g.grant().grantId(),
                        req.commands().size(), req.username());
                return new Message.Submitted(req.commands().stream().map(Command::id).toList(), g.grant().grantId());
            }
            return reply;
        });
    }

    // ------------------------------------------------------------------ views

    /** This peer's node id. */
    public String nodeId() {
        return identity.nodeId();
    }

    /** Where other peers reach this one. */
    public String address() {
        return config.transport.localAddress();
    }

    /** TEACHER when this peer hosts the teacher's account, else STUDENT. */
    public Role role() {
        ChainState c = chain;
        if (c == null) {
            return Role.STUDENT;
        }
        return teacherAccount(c).isHostedBy(identity.nodeId()) ? Role.TEACHER : Role.STUDENT;
    }

    /** The chain this peer follows (a read view). */
    public Chain chain() {
        return chain;
    }

    /** The users signed in at this peer. */
    public Set<String> signedInUsers() {
        return Set.copyOf(signedInUsers);
    }

    /** This peer's status, as {@code GET /api/v1/status} shows it. */
    public PeerStatus status() {
        Head h = chain.headInfo();
        return new PeerStatus(role(), identity.nodeId(), identity.publicKey(), address(), chain.chainId(), h.height(), h.hash(),
                directory.neighbours(), signedInUsers.stream().sorted().toList(), clockSkewMillis, modules().names());
    }

    /** What this peer knows of a command. */
    public CommandReport report(UUID id) {
        Optional<Long> height = chain.heightOfCommand(id);
        String module = height.flatMap(chain::blockAt).flatMap(b -> b.payload().commands().stream()
                .filter(c -> c.id().equals(id)).findFirst()).map(Command::module).orElse(null);
        return new CommandReport(id, module, height.orElse(null), receipts.receipts(id));
    }

    private List<PeerInfo> peers() {
        List<PeerInfo> out = new ArrayList<>();
        out.add(new PeerInfo(identity.nodeId(), address(), false, signedInUsers.stream().sorted().toList(),
                clock.instant(), modules().names()));
        out.addAll(directory.infos());
        return out;
    }

    /** Batches waiting to be mined here (tests and status). */
    int pendingBatches() {
        return producer.pendingCount();
    }

    /** Whether a catch-up is running. */
    boolean syncing() {
        return catchUp != null && catchUp.running();
    }

    @Override
    public String toString() {
        return "Peer[" + (identity == null ? "?" : identity.nodeId()) + " " + (chain == null ? "" : role()) + "]";
    }

    // ------------------------------------------------------------------ builder

    /** Collects a peer's settings. Not thread-safe. */
    public static final class Builder {
        private final PeerConfig c = new PeerConfig();

        private Builder() {
        }

        /** Where the peer keeps its key, chain, journal and credentials; null keeps everything in memory. */
        public Builder dataDir(Path dir) {
            c.dataDir = dir;
            return this;
        }

        /** How the peer talks to others (required). The peer starts and closes it. */
        public Builder transport(Transport transport) {
            c.transport = transport;
            return this;
        }

        /** A block store instead of the data dir's file store (simulations). */
        public Builder blockStore(BlockStore store) {
            c.blockStore = store;
            return this;
        }

        /** A peer to join through; may be given several times. None: this peer creates the chain. */
        public Builder seed(String address) {
            c.seeds.add(address);
            return this;
        }

        /**
         * The account of the person at this computer. When this peer creates the chain it is the
         * TEACHER account; when it joins one it is a STUDENT account whose credential is created
         * and hosted here (the verifier never leaves this peer) and which the teacher's host
         * records on the chain, so that the person can sign in through any peer. The password is
         * used once, to compute the verifier, when there is no credential yet.
         */
        public Builder account(String username, String password) {
            c.username = username;
            c.password = password;
            return this;
        }

        /** Proof-of-work difficulty of a chain this peer creates. */
        public Builder difficultyBits(int bits) {
            c.difficultyBits = bits;
            return this;
        }

        /** The command modules; default: the class path and the mods dir. */
        public Builder modules(ModuleRegistry modules) {
            c.modules = modules;
            return this;
        }

        /** A folder of module jars. */
        public Builder modsDir(Path dir) {
            c.modsDir = dir;
            return this;
        }

        /** The local allow/deny policy. */
        public Builder policy(Policy policy) {
            c.policy = policy;
            return this;
        }

        /** The clock (tests). */
        public Builder clock(Clock clock) {
            c.clock = clock;
            return this;
        }

        /** The randomness source (tests use a seeded one). */
        public Builder random(java.security.SecureRandom random) {
            c.random = random;
            return this;
        }

        /** How often the peer compares heads, fills its neighbour set and re-mines dropped batches. */
        public Builder tick(Duration tick) {
            c.tick = tick;
            return this;
        }

        /** How long to retry seeds that do not answer before giving up. */
        public Builder joinTimeout(Duration timeout) {
            c.joinTimeout = timeout;
            return this;
        }

        /** After how long a host mines a batch it granted that is still not on the best chain. */
        public Builder remineAfter(Duration after) {
            c.remineAfter = after;
            return this;
        }

        /**
         * How many hosts an account may have besides its first (default 2): for the teacher's account,
         * the devices the teacher enrolls; for a student's, peers the student signs in at.
         */
        public Builder backups(int k) {
            c.backups = k;
            return this;
        }

        /**
         * How many student accounts one computer (node key) may hold, as the teacher's host records
         * them (default 1): a student cannot take classmates' names before they join.
         */
        public Builder accountsPerComputer(int n) {
            c.accountsPerComputer = n;
            return this;
        }

        /** The most neighbours this peer keeps. */
        public Builder maxNeighbours(int n) {
            c.maxNeighbours = n;
            return this;
        }

        /**
         * The class this peer must join: a chain id or the hex of a genesis hash. A seed that serves
         * another chain is refused at once, and so is a data dir that holds another chain.
         */
        public Builder expectChain(String chainIdOrGenesisHash) {
            c.expectedChain = chainIdOrGenesisHash;
            return this;
        }

        /** Create a chain of our own when no seed answers at all (the eager rule). */
        public Builder genesisIfUnreachable(boolean eager) {
            c.genesisIfUnreachable = eager;
            return this;
        }

        /** The fingerprint of the code this peer runs, presented in handshakes. */
        public Builder fingerprint(String fingerprint) {
            c.fingerprint = fingerprint;
            return this;
        }

        /** Fingerprints a chain this peer creates will accept (empty: any). */
        public Builder pinFingerprints(List<String> fingerprints) {
            c.pinnedFingerprints = List.copyOf(fingerprints);
            return this;
        }

        /** PBKDF2 settings for credentials created here. */
        public Builder passwordPolicy(PasswordPolicy policy) {
            c.passwordPolicy = policy;
            return this;
        }

        /** A host service that modules find by type. */
        public <T> Builder service(Class<T> type, T implementation) {
            c.services.put(type, implementation);
            return this;
        }

        /** A listener for blocks, dispatches and receipts. */
        public Builder listener(PeerListener listener) {
            c.listeners.add(listener);
            return this;
        }

        /**
         * The threads to run on: by default the peer starts threads of its own; peers by the
         * thousand in one JVM share one {@link PeerThreads#shared(int)}, closed by the caller
         * after them.
         */
        public Builder threads(PeerThreads shared) {
            c.threads = shared;
            return this;
        }

        /** The peer; call {@link Peer#start()} next. */
        public Peer build() {
            c.check();
            return new Peer(c);
        }
    }
}
