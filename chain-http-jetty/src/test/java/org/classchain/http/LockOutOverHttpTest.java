package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
import org.slf4j.LoggerFactory;

/**
 * Issue 15, item 3: nobody can lock the teacher out. Real peers over HTTP, each party calling from
 * its own 127.0.0.x, so that the host sees the addresses a school LAN would show it; the hour of
 * the guessing budget is the peers' clock, moved by the test.
 */
class LockOutOverHttpTest {

    static final String PW = "the teacher's own password";
    static final String TEACHER_IP = "127.0.0.1";
    static final String ATTACKER_IP = "127.0.0.2";
    static final String RELAYED_ATTACKER_IP = "127.0.0.3";
    static final String RELAYED_TEACHER_IP = "127.0.0.4";
    static final String STUDENT_PEER_IP = "127.0.0.5";
    /** The right password is never delayed longer than this (DESIGN 5). */
    static final Duration PROMPT = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock();
    private final List<AutoCloseable> open = new ArrayList<>();
    private Peer teacher;
    private Peer student;

    @BeforeEach
    void classroom() throws Exception {
        teacher = peer("teacher", TEACHER_IP, null, "teacher");
        student = peer("student", STUDENT_PEER_IP, teacher.address(), null);
        await("the student's peer knows the teacher's account", () -> student.chain() != null
                && student.chain().accounts().containsKey("teacher"));
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private Peer peer(String name, String ip, String seed, String user) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name)).clock(clock).difficultyBits(6)
                .transport(JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build())
                .tick(Duration.ofMillis(150)).modules(ModuleRegistry.of(new RecordingModule()))
                .passwordPolicy(new PasswordPolicy(1000, 1000));
        if (seed != null) {
            b.seed(seed);
        }
        if (user != null) {
            b.account(user, PW);
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
    }

    /** A client calling from {@code ip}. */
    private TeacherClient clientAt(String ip) {
        Transport t = JettyTransport.builder().bindAddress(ip).build();
        open.add(t);
        return new TeacherClient(t, new SecureRandom(), Duration.ofSeconds(10));
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

    /** Signs in with the right password and checks that it took less than {@link #PROMPT}. */
    private void signsInPromptly(TeacherClient c, String peer) throws Exception {
        long t0 = System.nanoTime();
        Message m = c.signIn(peer, "teacher", PW);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(m).as("the teacher's sign-in with the right password").satisfies(r -> {
            if (!(r instanceof Message.AuthConfirmed)) {
                throw new AssertionError("sign-in refused: " + describe(r));
            }
        });
        assertThat(took).as("time to sign in").isLessThan(PROMPT);
    }

    private static String withoutNumbers(String s) {
        return s.replaceAll("[0-9]+", "N");
    }

    private static String describe(Message m) {
        return m instanceof Message.Rejected r ? r.reason() + " (" + r.code() + ")" : String.valueOf(m);
    }

    /**
     * The attack as reported: nine wrong sign-ins, each after waiting out the Retry-After it was
     * given (the peers' clock is moved by that much), then the real teacher.
     */
    private void nineWrongGuesses(TeacherClient attacker, String peer) throws Exception {
        for (int i = 0; i < 9; i++) {
            Message m = attacker.signIn(peer, "teacher", "guess " + i);
            while (m instanceof Message.Rejected r && r.code() == 429) {
                clock.advance(Duration.ofSeconds(r.retryAfterSeconds()));
                m = attacker.signIn(peer, "teacher", "guess " + i);
            }
            assertThat(m).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(401));
        }
    }

    @Test
    @Timeout(120)
    void nineWrongGuessesFromAStudentDoNotDelayTheTeacher() throws Exception {
        nineWrongGuesses(clientAt(ATTACKER_IP), teacher.address());
        signsInPromptly(clientAt(TEACHER_IP), teacher.address());
    }

    @Test
    @Timeout(120)
    void nineWrongGuessesRelayedThroughAStudentsPeerDoNotDelayTheTeacherThere() throws Exception {
        nineWrongGuesses(clientAt(RELAYED_ATTACKER_IP), student.address());
        signsInPromptly(clientAt(RELAYED_TEACHER_IP), student.address());
        signsInPromptly(clientAt(TEACHER_IP), teacher.address());
    }

    @Test
    @Timeout(180)
    void atMostAHundredWrongGuessesAnHourAndTheRightPasswordStillWorks() throws Exception {
        TeacherClient attacker = clientAt(ATTACKER_IP);
        int tried = 0;
        int refused = 0;
        String refusal = null;
        // 150 guesses spread over one hour
        for (int i = 0; i < 150; i++) {
            Message m = attacker.signIn(teacher.address(), "teacher", "guess " + i);
            assertThat(m).isInstanceOf(Message.Rejected.class);
            Message.Rejected r = (Message.Rejected) m;
            if (r.code() == 401) {
                tried++;
            } else {
                assertThat(r.code()).as(r.reason()).isEqualTo(429);
                assertThat(r.retryAfterSeconds()).isPositive();
                refusal = r.reason();
                refused++;
            }
            clock.advance(Duration.ofSeconds(24));
        }
        // the rule first: whatever the attacker did, the teacher gets in at once
        signsInPromptly(clientAt(TEACHER_IP), teacher.address());
        LoggerFactory.getLogger(LockOutOverHttpTest.class).info("150 guesses in an hour: {} checked, {} refused unchecked",
                tried, refused);
        assertThat(tried).as("wrong guesses the host checked in an hour").isBetween(90, 100);
        assertThat(refused).as("guesses refused unchecked").isEqualTo(150 - tried);

        // the budget is spent: the attacker's own right guess is refused unchecked, like its wrong ones
        Message drained;
        do {
            drained = attacker.signIn(teacher.address(), "teacher", "one more");
        } while (drained instanceof Message.Rejected r && r.code() == 401);
        Message right = attacker.signIn(teacher.address(), "teacher", PW);
        assertThat(right).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(429));
        assertThat(withoutNumbers(((Message.Rejected) right).reason())).isEqualTo(withoutNumbers(refusal))
                .isEqualTo(withoutNumbers(((Message.Rejected) drained).reason()));

        // a guess relayed through a student's peer from another machine: a few checked, then refused
        TeacherClient relayed = clientAt(RELAYED_ATTACKER_IP);
        int relayedTried = 0;
        for (int i = 0; i < 10; i++) {
            Message m = relayed.signIn(student.address(), "teacher", "relayed guess " + i);
            if (m instanceof Message.Rejected r && r.code() == 401) {
                relayedTried++;
            } else {
                assertThat(m).isInstanceOfSatisfying(Message.Rejected.class, r -> assertThat(r.code()).isEqualTo(429));
            }
        }
        assertThat(relayedTried).as("guesses checked over budget from one more machine").isLessThanOrEqualTo(3);

        // and the teacher, at the own peer or through that student's peer, signs in at once
        signsInPromptly(clientAt(TEACHER_IP), teacher.address());
        signsInPromptly(clientAt(RELAYED_TEACHER_IP), student.address());
    }

    @Test
    @Timeout(120)
    void anUnknownAccountAndAWrongPasswordGetTheSameAnswerOnEveryRoute() throws Exception {
        for (Peer at : List.of(teacher, student)) {
            Message.Rejected wrong = finishWith(at, "teacher", "not the password");
            Message.Rejected unknown = finishWith(at, "nobody", "not the password");
            assertThat(unknown.code()).as("status at " + at).isEqualTo(wrong.code()).isEqualTo(401);
            assertThat(unknown.reason()).as("text at " + at).isEqualTo(wrong.reason());
        }
    }

    /** Start and finish one sign-in at {@code at}: both rounds must be answered alike for any name. */
    private Message.Rejected finishWith(Peer at, String username, String password) throws Exception {
        TeacherClient transport = clientAt(ATTACKER_IP);
        SrpClient srp = new SrpClient(new CanonicalJson(), new SecureRandom());
        Message challenge = transport.call(at.address(), srp.start(username));
        assertThat(challenge).as("the challenge for '%s' at %s: %s", username, at, describe(challenge))
                .isInstanceOf(Message.AuthChallenge.class);
        Message.AuthChallenge c = (Message.AuthChallenge) challenge;
        assertThat(c.session()).as("routed to the teacher's host, like a real account")
                .startsWith(teacher.nodeId() + ".");
        assertThat(c.iterations()).isEqualTo(1000);
        Message m = transport.call(at.address(), srp.respond(c, password));
        assertThat(m).isInstanceOf(Message.Rejected.class);
        return (Message.Rejected) m;
    }
}
