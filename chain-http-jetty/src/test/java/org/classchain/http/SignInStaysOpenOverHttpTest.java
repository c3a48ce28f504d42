package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.auth.SrpClient;
import org.classchain.core.block.CanonicalJson;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.MutableClock;
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
 * Issue 23, property 5: sign-ins a script starts and never finishes, directly and through every
 * relay it can use, never keep the teacher from signing in, at the teacher's peer or through a
 * student's. Real peers over HTTP, each party on its own 127.0.0.x.
 */
class SignInStaysOpenOverHttpTest {

    private static final Logger LOG = LoggerFactory.getLogger(SignInStaysOpenOverHttpTest.class);
    static final String PW = "the teacher's own password";
    static final String TEACHER_PEER_IP = "127.0.0.71";
    static final String STUDENT_1_IP = "127.0.0.72";
    static final String STUDENT_2_IP = "127.0.0.73";
    static final String TEACHER_IP = "127.0.0.74";
    /** The attacker's own machines: 127.0.0.80 to 127.0.0.99. */
    static final int ATTACKER_IPS = 20;
    /** Addresses from which the attacker posts relays it makes up: 127.0.0.100 to 127.0.0.119. */
    static final int RELAY_IPS = 20;
    /** The right password is answered within this. */
    static final Duration PROMPT = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final Map<String, Integer> answers = new ConcurrentHashMap<>();
    private Peer teacher;
    private Peer student1;
    private Peer student2;

    @BeforeEach
    void classroom() throws Exception {
        teacher = peer("teacher", TEACHER_PEER_IP, null, true);
        student1 = peer("student1", STUDENT_1_IP, teacher.address(), false);
        student2 = peer("student2", STUDENT_2_IP, teacher.address(), false);
        await("the students know the teacher's account", () -> student1.chain() != null && student2.chain() != null
                && student1.chain().accounts().containsKey("teacher")
                && student2.chain().accounts().containsKey("teacher"));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Peer peer(String name, String ip, String seed, boolean teacherAccount) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).clock(clock).difficultyBits(6)
                .transport(JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build())
                .tick(Duration.ofMillis(150)).modules(ModuleRegistry.of(new RecordingModule()));
        if (seed != null) {
            b.seed(seed);
        }
        if (teacherAccount) {
            b.account("teacher", PW).passwordPolicy(new PasswordPolicy(1000, 1000));
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    private Transport transportAt(String ip) {
        Transport t = JettyTransport.builder().bindAddress(ip).build();
        open.add(t);
        return t;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(25);
        }
    }

    private void count(String route, Message m) {
        String key = route + " " + (m instanceof Message.AuthChallenge ? "challenge"
                : m instanceof Message.Rejected r ? String.valueOf(r.code()) : m.getClass().getSimpleName());
        answers.merge(key, 1, Integer::sum);
    }

    /** Sends {@code n} copies of {@code request} from {@code t} to {@code to}, a few at a time; counts the answers. */
    private void flood(Transport t, String to, String route, int n, java.util.function.Supplier<Message> request)
            throws Exception {
        for (int done = 0; done < n; done += 8) {
            List<CompletableFuture<Message>> replies = new ArrayList<>();
            for (int i = done; i < Math.min(n, done + 8); i++) {
                replies.add(t.send(to, request.get()));
            }
            for (CompletableFuture<Message> r : replies) {
                try {
                    count(route, r.get(60, TimeUnit.SECONDS));
                } catch (Exception e) {
                    answers.merge(route + " failed", 1, Integer::sum);
                }
            }
        }
    }

    /** Signs in with the right password from {@code ip} through {@code at}; the time it took. */
    private Duration signIn(String ip, Peer at) throws Exception {
        TeacherClient c = new TeacherClient(transportAt(ip), new SecureRandom(), Duration.ofSeconds(10));
        long t0 = System.nanoTime();
        Message m = c.signIn(at.address(), "teacher", PW);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(m).as("the teacher's sign-in through %s", at).satisfies(r -> {
            if (!(r instanceof Message.AuthConfirmed)) {
                throw new AssertionError("sign-in refused: " + (r instanceof Message.Rejected x
                        ? x.reason() + " (" + x.code() + ")" : String.valueOf(r)));
            }
        });
        return took;
    }

    /**
     * Thousands of challenges for "teacher", never finished: from twenty machines at the
     * teacher's peer and through both students' peers, and relays posted straight to the
     * teacher's peer from twenty more addresses, each naming made-up origins. Then the teacher
     * signs in at the own peer and through each student's.
     */
    @Test
    @Timeout(300)
    void unfinishedSignInsNeverKeepTheTeacherOut() throws Exception {
        // one A for every start: the attacker spends nothing on SRP, the host does its part each time
        Message.AuthStart start = new SrpClient(new CanonicalJson(), new SecureRandom()).start("teacher");
        long t0 = System.nanoTime();
        List<CompletableFuture<Void>> attackers = new ArrayList<>();
        for (int i = 0; i < ATTACKER_IPS; i++) {
            Transport t = transportAt("127.0.0." + (80 + i));
            attackers.add(CompletableFuture.runAsync(() -> {
                try {
                    flood(t, teacher.address(), "direct", 40, () -> start);
                    flood(t, student1.address(), "through student 1", 30, () -> start);
                    flood(t, student2.address(), "through student 2", 30, () -> start);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        for (int i = 0; i < RELAY_IPS; i++) {
            Transport t = transportAt("127.0.0." + (100 + i));
            int relay = i;
            attackers.add(CompletableFuture.runAsync(() -> {
                try {
                    int[] n = {0};
                    flood(t, teacher.address(), "made-up relay", 400, () -> new Message.AuthRelay(UUID.randomUUID(),
                            teacher.nodeId(), 6, start, "10.9." + relay + "." + (n[0]++ % 250)));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        CompletableFuture.allOf(attackers.toArray(CompletableFuture[]::new)).get(240, TimeUnit.SECONDS);
        Duration attack = Duration.ofNanos(System.nanoTime() - t0);
        Map<String, Integer> seen = new TreeMap<>(answers);
        LOG.info("sign-ins started and left unfinished in {} s: {}", attack.toSeconds(), seen);

        Map<String, Duration> took = new TreeMap<>();
        Map<String, String> refused = new TreeMap<>();
        for (Peer at : List.of(teacher, student1, student2)) {
            try {
                took.put(at == teacher ? "teacher's peer" : at == student1 ? "student 1" : "student 2",
                        signIn(TEACHER_IP, at));
            } catch (AssertionError e) {
                refused.put(at.address(), e.getMessage());
            }
        }
        LOG.info("then the teacher signed in: {}; refused: {}", took, refused);
        assertThat(refused).as("the teacher's sign-ins refused after the attack").isEmpty();
        assertThat(took.values()).as("time to sign in").allSatisfy(d -> assertThat(d).isLessThan(PROMPT));
    }
}
