package org.classchain.core.peer;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.classchain.Chain;
import org.classchain.CommandReport;
import org.classchain.PeerListener;
import org.classchain.PeerStatus;
import org.classchain.Role;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.identity.NodeIdentity;
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
 * <p>The peer keeps its lifecycle, its builder and its views; {@link #start()} has the
 * {@code PeerAssembly} wire the parts that do each job ({@code DataDir}, {@code ChainJoin},
 * {@code Handshakes}, {@code Gossip} and {@code BlockIntake}, {@code HeadCheck} and {@code CatchUp},
 * {@code BlockProducer}, {@code AuthRouter} and {@code AccountHosting}, {@code Accounts},
 * {@code OwnAccount}, {@code BackupHosts}, {@code ReceiptCourier}, {@code Roster},
 * {@code Maintenance}), and requests reach them through the {@code RequestRouter}.
 */
public final class Peer implements AutoCloseable {

    /** The default proof-of-work difficulty: a mean of about 15 ms on one core here. */
    public static final int DEFAULT_DIFFICULTY_BITS = 17;

    private static final Logger LOG = LoggerFactory.getLogger(Peer.class);

    private final PeerConfig config;
    private final PeerAssembly parts;
    private volatile boolean closed;

    private Peer(PeerConfig config) {
        this.config = config;
        this.parts = new PeerAssembly(config);
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
            parts.assemble();
        } catch (IOException | RuntimeException e) {
            close(); // what was opened or started so far: the data dir's lock, the transport, threads
            if (dir != null) {
                DataDir.removeCreated(dir, existing); // a refused class leaves no half-made peer behind
            }
            throw e;
        }
        LOG.info("peer {} started as {} on chain {} at {} (height {})", parts.name, role(), parts.chain.chainId(),
                address(), parts.chain.headInfo().height());
    }

    /**
     * Stops every thread the peer started, its transport, the class loaders of the mods it loaded
     * (not those of a registry given to {@link Builder#modules}) and the data dir's lock.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        parts.close();
        if (parts.name != null) { // null: refused before it had an identity (a locked data dir), nothing ran
            LOG.info("peer {} stopped", parts.name);
        }
    }

    /**
     * Answers a request from another peer or a client: what the transport calls. Never throws;
     * a refusal is a {@link Message.Rejected}.
     */
    public CompletableFuture<Message> handle(String from, Message request) {
        return parts.router.handle(from, request);
    }

    // ------------------------------------------------------------------ views

    /**
     * Greets a peer found by other means than the seeds and the peer book (a room's advertisement on
     * the LAN, say): it becomes a neighbour when it follows this chain; one of another chain is
     * refused and logged. Returns at once; does nothing before {@link #start} or after {@link #close}.
     *
     * @param address the peer's address, as its transport would call it
     */
    public void greet(String address) {
        Handshakes h = parts.handshakes;
        if (h != null && !closed && parts.chain != null) {
            h.greetQuietly(address);
        }
    }

    /** This peer's node id. */
    public String nodeId() {
        return parts.identity.nodeId();
    }

    /** Where other peers reach this one. */
    public String address() {
        return config.transport.localAddress();
    }

    /** TEACHER when this peer hosts the teacher's account, else STUDENT. */
    public Role role() {
        return parts.role();
    }

    /** The chain this peer follows (a read view). */
    public Chain chain() {
        return parts.chain;
    }

    /** The users signed in at this peer. */
    public Set<String> signedInUsers() {
        return parts.signedInUsers();
    }

    /** This peer's status, as {@code GET /api/v1/status} shows it. */
    public PeerStatus status() {
        return parts.status();
    }

    /** What this peer knows of a command. */
    public CommandReport report(UUID id) {
        return parts.report(id);
    }

    /** Batches waiting to be mined here (tests and status). */
    int pendingBatches() {
        return parts.producer.pendingCount();
    }

    /** Whether a catch-up is running. */
    boolean syncing() {
        CatchUp c = parts.catchUp;
        return c != null && c.running();
    }

    /** Whether this peer holds the credential of {@code username} (it can host sign-ins for it). */
    boolean holdsCredential(String username) {
        return parts.holdsCredential(username);
    }

    /** The command modules the peer runs (tests). */
    ModuleRegistry modules() {
        return parts.modules();
    }

    @Override
    public String toString() {
        NodeIdentity id = parts.identity;
        return "Peer[" + (id == null ? "?" : id.nodeId()) + " " + (parts.chain == null ? "" : role()) + "]";
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
