package org.classchain.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.classchain.Attachment;
import org.classchain.Block;
import org.classchain.BlockHeader;
import org.classchain.Command;
import org.classchain.Grant;
import org.classchain.Hash;
import org.classchain.Payload;
import org.classchain.ReceiptStatus;
import org.classchain.Role;
import org.classchain.Target;
import org.classchain.core.block.BlockCodec;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.mining.Miner;
import org.classchain.http.FloodWire;
import org.classchain.http.JettyTransport;
import org.classchain.wire.Message;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The flood harness of issue 23, property 1, with the real launcher: for each group of POST routes
 * (and the event streams), a fresh classroom of two processes, the teacher's peer at
 * {@code -Xmx256m} on 127.0.0.2 and a student's at {@code -Xmx64m} on 127.0.0.3, is flooded with
 * hostile bodies from one producing thread (sources 127.0.0.10 and up, {@code
 * -Dclasschain.floodSources}, 64 requests in flight) for {@code -Dclasschain.floodSeconds} (60 by
 * default). During the flood and after it, {@code GET /status} of both peers is probed every
 * 250 ms from 127.0.0.4 (latency, or no status within 5 s: a timeout or a refusal); heap use is
 * read with {@code jcmd GC.heap_info} (peak during the flood; after it, after a {@code GC.run}:
 * what the peer keeps); the data dirs are measured before and after; and the teacher's next
 * {@code classchain send --wait} is run a third into the flood and once after it, and must be
 * executed by the student.
 *
 * <p>Writes {@code target/flood-report.md} (one row per group), keeps the peers' logs in {@code
 * target/flood-logs}, then fails when a probe went unanswered or the student did not execute a
 * command. Not part of {@code mvn verify}: {@code mvn -Pflood -pl samples -am verify -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false} ({@code -Dclasschain.floodGroups=orphans,copies} for
 * some groups only). SECURITY.md, "Flood harness", has the figures.
 */
class FloodIT {

    private static final String TEACHER_HOST = "127.0.0.2";
    private static final String STUDENT_HOST = "127.0.0.3";
    /** Where the status probes come from. */
    private static final String PROBE_HOST = "127.0.0.4";
    private static final String PASSWORD = "a teacher's secret";
    private static final int IN_FLIGHT = 64;
    /** A message of this many characters makes the first granted block a few hundred KB. */
    private static final int BIG_TEXT = 300_000;

    /** The groups, in the order run. */
    static final List<String> GROUPS = List.of("orphans", "low-difficulty", "oversize-blocks", "copies", "handshakes",
            "receipts", "sign-in-starts", "registrations", "relays-and-auth", "event-streams");

    @TempDir
    Path tmp;

    private final CanonicalJson json = new CanonicalJson();
    private final BlockCodec codec = new BlockCodec(json);
    private final FloodWire wire = new FloodWire();
    private final Random random = new Random();
    private final SecureRandom secure = new SecureRandom();

    /** What one group's flood did to the two peers. */
    record GroupResult(String group, Map<String, Map<Integer, Long>> replies, Map<String, Long> sent,
                       PeerFigures teacher, PeerFigures student, Sent during, Sent after, long seconds) {
    }

    /** One peer's figures over a group: heap in KB, disk in bytes, status latencies in ms. */
    record PeerFigures(long heapBefore, long heapPeak, long heapAfter, long heapMax, long diskBefore, long diskAfter,
                       double p50, double p99, long probes, long unanswered, boolean alive, boolean oom) {
    }

    /** A {@code send --wait}: executed by the student or not, and how long it took. */
    record Sent(boolean executed, double seconds, int exit) {
    }

    @Test
    @Timeout(7200)
    void everyPostRouteFloodedFromOneCore() throws Exception {
        long seconds = Long.getLong("classchain.floodSeconds", 60);
        int sources = Integer.getInteger("classchain.floodSources", 8);
        String only = System.getProperty("classchain.floodGroups", "");
        List<String> groups = only.isBlank() ? GROUPS : Arrays.stream(only.split(",")).map(String::trim).toList();
        List<GroupResult> results = new ArrayList<>();
        for (String group : groups) {
            assertThat(GROUPS).contains(group);
            results.add(runGroup(group, Duration.ofSeconds(seconds), sources));
            writeReport(results, seconds, sources);
        }
        String report = writeReport(results, seconds, sources);
        System.out.println(report);
        for (GroupResult r : results) {
            assertThat(r.teacher().unanswered() + r.student().unanswered()).as("%s: status probes not answered", r.group())
                    .isZero();
            assertThat(r.during().executed() && r.after().executed()).as("%s: the student executed the teacher's "
                    + "commands during and after the flood", r.group()).isTrue();
        }
    }

