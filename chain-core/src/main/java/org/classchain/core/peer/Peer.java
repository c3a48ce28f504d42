package org.classchain.core.peer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.classchain.Chain;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.Head;
import org.classchain.PeerInfo;
import org.classchain.PeerListener;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.chain.ChainState;
import org.classchain.core.dispatch.Dispatcher;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.exec.Lane;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.validation.BlockValidator;
import org.classchain.spi.BlockStore;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
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
 *
 * <p>The peer keeps its lifecycle, its builder and its views; {@link #start()} wires the parts
 * that do each job ({@code DataDir}, {@code ChainJoin}, {@code Handshakes}, {@code Gossip} and
 * {@code BlockIntake}, {@code HeadCheck} and {@code CatchUp}, {@code BlockProducer}, {@code AuthRouter}
 * and {@code AccountHosting}, {@code Accounts}, {@code OwnAccount}, {@code BackupHosts},
 * {@code ReceiptCourier}, {@code Roster}, {@code Maintenance}), and requests reach them through the
 * {@code RequestRouter}.
 */
public final class Peer implements AutoCloseable {

    /** The default proof-of-work difficulty: a mean of about 15 ms on one core here. */
    public static final int DEFAULT_DIFFICULTY_BITS = 17;

    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

    private final PeerConfig config;
    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private final Clock clock;
    private final Random random;
    private final PeerListeners listeners;
    private final ReceiptBook receipts = new ReceiptBook();
    private final DataDir data = new DataDir();
    private final Penalties penalties;
    private final RequestRouter router;
    private final GrantOrder grantOrder = new GrantOrder(() -> this.chain);

    private NodeIdentity identity;
    private volatile ChainState chain;
    private volatile Dispatcher dispatcher;
    private volatile BlockProducer producer;
    private PeerDirectory directory;
    private Handshakes handshakes;
    private Roster roster;
    /** This computer's MAC addresses, named in its status (Wake-on-LAN). */
    private volatile List<String> macs = List.of();
    private ClockSkew skew;
    private volatile BlockIntake intake;
    private CatchUp catchUp;
    private Lane events;
    private Lane ticker;
    private String name;
    private volatile boolean closed;

    private Peer(PeerConfig config) {
        this.config = config;
        this.clock = config.clock;
        this.random = new Random(config.random.nextLong());
        this.listeners = new PeerListeners(config.listeners);
        this.penalties = new Penalties(config.clock);
        this.router = new RequestRouter(penalties, () -> name);
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
        Set<Path> existing = dir == null ? Set.of() : DataDir.entries(dir);
        try {
            startUp();
        } catch (IOException | RuntimeException e) {
            close(); // what was opened or started so far: the data dir's lock, the transport, threads
            if (dir != null) {
                DataDir.removeCreated(dir, existing); // a refused class leaves no half-made peer behind
            }
            throw e;
        }
    }

    private void startUp() throws IOException {
        data.open(config, codec, json, receipts);
        identity = data.identity();
        BlockStore store = data.blocks();
        CredentialStore credentials = data.credentials();
        name = identity.nodeId().substring(0, 8);
        config.warnOfUnknownPolicyNames(name);
        BlockValidator validator = new BlockValidator(codec, clock);
        chain = ChainState.load(store, validator).orElse(null);
        PeerThreads threads = config.threads != null ? config.threads : PeerThreads.dedicated();
        events = threads.lane("events", name, false);
        config.transport.start(this::handle);
        directory = new PeerDirectory(config.transport.localAddress(), config.maxNeighbours, clock);
        handshakes = new Handshakes(identity, config.transport, directory, config.fingerprint, random, () -> chain, name);
        roster = new Roster(config.transport, directory);
        skew = new ClockSkew(clock, () -> chain, name);
        catchUp = new CatchUp(config.transport, directory, () -> chain,
                (blocks, from) -> intake.accept(blocks, new ChainState.Source(from, true), from, false), clock, threads,
                name);
        HeadCheck headCheck = new HeadCheck(config.transport, directory, () -> chain, catchUp, random);
        Gossip gossip = new Gossip(config.transport, directory, penalties, () -> chain,
                (blocks, source, from, relay) -> intake.accept(blocks, source, from, relay), catchUp, headCheck, name);
        intake = new BlockIntake(() -> chain, () -> producer, () -> dispatcher, events, listeners, skew,
                headCheck::activity, gossip, name);
        router.openHandshakes(handshakes);
        config.seeds.forEach(directory::learn);
        macs = MacAddresses.ofThisComputer(config.transport.localAddress());
        PeerBook book = new PeerBook(config.dataDir);
        // the room it knew: a computer that is off now stays in it, offline, until it answers again
        book.load().forEach(k -> directory.remember(k.address(), k.nodeId(), k.macs()));
        chain = new ChainJoin(config, identity, codec, store, validator, random, handshakes, book, catchUp,
                c -> chain = c, name).join(chain);
        ReceiptCourier courier = new ReceiptCourier(identity.nodeId(), config.transport, directory, handshakes, chain,
                new ReceiptAdmission(json, () -> chain, directory, roster::here, identity.nodeId()), receipts,
                data.receipts(), listeners, json, clock, name);
        router.openChain(chain, gossip, courier, new RequestRouter.Views(this::status, this::report,
                () -> config.modules().describe(config.policy), this::peers));
        BackupHosts backups = new BackupHosts(config, identity, chain, credentials, directory, handshakes, name);
        // someone signed in at a peer through a session hosted here: perhaps a backup of a student's account
        AccountHost accountHost = new AccountHost(credentials, identity, json, clock, config.random, chain::chainId,
                signIn -> events.execute(() -> backups.onSignIn(signIn)), grantOrder);
        GrantedBatches granted = new GrantedBatches(data.granted(), identity.nodeId(), accountHost, grantOrder, chain,
                name);
        // a search holds its thread for its whole length
        producer = new BlockProducer(chain, codec, clock, intake::acceptMined, granted, threads.lane("miner", name, true));
        Accounts accounts = new Accounts(config, identity.nodeId(), chain, accountHost, producer, directory, name);
        OwnAccount ownAccount = new OwnAccount(config, identity, chain, credentials, roster, directory, handshakes, name);
        AccountHosting hosting = new AccountHosting(identity.nodeId(), accountHost, accounts, granted, producer,
                config::modules, directory, this::knownUsers);
        router.openAccounts(new AuthRouter(identity.nodeId(), config.transport, directory, chain, hosting, producer,
                config::modules, roster, random, name), hosting, accounts, backups);
        ownAccount.ensure();
        granted.restore(producer); // batches granted here before a stop: mined again unless on the chain
        producer.start();
        dispatcher = buildDispatcher(courier, threads);
        dispatcher.submit(chain.range(1, Integer.MAX_VALUE).stream().flatMap(b -> b.payload().commands().stream()).toList());
        Maintenance maintenance = new Maintenance(config, identity.nodeId(), chain, producer, handshakes, courier,
                ownAccount, backups, accounts, roster, directory, book, headCheck, random, name);
        ticker = threads.every(config.tick, "tick", name, maintenance::tick);
        LOG.info("peer {} started as {} on chain {} at {} (height {})", name, role(), chain.chainId(), address(),
                chain.headInfo().height());
    }

    private Dispatcher buildDispatcher(ReceiptCourier courier, PeerThreads threads) {
        Dispatcher.Builder b = Dispatcher.builder().identity(identity).role(this::role).signedInUsers(roster::here)
                .registry(config.modules()).policy(config.policy).log(data.executionLog()).clock(clock)
                .signer(new ReceiptSigner(identity, json)).receipts(courier::dispatched).threads(threads);
        config.addServices(b);
        return b.build();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // in this order, each on its own: one that fails keeps no other open (the data dir's lock last)
        for (AutoCloseable c : new AutoCloseable[] {ticker, producer, handshakes, config.transport, dispatcher, catchUp,
                events, data}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.warn("peer {}: closing {} failed: {}", name, c.getClass().getSimpleName(), e.toString());
            }
        }
        if (name != null) { // null: refused before it had an identity (a locked data dir), nothing ran
            LOG.info("peer {} stopped", name);
        }
    }

    /**
     * Answers a request from another peer or a client: what the transport calls. Never throws;
     * a refusal is a {@link Message.Rejected}.
     */
    public CompletableFuture<Message> handle(String from, Message request) {
        return router.handle(from, request);
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
        return c.teacherAccount().isHostedBy(identity.nodeId()) ? Role.TEACHER : Role.STUDENT;
    }

    /** The chain this peer follows (a read view). */
    public Chain chain() {
        return chain;
    }

    /** The users signed in at this peer. */
    public Set<String> signedInUsers() {
        Roster r = roster;
        return r == null ? Set.of() : r.here();
    }

    /** This peer's status, as {@code GET /api/v1/status} shows it. */
    public PeerStatus status() {
        Head h = chain.headInfo();
        return new PeerStatus(role(), identity.nodeId(), identity.publicKey(), address(), chain.chainId(), h.height(), h.hash(),
                directory.neighbours(), roster.hereSorted(), skew.millis(), config.modules().names(), macs);
    }

    /** What this peer knows of a command, with the targets it knows to be offline that have not answered. */
    public CommandReport report(UUID id) {
        Optional<Long> height = chain.heightOfCommand(id);
        Optional<Command> command = height.flatMap(chain::blockAt).flatMap(b -> b.payload().commands().stream()
                .filter(c -> c.id().equals(id)).findFirst());
        List<Receipt> got = receipts.receipts(id);
        List<String> offline = command.map(c -> offlineTargets(c.target(), got)).orElse(List.of());
        return new CommandReport(id, command.map(Command::module).orElse(null), height.orElse(null), got, offline);
    }

    /**
     * The computers of the roster (and, for a {@code peer:} target, the node ids it names) that
     * {@code target} reaches, have sent none of {@code got}, and are offline as far as the
     * directory knows: what the room shows as "offline — will run when it returns" (issue 19).
     */
    private List<String> offlineTargets(Target target, List<Receipt> got) {
        Set<String> answered = new HashSet<>();
        got.forEach(r -> answered.add(r.peerId()));
        Set<String> out = new TreeSet<>();
        for (PeerInfo p : peers()) {
            if (p.nodeId() != null && !p.nodeId().equals(identity.nodeId()) && p.role() != null
                    && target.matches(p.nodeId(), p.role(), Set.copyOf(p.users()))) {
                out.add(p.nodeId());
            }
        }
        if (target.kind() == Target.Kind.PEERS) {
            target.values().stream().filter(v -> !v.equals(identity.nodeId())).forEach(out::add);
        }
        out.removeIf(n -> answered.contains(n) || !directory.offline(n));
        return List.copyOf(out);
    }

    /** The usernames of the room: accounts on the chain (not retired), and who is signed in here or at a known computer. */
    private Set<String> knownUsers() {
        Set<String> out = new HashSet<>(roster.here());
        directory.infos().forEach(p -> out.addAll(p.users()));
        chain.accounts().values().stream().filter(a -> !a.isRetired()).forEach(a -> out.add(a.username()));
        return out;
    }

    private List<PeerInfo> peers() {
        List<PeerInfo> out = new ArrayList<>();
        out.add(new PeerInfo(identity.nodeId(), address(), false, roster.hereSorted(), clock.instant(),
                config.modules().names(), role(), macs));
        ChainState c = chain;
        for (PeerInfo p : directory.infos()) {
            out.add(p.nodeId() == null ? p : p.withRole(c.teacherAccount().isHostedBy(p.nodeId()) ? Role.TEACHER
                    : Role.STUDENT));
        }
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

    /** Whether this peer holds the credential of {@code username} (it can host sign-ins for it). */
    boolean holdsCredential(String username) {
        return data.credentials().find(username).isPresent();
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
