package org.classchain.core.peer;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.classchain.Command;
import org.classchain.CommandReport;
import org.classchain.DesktopHealth;
import org.classchain.FileProgress;
import org.classchain.Hash;
import org.classchain.Head;
import org.classchain.PeerInfo;
import org.classchain.PeerStatus;
import org.classchain.Receipt;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.auth.AccountHost;
import org.classchain.core.auth.CredentialStore;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.chain.ChainState;
import org.classchain.core.dispatch.Dispatcher;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.exec.Lane;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.validation.BlockValidator;
import org.classchain.spi.BlockStore;
import org.classchain.spi.host.DesktopService;
import org.classchain.spi.host.FileTransferService;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parts of one {@link Peer}, wired together by {@link #assemble()} and closed by
 * {@link #close()}: what {@code Peer.start()} builds from the settings its builder collected,
 * and what the peer's views read.
 *
 * <p>The command modules are the builder's registry when it was given one (the caller's to
 * close), else loaded here from the class path and the mods dir, and then closed with the peer:
 * each mod jar's class loader holds its jar open until closed.
 */
final class PeerAssembly implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PeerAssembly.class);
    /** At most this many threads help the miner (on a computer with one core more than that, or more). */
    static final int MAX_MINING_HELPERS = 3;

    private final PeerConfig config;
    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private final Clock clock;
    private final Random random;
    private final PeerListeners listeners;
    private final ReceiptBook receipts = new ReceiptBook();
    private final DataDir data = new DataDir();
    private final Penalties penalties;
    final RequestRouter router;
    private final GrantOrder grantOrder = new GrantOrder(() -> this.chain);

    private ModuleRegistry modules;
    private boolean ownsModules;
    NodeIdentity identity;
    volatile ChainState chain;
    private volatile Dispatcher dispatcher;
    private ReceiptWatch receiptWatch;
    volatile BlockProducer producer;
    private PeerDirectory directory;
    volatile Handshakes handshakes; // volatile: Peer.greet reads it from any thread
    volatile Roster roster;
    private ClockSkew skew;
    private volatile BlockIntake intake;
    volatile CatchUp catchUp;
    private Lane events;
    private Lane ticker;
    private Lane screenLane;
    volatile String name;
    /** This computer's MAC addresses, named in its status (Wake-on-LAN). */
    private volatile List<String> macs = List.of();

    PeerAssembly(PeerConfig config) {
        this.config = config;
        this.clock = config.clock;
        this.random = new Random(config.random.nextLong());
        this.listeners = new PeerListeners(config.listeners);
        this.penalties = new Penalties(config.clock);
        this.router = new RequestRouter(penalties, () -> name);
    }

    /** Opens the data dir, starts the transport, joins the chain and starts every part. */
    void assemble() throws IOException {
        data.open(config, codec, json, receipts);
        modules = config.modules;
        if (modules == null) {
            ownsModules = true;
            modules = ModuleRegistry.load(Peer.class.getClassLoader(), config.modsDir);
        }
        identity = data.identity();
        BlockStore store = data.blocks();
        CredentialStore credentials = data.credentials();
        name = identity.nodeId().substring(0, 8);
        config.warnOfUnknownPolicyNames(name, modules.names());
        BlockValidator validator = new BlockValidator(codec, clock);
        chain = ChainState.load(store, validator).orElse(null);
        PeerThreads threads = config.threads != null ? config.threads : PeerThreads.dedicated();
        events = threads.lane("events", name, false);
        config.transport.start(new MessageHandler() {
            @Override
            public CompletableFuture<Message> handle(String from, Message request) {
                return router.handle(from, request);
            }

            @Override
            public boolean knowsBlock(Hash hash) {
                return router.knowsBlock(hash);
            }
        });
        directory = new PeerDirectory(config.transport.localAddress(), config.maxNeighbours, clock);
        handshakes = new Handshakes(identity, config.transport, directory, config.fingerprint, random, () -> chain, name);
        roster = new Roster(config.transport, directory);
        skew = new ClockSkew(clock, () -> chain, name);
        catchUp = new CatchUp(config.transport, directory, () -> chain,
                (blocks, from) -> intake.accept(blocks, new ChainState.Source(from, true), from, false), clock, threads,
                name);
        HeadCheck headCheck = new HeadCheck(config.transport, directory, () -> chain, catchUp, random);
        Gossip gossip = new Gossip(config.transport, directory, penalties, () -> chain,
                (blocks, source, from, relay, pushedTo) -> intake.accept(blocks, source, from, relay, pushedTo), catchUp, headCheck, name);
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
        receiptWatch = new ReceiptWatch(name);
        ReceiptCourier courier = new ReceiptCourier(identity.nodeId(), config.transport, directory, handshakes, chain,
                new ReceiptAdmission(json, () -> chain, directory, roster::here, identity.nodeId()), receipts,
                data.receipts(), listeners, json, clock, name, receiptWatch);
        router.openChain(chain, gossip, courier, new RequestRouter.Views(this::status, this::report,
                () -> modules.describe(config.policy), this::peers));
        BackupHosts backups = new BackupHosts(config, identity, chain, credentials, directory, handshakes, name);
        // someone signed in at a peer through a session hosted here: perhaps a backup of a student's account
        AccountHost accountHost = new AccountHost(credentials, identity, json, clock, config.random, chain::chainId,
                signIn -> events.execute(() -> backups.onSignIn(signIn)), grantOrder);
        GrantedBatches granted = new GrantedBatches(data.granted(), identity.nodeId(), accountHost, grantOrder, chain,
                name);
        // a search holds its thread for its whole length
        // a block is mined while every student waits for it: the teacher's other cores search too
        int helperCount = Math.min(MAX_MINING_HELPERS, Runtime.getRuntime().availableProcessors() - 1);
        producer = new BlockProducer(chain, codec, clock, intake::acceptMined, granted, threads.lane("miner", name, true),
                threads.minerHelpers(name, helperCount), helperCount);
        Accounts accounts = new Accounts(config, identity.nodeId(), chain, accountHost, producer, directory, name);
        OwnAccount ownAccount = new OwnAccount(config, identity, chain, credentials, roster, directory, handshakes, name);
        AccountHosting hosting = new AccountHosting(identity.nodeId(), accountHost, accounts, granted, producer,
                () -> modules, directory, this::knownUsers);
        screenLane = threads.lane("screens", name, true);
        Screens screens = new Screens(identity, () -> chain, config.transport, directory, hosting, config.policy,
                Optional.ofNullable((org.classchain.spi.host.DesktopService) config.services.get(
                        org.classchain.spi.host.DesktopService.class)), clock, screenLane, random, name);
        router.openAccounts(new AuthRouter(identity.nodeId(), config.transport, directory, chain, hosting, producer,
                () -> modules, roster, random, name), hosting, accounts, backups, screens);
        ownAccount.ensure();
        granted.restore(producer); // batches granted here before a stop: mined again unless on the chain
        producer.start();
        dispatcher = buildDispatcher(courier, threads);
        dispatcher.submit(chain.range(1, Integer.MAX_VALUE).stream().flatMap(b -> b.payload().commands().stream()).toList());
        Maintenance maintenance = new Maintenance(config, identity.nodeId(), chain, producer, handshakes, courier,
                ownAccount, backups, accounts, roster, directory, book, headCheck, random, name);
        ticker = threads.every(config.tick, "tick", name, maintenance::tick);
    }

    private Dispatcher buildDispatcher(ReceiptCourier courier, PeerThreads threads) {
        Dispatcher.Builder b = Dispatcher.builder().identity(identity).role(this::role).signedInUsers(roster::here)
                .registry(modules).policy(config.policy).log(data.executionLog()).clock(clock)
                .signer(new ReceiptSigner(identity)).receipts(courier::dispatched).threads(threads)
                .service(org.classchain.spi.host.ReceiptDelivery.class, receiptWatch);
        config.addServices(b);
        return b.build();
    }

    /**
     * Stops what {@link #assemble()} started, in order, each on its own: one that fails keeps no
     * other open. The mods' class loaders close after the dispatcher that runs their code, the data
     * dir's lock last.
     */
    @Override
    public void close() {
        AutoCloseable loaded = ownsModules ? modules : null;
        for (AutoCloseable c : new AutoCloseable[] {ticker, producer, handshakes, config.transport, dispatcher, receiptWatch,
                catchUp, events, screenLane, loaded, data}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                LOG.warn("peer {}: closing {} failed: {}", name, c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** The command modules (tests). */
    ModuleRegistry modules() {
        return modules;
    }

    /** TEACHER when this peer hosts the teacher's account, else STUDENT. */
    Role role() {
        ChainState c = chain;
        if (c == null) {
            return Role.STUDENT;
        }
        return c.teacherAccount().isHostedBy(identity.nodeId()) ? Role.TEACHER : Role.STUDENT;
    }

    PeerStatus status() {
        Head h = chain.headInfo();
        return new PeerStatus(role(), identity.nodeId(), identity.publicKey(), config.transport.localAddress(),
                chain.chainId(), h.height(), h.hash(), directory.neighbours(), roster.hereSorted(), skew.millis(),
                modules.names(), macs, desktopHealth(), transfers());
    }

    /** The files the file service is fetching, or none without one (or when it fails: the status must still answer). */
    private List<FileProgress> transfers() {
        if (!(config.services.get(FileTransferService.class) instanceof FileTransferService files)) {
            return List.of();
        }
        try {
            return files.inProgress();
        } catch (RuntimeException e) {
            LOG.debug("peer {}: the files in progress: {}", name, e.toString());
            return List.of();
        }
    }

    /** The desktop service's health, or null without one (or when it fails: the status must still answer). */
    private DesktopHealth desktopHealth() {
        if (!(config.services.get(DesktopService.class) instanceof DesktopService desktop)) {
            return null;
        }
        try {
            return desktop.health();
        } catch (RuntimeException e) {
            LOG.debug("peer {}: the desktop's health: {}", name, e.toString());
            return null;
        }
    }

    /** What this peer knows of a command, with the targets it knows to be offline that have not answered. */
    CommandReport report(UUID id) {
        Optional<Long> height = chain.heightOfCommand(id);
        Optional<Command> command = height.flatMap(chain::blockAt).flatMap(b -> b.payload().commands().stream()
                .filter(c -> c.id().equals(id)).findFirst());
        List<Receipt> got = receipts.receipts(id);
        List<String> offline = command.map(c -> offlineTargets(c.target(), got)).orElse(List.of());
        return new CommandReport(id, command.map(Command::module).orElse(null), height.orElse(null), got, offline);
    }

    /**
     * The computers of the room (and, for a {@code peer:} target, the node ids it names) that
     * {@code target} reaches, have sent none of {@code got}, and are offline as far as the
     * directory knows: what the room shows as "offline — will run when it returns".
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

    /** This computer first, then every computer the directory knows, each with its role on the chain. */
    private List<PeerInfo> peers() {
        List<PeerInfo> out = new ArrayList<>();
        out.add(new PeerInfo(identity.nodeId(), config.transport.localAddress(), false, roster.hereSorted(),
                clock.instant(), modules.names(), role(), macs));
        ChainState c = chain;
        for (PeerInfo p : directory.infos()) {
            out.add(p.nodeId() == null ? p : p.withRole(c.teacherAccount().isHostedBy(p.nodeId()) ? Role.TEACHER
                    : Role.STUDENT));
        }
        return out;
    }

    /** Whether this peer holds the credential of {@code username}. */
    boolean holdsCredential(String username) {
        return data.credentials().find(username).isPresent();
    }

    /** The users signed in here; empty before the peer started. */
    Set<String> signedInUsers() {
        Roster r = roster;
        return r == null ? Set.of() : r.here();
    }
}