    // ------------------------------------------------------------------ one group

    private GroupResult runGroup(String group, Duration duration, int sources) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(group));
        Path pw = dir.resolve("pw.txt");
        Files.writeString(pw, PASSWORD + "\n");
        try (PeerProcesses cli = new PeerProcesses(dir);
             Classroom room = new Classroom(dir, pw);
             JettyTransport transport = JettyTransport.builder().build();
             Flooder flood = new Flooder(sources)) {
            TeacherClient client = new TeacherClient(transport, secure, Duration.ofSeconds(30));
            assertThat(client.signIn(room.teacherUrl, "teacher", PASSWORD)).isInstanceOf(Message.AuthConfirmed.class);
            // the first granted block is a large one: what a student re-mines copies of
            Command big = Command.create("message", Target.all(), Map.of("text", "x".repeat(BIG_TEXT)), Instant.now(),
                    Duration.ofMinutes(30));
            assertThat(client.submit(room.teacherUrl, List.of(big))).isInstanceOf(Message.Submitted.class);
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (client.status(room.studentUrl).height() < 1) {
                assertThat(System.nanoTime()).as("the student has the first block").isLessThan(end);
                Thread.sleep(100);
            }
            Message page = transport.send(room.teacherUrl, new Message.GetBlocks(0, 2)).get(30, TimeUnit.SECONDS);
            List<Block> blocks = ((Message.Blocks) page).blocks();
            Hostile hostile = new Hostile(blocks.get(0), blocks.get(1), big.id(), room);

            Sampler teacher = new Sampler(room.teacher, room.teacherUrl, room.teacherDir);
            Sampler student = new Sampler(room.student, room.studentUrl, room.studentDir);
            teacher.before();
            student.before();
            teacher.startProbing();
            student.startProbing();

            AtomicBoolean stop = new AtomicBoolean();
            Thread producer = new Thread(() -> {
                try {
                    hostile.flood(group, flood, stop);
                } catch (Exception e) {
                    System.err.println("flood " + group + " stopped: " + e);
                }
            }, "flood-" + group);
            long started = System.nanoTime();
            producer.start();
            Sent during = null;
            long stopAt = started + duration.toNanos();
            long sendAt = started + duration.toNanos() / 3;
            while (System.nanoTime() < stopAt || during == null) {
                teacher.sampleHeap();
                student.sampleHeap();
                if (during == null && System.nanoTime() >= sendAt) {
                    during = sendWait(cli, room, pw, group + " during");
                    continue;
                }
                Thread.sleep(2000);
            }
            stop.set(true);
            producer.join(30_000);
            flood.drain(Duration.ofSeconds(15));
            flood.closeStreams();
            long floodSeconds = Math.round((System.nanoTime() - started) / 1e9);
            Sent after = sendWait(cli, room, pw, group + " after");
            teacher.stopProbing();
            student.stopProbing();
            PeerFigures t = teacher.after();
            PeerFigures s = student.after();
            Path logs = Files.createDirectories(Path.of("target", "flood-logs"));
            for (String name : List.of("teacher", "student")) {
                Files.copy(dir.resolve(name + ".log"), logs.resolve(group + "-" + name + ".log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return new GroupResult(group, flood.replies(), flood.sent(), t, s, during, after, floodSeconds);
        }
    }

    /** The teacher's next command, with the real launcher; executed when the student's receipt says so. */
    private static Sent sendWait(PeerProcesses cli, Classroom room, Path pw, String label) throws Exception {
        String text = "flood " + label + " " + UUID.randomUUID();
        long t0 = System.nanoTime();
        PeerProcesses.Result r;
        try {
            r = cli.run(Duration.ofSeconds(120), "send", "--peer", room.teacherUrl, "--user", "teacher", "--password-file",
                    pw.toString(), "--ttl", "60s", "message", "--arg", "text=" + text, "--wait");
        } catch (AssertionError e) {
            return new Sent(false, (System.nanoTime() - t0) / 1e9, -1);
        }
        double took = (System.nanoTime() - t0) / 1e9;
        // headless student: the message is a notice and its receipt UNAVAILABLE (exit 3)
        boolean executed = r.exit() == 3 && Pattern.compile(Pattern.quote(room.studentId) + "\\s+UNAVAILABLE")
                .matcher(r.output()).find();
        Path notices = room.studentDir.resolve("notices.txt");
        executed &= Files.exists(notices) && Files.readString(notices).contains(text);
        System.out.printf("send --wait (%s): exit %d in %.1f s, executed by the student: %s%n", label, r.exit(), took,
                executed);
        if (!executed) {
            System.out.println(r.output());
        }
        return new Sent(executed, took, r.exit());
    }

    // ------------------------------------------------------------------ hostile bodies

    /** Builds and posts a group's hostile bodies, from the calling thread only. */
    private final class Hostile {
        private final Block genesis;
        private final Block first;
        private final UUID realCommand;
        private final Classroom room;
        private final Payload junkPayload;
        private final Payload oversizePayload;
        private final List<NodeIdentity> identities = new ArrayList<>();
        private final List<byte[]> clientPublics = new ArrayList<>();
        private final Attachment picture;

        Hostile(Block genesis, Block first, UUID realCommand, Classroom room) {
            this.genesis = genesis;
            this.first = first;
            this.realCommand = realCommand;
            this.room = room;
            this.junkPayload = fakeGrantPayload(400_000);
            this.oversizePayload = fakeGrantPayload(BlockCodec.MAX_BLOCK_BYTES + 1000);
            for (int i = 0; i < 256; i++) {
                identities.add(NodeIdentity.generate(secure));
            }
            org.classchain.core.auth.SrpClient srp = new org.classchain.core.auth.SrpClient(json, secure);
            for (int i = 0; i < 32; i++) {
                clientPublics.add(srp.start("teacher").clientPublic());
            }
            byte[] bytes = new byte[Attachment.MAX_BYTES];
            random.nextBytes(bytes);
            picture = new Attachment("image/png", bytes);
        }

        /** A payload of about {@code size} bytes whose grant names the teacher's host, signed by nobody. */
        private Payload fakeGrantPayload(int size) {
            Command c = Command.create("message", Target.all(), Map.of("text", "y".repeat(size)), Instant.now(),
                    Duration.ofMinutes(30));
            byte[] sig = new byte[Grant.SIGNATURE_LENGTH];
            random.nextBytes(sig);
            Grant g = new Grant(genesis.payload().genesis().chainId(), "teacher", Role.TEACHER, new Hash(randomBytes(32)),
                    UUID.randomUUID(), Instant.now(), room.teacherId, Grant.FIRST, sig);
            return Payload.granted(List.of(c), g);
        }

        private byte[] randomBytes(int n) {
            byte[] b = new byte[n];
            random.nextBytes(b);
            return b;
        }

        private NodeIdentity someone() {
            return identities.get(random.nextInt(identities.size()));
        }

        private String madeUpAddress() {
            return "http://127.0.0.250:" + (1024 + random.nextInt(60_000));
        }

        private Block mine(long height, Hash parent, long timestamp, Payload payload, int bits) {
            BlockHeader t = new BlockHeader(BlockHeader.CURRENT_VERSION, height, parent, timestamp, codec.payloadHash(payload),
                    bits, random.nextLong());
            return codec.seal(new Miner().mine(t, () -> false).orElseThrow(), payload);
        }

        private void flood(String group, Flooder f, AtomicBoolean stop) throws Exception {
            String t = room.teacherUrl;
            String s = room.studentUrl;
            int bits = genesis.header().difficultyBits();
            Hash junkHash = codec.payloadHash(junkPayload);
            for (long n = 0; !stop.get(); n++) {
                String to = n % 2 == 0 ? t : s;
                switch (group) {
                    case "orphans" -> {
                        // a parent nobody has, the lowest difficulty the header allows, 400 KB
                        BlockHeader h = new BlockHeader(BlockHeader.CURRENT_VERSION, 2 + random.nextInt(1000),
                                new Hash(randomBytes(32)), System.currentTimeMillis(), junkHash, 1, random.nextLong());
                        Block b = codec.seal(new Miner().mine(h, () -> false).orElseThrow(), junkPayload);
                        f.post("POST /blocks (orphan)", to, wire.post(new Message.BlockAnnouncement(b, null)));
                    }
                    case "low-difficulty" -> {
                        // on the head, 1 bit of work, each from a made-up sender address
                        Block b = mine(first.height() + 1, first.hash(), System.currentTimeMillis(), junkPayload, 1);
                        f.post("POST /blocks (low difficulty)", to,
                                wire.post(new Message.BlockAnnouncement(b, madeUpAddress())));
                    }
                    case "oversize-blocks" -> {
                        if (n % 4 < 2) {
                            Block b = mine(first.height() + 1, first.hash(), System.currentTimeMillis(), oversizePayload,
                                    bits);
                            f.post("POST /blocks (block over 512 KB)", to,
                                    wire.post(new Message.BlockAnnouncement(b, null)));
                        } else {
                            byte[] body = new byte[4 * 1024 * 1024];
                            Arrays.fill(body, (byte) ' ');
                            body[0] = '{';
                            body[body.length - 1] = '}';
                            f.post("POST /blocks (4 MiB body)", to, new FloodWire.Post("/api/v1/blocks", body));
                        }
                    }
                    case "copies" -> {
                        // valid re-mined copies of the teacher's first granted block, siblings of it
                        long ts = first.header().timestampMillis()
                                + (long) (random.nextDouble() * (System.currentTimeMillis() - first.header().timestampMillis()));
                        Block b = mine(first.height(), first.previousHash(), ts, first.payload(), bits);
                        f.post("POST /blocks (re-mined copy)", to, wire.post(new Message.BlockAnnouncement(b, null)));
                    }
                    case "handshakes" -> {
                        NodeIdentity id = NodeIdentity.generate(secure);
                        String address = madeUpAddress();
                        String fingerprint = "flood";
                        String sig = HexFormat.of().formatHex(id.sign(("classchain-hello-v1\n" + address + "\n"
                                + fingerprint).getBytes(StandardCharsets.UTF_8)));
                        f.post("POST /peers (fresh key)", to,
                                wire.post(new Message.Hello(id.nodeId(), id.publicKey(), address, fingerprint, sig)));
                    }
                    case "receipts" -> receipts(f, to, n);
                    case "sign-in-starts" -> {
                        String name = n % 3 == 0 ? "teacher" : "s" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
                        Message.AuthStart start = new Message.AuthStart(name,
                                clientPublics.get(random.nextInt(clientPublics.size())));
                        if (n % 4 == 3) {
                            f.post("POST /auth/relay (AuthStart via the student)", s, wire.post(new Message.AuthRelay(
                                    UUID.randomUUID(), room.teacherId, 3, start, "10.1." + random.nextInt(256) + "."
                                    + random.nextInt(256))));
                        } else {
                            f.post("POST /auth/start", to, wire.post(start));
                        }
                    }
                    case "registrations" -> {
                        NodeIdentity id = NodeIdentity.generate(secure);
                        String name = "s" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
                        byte[] sig = id.sign(("classchain-register-v1\n" + room.chainId + "\n" + name + "\n"
                                + id.publicKey().hex()).getBytes(StandardCharsets.UTF_8));
                        f.post("POST /accounts", to, wire.post(new Message.RegisterAccount(name, id.publicKey(), sig)));
                    }
                    case "relays-and-auth" -> relaysAndAuth(f, to, n);
                    case "event-streams" -> f.openStream(to);
                    default -> throw new IllegalArgumentException(group);
                }
            }
        }

        private void receipts(Flooder f, String to, long n) {
            switch ((int) (n / 2 % 3)) {
                case 0 -> {
                    // EXECUTED for the real command, each signed by a made-up computer, with a 64 KB picture
                    List<org.classchain.Receipt> list = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        list.add(new ReceiptSigner(someone()).sign(realCommand, ReceiptStatus.EXECUTED,
                                "done " + random.nextInt(), Instant.now(), picture));
                    }
                    f.post("POST /receipts (forged, 10 x 64 KB)", to, wire.post(new Message.Receipts(list)));
                }
                case 1 -> {
                    // a receipt for a command nobody sent
                    List<org.classchain.Receipt> list = new ArrayList<>();
                    for (int i = 0; i < 10; i++) {
                        list.add(new ReceiptSigner(someone()).sign(UUID.randomUUID(), ReceiptStatus.EXECUTED, "",
                                Instant.now(), picture));
                    }
                    f.post("POST /receipts (not targeted)", to, wire.post(new Message.Receipts(list)));
                }
                default -> {
                    List<org.classchain.Receipt> list = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        list.add(new ReceiptSigner(someone()).sign(realCommand, ReceiptStatus.EXECUTED, "",
                                Instant.now(), picture));
                    }
                    f.post("POST /receipts (oversize, 20 x 64 KB)", to, wire.post(new Message.Receipts(list)));
                }
            }
        }

        private void relaysAndAuth(Flooder f, String to, long n) {
            String session = room.teacherId + "." + UUID.randomUUID();
            byte[] mac = randomBytes(32);
            Command c = Command.create("message", Target.all(), Map.of("text", "z".repeat(2000)), Instant.now(),
                    Duration.ofMinutes(5));
            Message.GrantRequest grant = new Message.GrantRequest("teacher", session, n, List.of(c), List.of(), mac);
            switch ((int) (n / 2 % 8)) {
                case 0 -> f.post("POST /auth/relay (to a made-up host)", to, wire.post(new Message.AuthRelay(
                        UUID.randomUUID(), NodeIdentity.generate(secure).nodeId(), 5,
                        new Message.AuthStart("teacher", clientPublics.get(0)), null)));
                case 1 -> f.post("POST /auth/relay (junk grant request to the teacher)", room.studentUrl,
                        wire.post(new Message.AuthRelay(UUID.randomUUID(), room.teacherId, 5, grant,
                                "10.2." + random.nextInt(256) + "." + random.nextInt(256))));
                case 2 -> f.post("POST /auth/finish", to, wire.post(new Message.AuthFinish("teacher", session,
                        randomBytes(32))));
                case 3 -> f.post("POST /auth/login", to, wire.post(new Message.LoginRequest("teacher", session, n,
                        room.teacherId, mac)));
                case 4 -> f.post("POST /auth/enroll", to, wire.post(new Message.EnrollRequest("teacher", session, n,
                        NodeIdentity.generate(secure).publicKey(), mac)));
                case 5 -> f.post("POST /auth/grant", to, wire.post(grant));
                case 6 -> f.post("POST /commands", to, wire.post(new Message.SubmitBatch(grant)));
                default -> f.post("POST /accounts/credential", to, wire.post(new Message.CredentialRequest("teacher",
                        NodeIdentity.generate(secure).publicKey(), randomBytes(32), randomBytes(64))));
            }
        }
    }

    // ------------------------------------------------------------------ the flood's HTTP side

    /**
     * Posts asynchronously with at most {@link #IN_FLIGHT} requests outstanding, each from the
     * next source address, and counts the replies per route and status (0: no answer).
     */
    private static final class Flooder implements AutoCloseable {
        private final List<HttpClient> clients = new ArrayList<>();
        private final List<String> sources = new ArrayList<>();
        private final Semaphore permits = new Semaphore(IN_FLIGHT);
        private final Map<String, Map<Integer, LongAdder>> replies = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> sent = new ConcurrentHashMap<>();
        private final List<Socket> streams = Collections.synchronizedList(new ArrayList<>());
        private long next;

        Flooder(int count) throws Exception {
            for (int i = 0; i < count; i++) {
                String ip = "127.0.0." + (10 + i);
                QueuedThreadPool pool = new QueuedThreadPool(8, 1);
                pool.setName("flood-" + ip);
                pool.setDaemon(true);
                HttpClient c = new HttpClient();
                c.setExecutor(pool);
                c.setBindAddress(new InetSocketAddress(ip, 0));
                c.setMaxConnectionsPerDestination(16);
                c.setMaxRequestsQueuedPerDestination(IN_FLIGHT * 2);
                c.setIdleTimeout(30_000);
                c.start();
                clients.add(c);
                sources.add(ip);
            }
        }

        void post(String route, String base, FloodWire.Post p) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            sent.computeIfAbsent(route, k -> new LongAdder()).increment();
            HttpClient c = clients.get((int) (next++ % clients.size()));
            try {
                c.newRequest(URI.create(base + p.path())).method(HttpMethod.POST).timeout(15, TimeUnit.SECONDS)
                        .body(new BytesRequestContent("application/json", p.body())).send(result -> {
                            int status = result.getResponse() == null ? 0 : result.getResponse().getStatus();
                            count(route, status);
                            permits.release();
                        });
            } catch (RuntimeException e) {
                count(route, 0);
                permits.release();
            }
        }

        private void count(String route, int status) {
            replies.computeIfAbsent(route, k -> new ConcurrentHashMap<>()).computeIfAbsent(status, k -> new LongAdder())
                    .increment();
        }

        /** Opens {@code GET /api/v1/events} from the next source and keeps it open, never reading, when served. */
        void openStream(String base) {
            String route = "GET /api/v1/events (held open, never read)";
            sent.computeIfAbsent(route, k -> new LongAdder()).increment();
            URI u = URI.create(base);
            Socket s = new Socket();
            try {
                s.bind(new InetSocketAddress(sources.get((int) (next++ % sources.size())), 0));
                s.connect(new InetSocketAddress(u.getHost(), u.getPort()), 5000);
                s.setSoTimeout(5000);
                OutputStream out = s.getOutputStream();
                out.write(("GET /api/v1/events HTTP/1.1\r\nHost: " + u.getHost() + ":" + u.getPort()
                        + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int status = statusOf(s.getInputStream());
                count(route, status);
                if (status == 200 && streams.size() < 4000) {
                    s.setReceiveBufferSize(1024);
                    streams.add(s);
                } else {
                    s.close();
                }
            } catch (IOException e) {
                count(route, 0);
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing to do
                }
            }
        }

        private static int statusOf(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
                line.append((char) c);
            }
            String[] parts = line.toString().split(" ");
            return parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
        }

        void drain(Duration within) throws InterruptedException {
            if (permits.tryAcquire(IN_FLIGHT, within.toMillis(), TimeUnit.MILLISECONDS)) {
                permits.release(IN_FLIGHT);
            }
        }

        void closeStreams() {
            synchronized (streams) {
                for (Socket s : streams) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // closing anyway
                    }
                }
                streams.clear();
            }
        }

        Map<String, Map<Integer, Long>> replies() {
            Map<String, Map<Integer, Long>> out = new TreeMap<>();
            replies.forEach((route, m) -> {
                Map<Integer, Long> counts = new TreeMap<>();
                m.forEach((status, n) -> counts.put(status, n.sum()));
                out.put(route, counts);
            });
            return out;
        }

        Map<String, Long> sent() {
            Map<String, Long> out = new TreeMap<>();
            sent.forEach((route, n) -> out.put(route, n.sum()));
            return out;
        }

        @Override
        public void close() {
            closeStreams();
            for (HttpClient c : clients) {
                try {
                    c.stop();
                } catch (Exception ignored) {
                    // stopping anyway
                }
            }
        }
    }

    // ------------------------------------------------------------------ the two peers

    /** The teacher's peer at -Xmx256m and a student's at -Xmx64m, each on its own 127.0.0.x. */
    private static final class Classroom implements AutoCloseable {
        final Process teacher;
        final Process student;
        final String teacherUrl;
        final String studentUrl;
        final String teacherId;
        final String studentId;
        final String chainId;
        final Path teacherDir;
        final Path studentDir;

        Classroom(Path dir, Path pw) throws Exception {
            teacherDir = dir.resolve("teacher");
            studentDir = dir.resolve("student");
            Process t = null;
            Process s = null;
            try {
                t = start(dir, "teacher", "-Xmx256m", TEACHER_HOST, "--user", "teacher", "--password-file", pw.toString());
                Matcher tm = started(dir, "teacher", t);
                s = start(dir, "student", "-Xmx64m", STUDENT_HOST, "--seed", tm.group(4));
                Matcher sm = started(dir, "student", s);
                teacher = t;
                student = s;
                teacherUrl = tm.group(4);
                teacherId = tm.group(1);
                chainId = tm.group(3);
                studentUrl = sm.group(4);
                studentId = sm.group(1);
            } catch (Exception | AssertionError e) {
                Stream.of(t, s).filter(p -> p != null).forEach(Process::destroyForcibly);
                throw e;
            }
        }

        private static Process start(Path dir, String name, String heap, String host, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    heap, "-Djava.awt.headless=true", "-jar", PeerProcesses.JAR.toString(), "peer", "--host", host,
                    "--port", "0", "--difficulty", "10", "--data-dir", dir.resolve(name).toString()));
            cmd.addAll(List.of(args));
            ProcessBuilder pb = new ProcessBuilder(cmd);
            pb.environment().remove("DISPLAY");
            pb.environment().remove("CLASSCHAIN_PASSWORD");
            return pb.redirectOutput(dir.resolve(name + ".out").toFile()).redirectError(dir.resolve(name + ".log").toFile())
                    .start();
        }

        private static Matcher started(Path dir, String name, Process p) throws Exception {
            long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < end) {
                for (String line : Files.readAllLines(dir.resolve(name + ".out"), StandardCharsets.UTF_8)) {
                    Matcher m = PeerProcesses.STARTED.matcher(line);
                    if (m.find()) {
                        return m;
                    }
                }
                if (!p.isAlive()) {
                    throw new AssertionError(name + " exited: " + PeerProcesses.tail(dir.resolve(name + ".log"), 30));
                }
                Thread.sleep(50);
            }
            throw new AssertionError(name + " did not start: " + PeerProcesses.tail(dir.resolve(name + ".log"), 30));
        }

        @Override
        public void close() throws InterruptedException {
            for (Process p : List.of(teacher, student)) {
                p.destroyForcibly();
            }
            for (Process p : List.of(teacher, student)) {
                p.waitFor(15, TimeUnit.SECONDS);
            }
        }
    }

    // ------------------------------------------------------------------ measuring a peer

    /** Heap (jcmd), disk and {@code /status} latency of one peer process. */
    private static final class Sampler {
        private static final Pattern USED = Pattern.compile("(?:heap|generation)\\s+total (\\d+)K, used (\\d+)K");
        private static final Pattern MAX = Pattern.compile("MaxHeapSize\\s*=\\s*(\\d+)");

        private final Process process;
        private final String url;
        private final Path dir;
        private final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        private final LongAdder unanswered = new LongAdder();
        private volatile boolean probing;
        private Thread prober;
        private long heapBefore;
        private long heapPeak;
        private long diskBefore;

        Sampler(Process process, String url, Path dir) {
            this.process = process;
            this.url = url;
            this.dir = dir;
        }

        void before() throws Exception {
            heapBefore = heapUsedKb(true);
            heapPeak = heapBefore;
            diskBefore = diskBytes(dir);
        }

        void sampleHeap() {
            try {
                heapPeak = Math.max(heapPeak, heapUsedKb(false));
            } catch (Exception e) {
                // the peer may be gone: after() says so
            }
        }

        void startProbing() {
            probing = true;
            prober = new Thread(() -> {
                // from an address of its own, so that no flood source's rate limit is the probe's
                try (JettyTransport http = JettyTransport.builder().bindAddress(PROBE_HOST)
                        .requestTimeout(Duration.ofSeconds(5)).build()) {
                    while (probing) {
                        long t0 = System.nanoTime();
                        try {
                            Message m = http.send(url, new Message.GetStatus()).get(10, TimeUnit.SECONDS);
                            if (m instanceof Message.StatusReply) {
                                latencies.add((System.nanoTime() - t0) / 1e6);
                            } else {
                                unanswered.increment();
                            }
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            unanswered.increment();
                        }
                        try {
                            Thread.sleep(250);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            }, "probe-" + url);
            prober.setDaemon(true);
            prober.start();
        }

        void stopProbing() throws InterruptedException {
            probing = false;
            prober.join(10_000);
        }

        PeerFigures after() throws Exception {
            boolean alive = process.isAlive();
            long heapAfter = alive ? safely(() -> heapUsedKb(true)) : -1;
            long max = alive ? safely(this::heapMaxKb) : -1;
            Path log = dir.resolveSibling(dir.getFileName() + ".log");
            boolean oom = Files.exists(log) && Files.readString(log).contains("OutOfMemoryError");
            List<Double> sorted;
            synchronized (latencies) {
                sorted = latencies.stream().sorted().toList();
            }
            return new PeerFigures(heapBefore, heapPeak, heapAfter, max, diskBefore, diskBytes(dir), percentile(sorted, 50),
                    percentile(sorted, 99), sorted.size() + unanswered.sum(), unanswered.sum(), alive, oom);
        }

        interface Probe {
            long get() throws Exception;
        }

        private static long safely(Probe p) {
            try {
                return p.get();
            } catch (Exception e) {
                return -1;
            }
        }

        private long heapUsedKb(boolean collectFirst) throws Exception {
            if (collectFirst) {
                jcmd("GC.run");
            }
            Matcher m = USED.matcher(jcmd("GC.heap_info"));
            long used = 0;
            boolean any = false;
            while (m.find()) {
                used += Long.parseLong(m.group(2));
                any = true;
            }
            if (!any) {
                throw new IOException("no heap figure from jcmd");
            }
            return used;
        }

        private long heapMaxKb() throws Exception {
            Matcher m = MAX.matcher(jcmd("VM.flags"));
            return m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
        }

        private String jcmd(String what) throws Exception {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                    Long.toString(process.pid()), what).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("jcmd " + what + " did not finish");
            }
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static double percentile(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    static long diskBytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    // ------------------------------------------------------------------ the report

    private String writeReport(List<GroupResult> results, long seconds, int sources) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# Flood harness report\n\n").append(Instant.now()).append(": ").append(seconds)
                .append(" s per group, ").append(sources).append(" source addresses, ").append(IN_FLIGHT)
                .append(" requests in flight from one producing thread. Heap in MB used (before / peak during / "
                        + "after a full GC, of the max), disk growth of the data dir, /status latency p50 / p99 ms "
                        + "(unanswered probes of all), the teacher's `send --wait` during / after the flood.\n\n");
        b.append("| group | requests: replies by status | teacher (-Xmx256m) | student (-Xmx64m) | next command |\n");
        b.append("|---|---|---|---|---|\n");
        for (GroupResult r : results) {
            StringBuilder routes = new StringBuilder();
            for (Map.Entry<String, Long> e : r.sent().entrySet()) {
                Map<Integer, Long> by = r.replies().getOrDefault(e.getKey(), Map.of());
                StringBuilder codes = new StringBuilder();
                by.forEach((status, n) -> codes.append(codes.length() == 0 ? "" : ", ")
                        .append(status == 0 ? "no answer" : status.toString()).append(" ×").append(n));
                routes.append(routes.length() == 0 ? "" : "; ").append(e.getKey()).append(": ").append(e.getValue())
                        .append(" sent (").append(codes).append(")");
            }
            b.append("| ").append(r.group()).append(" (").append(r.seconds()).append(" s) | ").append(routes)
                    .append(" | ").append(figures(r.teacher())).append(" | ").append(figures(r.student())).append(" | ")
                    .append(sent(r.during())).append(" / ").append(sent(r.after())).append(" |\n");
        }
        String text = b.toString();
        Path out = Path.of("target", "flood-report.md");
        Files.writeString(out, text);
        return text;
    }

    private static String figures(PeerFigures f) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("heap", mb(f.heapBefore()) + " / " + mb(f.heapPeak()) + " / " + mb(f.heapAfter()) + " of "
                + mb(f.heapMax()));
        parts.put("disk", "+" + String.format("%.1f", (f.diskAfter() - f.diskBefore()) / 1e6) + " MB");
        parts.put("status", String.format("%.0f / %.0f ms (%d of %d unanswered)", f.p50(), f.p99(), f.unanswered(),
                f.probes()));
        StringBuilder s = new StringBuilder();
        parts.forEach((k, v) -> s.append(s.length() == 0 ? "" : "; ").append(k).append(" ").append(v));
        if (!f.alive()) {
            s.append("; **process exited**");
        }
        if (f.oom()) {
            s.append("; **OutOfMemoryError in its log**");
        }
        return s.toString();
    }

    private static String mb(long kb) {
        return kb < 0 ? "?" : Long.toString(Math.round(kb / 1024.0));
    }

    private static String sent(Sent s) {
        return s == null ? "not run" : (s.executed() ? "executed" : "**not executed** (exit " + s.exit() + ")") + " in "
                + String.format("%.1f", s.seconds()) + " s";
    }
}
