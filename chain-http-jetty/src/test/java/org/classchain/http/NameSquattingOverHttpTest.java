package org.classchain.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.classchain.Block;
import org.classchain.Chain;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.dispatch.ModuleRegistry;
import org.classchain.core.identity.NodeIdentity;
import org.classchain.core.peer.Peer;
import org.classchain.core.testing.RecordingModule;
import org.classchain.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issue 15, attack 5, over real HTTP, each computer on its own 127.0.0.x as on a school LAN: a
 * student (mallory, whose computer already holds her account) scripts {@code POST /accounts} to
 * squat bob's name with her own node key, to take names that look like the teacher's, and to
 * register forty names with forty fresh keys as fast as she can. A computer holds one student
 * account, look-alikes are refused, and the teacher's peer mines the registrations it does
 * accept in a few batched blocks; bob's own computer then registers "bob".
 */
class NameSquattingOverHttpTest {

    private static final Logger LOG = LoggerFactory.getLogger(NameSquattingOverHttpTest.class);
    private static final AtomicInteger NEXT_IP = new AtomicInteger(150);
    static final String PW = "Tr0ub4dor&3 teacher";

    @TempDir
    Path tmp;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private static String nextIp() {
        return "127.0.0." + NEXT_IP.getAndIncrement();
    }

    private Peer peer(String name, String ip, String seed, String user, String password) throws Exception {
        Peer.Builder b = Peer.builder().dataDir(tmp.resolve(name))
                .transport(JettyTransport.builder().host(ip).bindAddress(ip).port(0).rateLimit(5000, 10_000).build())
                .difficultyBits(8).tick(Duration.ofMillis(150)).modules(ModuleRegistry.of(new RecordingModule()))
                .passwordPolicy(new PasswordPolicy(1000, 1000));
        if (seed != null) {
            b.seed(seed);
        }
        if (user != null) {
            b.account(user, password);
        }
        Peer p = b.build();
        open.add(p);
        p.start();
        return p;
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

    /** What a student's script posts to {@code /api/v1/accounts}: the documented registration, signed by {@code key}. */
    private static Message.RegisterAccount registration(String chainId, String username, NodeIdentity key) {
        byte[] signed = ("classchain-register-v1\n" + chainId + "\n" + username + "\n" + key.publicKey().hex())
                .getBytes(StandardCharsets.UTF_8);
        return new Message.RegisterAccount(username, key.publicKey(), key.sign(signed));
    }

    private static Message post(JettyTransport script, String peer, Message request) throws Exception {
        return script.send(peer, request).get(15, TimeUnit.SECONDS);
    }

    private static long accountBlocks(Chain chain) {
        return chain.range(1, Integer.MAX_VALUE).stream().filter(b -> !b.payload().accounts().isEmpty()).count();
    }

    @Test
    @Timeout(120)
    void aStudentCannotSquatNamesNorMakeTheTeachersPeerMineAtWill() throws Exception {
        Peer teacher = peer("teacher", nextIp(), null, "teacher", PW);
        String mallorysIp = nextIp();
        Peer mallory = peer("mallory", mallorysIp, teacher.address(), "mallory", "mallory's password");
        await("mallory's account is on the chain", () -> teacher.chain().accounts().containsKey("mallory"));
        String chainId = teacher.chain().chainId();
        NodeIdentity mallorysKey = NodeIdentity.loadOrCreate(tmp.resolve("mallory"), new SecureRandom());
        assertThat(mallorysKey.nodeId()).isEqualTo(mallory.nodeId());
        JettyTransport script = JettyTransport.builder().bindAddress(mallorysIp).build();
        open.add(script);

        // bob's name, before bob's computer joins, signed by her own computer's key
        Message squat = post(script, teacher.address(), registration(chainId, "bob", mallorysKey));
        assertThat(squat).as("squatting 'bob' from a computer that holds 'mallory'")
                .isInstanceOfSatisfying(Message.Rejected.class, r -> {
                    assertThat(r.code()).isEqualTo(409);
                    assertThat(r.reason()).contains("mallory");
                });

        // names that pass for the teacher's, each from a fresh key
        for (String lookAlike : List.of("Teacher", "TEACHER", "teacher_", "t3acher", "teacher.")) {
            Message r = post(script, teacher.address(), registration(chainId, lookAlike,
                    NodeIdentity.generate(new SecureRandom())));
            assertThat(r).as(lookAlike).isInstanceOfSatisfying(Message.Rejected.class,
                    x -> assertThat(x.code()).isIn(409, 429));
        }

        // forty registrations with forty fresh keys, as fast as the script goes
        long blocksBefore = accountBlocks(teacher.chain());
        long started = System.nanoTime();
        List<String> accepted = new ArrayList<>();
        int limited = 0;
        for (int i = 0; i < 40; i++) {
            String name = "squat" + i;
            Message r = post(script, teacher.address(), registration(chainId, name, NodeIdentity.generate(new SecureRandom())));
            if (r instanceof Message.Ack) {
                accepted.add(name);
            } else if (r instanceof Message.Rejected rej && rej.code() == 429) {
                assertThat(rej.retryAfterSeconds()).isPositive();
                limited++;
            }
        }
        await("every registration accepted is on the chain", () -> accepted.stream()
                .allMatch(n -> teacher.chain().accounts().containsKey(n)));
        long blocks = accountBlocks(teacher.chain()) - blocksBefore;
        LOG.info("forty registrations from one student: {} accepted, {} refused with 429, {} account block(s) mined, "
                + "{} ms", accepted.size(), limited, blocks, (System.nanoTime() - started) / 1_000_000);
        assertThat(accepted.size()).as("registrations accepted from one computer within a minute").isLessThanOrEqualTo(3);
        assertThat(limited).isEqualTo(40 - accepted.size());
        assertThat(blocks).as("account blocks the teacher's peer mined for them").isLessThanOrEqualTo(3);

        // bob's own computer joins and gets his name
        Peer bob = peer("bob", nextIp(), teacher.address(), "bob", "bob's password");
        await("bob's account is on the chain, hosted by bob's computer", () -> teacher.chain().accounts().get("bob") != null
                && teacher.chain().accounts().get("bob").isHostedBy(bob.nodeId()));
        for (Block b : teacher.chain().range(1, Integer.MAX_VALUE)) {
            assertThat(b.payload().accounts().stream().filter(a -> a.hostKeys().contains(mallorysKey.publicKey())))
                    .as("accounts recorded for mallory's computer in block #%d", b.height()).allMatch(a ->
                            a.username().equals("mallory"));
        }
    }
}
