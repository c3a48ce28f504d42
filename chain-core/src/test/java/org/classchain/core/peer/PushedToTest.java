package org.classchain.core.peer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.classchain.Block;
import org.classchain.Command;
import org.classchain.Hash;
import org.classchain.Target;
import org.classchain.core.auth.PasswordPolicy;
import org.classchain.core.client.TeacherClient;
import org.classchain.core.exec.PeerThreads;
import org.classchain.core.net.InMemoryNetwork;
import org.classchain.core.testing.Await;
import org.classchain.core.testing.ForwardingTransport;
import org.classchain.wire.Message;
import org.classchain.wire.MessageHandler;
import org.classchain.wire.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 22: a block produced by the teacher's peer reaches every student in one hop, and an
 * announcement names whom its block is being sent to, so the students do not send it to each other
 * again (DESIGN section 7). The list is the sender's word: a student who lies in it ("everyone has
 * it already") only delays a block, which the peers it kept it from find by comparing heads at
 * their next tick.
 */
class PushedToTest {

    /** Every block announcement a transport sends: from, to, which block. */
    private record Sent(String from, String to, Hash block, List<String> pushedTo) {
    }

    /** Records the announcements sent and received through it; can lose the ones it sends. */
    private static final class Watched extends ForwardingTransport {
        final List<Sent> sent;
        final Map<String, List<Hash>> received;
        final AtomicBoolean loseAnnouncements = new AtomicBoolean();
        final AtomicInteger headChecks = new AtomicInteger();
        volatile boolean syncHeadChecks;

        Watched(Transport inner, List<Sent> sent, Map<String, List<Hash>> received) {
            super(inner);
            this.sent = sent;
            this.received = received;
        }

        @Override
        public void start(MessageHandler handler) throws IOException {
            inner.start((from, m) -> {
                if (m instanceof Message.BlockAnnouncement a) {
                    received.computeIfAbsent(localAddress(), k -> new CopyOnWriteArrayList<>()).add(a.block().hash());
                }
                return handler.handle(from, m);
            });
        }

        @Override
        public CompletableFuture<Message> send(String address, Message request) {
            if (request instanceof Message.BlockAnnouncement a) {
                sent.add(new Sent(localAddress(), address, a.block().hash(), a.pushedTo()));
                if (loseAnnouncements.get()) {
                    return CompletableFuture.completedFuture(new Message.Ack("lost"));
                }
            }
            if (request instanceof Message.GetHead && syncHeadChecks) {
                headChecks.incrementAndGet();
                // answered before the tick ends, so that each tick's comparison is counted exactly
                return CompletableFuture.completedFuture(inner.send(address, request).join());
            }
            return inner.send(address, request);
        }
    }

    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final Map<String, List<Hash>> received = new ConcurrentHashMap<>();

    private static Command record(int n) {
        // no peer here has "record": forced past the host's module check (the chain is what is tested)
        return Command.create("record", Target.all(), Map.of("n", Integer.toString(n)), Instant.now(),
                Duration.ofMinutes(5));
    }

    private static TeacherClient client(InMemoryNetwork net, Peer teacher) throws Exception {
        Transport ct = net.newTransport();
        ct.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
        TeacherClient c = new TeacherClient(ct, new SecureRandom(), Duration.ofSeconds(5));
        assertThat(c.signIn(teacher.address(), "t", "pw")).isInstanceOf(Message.AuthConfirmed.class);
        return c;
    }

    private static int verifiedBy(Peer p) {
        // itself and every verified peer
        Message m = p.handle("mem://test", new Message.GetPeers()).join();
        return m instanceof Message.PeersReply r ? r.peers().size() : -1;
    }

    private List<Sent> sentOf(Hash block) {
        return sent.stream().filter(s -> s.block().equals(block)).toList();
    }

