package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.classchain.Attachment;
import org.classchain.Command;
import org.classchain.Receipt;
import org.classchain.ReceiptStatus;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.dispatch.ReceiptSigner;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 23, property 4: a student's receipts reach the teacher whatever a hostile student makes
 * its outbox hold. Real peers over HTTP, each on its own 127.0.0.x; the attacker is a script at
 * another address posting {@code POST /api/v1/receipts} to the victim student's peer.
 */
class ReceiptsGetThroughOverHttpTest {

    private static final Logger LOG = LoggerFactory.getLogger(ReceiptsGetThroughOverHttpTest.class);
    static final String TEACHER_IP = "127.0.0.61";
    static final String VICTIM_IP = "127.0.0.62";
    static final String ATTACKER_IP = "127.0.0.63";
    static final String CLIENT_IP = "127.0.0.64";
    static final String HOSTILE_PEER_IP = "127.0.0.65";
    /** How soon the victim's receipt must be at the teacher's peer. */
    static final Duration PROMPT = Duration.ofSeconds(5);

    @TempDir
    Path tmp;

    private final CanonicalJson json = new CanonicalJson();
    private final SecureRandom random = new SecureRandom();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Peer teacher;
    private Peer victim;
    private Transport attacker;
    private TeacherClient client;

    @BeforeEach
    void classroom() throws Exception {
        teacher = peer("teacher", TEACHER_IP, null, true);
        victim = peer("victim", VICTIM_IP, teacher.address(), false);
        attacker = transportAt(ATTACKER_IP);
        client = new TeacherClient(transportAt(CLIENT_IP), random, Duration.ofSeconds(10));
        assertThat(client.signIn(teacher.address(), "teacher", "pw")).isInstanceOf(Message.AuthConfirmed.class);
        // the victim's receipts arrive before the attack
        UUID first = send();
        await("the victim's first receipt", Duration.ofSeconds(30), () -> hasReceipt(first, victim));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Peer peer(String name, String ip, String seed, boolean teacherAccount) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).difficultyBits(6)
                .transport(JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build())
                .tick(Duration.ofMillis(100)).remineAfter(Duration.ofMillis(800))
                .modules(ModuleRegistry.of(new RecordingModule()));
        if (seed != null) {
            b.seed(seed);
        }
        if (teacherAccount) {
            b.account("teacher", "pw").passwordPolicy(new PasswordPolicy(1000, 1000));
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    private Transport transportAt(String ip) throws Exception {
        Transport t = JettyTransport.builder().host(ip).bindAddress(ip).port(0).build();
        t.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
        open.add(t);
        return t;
    }

    /** The teacher sends one command to every student; its id. */
    private UUID send() throws Exception {
        Command c = new Command(UUID.randomUUID(), "record", Target.all(), Map.of(),
                Instant.now().plus(Duration.ofMinutes(5)));
        assertThat(client.submit(teacher.address(), List.of(c))).isInstanceOf(Message.Submitted.class);
        return c.id();
    }

    private boolean hasReceipt(UUID command, Peer from) {
        return teacher.report(command).receipts().stream().anyMatch(r -> r.peerId().equals(from.nodeId()));
    }

    /** How long until the victim's receipt for {@code command} is at the teacher's, or null past {@code limit}. */
    private Duration receiptDelay(UUID command, Duration limit) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + limit.toNanos();
        while (!hasReceipt(command, victim)) {
            if (System.nanoTime() > end) {
                return null;
            }
            Thread.sleep(20);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static void await(String what, Duration within, java.util.function.BooleanSupplier c)
            throws InterruptedException {
        long end = System.nanoTime() + within.toNanos();
        while (!c.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + within + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private Message post(String to, List<Receipt> receipts) throws Exception {
        return attacker.send(to, new Message.Receipts(receipts)).get(30, TimeUnit.SECONDS);
    }

    private boolean knows(Peer at, Peer other) {
        try {
            return client.peers(at.address()).stream().anyMatch(p -> p.nodeId().equals(other.nodeId()));
        } catch (Exception e) {
            return false;
        }
    }

    private static String describe(Message m) {
        return m instanceof Message.Rejected r ? r.code() + " " + r.reason() : String.valueOf(m);
    }

    /**
     * Receipts the teacher's peer cannot take in one request: twenty, each with the largest
     * attachment, signed by a computer nobody knows, handed to the victim in two posts of ten.
     * Before the fix they stood at the head of the victim's outbox, every batch it sent was
     * refused (413) and none of its own receipts ever arrived.
     */
    @Test
    @Timeout(120)
    void oversizeReceiptsOfOthersDoNotBlockTheVictimsOwn() throws Exception {
        NodeIdentity madeUp = NodeIdentity.generate(random);
        ReceiptSigner signer = new ReceiptSigner(madeUp);
        byte[] screen = new byte[Attachment.MAX_BYTES - 1024];
        random.nextBytes(screen);
        List<String> replies = new ArrayList<>();
        for (int post = 0; post < 2; post++) {
            List<Receipt> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(signer.sign(UUID.randomUUID(), ReceiptStatus.EXECUTED, "", Instant.now(),
                        new Attachment("image/png", screen)));
            }
            replies.add(describe(post(victim.address(), batch)));
        }
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            delays.add(receiptDelay(send(), Duration.ofSeconds(15)));
        }
        LOG.info("oversize receipts posted to the victim: replies {}; the victim's next 3 receipts at the teacher "
                + "after {} (null: not within 15 s)", replies, delays);
        assertThat(delays).as("time until each of the victim's receipts is at the teacher's peer")
                .allSatisfy(d -> assertThat(d).isNotNull().isLessThan(PROMPT));
    }

    /**
     * Receipts the teacher's peer refuses for now (503: a computer it does not know): twenty
     * thousand of them, small, handed to the victim. Before the fix they went first, two hundred
     * per tick, and the victim's own receipt waited behind all of them.
     */
    @Test
    @Timeout(180)
    void refusedReceiptsOfOthersDoNotDelayTheVictimsOwn() throws Exception {
        List<String> replies = new ArrayList<>();
        for (int post = 0; post < 20; post++) {
            ReceiptSigner signer = new ReceiptSigner(NodeIdentity.generate(random));
            List<Receipt> batch = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                batch.add(signer.sign(UUID.randomUUID(), ReceiptStatus.EXECUTED, "", Instant.now(), null));
            }
            replies.add(describe(post(victim.address(), batch)));
        }
        Duration delay = receiptDelay(send(), Duration.ofSeconds(60));
        LOG.info("20,000 receipts of made-up computers posted to the victim: replies {}; the victim's next receipt "
                + "at the teacher after {} (null: not within 60 s)", replies.stream().distinct().toList(), delay);
        assertThat(delay).as("time until the victim's receipt is at the teacher's peer").isNotNull()
                .isLessThan(PROMPT);
    }

    /**
     * A hostile student's own peer (verified by the victim: it could be on the route) hands the
     * victim its own receipts, as many as it can. The victim forwards a bounded share, refuses
     * the rest, and its own receipts still go first.
     */
    @Test
    @Timeout(120)
    void aClassmatesReceiptsAreForwardedWithinBoundsAndBehindTheVictimsOwn() throws Exception {
        Peer hostile = peer("hostile", HOSTILE_PEER_IP, victim.address(), false);
        await("the victim knows the hostile peer", Duration.ofSeconds(30),
                () -> knows(victim, hostile));
        NodeIdentity hostileKey = NodeIdentity.loadOrCreate(tmp.resolve("hostile"), random);
        assertThat(hostileKey.nodeId()).isEqualTo(hostile.nodeId());
        ReceiptSigner signer = new ReceiptSigner(hostileKey);
        int accepted = 0;
        int refused = 0;
        List<String> replies = new ArrayList<>();
        for (int post = 0; post < 40; post++) {
            List<Receipt> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                batch.add(signer.sign(UUID.randomUUID(), ReceiptStatus.EXECUTED, "x".repeat(400), Instant.now(),
                        null));
            }
            Message m = post(victim.address(), batch);
            replies.add(describe(m));
            if (m instanceof Message.Ack) {
                accepted += batch.size();
            } else {
                refused += batch.size();
            }
        }
        Duration delay = receiptDelay(send(), Duration.ofSeconds(30));
        LOG.info("2,000 receipts of a classmate's own peer posted to the victim: {} taken, {} refused ({}); "
                + "the victim's next receipt at the teacher after {}", accepted, refused,
                replies.stream().distinct().toList(), delay);
        assertThat(accepted).as("receipts of one classmate the victim holds for forwarding").isLessThanOrEqualTo(100);
        assertThat(delay).as("time until the victim's receipt is at the teacher's peer").isNotNull()
                .isLessThan(PROMPT);
    }
}
