package org.classchain.samples;

import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.classchain.core.dispatch.Policy;
import org.classchain.core.peer.Peer;
import org.classchain.http.JettyTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code classchain peer}: runs one classroom peer until it is stopped. */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Run a classroom peer. Without --seed it creates the chain and is the TEACHER; with --seed it "
                + "joins the seed's chain as a STUDENT (a seed that hosts no chain yet is waited for). With --room it "
                + "is advertised on the LAN under the room's name and, without --seed, joins the chain advertised "
                + "there (--create-room: creates it, the teacher's first start).")
final class PeerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (0 picks a free one)")
    int port;

    @Option(names = "--host", description = "address to listen on and advertise (default: all interfaces, "
            + "advertising this machine's LAN address)")
    String host;

    @Option(names = "--seed", description = "URL of a peer to join through (repeatable)")
    List<String> seeds = new ArrayList<>();

    @Option(names = "--data-dir", description = "where the key, chain and journal live (default ~/.classchain/peer-PORT)")
    Path dataDir;

    @Option(names = "--user", description = "the person at this computer: the TEACHER when this peer creates the "
            + "chain, else a STUDENT account created and hosted here")
    String user;

    @Option(names = "--password-file", description = "file whose first line is the password")
    Path passwordFile;

    @Option(names = "--mods-dir", description = "folder of command module jars (default DATA-DIR/mods)")
    Path modsDir;

    @Option(names = "--inbox", description = "where received files go (default ~/ClassChain/Inbox)")
    Path inbox;

    @Option(names = "--deny", split = ",", description = "modules this computer refuses to run "
            + "(also 'deny=' in DATA-DIR/peer.properties)")
    List<String> deny;

    @Option(names = "--allow", split = ",", description = "the only modules this computer runs "
            + "(also 'allow=' in DATA-DIR/peer.properties)")
    List<String> allow;

    @Option(names = "--chain", description = "the class to join: its chain id or genesis hash (also 'chain=' in "
            + "DATA-DIR/peer.properties); a seed or data dir of another chain is refused")
    String expectedChain;

    @Option(names = "--room", description = "the room's name (also 'room=' in DATA-DIR/peer.properties): this peer "
            + "is advertised on the LAN under it and, without --seed, joins the chain advertised there; the first join "
            + "pins that chain in DATA-DIR/room.properties")
    String roomFlag;

    @Option(names = "--create-room", description = "with --room, on the teacher's first start: create the room's chain "
            + "(refused when a chain is already advertised under that name)")
    boolean createRoom;

    @Option(names = "--room-settle", hidden = true, defaultValue = "2s", converter = Durations.class,
            description = "how long to listen for a second chain under the room's name before joining")
    Duration roomSettle;

    @Option(names = "--genesis-if-unreachable", description = "create a new chain when no seed serves one (none "
            + "answers, or one answers without a chain)")
    boolean genesisIfUnreachable;

    @Option(names = "--join-timeout", defaultValue = "60s", converter = Durations.class,
            description = "how long to retry a seed that does not answer (default ${DEFAULT-VALUE})")
    Duration joinTimeout;

    @Option(names = "--pin-fingerprint", description = "when this peer creates the chain: accept only peers that run "
            + "exactly this build and these mods (a consistency check, not a defence against a lying peer)")
    boolean pinFingerprint;

    @Option(names = "--accounts-per-computer", defaultValue = "1", description = "on the teacher's peer: how many "
            + "student accounts one computer may register (default ${DEFAULT-VALUE}, so nobody takes classmates' names)")
    int accountsPerComputer;

    @Option(names = "--settings", description = "the settings file (default DATA-DIR/peer.properties; the installed "
            + "service: /etc/classchain/peer.properties)")
    Path settingsFile;

    @Option(names = "--agent-socket", description = "run as the system service: display commands go to the session "
            + "agents that connect to this Unix socket ('classchain agent'), none connected means no display "
            + "(also 'agent-socket=' in the settings)")
    Path agentSocket;

    @Option(names = "--agent-users", split = ",", description = "with --agent-socket: users whose agents are accepted "
            + "without a logind session (also 'agent-users='); by default only logged-in users'")
    List<String> agentUsers;

    @Option(names = "--difficulty", hidden = true, defaultValue = "17")
    int difficulty;

    @Mixin
    TlsOptions tls = new TlsOptions();

    /** Where rooms are advertised and seen: DNS-SD on the LAN (tests may hand in an in-memory one). */
    RoomDirectory.Opener roomDirectories = MdnsRoomDirectory::open;

    @Override
    public Integer call() throws Exception {
        Running running = start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.close();
            stopped.countDown();
        }, "classchain-shutdown"));
        stopped.await();
        return 0;
    }

    /**
     * A started peer and, with a room, what keeps it there; closing withdraws the advertisement,
     * then stops the peer.
     *
     * @param peer the peer, or null when its start failed (the rest is closed all the same)
     * @param keeper its room's keeper, or null without a room
     * @param files its file transfers, closed after the peer
     * @param desktop the desktop it runs blackouts on, if it has a display and runs no agents
     * @param agents the session agents' socket when it runs as the system service, else null
     */
    record Running(Peer peer, RoomKeeper keeper, org.classchain.http.HttpFileTransfers files,
                   Optional<org.classchain.mods.host.AwtDesktop> desktop, SessionAgents agents) implements AutoCloseable {
        @Override
        public void close() {
            if (keeper != null) {
                keeper.close();
            }
            desktop.ifPresent(org.classchain.mods.host.AwtDesktop::close);
            if (agents != null) {
                agents.close();
            }
            if (peer != null) {
                peer.close();
            }
            files.close();
        }
    }

    /** Starts the peer as the options say (tests call this, {@link #call} waits until the JVM stops). */
    Running start() throws Exception {
        if (deny != null && allow != null) {
            throw new IllegalArgumentException("give --deny or --allow, not both");
        }
        Path dir = dataDir != null ? dataDir : Path.of(System.getProperty("user.home"), ".classchain", "peer-" + port);
        PeerSettings settings = settingsFile != null ? PeerSettings.readFile(settingsFile) : PeerSettings.read(dir);
        if (seeds.isEmpty()) {
            seeds = new ArrayList<>(settings.list("seed"));
        }
        for (String seed : seeds) {
            checkSeed(seed, tls.enabled());
        }
        Path mods = settings.path("mods-dir", modsDir, dir.resolve("mods"));
        // hashing the jar (17 MB) takes a core for ~70 ms: done while this thread loads Jackson and Jetty
        FutureTask<String> fingerprinting = new FutureTask<>(() -> Fingerprints.ofRunningCode(mods));
        Thread hasher = new Thread(fingerprinting, "classchain-fingerprint");
        hasher.setDaemon(true);
        hasher.start();
        String password = null;
        if (user != null && !org.classchain.Account.isValidUsername(user)) {
            throw new IllegalArgumentException("--user takes 1-64 letters, digits, '.', '_' or '-', not '" + user + "'");
        }
        String room = settings.room(roomFlag);
        if (createRoom && room == null) {
            throw new IllegalArgumentException("--create-room needs the room's name: --room NAME (or room= in "
                    + dir.resolve(PeerSettings.FILE_NAME) + ")");
        }
        Optional<RoomPin> pinned = room == null ? Optional.empty() : RoomPin.read(dir);
        boolean joinsRoom = room != null && seeds.isEmpty() && !createRoom && pinned.isEmpty();
        if (seeds.isEmpty() && user == null && !joinsRoom && pinned.isEmpty()) {
            throw new IllegalArgumentException("without --seed this peer creates the chain and is the TEACHER: "
                    + "give --user NAME (and a password)" + (room == null ? "" : ", or, to join room '" + room
                    + "', leave out --create-room"));
        }
        if (user != null && (passwordFile != null || !java.nio.file.Files.exists(dir.resolve("credentials.json")))) {
            // needed once, to compute the verifier; again only if the teacher renamed the account
            password = Passwords.read(passwordFile, "Password for " + user + ": ");
        }
        String bind = host == null ? "0.0.0.0" : host;
        JettyTransport.Builder tb = tls.apply(JettyTransport.builder().host(bind).port(port));
        if (host == null) {
            if (port == 0) {
                throw new IllegalArgumentException("with --port 0 give --host too, so that others can be told the port");
            }
            tb.advertisedAddress(tls.scheme() + "://" + lanAddress() + ":" + port);
        }
        Policy policy = settings.policy(deny, allow);
        java.util.concurrent.atomic.AtomicReference<Peer> self = new java.util.concurrent.atomic.AtomicReference<>();
        Peer.Builder b = Peer.builder();
        java.util.concurrent.atomic.AtomicReference<JettyTransport> built = new java.util.concurrent.atomic.AtomicReference<>();
        org.classchain.http.HttpFileTransfers files = Launchers.addFiles(b, tb, dir, self::get, built::get);
        SessionAgents agents = null;
        java.util.Optional<org.classchain.mods.host.AwtDesktop> desktop = java.util.Optional.empty();
        RoomDirectory rooms = null;
        // from here on what is opened is closed again when the start fails: tests start many peers
        // in one JVM
        try {
            JettyTransport transport = tb.build();
            built.set(transport);
            String fingerprint;
            try {
                fingerprint = fingerprinting.get();
            } catch (ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IllegalStateException(e.getCause());
            }
            b.dataDir(dir).transport(transport).joinTimeout(joinTimeout)
                    .fingerprint(fingerprint)
                    .genesisIfUnreachable(genesisIfUnreachable).difficultyBits(difficulty)
                    .accountsPerComputer(accountsPerComputer)
                    .modsDir(mods)
                    .policy(policy);
            Launchers.addHostServices(b, dir, settings.path("inbox", inbox, null));
            b.service(org.classchain.mods.host.SystemPower.class, settings.power());
            Launchers.addConsoleFeed(b, transport);
            String socket = settings.text("agent-socket", agentSocket == null ? null : agentSocket.toString());
            if (socket != null) {
                agents = new SessionAgents(Path.of(socket), agentUsers != null ? agentUsers
                        : settings.list("agent-users"));
                b.service(org.classchain.spi.host.DesktopService.class, agents);
                b.service(org.classchain.spi.host.ProcessService.class, agents.processes()); // the students', not the service's
            } else {
                desktop = Launchers.addDesktop(b);
            }
            if (pinFingerprint) {
                if (fingerprint.isEmpty()) {
                    throw new IllegalArgumentException("--pin-fingerprint needs the launcher to run from its jar");
                }
                b.pinFingerprints(List.of(fingerprint));
            }
            if (user != null) {
                b.account(user, password);
            }
            String pin = settings.chain(expectedChain);
            if (room != null) {
                String mdnsHost = host == null || host.equals("0.0.0.0") ? lanAddress() : host;
                rooms = roomDirectories.open(InetAddress.getByName(mdnsHost),
                        "classchain-" + Integer.toHexString(new java.security.SecureRandom().nextInt()));
                pin = roomChain(rooms, room, pinned, pin, joinsRoom);
            }
            return startPeer(b, pin, room, pinned, rooms, dir, files, self, desktop, agents);
        } catch (Exception | Error e) {
            if (rooms != null) {
                rooms.close();
            }
            new Running(null, null, files, desktop, agents).close();
            throw e;
        }
    }

    /**
     * The chain the peer must follow given its room: the pinned one, or (at a first join) the one
     * advertised under the room's name, whose members become the seeds; null when any will do.
     */
    private String roomChain(RoomDirectory rooms, String room, Optional<RoomPin> pinned, String pin, boolean joins)
            throws IOException, InterruptedException {
        if (pinned.isPresent()) {
            RoomPin p = pinned.get();
            if (pin != null && !pin.equalsIgnoreCase(p.chainId()) && !pin.equalsIgnoreCase(p.genesis())) {
                throw new IllegalArgumentException("this computer joined chain " + p.chainId() + " of room '" + p.room()
                        + "' (pinned in " + RoomPin.FILE_NAME + "), but chain= or --chain names " + pin
                        + ": it keeps its chain");
            }
            // members already seen are greeted at the start; the room's keeper greets the others as they appear
            RoomChoice.choose(room, rooms.seen(), p.genesis()).ifPresent(f -> seeds.addAll(f.addresses()));
            return p.genesis();
        }
        if (joins) {
            RoomChoice.Found found = awaitRoom(rooms, room, pin);
            seeds.addAll(found.addresses());
            return pin != null ? pin : found.genesis();
        }
        if (createRoom && seeds.isEmpty()) {
            Thread.sleep(roomSettle.toMillis()); // answers to the query JmDNS sent at its start
            List<RoomAd> there = rooms.seen().stream().filter(a -> a.isOf(room)).toList();
            if (!there.isEmpty()) {
                throw new IllegalArgumentException("a chain is already advertised as room '" + room + "': "
                        + RoomChoice.describe(there) + ". Choose another name, or join it without --create-room");
            }
        }
        return pin;
    }

    /** Waits for the room's chain to be advertised, and then {@code --room-settle} for a second one. */
    private RoomChoice.Found awaitRoom(RoomDirectory rooms, String room, String required)
            throws IOException, InterruptedException {
        System.out.println("looking for room '" + room + "' on the LAN ...");
        long start = System.nanoTime();
        long firstSeen = -1;
        while (true) {
            Optional<RoomChoice.Found> found = RoomChoice.choose(room, rooms.seen(), required);
            long now = System.nanoTime();
            if (found.isPresent()) {
                if (firstSeen < 0) {
                    firstSeen = now;
                } else if (now - firstSeen >= roomSettle.toNanos()) {
                    return found.get();
                }
            } else if (now - start > joinTimeout.toNanos()) {
                throw new IOException("no chain is advertised as room '" + room + "'" + (required == null ? ""
                        : " with chain " + required) + " on the LAN within " + joinTimeout.toSeconds() + " s: start "
                        + "the teacher's peer (classchain peer --room NAME --create-room ...), check the name "
                        + "(classchain rooms lists the rooms seen), or give --seed URL");
            }
            Thread.sleep(100);
        }
    }

    private Running startPeer(Peer.Builder b, String pin, String room, Optional<RoomPin> pinned, RoomDirectory rooms,
                              Path dir, org.classchain.http.HttpFileTransfers files,
                              java.util.concurrent.atomic.AtomicReference<Peer> self,
                              Optional<org.classchain.mods.host.AwtDesktop> desktop, SessionAgents agents)
            throws Exception {
        if (pin != null) {
            if (genesisIfUnreachable) {
                throw new IllegalArgumentException("--chain names a class to join: it cannot be combined with "
                        + "--genesis-if-unreachable, which would create another one");
            }
            b.expectChain(pin);
        }
        seeds.forEach(b::seed);
        Peer peer = b.build();
        self.set(peer);
        try {
            peer.start();
        } catch (Exception | Error e) {
            peer.close(); // the caller closes the rest
            if (e instanceof BindException) {
                throw new BindException(e.getMessage() + " (another peer or program listens there: stop it, or give "
                        + "another --port)");
            }
            throw e;
        }
        files.resume(); // deliveries a previous run left mid-transfer
        desktop.ifPresent(org.classchain.mods.host.AwtDesktop::watch); // a blackout still due comes back now
        RoomKeeper keeper = null;
        if (room != null) {
            try {
                RoomPin now = new RoomPin(room, peer.chain().chainId(), peer.chain().genesis().hash().hex(),
                        teacherKey(peer));
                if (!pinned.equals(Optional.of(now))) {
                    now.write(dir);
                }
                keeper = new RoomKeeper(peer, rooms, now, Duration.ofSeconds(30));
                keeper.start();
            } catch (IOException | RuntimeException e) {
                peer.close(); // the caller closes the rest
                throw e;
            }
        }
        System.out.println("ClassChain peer " + peer.nodeId() + " is the " + peer.role() + " of chain "
                + peer.chain().chainId() + (room == null ? "" : " in room '" + room + "'") + " at " + peer.address()
                + " (console: " + peer.address() + "/)");
        return new Running(peer, keeper, files, desktop, agents);
    }

    private static String teacherKey(Peer peer) {
        return peer.chain().accounts().values().stream().filter(a -> a.role() == org.classchain.Role.TEACHER)
                .flatMap(a -> a.hostKeys().stream()).findFirst().map(org.classchain.NodeKey::hex).orElse("");
    }

    /**
     * Refuses at once a seed no peer can be reached at, saying what is wrong with an example,
     * rather than retrying it until {@code --join-timeout} and then blaming the teacher's peer.
     *
     * @throws IllegalArgumentException without a scheme, not an http(s) URL with a host, or in a
     *                                  scheme other than the classroom's ({@code https} exactly when
     *                                  {@code --tls-keystore} is given)
     */
    static void checkSeed(String seed, boolean tls) {
        String scheme = tls ? "https" : "http";
        String example = "e.g. --seed " + scheme + "://192.168.1.10:8080";
        if (seed.matches("[^:/\\s]+:\\d+(/.*)?")) {
            throw new IllegalArgumentException("--seed " + seed + " has no scheme: give the peer's URL, e.g. --seed "
                    + scheme + "://" + seed);
        }
        URI uri;
        try {
            uri = new URI(seed);
        } catch (URISyntaxException e) {
            String where = e.getIndex() < 0 ? "" : " at character " + (e.getIndex() + 1);
            throw new IllegalArgumentException("--seed '" + seed + "' is not a peer's URL ("
                    + e.getReason().toLowerCase(Locale.ROOT) + where + "): " + example);
        }
        if (uri.getScheme() == null || !uri.getScheme().matches("https?") || uri.getHost() == null) {
            throw new IllegalArgumentException("--seed " + seed + " is not a peer's URL (an http:// or https:// "
                    + "address with a host): " + example);
        }
        if (uri.getScheme().equals("https") && !tls) {
            throw new IllegalArgumentException("--seed " + seed + ": https needs the classroom keystore: add "
                    + "--tls-keystore classroom.p12 --tls-password-file ks-pw.txt, or, in a classroom without TLS, "
                    + "e.g. --seed http://" + uri.getRawAuthority());
        }
        if (uri.getScheme().equals("http") && tls) {
            throw new IllegalArgumentException("--seed " + seed + ": with --tls-keystore every peer speaks https, "
                    + "e.g. --seed https://" + uri.getRawAuthority());
        }
    }

    /** This machine's first site-local IPv4 address, or 127.0.0.1. */
    static String lanAddress() {
        try {
            for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nif.isUp() || nif.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                    if (a instanceof Inet4Address && a.isSiteLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        } catch (java.net.SocketException e) {
            // fall through
        }
        return "127.0.0.1";
    }
}