    @Test
    @Timeout(120)
    void aProducedBlockGoesToEveryStudentOnceAndNoStudentSendsItOn() throws Exception {
        int students = 12;
        List<Peer> peers = new ArrayList<>();
        try (InMemoryNetwork net = new InMemoryNetwork(22, 2)) {
            Peer teacher = Peer.builder().transport(new Watched(net.newTransport(), sent, received)).account("t", "pw")
                    .difficultyBits(4).passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(50)).build();
            peers.add(teacher);
            teacher.start();
            for (int i = 0; i < students; i++) {
                Peer s = Peer.builder().transport(new Watched(net.newTransport(), sent, received)).seed(teacher.address())
                        .tick(Duration.ofMillis(50)).build();
                peers.add(s);
                s.start();
            }
            // the teacher has verified every student (each greeted it): it pushes to all of them
            Await.until("the teacher verified every student", Duration.ofSeconds(60),
                    () -> verifiedBy(teacher) == students + 1); // itself first
            TeacherClient c = client(net, teacher);
            for (int n = 1; n <= 3; n++) {
                assertThat(c.submit(teacher.address(), List.of(record(n)), true)).isInstanceOf(Message.Submitted.class);
                long height = n;
                Await.until("every student has block #" + n, Duration.ofSeconds(30),
                        () -> peers.stream().allMatch(p -> p.chain().headInfo().height() == height));
            }
            for (long h = 1; h <= 2; h++) { // the last one's relays may still be under way; these are long done
                Block b = teacher.chain().blockAt(h).orElseThrow();
                List<Sent> all = sentOf(b.hash());
                assertThat(all).as("block #%d sent by the teacher only", h)
                        .allMatch(s -> s.from().equals(teacher.address()));
                assertThat(all).as("block #%d: one POST to each student", h).hasSize(students);
                assertThat(all.get(0).pushedTo()).as("the announcement names the teacher and every student")
                        .hasSize(students + 1).contains(teacher.address());
                for (Peer s : peers.subList(1, peers.size())) {
                    assertThat(received.get(s.address()).stream().filter(b.hash()::equals).count())
                            .as("announcements of #%d received by %s", h, s.address()).isEqualTo(1);
                }
            }
        } finally {
            peers.forEach(Peer::close);
        }
    }

    @Test
    @Timeout(120)
    void aStudentWhoSaysEveryoneHasTheBlockOnlyDelaysItUntilTheNextHeadComparison() throws Exception {
        PeerThreads ticksH = PeerThreads.dedicatedWithManualTicks();
        PeerThreads ticksC = PeerThreads.dedicatedWithManualTicks();
        try (InMemoryNetwork net = new InMemoryNetwork(23, 2)) {
            Watched tt = new Watched(net.newTransport(), sent, received);
            Watched ht = new Watched(net.newTransport(), sent, received);
            Watched ctr = new Watched(net.newTransport(), sent, received);
            Transport liar = net.newTransport();
            liar.start((f, m) -> CompletableFuture.completedFuture(Message.Rejected.of(404, "")));
            try (Peer teacher = Peer.builder().transport(tt).account("t", "pw").difficultyBits(4)
                    .passwordPolicy(new PasswordPolicy(1000, 1000)).tick(Duration.ofMillis(20)).build();
                 Peer h = Peer.builder().transport(ht).seed(teacher.address()).threads(ticksH).build();
                 Peer student = Peer.builder().transport(ctr).seed(h.address()).threads(ticksC).build()) {
                teacher.start();
                h.start();
                student.start();
                for (int i = 0; i < 8 && !(h.status().neighbours().contains(student.address())
                        && h.status().neighbours().contains(teacher.address())
                        && student.status().neighbours().contains(h.address())); i++) {
                    ticksH.tick();
                    ticksC.tick();
                }
                assertThat(h.status().neighbours()).contains(teacher.address(), student.address());
                assertThat(student.status().neighbours()).contains(h.address());
                // the teacher's announcements are lost: each block enters the room through the script
                tt.loseAnnouncements.set(true);
                TeacherClient c = client(net, teacher);

                // honest: announced to H naming nobody else, H sends it on to the student
                assertThat(c.submit(teacher.address(), List.of(record(1)), true)).isInstanceOf(Message.Submitted.class);
                Await.until("the teacher mined #1", Duration.ofSeconds(30), () -> teacher.chain().headInfo().height() == 1);
                Block first = teacher.chain().head();
                assertThat(liar.send(h.address(), new Message.BlockAnnouncement(first, liar.localAddress()))
                        .get(10, TimeUnit.SECONDS)).isEqualTo(new Message.Ack("added"));
                Await.until("H relayed #1 to the student", Duration.ofSeconds(20),
                        () -> student.chain().headInfo().height() == 1);

                // the lie: announced to H naming the student as sent it already
                assertThat(c.submit(teacher.address(), List.of(record(2)), true)).isInstanceOf(Message.Submitted.class);
                Await.until("the teacher mined #2", Duration.ofSeconds(30), () -> teacher.chain().headInfo().height() == 2);
                Block second = teacher.chain().head();
                Message reply = liar.send(h.address(), new Message.BlockAnnouncement(second, liar.localAddress(),
                        List.of(liar.localAddress(), h.address(), student.address()))).get(10, TimeUnit.SECONDS);
                assertThat(reply).isEqualTo(new Message.Ack("added"));
                // H sends it on to the neighbours the list does not name (the teacher), in one go with the rest
                Await.until("H sent #2 on", Duration.ofSeconds(20), () -> sentOf(second.hash()).stream()
                        .anyMatch(s -> s.from().equals(h.address()) && s.to().equals(teacher.address())));
                assertThat(sentOf(second.hash())).as("H believed the list: the student was not sent #2")
                        .noneMatch(s -> s.from().equals(h.address()) && s.to().equals(student.address()));
                assertThat(student.chain().headInfo().height()).isEqualTo(1);

                // the student's next head comparison finds it
                ctr.syncHeadChecks = true;
                int ticks = 0;
                while (student.chain().headInfo().height() < 2 && ticks < 3 * HeadCheck.MAX_HEAD_CHECK_TICKS) {
                    ticksC.tick();
                    ticks++;
                    if (ctr.headChecks.get() > 0) { // it saw a better head: the catch-up it started finishes
                        Await.until("the student caught up with the head it saw", Duration.ofSeconds(20),
                                () -> student.chain().headInfo().height() == 2);
                    }
                }
                assertThat(ticks).as("ticks of the student until it had #2").isBetween(1, HeadCheck.MAX_HEAD_CHECK_TICKS);
                assertThat(student.chain().head()).isEqualTo(second);
                assertThat(received.getOrDefault(student.address(), List.of())).as("#2 never announced to the student")
                        .doesNotContain(second.hash());
            } finally {
                liar.close();
            }
        }
    }
}
